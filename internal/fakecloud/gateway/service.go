// Package gateway is the fake cloud's API gateway family: APIG dedicated gateways and ROMA Connect APIC, one
// implementation under their base paths, with its routes, state, error table, quirks and fixture section.
package gateway

import (
	"slices"
	"sync"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

// Flavor tells the two gateway products apart; they share one implementation.
type Flavor string

const (
	FlavorAPIG Flavor = "apig" // base path /v2/{project_id}/apigw/instances/{instance_id}
	FlavorROMA Flavor = "roma" // base path /v2/{project_id}/apic/instances/{instance_id}; an older instance serves app-auths under /v1 (romaBases)
)

// Options configure the gateways; the zero value is ready to use.
type Options struct {
	WriteDelay time.Duration // how long a write keeps its (instance, app) busy; a write meeting a busy app gets 500 APIG.3500

	// Alternatives for behaviour the documentation leaves open; the zero value picks the default (see quirks.go).
	DuplicateAuthError bool // create app-auths naming an authorized (app, API, env) fails as a whole with 400 APIG.3316 instead of answering it SKIPPED
	ConflictAfterWrite bool // a write meeting a busy app is applied before it is answered 500 APIG.3500, instead of changing nothing
	SkippedWithoutID   bool // a SKIPPED item of create app-auths leaves out the existing record's id (quirk skipped-without-id)
	ROMAV1             bool // ROMA Connect serves its app-auth calls only under /v1, as an older instance (quirk roma-v1); by default only under /v2
}

// Service is the gateway family plugged into the fake cloud's core (core.Service). It is safe for concurrent
// use.
type Service struct {
	opts Options
	now  func() time.Time

	mu sync.Mutex // guards everything below
	// projects holds the instances of each project, by project ID and instance ID; a project without
	// instances is absent.
	projects map[string]map[string]*instance
	// writeHeld, if set, runs while a write holds its apps busy, before its delay; tests use it to overlap
	// writes without depending on timing.
	writeHeld func()
}

// New returns the gateways without any instance; now is the service clock (core.Server.Now).
func New(opts Options, now func() time.Time) *Service {
	return &Service{opts: opts, now: now, projects: map[string]map[string]*instance{}}
}

func (g *Service) Name() string               { return "gateway" }
func (g *Service) Scope() core.Scope          { return core.ScopeProject }
func (g *Service) Errors() core.ServiceErrors { return serviceErrors }

// base is one base path a gateway flavour is served under, with the calls it serves there.
type base struct {
	flavor Flavor
	prefix string
	calls  callGroup
	// romaV1 marks ROMA Connect's first API generation: it answers create app-auths with a bare array
	// (see createAuthsBody).
	romaV1 bool
}

// callGroup is a set of calls a base path serves.
type callGroup uint8

const (
	objectCalls  callGroup = 1 << iota // the instance, apps, environments, APIs and publishing
	appAuthCalls                       // the app-auths family: create, binded-apis, unbinded-apis, binded-apps, cancel
	appACLCalls                        // PUT, GET and DELETE apps/{app_id}/app-acl
	allCalls     = objectCalls | appAuthCalls | appACLCalls
)

const (
	apigPrefix   = "/v2/{project_id}/apigw/instances/{instance_id}"
	romaV1Prefix = "/v1/{project_id}/apic/instances/{instance_id}"
	romaV2Prefix = "/v2/{project_id}/apic/instances/{instance_id}"
)

// bases are the base paths the gateways serve: APIG's one, and ROMA Connect's (see romaBases).
func (g *Service) bases() []base {
	return append([]base{{flavor: FlavorAPIG, prefix: apigPrefix, calls: allCalls}}, romaBases(g.opts.ROMAV1)...)
}

// Routes registers every base path's calls. A call a base path does not serve answers there as an unknown
// route (APIG.0101), as on the real gateways.
func (g *Service) Routes(r *core.Routes) {
	for _, b := range g.bases() {
		handle := func(method, path string, h handler) { r.Handle(method, b.prefix+path, g.enter(b, h)) }
		r.Claim(b.prefix + "/")
		if b.calls&objectCalls != 0 {
			handle("GET", "", g.showInstance)
			handle("POST", "/apps", createOne[appFields](g, (*instance).addApp))
			handle("GET", "/apps", listOf(g, "apps", g.listApps))
			handle("GET", "/apps/{app_id}", showOne(g, "app_id", (*instance).app))
			handle("DELETE", "/apps/{app_id}", deleteOne(g, "app_id", dropApp))
			handle("POST", "/envs", createOne[envFields](g, (*instance).addEnv))
			handle("GET", "/envs", listOf(g, "envs", g.listEnvs))
			handle("DELETE", "/envs/{env_id}", g.deleteEnv)
			handle("POST", "/apis", createOne[apiFields](g, (*instance).addAPI))
			handle("GET", "/apis", listOf(g, "apis", g.listAPIs))
			handle("GET", "/apis/{api_id}", showOne(g, "api_id", (*instance).api))
			handle("DELETE", "/apis/{api_id}", deleteOne(g, "api_id", dropAPI))
			handle("POST", "/apis/action", g.publishAPI)
		}
		if b.calls&appAuthCalls != 0 {
			handle("POST", "/app-auths", g.createAppAuths)
			handle("GET", "/app-auths/binded-apis", listOf(g, "auths", boundList("app_id", (*instance).app, boundAPIsFilter)))
			handle("GET", "/app-auths/unbinded-apis", listOf(g, "apis", g.listUnboundAPIs))
			handle("GET", "/app-auths/binded-apps", listOf(g, "auths", boundList("api_id", (*instance).api, boundAppsFilter)))
			handle("DELETE", "/app-auths/{app_auth_id}", g.deleteAppAuth)
		}
		if b.calls&appACLCalls != 0 {
			handle("PUT", "/apps/{app_id}/app-acl", g.putAppACL)
			handle("GET", "/apps/{app_id}/app-acl", g.showAppACL)
			handle("DELETE", "/apps/{app_id}/app-acl", g.deleteAppACL)
		}
	}
}

// call is one gateway request: the core has authenticated the caller and allowed it in the path's project.
type call struct {
	*core.Call
	inst *instance // the path's instance
	base base      // the base path the request came in on
}

// handler is the shape of every gateway call; it decodes, validates, changes state and says what to answer.
type handler func(c *call) (core.Reply, *core.Error)

// enter finds the path's instance, which must be of the base's flavour, and runs h.
func (g *Service) enter(b base, h handler) core.Handler {
	return func(c *core.Call) (core.Reply, *core.Error) {
		id := c.PathValue("instance_id")
		g.mu.Lock()
		in := g.projects[c.ProjectID][id]
		g.mu.Unlock()
		if in == nil || in.flavor != b.flavor {
			return core.Fail(errInstanceNotFound.With(id))
		}
		// Instances are never removed, so the pointer stays valid after the lock is released.
		return h(&call{Call: c, inst: in, base: b})
	}
}

func (g *Service) showInstance(c *call) (core.Reply, *core.Error) {
	return core.OK(instanceView{ID: c.inst.id, InstanceName: c.inst.name, Status: "Running"})
}

type instanceView struct {
	ID           string `json:"id"`
	InstanceName string `json:"instance_name"`
	Status       string `json:"status"`
}

// SetWriteDelay changes Options.WriteDelay for the writes that begin from now on (tests: a write that lands
// after the provider stopped waiting, then quick writes).
func (g *Service) SetWriteDelay(d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.opts.WriteDelay = d
}

// write applies a write that touches appIDs. The real gateway takes a while to spread a write to its nodes
// (etcd), and a second write for the same app meanwhile fails with APIG.3500; the fake keeps the apps busy
// for Options.WriteDelay and answers the same (see writeConflict). apply runs under g.mu and does the
// validation that depends on state, so it sees the state as it is after the delay.
func (g *Service) write(in *instance, appIDs []string, apply func() (core.Reply, *core.Error)) (core.Reply, *core.Error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if slices.ContainsFunc(appIDs, func(id string) bool { return in.busy[id] }) {
		return g.writeConflict(apply)
	}
	if g.opts.WriteDelay > 0 {
		for _, id := range appIDs {
			in.busy[id] = true
		}
		held := g.writeHeld
		g.mu.Unlock()
		if held != nil {
			held()
		}
		time.Sleep(g.opts.WriteDelay)
		g.mu.Lock()
		for _, id := range appIDs {
			delete(in.busy, id)
		}
	}
	return apply()
}
