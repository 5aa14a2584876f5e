// Package core is what every service of the fake cloud shares: the HTTP server and its routing, identity (IAM
// tokens, AK/SK signatures, project and account scope), the request log, faults, admin endpoints and fixtures.
package core

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Options configure a Server; the zero value is ready to use.
type Options struct {
	Now   func() time.Time // clock for token expiry, the AK/SK date check and the services; nil = time.Now
	Admin bool             // serve the /_fakecloud/ admin endpoints (request log, fixture, state, faults)
	// MaxBodyBytes limits every request body; 0 = 1 MiB. A larger body is answered 413 in the service's
	// codes (ServiceErrors.BodyTooLarge) without being read past the limit.
	MaxBodyBytes int64
	// Latency holds every cloud API request (admin endpoints aside) this long before it is served, to model
	// a real cloud's round trip.
	Latency time.Duration
	// Throttles are the API front door's throttling policies (throttle.go); zero: none.
	Throttles Throttles
}

// Server is the core of the fake cloud; services plug into it with Register. It is safe for concurrent use.
type Server struct {
	opts  Options
	mux   *http.ServeMux // the cloud APIs
	admin *http.ServeMux // nil unless Options.Admin

	services []Service     // in registration order
	front    ServiceErrors // answers what no service claims (SetFrontDoor)
	loadMu   sync.Mutex    // serialises fixture loads, so what a load checks still holds when it applies

	mu       sync.Mutex // guards everything below
	id       identity
	requests []*RequestRecord
	faults   []*activeFault
	chaos    *chaos      // nil unless SetChaos turned it on
	routes   []RouteInfo // every registered call, for Routes

	throttle throttler // its own lock: it is asked about every request
}

// New returns a server with the IAM routes and the two projects DefaultProject* and OtherProject*, and no
// service.
func New(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 1 << 20
	}
	s := &Server{opts: opts, mux: http.NewServeMux(), id: newIdentity()}
	if err := s.SetThrottles(opts.Throttles); err != nil {
		panic(err) // written in the test or checked by the command's flags
	}
	s.front.UnknownRoute, s.front.SystemError = errNoService, errInternal
	// The catch-all also takes wrong methods on known paths, which the clouds answer as unknown paths too.
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { s.endpoint(s.front, s.unrouted)(w, r) })
	s.registerIAM()
	if opts.Admin {
		s.serveAdmin()
	}
	return s
}

// Register plugs a service in: its routes are served and its section of fixtures loaded. Register services
// before serving.
func (s *Server) Register(svc Service) {
	name := svc.Name()
	if name == "" || name == projectsKey || name == iamService || name == adminService || s.service(name) != nil {
		panic("fakecloud: cannot register a service named " + name)
	}
	if err := svc.Errors().check(); err != nil {
		panic("fakecloud: service " + name + ": " + err.Error())
	}
	s.services = append(s.services, svc)
	svc.Routes(&Routes{srv: s, service: name, scope: svc.Scope(), errs: svc.Errors()})
}

// SetFrontDoor makes svc's UnknownRoute and SystemError answer requests for paths no service claims. On the
// real clouds an API gateway stands in front of every service endpoint and answers unknown paths itself.
// Call it before serving.
func (s *Server) SetFrontDoor(svc Service) {
	if err := svc.Errors().check(); err != nil {
		panic("fakecloud: front door " + svc.Name() + ": " + err.Error())
	}
	s.front = svc.Errors()
}

func (s *Server) service(name string) Service {
	for _, svc := range s.services {
		if svc.Name() == name {
			return svc
		}
	}
	return nil
}

// Now is the service clock: UTC, whole seconds, as the clouds render times.
func (s *Server) Now() time.Time { return s.opts.Now().UTC().Truncate(time.Second) }

// ServeHTTP answers one request: admin endpoints directly, everything else through the request log, the
// throttling policies, the latency, fault injection and the routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Request-Id", NewID())
	if s.admin != nil && strings.HasPrefix(r.URL.Path, adminPrefix) {
		s.admin.ServeHTTP(w, r)
		return
	}
	rec := s.logArrival(r)
	sw := &statusWriter{ResponseWriter: w}
	refused := s.throttled(r) // at arrival, as the front door counts
	s.delay(r)
	if refused != nil {
		writeError(sw, refused)
	} else {
		s.mux.ServeHTTP(sw, r)
	}
	s.logStatus(rec, sw.status)
}

// delay holds a request for Options.Latency, or until its client goes away.
func (s *Server) delay(r *http.Request) {
	if s.opts.Latency <= 0 {
		return
	}
	t := time.NewTimer(s.opts.Latency)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
}

func (s *Server) unrouted(w http.ResponseWriter, _ *http.Request) {
	writeError(w, s.front.UnknownRoute.With())
}

// serve adapts a handler to net/http: read the body, authenticate the caller and check its scope, run the
// handler and encode its answer.
func (s *Server) serve(scope Scope, errs ServiceErrors, h Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := &Call{Request: r, errs: errs}
		rep, err := s.run(c, scope, h)
		if err != nil {
			if c.bodyRefused {
				// What is left of the body is not read: net/http would drain it to reuse the connection.
				w.Header().Set("Connection", "close")
			}
			writeError(w, err)
			return
		}
		for k, v := range rep.Header {
			w.Header()[k] = v
		}
		writeJSON(w, rep.Status, rep.Body)
	}
}

func (s *Server) run(c *Call, scope Scope, h Handler) (Reply, *Error) {
	var err *Error
	if c.Body, err = s.readBody(c); err != nil {
		return Fail(err)
	}
	if scope != scopePublic {
		if err := s.authenticate(c); err != nil {
			return Fail(err)
		}
		if err := s.authorize(c, scope); err != nil {
			return Fail(err)
		}
	}
	return h(c)
}

// readBody reads the whole body, which AK/SK verification needs before any handler runs. It is the one
// place that enforces Options.MaxBodyBytes on the cloud APIs: a body declared larger is refused before a
// byte of it is read, one that turns out larger (chunked) when one byte past the limit has been read.
func (s *Server) readBody(c *Call) ([]byte, *Error) {
	limit := s.opts.MaxBodyBytes
	if c.Request.ContentLength > limit {
		c.bodyRefused = true
		return nil, c.errs.BodyTooLarge.With(limit)
	}
	b, err := io.ReadAll(io.LimitReader(c.Request.Body, limit+1))
	switch {
	case err != nil:
		c.bodyRefused = true
		return nil, c.errs.Malformed.With()
	case int64(len(b)) > limit:
		c.bodyRefused = true
		return nil, c.errs.BodyTooLarge.With(limit)
	}
	return b, nil
}

func writeError(w http.ResponseWriter, err *Error) {
	writeJSON(w, err.Status, map[string]string{"error_code": err.Code, "error_msg": err.Msg})
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
