package core

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
)

// RequestRecord is one cloud API request as the server saw it.
type RequestRecord struct {
	Method string    `json:"method"`
	Path   string    `json:"path"`
	Query  string    `json:"query"`  // raw query string
	Status int       `json:"status"` // 0: no answer (still running, or the connection was dropped)
	Time   time.Time `json:"time"`   // arrival
	// Headers holds the request's headers that a registered service declares worth logging (HeaderLogger);
	// headers the request does not carry are absent.
	Headers Headers `json:"headers,omitzero"`
}

// Headers are logged request headers by canonical name. The value is comparable, so records compare with
// ==; its JSON is an object of names and values.
type Headers struct {
	lines string // "Name: value" lines in name order; names never hold ':', values never a newline
}

// MakeHeaders makes Headers of names and values, e.g. for a record a test expects.
func MakeHeaders(m map[string]string) Headers {
	var b strings.Builder
	canonical := map[string]string{}
	for name, v := range m {
		canonical[http.CanonicalHeaderKey(name)] = v
	}
	for _, name := range slices.Sorted(maps.Keys(canonical)) {
		b.WriteString(name + ": " + canonical[name] + "\n")
	}
	return Headers{lines: b.String()}
}

// Get returns the value of a header, "" when it was not logged.
func (h Headers) Get(name string) string { return h.Map()[http.CanonicalHeaderKey(name)] }

// Map returns the headers as a new map; nil when there are none.
func (h Headers) Map() map[string]string {
	var m map[string]string
	for line := range strings.Lines(h.lines) {
		name, v, _ := strings.Cut(strings.TrimSuffix(line, "\n"), ": ")
		if m == nil {
			m = map[string]string{}
		}
		m[name] = v
	}
	return m
}

func (h Headers) IsZero() bool { return h.lines == "" }

func (h Headers) String() string { return fmt.Sprint(h.Map()) }

func (h Headers) MarshalJSON() ([]byte, error) { return json.Marshal(h.Map()) }

func (h *Headers) UnmarshalJSON(b []byte) error {
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*h = MakeHeaders(m)
	return nil
}

// HeaderLogger is a Service whose calls take optional headers that change the answer without changing who
// may call (OSM's X-Site, X-Language, X-Time-Zone): the request log shows them, so tests can assert what a
// client sent. Credentials are never declared here.
type HeaderLogger interface {
	LoggedHeaders() []string
}

// logArrival records r when it arrives, so the log is in arrival order; logStatus completes the record.
func (s *Server) logArrival(r *http.Request) *RequestRecord {
	rec := &RequestRecord{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Time: s.opts.Now(), Headers: s.loggedHeaders(r)}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, rec)
	return rec
}

// loggedHeaders picks the headers of r that some service declares. The services are registered before
// serving, so reading the list needs no lock.
func (s *Server) loggedHeaders(r *http.Request) Headers {
	found := map[string]string{}
	for _, svc := range s.services {
		if hl, ok := svc.(HeaderLogger); ok {
			for _, name := range hl.LoggedHeaders() {
				if v := r.Header.Get(name); v != "" {
					found[name] = v
				}
			}
		}
	}
	return MakeHeaders(found)
}

func (s *Server) logStatus(rec *RequestRecord, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec.Status = status
}

// Requests returns a copy of the request log in arrival order; admin requests are not in it.
func (s *Server) Requests() []RequestRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]RequestRecord, len(s.requests))
	for i, rec := range s.requests {
		out[i] = *rec
	}
	return out
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}
