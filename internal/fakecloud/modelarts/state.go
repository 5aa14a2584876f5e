package modelarts

import (
	"slices"
	"strings"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

// project is ModelArts' state in one project.
type project struct {
	id       string
	apps     map[string]*appRecord     // by app ID
	services map[string]*serviceRecord // by service ID
	auths    map[authKey]Authorization // which app may call which API, per workspace
}

type appRecord struct {
	App              // WorkspaceID, AppKey, AppSecret and AppType filled in
	created, updated time.Time
}

// serviceRecord is a real-time service with its APIs, in the service's order.
type serviceRecord struct {
	id, name string
	apis     []*API
}

// authKey names one authorization: an app may call a service API in a workspace.
type authKey struct{ workspaceID, serviceID, apiID, appID string }

func (a Authorization) key() authKey { return authKey{a.WorkspaceID, a.ServiceID, a.APIID, a.AppID} }

func newProject(id string) *project {
	return &project{id: id, apps: map[string]*appRecord{}, services: map[string]*serviceRecord{}, auths: map[authKey]Authorization{}}
}

func (p *project) empty() bool { return len(p.apps) == 0 && len(p.services) == 0 && len(p.auths) == 0 }

func (p *project) app(id string) (*appRecord, *core.Error) {
	if a, ok := p.apps[id]; ok {
		return a, nil
	}
	return nil, errAppNotFound.With(id)
}

// appByName returns the app of that name, in any workspace, or nil.
func (p *project) appByName(name string) *appRecord {
	for _, a := range p.apps {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// appIn returns the app if it exists in the workspace, nil otherwise.
func (p *project) appIn(id, workspaceID string) *appRecord {
	if a := p.apps[id]; a != nil && a.WorkspaceID == workspaceID {
		return a
	}
	return nil
}

func (p *project) service(id string) (*serviceRecord, *core.Error) {
	if s, ok := p.services[id]; ok {
		return s, nil
	}
	return nil, errServiceNotFound.With(id)
}

func (s *serviceRecord) api(id string) (*API, *core.Error) {
	for _, a := range s.apis {
		if a.ID == id {
			return a, nil
		}
	}
	return nil, errAPINotFound.With(id, s.id)
}

// serviceAPI finds a service and one of its APIs, failing with the not-found of the first that is missing.
func (p *project) serviceAPI(serviceID, apiID string) (*serviceRecord, *API, *core.Error) {
	svc, err := p.service(serviceID)
	if err != nil {
		return nil, nil, err
	}
	api, err := svc.api(apiID)
	if err != nil {
		return nil, nil, err
	}
	return svc, api, nil
}

// sortedApps returns the apps that pass keep, by name.
func (p *project) sortedApps(keep func(*appRecord) bool) []*appRecord {
	var out []*appRecord
	for _, a := range p.apps {
		if keep(a) {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b *appRecord) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// authsOf returns the authorizations that pass keep, sorted.
func (p *project) authsOf(keep func(Authorization) bool) []Authorization {
	var out []Authorization
	for _, a := range p.auths {
		if keep(a) {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, compareAuths)
	return out
}

func compareAuths(a, b Authorization) int {
	for _, c := range [][2]string{{a.WorkspaceID, b.WorkspaceID}, {a.ServiceID, b.ServiceID}, {a.APIID, b.APIID}, {a.AppID, b.AppID}} {
		if n := strings.Compare(c[0], c[1]); n != 0 {
			return n
		}
	}
	return 0
}

// boundAPICount is how many APIs the app may call.
func (p *project) boundAPICount(appID string) int {
	return len(p.authsOf(func(a Authorization) bool { return a.AppID == appID }))
}

func (p *project) deleteAuths(drop func(Authorization) bool) {
	for k, a := range p.auths {
		if drop(a) {
			delete(p.auths, k)
		}
	}
}

func (p *project) removeApp(id string) {
	delete(p.apps, id)
	p.deleteAuths(func(a Authorization) bool { return a.AppID == id })
}

func (p *project) removeAPI(svc *serviceRecord, apiID string) {
	svc.apis = slices.DeleteFunc(svc.apis, func(a *API) bool { return a.ID == apiID })
	p.deleteAuths(func(a Authorization) bool { return a.ServiceID == svc.id && a.APIID == apiID })
}
