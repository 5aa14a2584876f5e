package fakecloud

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

// Fixture is the JSON seed format: the standalone server loads one from a file, tests build it in Go, and
// Snapshot returns the whole state in it.
type Fixture struct {
	Projects []ProjectFixture `json:"projects"`
}

type ProjectFixture struct {
	ID        string            `json:"id"`             // one of the two known projects, or a new one (then Name is required)
	Name      string            `json:"name,omitempty"` // the region name
	Instances []InstanceFixture `json:"instances"`
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

// Load adds the fixture's projects and instances. It checks everything first, every reference included,
// and changes nothing when it fails. Instances that already exist cannot be loaded again.
func (s *Server) Load(f Fixture) error {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()

	type staged struct {
		id, name  string
		instances []*instance
	}
	var stage []staged
	names := map[string]string{} // project ID → name, known and staged
	for id, p := range s.st.projects {
		names[id] = p.name
	}
	loaded := map[string]bool{} // "project/instance" loaded by this fixture
	for _, pf := range f.Projects {
		if !projectIDPattern.MatchString(pf.ID) {
			return fmt.Errorf("fakecloud: project ID %q is not 32 lower-case hex characters", pf.ID)
		}
		name, known := names[pf.ID]
		switch {
		case known && pf.Name != "" && pf.Name != name:
			return fmt.Errorf("fakecloud: project %s is named %q, not %q", pf.ID, name, pf.Name)
		case !known && pf.Name == "":
			return fmt.Errorf("fakecloud: new project %s needs a name", pf.ID)
		case !known:
			for otherID, otherName := range names {
				if otherName == pf.Name {
					return fmt.Errorf("fakecloud: project name %q is taken by project %s", pf.Name, otherID)
				}
			}
			name = pf.Name
			names[pf.ID] = name
		}
		st := staged{id: pf.ID, name: name}
		for _, fi := range pf.Instances {
			key := pf.ID + "/" + fi.ID
			if p := s.st.projects[pf.ID]; loaded[key] || (p != nil && p.instances[fi.ID] != nil) {
				return fmt.Errorf("fakecloud: instance %s already exists in project %s", fi.ID, pf.ID)
			}
			loaded[key] = true
			in, err := buildInstance(fi, now)
			if err != nil {
				return fmt.Errorf("fakecloud: instance %q of project %s: %w", fi.ID, pf.ID, err)
			}
			st.instances = append(st.instances, in)
		}
		stage = append(stage, st)
	}

	for _, st := range stage {
		p := s.st.projects[st.id]
		if p == nil {
			p = s.st.addProject(st.id, st.name)
		}
		for _, in := range st.instances {
			p.instances[in.id] = in
		}
	}
	return nil
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

// LoadFile loads a fixture from a JSON file; unknown fields are an error, to catch typos.
func (s *Server) LoadFile(path string) error {
	file, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("fakecloud: %w", err)
	}
	defer file.Close()
	var f Fixture
	if err := decodeStrict(file, &f); err != nil {
		return fmt.Errorf("fakecloud: %s: %w", path, err)
	}
	return s.Load(f)
}

// decodeStrict decodes JSON written by hand (fixtures, faults), where an unknown field is a typo.
func decodeStrict(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// Snapshot returns the whole state (tokens aside) as a fixture, sorted; loading it into a new server
// reproduces the objects.
func (s *Server) Snapshot() Fixture {
	s.mu.Lock()
	defer s.mu.Unlock()
	var f Fixture
	for _, p := range s.st.projects {
		pf := ProjectFixture{ID: p.id, Name: p.name, Instances: []InstanceFixture{}}
		for _, in := range p.instances {
			pf.Instances = append(pf.Instances, in.fixture())
		}
		slices.SortFunc(pf.Instances, func(a, b InstanceFixture) int { return strings.Compare(a.ID, b.ID) })
		f.Projects = append(f.Projects, pf)
	}
	slices.SortFunc(f.Projects, func(a, b ProjectFixture) int { return strings.Compare(a.ID, b.ID) })
	return f
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

// Inspection and behind-the-back changes for tests. projectID "" means DefaultProjectID.

// instanceFor finds an instance for the helpers below; s.mu must be held.
func (s *Server) instanceFor(projectID, instanceID string) (*instance, error) {
	projectID = cmp.Or(projectID, DefaultProjectID)
	p := s.st.projects[projectID]
	if p == nil {
		return nil, fmt.Errorf("fakecloud: unknown project %s", projectID)
	}
	in := p.instances[instanceID]
	if in == nil {
		return nil, fmt.Errorf("fakecloud: unknown instance %s in project %s", instanceID, projectID)
	}
	return in, nil
}

// AppAuths returns copies of the instance's authorization records, sorted by ID; nil for an unknown instance.
func (s *Server) AppAuths(projectID, instanceID string) []AppAuth {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, err := s.instanceFor(projectID, instanceID)
	if err != nil {
		return nil
	}
	out := make([]AppAuth, 0, len(in.auths))
	for _, a := range in.auths {
		out = append(out, copyAuth(a))
	}
	slices.SortFunc(out, func(a, b AppAuth) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// AppACL returns a copy of the app's ACL, if it has one.
func (s *Server) AppACL(projectID, instanceID, appID string) (AppACL, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, err := s.instanceFor(projectID, instanceID)
	if err != nil {
		return AppACL{}, false
	}
	acl, found := in.acls[appID]
	if !found {
		return AppACL{}, false
	}
	return AppACL{AppID: acl.AppID, Type: acl.Type, Values: slices.Clone(acl.Values)}, true
}

// AddAppAuth stores a record as if it was created in the console: its app, API and environment must exist,
// but the API need not be published or use app authentication. It returns the record with its ID.
func (s *Server) AddAppAuth(projectID, instanceID string, a AppAuth) (AppAuth, error) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	in, err := s.instanceFor(projectID, instanceID)
	if err != nil {
		return AppAuth{}, err
	}
	stored, apiErr := in.addAuth(a, now)
	if apiErr != nil {
		return AppAuth{}, fmt.Errorf("fakecloud: %w", apiErr)
	}
	return copyAuth(stored), nil
}

// RemoveAppAuth deletes a record behind the provider's back.
func (s *Server) RemoveAppAuth(projectID, instanceID, authID string) error {
	return s.change(projectID, instanceID, func(in *instance) error {
		if in.auths[authID] == nil {
			return errAuthNotFound.with(authID)
		}
		delete(in.auths, authID)
		return nil
	})
}

// RemoveAppACL deletes an app's ACL behind the provider's back; it fails when the app has none.
func (s *Server) RemoveAppACL(projectID, instanceID, appID string) error {
	return s.change(projectID, instanceID, func(in *instance) error {
		if in.acls[appID] == nil {
			return fmt.Errorf("app %s has no ACL", appID)
		}
		delete(in.acls, appID)
		return nil
	})
}

// RemoveApp deletes an app with its authorizations and ACL.
func (s *Server) RemoveApp(projectID, instanceID, appID string) error {
	return s.change(projectID, instanceID, func(in *instance) error {
		if _, err := in.app(appID); err != nil {
			return err
		}
		in.removeApp(appID)
		return nil
	})
}

// RemoveAPI deletes an API with its publications and authorizations.
func (s *Server) RemoveAPI(projectID, instanceID, apiID string) error {
	return s.change(projectID, instanceID, func(in *instance) error {
		if _, err := in.api(apiID); err != nil {
			return err
		}
		in.removeAPI(apiID)
		return nil
	})
}

func (s *Server) change(projectID, instanceID string, f func(*instance) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, err := s.instanceFor(projectID, instanceID)
	if err != nil {
		return err
	}
	if err := f(in); err != nil {
		return fmt.Errorf("fakecloud: %w", err)
	}
	return nil
}
