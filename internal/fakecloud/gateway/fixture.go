package gateway

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

// Fixture is the gateways' section of a fixture ("gateway"): the instances of each project. The projects
// themselves are the fixture's top-level "projects" (or the two every fake cloud has).
type Fixture = core.ProjectSection[ProjectFixture]

// ProjectFixture holds the instances of one project.
type ProjectFixture struct {
	ID        string            `json:"id"`
	Instances []InstanceFixture `json:"instances"`
}

func (p ProjectFixture) ProjectID() string { return p.ID }

// InProject is a section holding instances in one project, the common case of a test.
func InProject(projectID string, instances ...InstanceFixture) Fixture {
	return Fixture{Projects: []ProjectFixture{{ID: projectID, Instances: instances}}}
}

type InstanceFixture struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Flavor   Flavor    `json:"flavor"` // "apig" or "roma"
	Apps     []App     `json:"apps,omitempty"`
	Envs     []Env     `json:"envs,omitempty"` // the built-in DEFAULT_ENVIRONMENT_RELEASE_ID/RELEASE always exists in addition
	APIs     []API     `json:"apis,omitempty"`
	AppAuths []AppAuth `json:"app_auths,omitempty"` // ID may be empty → generated
	AppACLs  []AppACL  `json:"app_acls,omitempty"`
}

// App is a gateway app (credential). Empty ID, AppKey and AppSecret are generated; Creator defaults to "USER",
// AppType to the instance's flavour.
type App struct {
	ID          string `json:"id,omitempty"`
	Name        string `json:"name"`
	Remark      string `json:"remark,omitempty"`
	AppKey      string `json:"app_key,omitempty"`
	AppSecret   string `json:"app_secret,omitempty"`
	Creator     string `json:"creator,omitempty"`
	AppType     string `json:"app_type,omitempty"`
	RomaAppType string `json:"roma_app_type,omitempty"`
}

// Env is a gateway environment; an empty ID is generated.
type Env struct {
	ID     string `json:"id,omitempty"`
	Name   string `json:"name"`
	Remark string `json:"remark,omitempty"`
}

// API is a gateway API. An empty ID is generated; Type defaults to 1 (public), AuthType to "NONE".
type API struct {
	ID            string   `json:"id,omitempty"`
	Name          string   `json:"name"`
	GroupID       string   `json:"group_id,omitempty"`
	GroupName     string   `json:"group_name,omitempty"`
	ReqMethod     string   `json:"req_method"`
	ReqURI        string   `json:"req_uri"`
	AuthType      string   `json:"auth_type,omitempty"`
	Remark        string   `json:"remark,omitempty"`
	Type          int      `json:"type,omitempty"`           // 1 public (default), 2 private
	PublishedEnvs []string `json:"published_envs,omitempty"` // env IDs it is published (online) in
}

// AppAuth is an app authorization record. Empty ID is generated; AuthTime defaults to now, AuthRole to
// "PROVIDER", AuthTunnel to "NORMAL". InstanceID is filled in on the way out and ignored on the way in.
type AppAuth struct {
	ID            string    `json:"id,omitempty"`
	InstanceID    string    `json:"instance_id,omitempty"`
	AppID         string    `json:"app_id"`
	APIID         string    `json:"api_id"`
	EnvID         string    `json:"env_id"`
	AuthRole      string    `json:"auth_role,omitempty"`
	AuthTunnel    string    `json:"auth_tunnel,omitempty"`
	VisitParam    string    `json:"visit_param,omitempty"`
	AuthTime      time.Time `json:"auth_time,omitzero"`
	AuthWhitelist []string  `json:"auth_whitelist,omitempty"`
	AuthBlacklist []string  `json:"auth_blacklist,omitempty"`
}

// AppACL is an app's access control list; it is also the JSON body of the app-acl calls.
type AppACL struct {
	AppID  string   `json:"app_id"`
	Type   string   `json:"app_acl_type"`
	Values []string `json:"app_acl_values"`
}

// LoadSection implements core.Service: it checks a Fixture and returns the change that adds its instances.
// Instances that already exist cannot be loaded again.
func (g *Service) LoadSection(section json.RawMessage, tenants core.Tenants) (apply func(), err error) {
	f, err := core.DecodeProjectSection[ProjectFixture](section, tenants)
	if err != nil {
		return nil, err
	}
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	staged := map[string]map[string]*instance{} // project ID → instance ID → instance
	for _, pf := range f.Projects {
		if staged[pf.ID] == nil {
			staged[pf.ID] = map[string]*instance{}
		}
		for _, fi := range pf.Instances {
			if staged[pf.ID][fi.ID] != nil || g.projects[pf.ID][fi.ID] != nil {
				return nil, fmt.Errorf("instance %s already exists in project %s", fi.ID, pf.ID)
			}
			in, err := buildInstance(fi, now)
			if err != nil {
				return nil, fmt.Errorf("instance %q of project %s: %w", fi.ID, pf.ID, err)
			}
			staged[pf.ID][fi.ID] = in
		}
	}
	return func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		for pid, instances := range staged {
			if len(instances) == 0 {
				continue
			}
			if g.projects[pid] == nil {
				g.projects[pid] = map[string]*instance{}
			}
			maps.Copy(g.projects[pid], instances)
		}
	}, nil
}

