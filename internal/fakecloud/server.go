// Package fakecloud is an in-memory stand-in for the Huawei Cloud / Open Telekom Cloud IAM, APIG and ROMA Connect
// APIs the provider calls: a real HTTP server with the clouds' paths, status codes, JSON shapes and error bodies.
package fakecloud

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Flavor tells the two gateway products apart; they share one implementation.
type Flavor string

const (
	FlavorAPIG Flavor = "apig" // base path /v2/{project_id}/apigw/instances/{instance_id}
	FlavorROMA Flavor = "roma" // base paths /v1/{project_id}/apic/instances/{instance_id} and /v2/{project_id}/apic/instances/{instance_id}
)

// Defaults used when Options leave a field empty. Project IDs are 32 lower-case hex chars.
const (
	DefaultProjectID   = "0b5b0b8c5c0b4a6b9e8a6c4d2e1f0a9b"
	DefaultProjectName = "eu-de"                            // region name doubles as project name, as on the real clouds
	OtherProjectID     = "9f8e7d6c5b4a39281706f5e4d3c2b1a0" // a second project in the same domain
	OtherProjectName   = "eu-nl"
	DefaultDomainName  = "demo-domain"
	DefaultUserName    = "demo-user"
	DefaultPassword    = "demo-password-123"
	DefaultAccessKey   = "FAKEACCESSKEY0000001"
	DefaultSecretKey   = "fakeSecretKey0000000000000000000000000001"
	DefaultToken       = "fake-token-default-project" // pre-issued, valid, scoped to DefaultProjectID
	OtherProjectToken  = "fake-token-other-project"   // pre-issued, valid, scoped to OtherProjectID
)

// Options configure a Server; the zero value is ready to use.
type Options struct {
	Now          func() time.Time // clock for token expiry, AK/SK date check, auth_time etc.; nil = time.Now
	WriteDelay   time.Duration    // how long a gateway write keeps its (instance, app) busy; a write meeting a busy app gets 500 APIG.3500
	Admin        bool             // serve the /_fakecloud/ admin endpoints (request log, fixture, state, faults)
	MaxBodyBytes int64            // request body limit; 0 = 1 MiB

	// Alternatives for behaviour the documentation leaves open; the zero value picks the default (see quirks.go).
	DuplicateAuthError bool // create app-auths naming an authorized (app, API, env) fails as a whole with 400 APIG.3316 instead of answering it SKIPPED
	ConflictAfterWrite bool // a write meeting a busy app is applied before it is answered 500 APIG.3500, instead of changing nothing
}

// Server is the fake cloud. It is safe for concurrent use; every Server has its own state.
type Server struct {
	opts  Options
	mux   *http.ServeMux // the cloud APIs
	admin *http.ServeMux // nil unless Options.Admin

	mu       sync.Mutex // guards everything below
	st       *state
	requests []*RequestRecord
	faults   []*activeFault
	// writeHeld, if set, runs while a write holds its apps busy, before its delay; tests use it to overlap
	// writes without depending on timing.
	writeHeld func()
}

// New returns a server holding the two projects DefaultProject* and OtherProject*, without any gateway.
func New(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 1 << 20
	}
	s := &Server{opts: opts, st: newState()}
	s.mux = s.routes()
	if opts.Admin {
		s.admin = s.adminRoutes()
	}
	return s
}

// Credentials are the identities the server accepts.
type Credentials struct {
	ProjectID, ProjectName, OtherProjectID, OtherProjectName                       string
	DomainName, UserName, Password, AccessKey, SecretKey, Token, OtherProjectToken string
}

// Credentials returns the identities the server accepts.
func (s *Server) Credentials() Credentials {
	return Credentials{
		ProjectID: DefaultProjectID, ProjectName: DefaultProjectName,
		OtherProjectID: OtherProjectID, OtherProjectName: OtherProjectName,
		DomainName: DefaultDomainName, UserName: DefaultUserName, Password: DefaultPassword,
		AccessKey: DefaultAccessKey, SecretKey: DefaultSecretKey,
		Token: DefaultToken, OtherProjectToken: OtherProjectToken,
	}
}

