package fakecloudtest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/http/httpguts"
)

// FuzzServer is one HTTP listener for a fuzz target, serving whichever fake cloud the current input got:
// each input starts from a fresh one, so that a failure replays from its input alone.
type FuzzServer struct {
	URL     string
	handler atomic.Pointer[http.Handler]
}

// StartFuzz serves until the fuzz target ends.
func StartFuzz(f *testing.F) *FuzzServer {
	s := &FuzzServer{}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		(*s.handler.Load()).ServeHTTP(w, r)
	}))
	f.Cleanup(hs.Close)
	s.URL = hs.URL
	return s
}

// Serve makes h answer the requests that follow.
func (s *FuzzServer) Serve(h http.Handler) { s.handler.Store(&h) }

// FuzzRoute is a call a handler fuzz target sends: the input picks one and adds a query, a body and
// possibly an ID in place of the {id} in Path.
type FuzzRoute struct {
	Method, Path string
	ID           string // what {id} stands for when the input gives none
}

// PathWith fills in {id}: the input's ID, escaped as a client escapes it, or the route's own.
func (r FuzzRoute) PathWith(id string) string {
	if id == "" {
		id = r.ID
	}
	return strings.ReplaceAll(r.Path, "{id}", url.PathEscape(id))
}

var fuzzClient = &http.Client{
	// A redirect is an answer of its own (the router's for an unclean path), not a step to another one.
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Timeout:       30 * time.Second,
}

// FuzzCall sends one request with the token and checks what every answer of the clouds keeps to, whatever
// the input: an answer (a handler that panics drops the connection), never a 5xx, an X-Request-Id, and for
// every 4xx, and every answer carrying an error_code, a JSON body with a non-empty error_code and error_msg.
// headers are name, value pairs; a value Go cannot send makes the input uninteresting: it returns false.
func (s *FuzzServer) FuzzCall(t *testing.T, token, method, path, rawQuery string, body []byte, headers ...string) (Response, bool) {
	t.Helper()
	// A client escapes these; sent raw, net/http refuses the request before any handler sees it.
	if strings.ContainsFunc(rawQuery, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '#' }) {
		return Response{}, false
	}
	u := s.URL + path
	if rawQuery != "" {
		u += "?" + rawQuery
	}
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		return Response{}, false // not a URL a client can send
	}
	req.Header.Set("X-Auth-Token", token)
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	for i := 0; i+1 < len(headers); i += 2 {
		if !httpguts.ValidHeaderFieldValue(headers[i+1]) {
			return Response{}, false
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := fuzzClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: no answer (did the handler panic?): %v", method, u, err)
	}
	out := Read(t, resp)
	if out.Status >= 500 {
		t.Fatalf("%s %s: %d %s", method, u, out.Status, out.Body)
	}
	if id := out.Header.Get("X-Request-Id"); !RequestIDPattern.MatchString(id) {
		t.Fatalf("%s %s: X-Request-Id %q is not 32 hex characters", method, u, id)
	}
	var e struct {
		Code *string `json:"error_code"`
		Msg  *string `json:"error_msg"`
	}
	isJSON := json.Unmarshal(out.Body, &e) == nil
	if out.Status >= 400 || (isJSON && e.Code != nil && *e.Code != "") {
		if !isJSON || out.Header.Get("Content-Type") != "application/json" || e.Code == nil || *e.Code == "" || e.Msg == nil || *e.Msg == "" {
			t.Fatalf("%s %s: %d %q (Content-Type %q): want a JSON body with error_code and error_msg",
				method, u, out.Status, out.Body, out.Header.Get("Content-Type"))
		}
	}
	return out, true
}
