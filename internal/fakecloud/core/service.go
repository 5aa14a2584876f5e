package core

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
)

// Service is one cloud service family plugged into the core: the gateways today, ModelArts and the service
// tickets (OSM) later. The core serves its routes after doing what every service does the same way (reading
// the body, authenticating the caller, checking its scope, faults, the request log), and answers the
// failures of those steps in the service's own codes.
type Service interface {
	// Name keys the service's section of the fixture and of the admin state ("gateway", "modelarts", "osm").
	Name() string
	// Scope says where a caller of the service acts: in a project or in the whole account.
	Scope() Scope
	// Errors are the service's answers to what the core turns away before the service sees it.
	Errors() ServiceErrors
	// Routes registers the service's calls.
	Routes(r *Routes)
	// LoadSection checks the service's section of a fixture and returns the change that adds it. It must
	// change nothing itself, and apply must not fail: Server.LoadFixture loads every section or none.
	// tenants tells which projects and accounts exist once the fixture's own projects are added.
	LoadSection(section json.RawMessage, tenants Tenants) (apply func(), err error)
	// SnapshotSection returns the service's whole state in the shape of its fixture section, or nil when it
	// holds nothing. It is also what the admin endpoint GET /_fakecloud/state shows of the service.
	SnapshotSection() any
}

// Scope is where a caller acts.
type Scope int

const (
	// ScopeProject services serve paths carrying {project_id}: a token must be scoped to that project; an
	// AK/SK caller may act in every project of the account.
	ScopeProject Scope = iota + 1
	// ScopeAccount services are global (OSM): a token must be scoped to the account (domain), and an AK/SK
	// caller names the account in X-Domain-Id, as the clouds' SDKs do for global services.
	ScopeAccount

	// The core's own IAM routes: the login needs no credentials, and any caller of the account may list
	// its projects.
	scopePublic
	scopeAnyCaller
	// The admin endpoints (Options.Admin): no credentials, no request log, no faults.
	scopeAdmin
)

func (s Scope) String() string {
	switch s {
	case ScopeProject:
		return "project"
	case ScopeAccount:
		return "account"
	case scopePublic:
		return "public"
	case scopeAnyCaller:
		return "any caller"
	case scopeAdmin:
		return "admin"
	}
	return fmt.Sprintf("Scope(%d)", int(s))
}

// ServiceErrors are the answers the core gives on a service's behalf, in the service's own codes. Rows
// marked with a format verb receive the value named.
type ServiceErrors struct {
	Malformed    ErrorDef // 400: a body that is not JSON of the expected shape
	BodyTooLarge ErrorDef // 413, %d: the limit in bytes (Options.MaxBodyBytes)

	TokenMissing ErrorDef // 401: neither X-Auth-Token nor Authorization
	TokenExpired ErrorDef // 401
	TokenInvalid ErrorDef // 401: a token the cloud never issued
	Forbidden    ErrorDef // 403: a valid caller outside the service's scope (another project, the wrong account)

	SignatureMalformed ErrorDef // 401: an Authorization or X-Sdk-Date header that cannot be parsed
	AccessKeyUnknown   ErrorDef // 401, %s: the access key
	ClockSkew          ErrorDef // 401, %s: the X-Sdk-Date value
	SignatureMismatch  ErrorDef // 401

	UnknownRoute ErrorDef // 404: a path or method under a prefix the service claims (Routes.Claim)
	SystemError  ErrorDef // 500: the default of an injected Fault on the service's paths
}

// Handler is the shape of every API handler: the request arrives with its body read and its caller
// authenticated and allowed in the scope; the handler decodes, validates, changes state and says what to
// answer.
type Handler func(c *Call) (Reply, *Error)

// check says which row a service left unset: the core would answer it with status 0.
func (e ServiceErrors) check() error {
	v := reflect.ValueOf(e)
	for i := range v.NumField() {
		if def := v.Field(i).Interface().(ErrorDef); def.Status == 0 || def.Code == "" {
			return fmt.Errorf("error row %s is not set", v.Type().Field(i).Name)
		}
	}
	return nil
}

// Routes is where a service registers its calls.
type Routes struct {
	srv     *Server
	service string // the registering service's name, for the route table
	scope   Scope
	errs    ServiceErrors
}

// Handle registers a call. For a ScopeProject service the pattern must carry {project_id}.
func (r *Routes) Handle(method, pattern string, h Handler) {
	r.handle(method, pattern, r.scope, h)
}

func (r *Routes) handle(method, pattern string, scope Scope, h Handler) {
	if scope == ScopeProject && !strings.Contains(pattern, "{project_id}") {
		panic("fakecloud: project-scoped route without {project_id}: " + pattern)
	}
	r.srv.mux.HandleFunc(method+" "+pattern, r.srv.endpoint(r.errs, r.srv.serve(scope, r.errs, h)))
	r.srv.addRoute(RouteInfo{Service: r.service, Method: method, Pattern: pattern, Scope: scope, Errors: r.errs})
}

// Claim makes every other request under prefix (an unknown path, or a method a known path does not have)
// answer the service's UnknownRoute. A prefix ending in "/" claims the subtree; one without claims just that
// path, whose other methods the subtree's claim would otherwise answer with a redirect to the subtree.
func (r *Routes) Claim(prefix string) {
	errs := r.errs
	r.srv.mux.HandleFunc(prefix, r.srv.endpoint(errs, func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, errs.UnknownRoute.With())
	}))
}

// Call is one API request on its way through a handler.
type Call struct {
	Request *http.Request
	Body    []byte
	Caller  Caller
	// ProjectID is the project a ScopeProject call acts in (the path's); AccountID the account every
	// authenticated call acts in.
	ProjectID, AccountID string

	errs        ServiceErrors
	bodyRefused bool // readBody stopped reading the body: the connection must not be reused
}

// Decode parses the JSON body; unknown fields are ignored, as the clouds do.
func (c *Call) Decode(v any) *Error {
	if err := json.Unmarshal(c.Body, v); err != nil {
		return c.errs.Malformed.With()
	}
	return nil
}

// Query returns a query parameter; PathValue a path wildcard.
func (c *Call) Query(name string) string     { return c.Request.URL.Query().Get(name) }
func (c *Call) PathValue(name string) string { return c.Request.PathValue(name) }

// Reply is a success answer; a nil Body sends none.
type Reply struct {
	Status int
	Body   any
	Header http.Header
}

func OK(body any) (Reply, *Error)      { return Reply{Status: http.StatusOK, Body: body}, nil }
func Created(body any) (Reply, *Error) { return Reply{Status: http.StatusCreated, Body: body}, nil }
func NoContent() (Reply, *Error)       { return Reply{Status: http.StatusNoContent}, nil }
func Fail(err *Error) (Reply, *Error)  { return Reply{}, err }