func (s *Server) now() time.Time { return s.opts.Now().UTC().Truncate(time.Second) }

// ServeHTTP answers one request: admin endpoints directly, everything else through the request log and
// fault injection to the cloud API routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Request-Id", newID())
	if s.admin != nil && strings.HasPrefix(r.URL.Path, adminPrefix) {
		s.admin.ServeHTTP(w, r)
		return
	}
	rec := s.logArrival(r)
	sw := &statusWriter{ResponseWriter: w}
	s.serveWithFaults(sw, r)
	s.logStatus(rec, sw.status)
}

func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	// The catch-all also takes wrong methods on known paths: the gateway answers those as unknown APIs too.
	mux.HandleFunc("/", notFound)
	mux.HandleFunc("POST /v3/auth/tokens", s.route(nil, s.issueToken))
	mux.HandleFunc("GET /v3/projects", s.route(s.authenticate, s.listProjects))
	for _, g := range gatewayBases {
		s.registerGateway(mux, g)
	}
	return mux
}

func notFound(w http.ResponseWriter, _ *http.Request) { writeError(w, errUnknownRoute.with()) }

// handler is the shape of every API handler: the request arrives with its body read and its caller
// authenticated (by route's prepare step); the handler validates, changes state and says what to answer.
type handler func(c *call) (reply, *apiError)

// call is one API request on its way through a handler.
type call struct {
	r    *http.Request
	body []byte
	// scope is the project the caller's token is scoped to; "" for an AK/SK caller, who may use every project.
	scope string
	inst  *instance   // the gateway instance of the path, for gateway routes
	gw    gatewayBase // the base path the request came in on, for gateway routes
}

// decode parses the JSON body; unknown fields are ignored, as the clouds do.
func (c *call) decode(v any) *apiError {
	if err := json.Unmarshal(c.body, v); err != nil {
		return errParameter.with()
	}
	return nil
}

func (c *call) query(name string) string { return c.r.URL.Query().Get(name) }

type reply struct {
	status int
	body   any // nil: no body
	header http.Header
}

func ok(body any) (reply, *apiError)        { return reply{status: http.StatusOK, body: body}, nil }
func created(body any) (reply, *apiError)   { return reply{status: http.StatusCreated, body: body}, nil }
func noContent() (reply, *apiError)         { return reply{status: http.StatusNoContent}, nil }
func fail(err *apiError) (reply, *apiError) { return reply{}, err }

// route adapts a handler to net/http: read the body, run prepare (authentication, instance lookup) if
// given, run the handler and encode its answer.
func (s *Server) route(prepare func(*call) *apiError, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rep, err := s.run(&call{r: r}, prepare, h)
		if err != nil {
			writeError(w, err)
			return
		}
		for k, v := range rep.header {
			w.Header()[k] = v
		}
		writeJSON(w, rep.status, rep.body)
	}
}

func (s *Server) run(c *call, prepare func(*call) *apiError, h handler) (reply, *apiError) {
	var err *apiError
	if c.body, err = s.readBody(c.r); err != nil {
		return fail(err)
	}
	if prepare != nil {
		if err := prepare(c); err != nil {
			return fail(err)
		}
	}
	return h(c)
}

// readBody reads the whole body, which AK/SK verification needs before any handler runs.
func (s *Server) readBody(r *http.Request) ([]byte, *apiError) {
	b, err := io.ReadAll(io.LimitReader(r.Body, s.opts.MaxBodyBytes+1))
	if err != nil || int64(len(b)) > s.opts.MaxBodyBytes {
		return nil, errParameter.with()
	}
	return b, nil
}

func writeError(w http.ResponseWriter, err *apiError) {
	writeJSON(w, err.status, map[string]string{"error_code": err.code, "error_msg": err.msg})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	if body == nil {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// The status line is gone already; an encoding failure here can only be a client that went away.
	_ = json.NewEncoder(w).Encode(body)
}

// statusWriter remembers the status sent, for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection, for faults that drop it.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