// buildInstance makes an instance from its fixture with the same checks the API makes when the objects are
// created one by one, except that an authorization may name an unpublished or non-APP API (a state the cloud
// reaches when an API changes after it was authorized).
func buildInstance(fi InstanceFixture, now time.Time) (*instance, error) {
	switch {
	case !idPattern.MatchString(fi.ID):
		return nil, errors.New("invalid instance ID")
	case fi.Name == "":
		return nil, errors.New("missing name")
	case fi.Flavor != FlavorAPIG && fi.Flavor != FlavorROMA:
		return nil, fmt.Errorf("flavor %q is neither %q nor %q", fi.Flavor, FlavorAPIG, FlavorROMA)
	}
	in := newInstance(fi.ID, fi.Name, fi.Flavor, now)
	for _, a := range fi.Apps {
		if _, err := in.addApp(a, now); err != nil {
			return nil, fmt.Errorf("app %q: %w", a.Name, err)
		}
	}
	for _, e := range fi.Envs {
		if e.ID == releaseEnvID {
			return nil, fmt.Errorf("env %s is built in", releaseEnvID)
		}
		if _, err := in.addEnv(e, now); err != nil {
			return nil, fmt.Errorf("env %q: %w", e.Name, err)
		}
	}
	for _, a := range fi.APIs {
		rec, err := in.addAPI(a, now)
		if err != nil {
			return nil, fmt.Errorf("api %q: %w", a.Name, err)
		}
		for _, envID := range a.PublishedEnvs {
			if _, err := in.env(envID); err != nil {
				return nil, fmt.Errorf("api %q: %w", a.Name, err)
			}
			in.publish(rec.ID, envID, "", now)
		}
	}
	for _, a := range fi.AppAuths {
		if _, err := in.addAuth(a, now); err != nil {
			return nil, fmt.Errorf("app auth of app %s to api %s in env %s: %w", a.AppID, a.APIID, a.EnvID, err)
		}
	}
	for _, acl := range fi.AppACLs {
		if _, err := in.app(acl.AppID); err != nil {
			return nil, fmt.Errorf("app acl: %w", err)
		}
		if err := validateACL(acl); err != nil {
			return nil, fmt.Errorf("app acl of app %s: %w", acl.AppID, err)
		}
		in.acls[acl.AppID] = &AppACL{AppID: acl.AppID, Type: acl.Type, Values: slices.Clone(acl.Values)}
	}
	return in, nil
}

// SnapshotSection implements core.Service.
func (g *Service) SnapshotSection() any { return g.Snapshot().OrNil() }

// Snapshot returns every instance as a fixture section, sorted; projects without instances are left out.
func (g *Service) Snapshot() Fixture {
	g.mu.Lock()
	defer g.mu.Unlock()
	var projects []ProjectFixture
	for pid, instances := range g.projects {
		pf := ProjectFixture{ID: pid}
		for _, in := range instances {
			pf.Instances = append(pf.Instances, in.fixture())
		}
		slices.SortFunc(pf.Instances, func(a, b InstanceFixture) int { return strings.Compare(a.ID, b.ID) })
		projects = append(projects, pf)
	}
	return core.SortedSection(projects)
}

func (in *instance) fixture() InstanceFixture {
	fi := InstanceFixture{ID: in.id, Name: in.name, Flavor: in.flavor}
	for _, a := range in.apps {
		fi.Apps = append(fi.Apps, a.App)
	}
	slices.SortFunc(fi.Apps, func(a, b App) int { return strings.Compare(a.Name, b.Name) })
	for _, e := range in.envs {
		if e.ID != releaseEnvID {
			fi.Envs = append(fi.Envs, e.Env)
		}
	}
	slices.SortFunc(fi.Envs, func(a, b Env) int { return strings.Compare(a.Name, b.Name) })
	for _, a := range in.apis {
		api := a.API
		api.PublishedEnvs = in.publishedEnvs(a.ID)
		fi.APIs = append(fi.APIs, api)
	}
	slices.SortFunc(fi.APIs, func(a, b API) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	for _, a := range in.auths {
		fi.AppAuths = append(fi.AppAuths, copyAuth(a))
	}
	slices.SortFunc(fi.AppAuths, func(a, b AppAuth) int { return strings.Compare(a.ID, b.ID) })
	for _, acl := range in.acls {
		fi.AppACLs = append(fi.AppACLs, AppACL{AppID: acl.AppID, Type: acl.Type, Values: slices.Clone(acl.Values)})
	}
	slices.SortFunc(fi.AppACLs, func(a, b AppACL) int { return strings.Compare(a.AppID, b.AppID) })
	return fi
}

func copyAuth(a *AppAuth) AppAuth {
	c := *a
	c.AuthWhitelist, c.AuthBlacklist = slices.Clone(a.AuthWhitelist), slices.Clone(a.AuthBlacklist)
	return c
}
