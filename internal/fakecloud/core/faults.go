package core

import (
	"cmp"
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// Fault makes matching requests fail, for tests of retries, partial failures and lost responses.
type Fault struct {
	Method         string `json:"method,omitempty"`          // "" = any
	PathRegexp     string `json:"path_regexp,omitempty"`     // matched against URL path
	Skip           int    `json:"skip,omitempty"`            // let the first Skip matching requests through untouched
	Times          int    `json:"times,omitempty"`           // then fail this many matching requests (0 = every one from then on)
	Status         int    `json:"status,omitempty"`          // HTTP status to answer; 0 = 500
	ErrorCode      string `json:"error_code,omitempty"`      // "" = the service's SystemError code (APIG.9999 on the gateways)
	ErrorMsg       string `json:"error_msg,omitempty"`       // "" = the service's SystemError message
	RetryAfter     string `json:"retry_after,omitempty"`     // Retry-After header value, if any
	AfterApply     bool   `json:"after_apply,omitempty"`     // run the real handler first (state changes!), then discard its answer and send the fault instead — a response lost after the server acted
	DropConnection bool   `json:"drop_connection,omitempty"` // hijack and close the connection without answering (after applying if AfterApply)
}

type activeFault struct {
	Fault
	path *regexp.Regexp
	seen int // matching requests so far
}

func newActiveFault(f Fault) (*activeFault, error) {
	re, err := regexp.Compile(f.PathRegexp)
	if err != nil {
		return nil, fmt.Errorf("fakecloud: fault path_regexp: %w", err)
	}
	return &activeFault{Fault: f, path: re}, nil
}

// InjectFault adds a fault; faults are checked in the order they were added and the first that fires wins.
// It panics on an invalid PathRegexp, like regexp.MustCompile, since the pattern is written in the test.
func (s *Server) InjectFault(f Fault) {
	af, err := newActiveFault(f)
	if err != nil {
		panic(err)
	}
	s.addFault(af)
}

func (s *Server) addFault(af *activeFault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, af)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// fire counts r against every fault that matches it and returns the first one due to fail it.
func (s *Server) fire(r *http.Request) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	var fired *Fault
	for _, af := range s.faults {
		if (af.Method != "" && !strings.EqualFold(af.Method, r.Method)) || !af.path.MatchString(r.URL.Path) {
			continue
		}
		n := af.seen
		af.seen++
		if fired == nil && n >= af.Skip && (af.Times == 0 || n < af.Skip+af.Times) {
			f := af.Fault
			fired = &f
		}
	}
	if fired == nil && s.chaos != nil {
		fired = s.chaos.pick(r)
	}
	return fired
}

// endpoint puts fault injection in front of one route of a service; a fault's defaults are the service's
// SystemError.
func (s *Server) endpoint(errs ServiceErrors, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f := s.fire(r)
		if f == nil {
			h(w, r)
			return
		}
		if f.AfterApply {
			h(discardWriter{header: http.Header{}}, r)
		}
		if f.DropConnection {
			dropConnection(w)
			return
		}
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		writeError(w, &Error{
			Status: cmp.Or(f.Status, errs.SystemError.Status),
			Code:   cmp.Or(f.ErrorCode, errs.SystemError.Code),
			Msg:    cmp.Or(f.ErrorMsg, errs.SystemError.Msg),
		})
	}
}

// dropConnection closes the connection without an answer, as a crashed server or broken network would.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// HTTP/2 connections cannot be hijacked; aborting the handler resets the stream instead.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close() // nothing left to tell anyone
}

// discardWriter swallows the answer of a handler whose response a fault replaces.
type discardWriter struct{ header http.Header }

func (d discardWriter) Header() http.Header       { return d.header }
func (discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (discardWriter) WriteHeader(int)             {}
