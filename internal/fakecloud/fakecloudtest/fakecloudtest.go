// Package fakecloudtest drives a fake cloud over real HTTP in tests, as the provider meets it: requests with
// a token, answers checked for the clouds' envelope, a settable clock. It depends on no part of the fake
// cloud, so the core's and every service's own tests can use it.
package fakecloudtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
	"time"
)

// Client sends requests to a fake cloud behind a real HTTP listener.
type Client struct {
	T   *testing.T
	URL string
	// HTTP sends the requests. It is the server's own client, not http.DefaultClient: closing any
	// httptest server closes the default transport's idle connections, which breaks a request of a
	// parallel test that has just taken one of them (a DELETE is not retried on another).
	HTTP  *http.Client
	token string // X-Auth-Token of every request unless the request says otherwise
}

// Start serves h until the test ends; requests carry token unless they set X-Auth-Token or Authorization.
func Start(t *testing.T, h http.Handler, token string) *Client {
	t.Helper()
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	return &Client{T: t, URL: hs.URL, HTTP: hs.Client(), token: token}
}

// RequestIDPattern is the shape of X-Request-Id and of every generated ID: 32 lower-case hex characters.
var RequestIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// Response is an answer, read whole.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends a request; body is JSON-encoded unless it is a string, which is sent as is. headers are name,
// value pairs; an empty value removes the header, and an Authorization header replaces the token.
func (c *Client) Do(method, path string, body any, headers ...string) Response {
	c.T.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			c.T.Fatal(err)
		}
	}
	req, err := http.NewRequest(method, c.URL+path, bytes.NewReader(raw))
	if err != nil {
		c.T.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i] == "Authorization" {
			req.Header.Del("X-Auth-Token")
		}
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.T.Fatalf("%s %s: %v", method, path, err)
	}
	out := Read(c.T, resp)
	if id := out.Header.Get("X-Request-Id"); !RequestIDPattern.MatchString(id) {
		c.T.Errorf("%s %s: X-Request-Id %q is not 32 hex characters", method, path, id)
	}
	if len(out.Body) > 0 && out.Header.Get("Content-Type") != "application/json" {
		c.T.Errorf("%s %s: Content-Type %q", method, path, out.Header.Get("Content-Type"))
	}
	return out
}

// Read reads and closes an answer.
func Read(t *testing.T, resp *http.Response) Response {
	t.Helper()
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: out}
}

// Decode unmarshals the body into v.
func (r Response) Decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Object returns the body as a JSON object.
func (r Response) Object(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	r.Decode(t, &m)
	return m
}

// ExpectError checks the status and error code, and returns the message.
func (r Response) ExpectError(t *testing.T, status int, code string) string {
	t.Helper()
	var e struct {
		Code string `json:"error_code"`
		Msg  string `json:"error_msg"`
	}
	if err := json.Unmarshal(r.Body, &e); err != nil || r.Status != status || e.Code != code {
		t.Fatalf("got %d %s, want %d with error_code %s", r.Status, r.Body, status, code)
	}
	return e.Msg
}

// ExpectStatus checks the status.
func (r Response) ExpectStatus(t *testing.T, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("got %d %s, want %d", r.Status, r.Body, status)
	}
}

// Clock is a settable clock for the fake cloud's Options.Now.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts at 2025-03-01 12:00:00 UTC.
func NewClock() *Clock { return &Clock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// PasswordLogin is the body of POST /v3/auth/tokens with a password identity and the given scope, e.g.
// {"project": {"name": "eu-de"}} or {"domain": {"name": "demo-domain"}}.
func PasswordLogin(user, password, domain string, scope map[string]any) map[string]any {
	return map[string]any{"auth": map[string]any{
		"identity": map[string]any{
			"methods": []string{"password"},
			"password": map[string]any{"user": map[string]any{
				"name": user, "password": password, "domain": map[string]any{"name": domain},
			}},
		},
		"scope": scope,
	}}
}
