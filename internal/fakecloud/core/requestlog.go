package core

import (
	"net/http"
	"time"
)

// RequestRecord is one cloud API request as the server saw it.
type RequestRecord struct {
	Method string    `json:"method"`
	Path   string    `json:"path"`
	Query  string    `json:"query"`  // raw query string
	Status int       `json:"status"` // 0: no answer (still running, or the connection was dropped)
	Time   time.Time `json:"time"`   // arrival
}

// logArrival records r when it arrives, so the log is in arrival order; logStatus completes the record.
func (s *Server) logArrival(r *http.Request) *RequestRecord {
	rec := &RequestRecord{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Time: s.opts.Now()}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, rec)
	return rec
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
