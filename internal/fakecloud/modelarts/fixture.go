package modelarts

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

// Fixture is ModelArts' section of a fixture ("modelarts"): the apps, services and authorizations of each
// project. The projects themselves are the fixture's top-level "projects" (or the two every fake cloud has).
type Fixture = core.ProjectSection[ProjectFixture]

// ProjectFixture holds ModelArts' objects in one project.
type ProjectFixture struct {
	ID             string           `json:"id"`
	Apps           []App            `json:"apps,omitempty"`
	Services       []ServiceFixture `json:"services,omitempty"`
	Authorizations []Authorization  `json:"authorizations,omitempty"`
}

func (p ProjectFixture) ProjectID() string { return p.ID }

// InProject is a section holding apps, services and authorizations in one project, the common case of a test.
func InProject(projectID string, apps []App, services []ServiceFixture, auths ...Authorization) Fixture {
	return Fixture{Projects: []ProjectFixture{{ID: projectID, Apps: apps, Services: services, Authorizations: auths}}}
}

// App is an app. An empty ID, AppKey or AppSecret is generated; AppType defaults to "APIG", WorkspaceID to "0".
// An ID is 32 lower-case hex characters or "logic-app-<uuid>".
type App struct {
	ID          string `json:"app_id,omitempty"`
	Name        string `json:"app_name"`
	Remark      string `json:"app_remark,omitempty"`
	AppKey      string `json:"app_key,omitempty"`
	AppSecret   string `json:"app_secret,omitempty"`
	AppType     string `json:"app_type,omitempty"` // APIG, APIC or DEDICATE_APIG
	WorkspaceID string `json:"workspace_id,omitempty"`
}

// ServiceFixture is a real-time service and its APIs, in the order they are listed. An empty ID (a UUID) is
// generated.
type ServiceFixture struct {
	ID   string `json:"service_id,omitempty"`
	Name string `json:"service_name"`
	APIs []API  `json:"apis,omitempty"`
}

// API is a real-time service's API. An empty ID (32 lower-case hex characters or "logic-api-<uuid>") and
// PredictURL are generated; AuthType (APP, IAM or NONE) defaults to "IAM".
type API struct {
	ID             string `json:"api_id,omitempty"`
	Name           string `json:"api_name"`
	AuthType       string `json:"auth_type,omitempty"`
	PredictURL     string `json:"predict_url,omitempty"`
	SupportAppCode bool   `json:"support_app_code,omitempty"`
}

// Authorization lets an app call a service API in a workspace. An empty AuthID is generated; WorkspaceID
// defaults to "0", and the app must be in that workspace. The API may use any auth_type.
type Authorization struct {
	AuthID      string `json:"auth_id,omitempty"`
	WorkspaceID string `json:"workspace_id,omitempty"`
	ServiceID   string `json:"service_id"`
	APIID       string `json:"api_id"`
	AppID       string `json:"app_id"`
}

// LoadSection implements core.Service: it checks a Fixture and returns the change that adds its objects.
// A project is loaded once: one that holds ModelArts objects already cannot be loaded into.
func (s *Service) LoadSection(section json.RawMessage, tenants core.Tenants) (apply func(), err error) {
	f, err := core.DecodeProjectSection[ProjectFixture](section, tenants)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	staged := map[string]*project{}
	for _, pf := range f.Projects {
		switch live := s.projects[pf.ID]; {
		case staged[pf.ID] != nil:
			return nil, fmt.Errorf("project %s is listed twice", pf.ID)
		case live != nil && !live.empty():
			return nil, fmt.Errorf("project %s holds ModelArts objects already", pf.ID)
		}
		p, err := buildProject(pf, s.now())
		if err != nil {
			return nil, fmt.Errorf("project %s: %w", pf.ID, err)
		}
		staged[pf.ID] = p
	}
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		for id, p := range staged {
			// Merged rather than replaced, so that what a request added since the check stays.
			live := s.project(id)
			maps.Copy(live.apps, p.apps)
			maps.Copy(live.services, p.services)
			maps.Copy(live.auths, p.auths)
		}
	}, nil
}

// buildProject makes a project from its fixture with the checks the API makes when apps are created one by
// one; services and authorizations have theirs (addService, addAuth).
func buildProject(pf ProjectFixture, now time.Time) (*project, error) {
	p := newProject(pf.ID)
	for _, a := range pf.Apps {
		if _, err := p.addApp(a, now); err != nil {
			return nil, fmt.Errorf("app %q: %w", a.Name, err)
		}
	}
	for _, sf := range pf.Services {
		if err := p.addService(sf); err != nil {
			return nil, fmt.Errorf("service %q: %w", sf.Name, err)
		}
	}
	for _, a := range pf.Authorizations {
		if _, err := p.addAuth(a); err != nil {
			return nil, fmt.Errorf("authorization of app %s to api %s of service %s: %w", a.AppID, a.APIID, a.ServiceID, err)
		}
	}
	return p, nil
}

// SnapshotSection implements core.Service.
func (s *Service) SnapshotSection() any { return s.Snapshot().OrNil() }

// Snapshot returns every project's objects as a fixture section, sorted; projects holding nothing are left out.
func (s *Service) Snapshot() Fixture {
	s.mu.Lock()
	defer s.mu.Unlock()
	var projects []ProjectFixture
	for _, p := range s.projects {
		if !p.empty() {
			projects = append(projects, p.fixture())
		}
	}
	return core.SortedSection(projects)
}

func (p *project) fixture() ProjectFixture {
	pf := ProjectFixture{ID: p.id, Authorizations: p.authsOf(func(Authorization) bool { return true })}
	for _, a := range p.sortedApps(func(*appRecord) bool { return true }) {
		pf.Apps = append(pf.Apps, a.App)
	}
	for _, id := range slices.Sorted(maps.Keys(p.services)) {
		svc := p.services[id]
		sf := ServiceFixture{ID: svc.id, Name: svc.name}
		for _, a := range svc.apis {
			sf.APIs = append(sf.APIs, *a)
		}
		pf.Services = append(pf.Services, sf)
	}
	return pf
}
