// Package modelarts is the fake cloud's ModelArts: the app authentication of real-time services (apps, the
// services' APIs and which apps may call them), with its routes, state, error table, quirks and fixture section.
package modelarts

import (
	"sync"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

// Service is ModelArts plugged into the fake cloud's core (core.Service). It is safe for concurrent use.
type Service struct {
	now func() time.Time

	mu sync.Mutex // guards everything below; every call holds it from decoding its body to encoding its answer
	// projects holds the state of each project by ID; a project is added on its first call and left out of
	// snapshots while it holds nothing.
	projects map[string]*project
}

// New returns ModelArts holding nothing; now is the service clock (core.Server.Now).
func New(now func() time.Time) *Service {
	return &Service{now: now, projects: map[string]*project{}}
}

func (s *Service) Name() string               { return "modelarts" }
func (s *Service) Scope() core.Scope          { return core.ScopeProject }
func (s *Service) Errors() core.ServiceErrors { return serviceErrors }

const projectBase = "/v1/{project_id}"

// Routes registers ModelArts' calls, and claims the two path families they live in so that an unknown call
// there answers in ModelArts' codes rather than the front door's.
func (s *Service) Routes(r *core.Routes) {
	r.Claim(projectBase + "/app-auth/")
	r.Claim(projectBase + "/services/")
	handle := func(method, path string, h handler) { r.Handle(method, projectBase+path, s.enter(h)) }

	handle("POST", "/app-auth/apps", createApp)
	handle("GET", "/app-auth/apps", listApps)
	handle("GET", "/app-auth/apps/{app_name}/exists", appExists)
	handle("DELETE", "/app-auth/apps/{app_id}", deleteApp)

	handle("GET", "/services/{service_id}/app-auth-apis", listAPIs)
	handle("GET", "/services/{service_id}/api-auths", showServiceAuths)
	handle("GET", "/services/{service_id}/app-auth-apis/{api_id}/api-auths", listAPIAuths)

	const authPath = "/services/{service_id}/app-auth-apis/{api_id}/app-auth-api"
	handle("POST", authPath, authCall(grant(false)))
	handle("PUT", authPath, authCall(grant(true)))
	handle("DELETE", authPath, authCall(revoke))
	// The same revoke under its older path, which the API reference names as an equivalent.
	handle("DELETE", "/app-auth/{service_id}/apis/{api_id}/auths", authCall(revoke))
}

// call is one ModelArts request: the core has authenticated the caller and allowed it in the path's project.
type call struct {
	*core.Call
	proj *project
	now  time.Time
}

// handler is the shape of every ModelArts call: it decodes, validates, changes state and says what to
// answer, holding Service.mu throughout.
type handler func(c *call) (core.Reply, *core.Error)

func (s *Service) enter(h handler) core.Handler {
	return func(c *core.Call) (core.Reply, *core.Error) {
		now := s.now()
		s.mu.Lock()
		defer s.mu.Unlock()
		return h(&call{Call: c, proj: s.project(c.ProjectID), now: now})
	}
}

// project returns a project's state, adding it empty on first use; s.mu must be held.
func (s *Service) project(id string) *project {
	p := s.projects[id]
	if p == nil {
		p = newProject(id)
		s.projects[id] = p
	}
	return p
}
