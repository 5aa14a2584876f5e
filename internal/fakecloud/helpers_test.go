package fakecloud

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Instances of the standard test fixture, one per flavour, in DefaultProjectID.
const (
	apigID = "apig-instance-1"
	romaID = "roma-instance-1"

	apigBase   = "/v2/" + DefaultProjectID + "/apigw/instances/" + apigID
	romaV1Base = "/v1/" + DefaultProjectID + "/apic/instances/" + romaID
	romaV2Base = "/v2/" + DefaultProjectID + "/apic/instances/" + romaID
)

// standardInstance has two apps, a TEST environment besides RELEASE, and APIs covering every authorization
// outcome: api-app (APP, published in RELEASE and TEST), api-two (APP, RELEASE only), api-none (NONE auth,
// RELEASE) and api-draft (APP, unpublished).
func standardInstance(id string, flavor Flavor) InstanceFixture {
	return InstanceFixture{
		ID: id, Name: "gateway_" + string(flavor), Flavor: flavor,
		Apps: []App{{ID: "app1", Name: "app_one", Remark: "first"}, {ID: "app2", Name: "app_two", RomaAppType: "integration"}},
		Envs: []Env{{ID: "env-test", Name: "TEST"}},
		APIs: []API{
			{ID: "api-app", Name: "api_app", GroupID: "g1", GroupName: "group_one", ReqMethod: "GET", ReqURI: "/a", AuthType: "APP", Remark: "app api", PublishedEnvs: []string{releaseEnvID, "env-test"}},
			{ID: "api-two", Name: "api_two", GroupID: "g2", GroupName: "group_two", ReqMethod: "POST", ReqURI: "/b", AuthType: "APP", Type: 2, PublishedEnvs: []string{releaseEnvID}},
			{ID: "api-none", Name: "api_none", GroupID: "g1", GroupName: "group_one", ReqMethod: "GET", ReqURI: "/n", PublishedEnvs: []string{releaseEnvID}},
			{ID: "api-draft", Name: "api_draft", GroupID: "g1", GroupName: "group_one", ReqMethod: "GET", ReqURI: "/d", AuthType: "APP"},
		},
	}
}

func standardFixture() Fixture {
	return Fixture{Projects: []ProjectFixture{{
		ID:        DefaultProjectID,
		Instances: []InstanceFixture{standardInstance(apigID, FlavorAPIG), standardInstance(romaID, FlavorROMA)},
	}}}
}

// fake is a Server behind a real HTTP listener, as the provider meets it.
type fake struct {
	*Server
	t   *testing.T
	url string
}

func start(t *testing.T, opts Options, fixture Fixture) *fake {
	t.Helper()
	s := New(opts)
	if err := s.Load(fixture); err != nil {
		t.Fatalf("Load: %v", err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return &fake{Server: s, t: t, url: hs.URL}
}

// startStandard starts a server with the standard fixture.
func startStandard(t *testing.T, opts Options) *fake {
	t.Helper()
	return start(t, opts, standardFixture())
}

type response struct {
	status int
	header http.Header
	body   []byte
}

var requestIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// do sends a request with DefaultToken unless headers set X-Auth-Token or Authorization; body is JSON-encoded
// unless it is a string, which is sent as is.
func (f *fake) do(method, path string, body any, headers ...string) response {
	f.t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			f.t.Fatal(err)
		}
	}
	req, err := http.NewRequest(method, f.url+path, bytes.NewReader(raw))
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", DefaultToken)
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
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	if id := resp.Header.Get("X-Request-Id"); !requestIDPattern.MatchString(id) {
		f.t.Errorf("%s %s: X-Request-Id %q is not 32 hex characters", method, path, id)
	}
	if len(out) > 0 && resp.Header.Get("Content-Type") != "application/json" {
		f.t.Errorf("%s %s: Content-Type %q", method, path, resp.Header.Get("Content-Type"))
	}
	return response{status: resp.StatusCode, header: resp.Header, body: out}
}

// decode unmarshals the body into v.
func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// object returns the body as a JSON object.
func (r response) object(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	r.decode(t, &m)
	return m
}

type errorBody struct {
	Code string `json:"error_code"`
	Msg  string `json:"error_msg"`
}

// expectError checks the status and error code, and returns the message.
func (r response) expectError(t *testing.T, status int, code string) string {
	t.Helper()
	var e errorBody
	if err := json.Unmarshal(r.body, &e); err != nil || r.status != status || e.Code != code {
		t.Fatalf("got %d %s, want %d with error_code %s", r.status, r.body, status, code)
	}
	return e.Msg
}

func (r response) expectStatus(t *testing.T, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("got %d %s, want %d", r.status, r.body, status)
	}
}

// clock is a settable Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// holdNextWrite makes the next write that takes its apps busy keep them busy until release is called, so that
// other writes overlap it however they are scheduled; entered is closed once it holds them. Writes take apps
// busy only when the server has a WriteDelay.
func (f *fake) holdNextWrite() (entered <-chan struct{}, release func()) {
	in, out := make(chan struct{}), make(chan struct{})
	var taken atomic.Bool
	f.setWriteHeld(func() {
		if taken.CompareAndSwap(false, true) {
			close(in)
			<-out
		}
	})
	release = sync.OnceFunc(func() {
		f.setWriteHeld(nil)
		close(out)
	})
	f.t.Cleanup(release) // a held request would keep the test server from closing
	return in, release
}

func (f *fake) setWriteHeld(h func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writeHeld = h
}

// holding sends write in the background and returns once the server holds its apps busy: every write for
// those apps sent before finish meets them busy. finish lets the write complete and returns its answer.
func (f *fake) holding(write func() response) (finish func() response) {
	f.t.Helper()
	entered, release := f.holdNextWrite()
	answer := make(chan response, 1)
	go func() { answer <- write() }()
	await(f.t, entered)
	return func() response {
		f.t.Helper()
		release()
		return await(f.t, answer)
	}
}

// concurrently sends the writes at once and returns their answers in the order given. Whichever write the
// server takes first holds its apps busy until every other one has been answered.
func (f *fake) concurrently(writes ...func() response) []response {
	f.t.Helper()
	entered, release := f.holdNextWrite()
	answers := make([]response, len(writes))
	done := make(chan struct{}, len(writes))
	for i, write := range writes {
		go func() {
			answers[i] = write()
			done <- struct{}{}
		}()
	}
	await(f.t, entered)
	for range len(writes) - 1 {
		await(f.t, done)
	}
	release()
	await(f.t, done)
	return answers
}

// await receives from ch, failing the test if nothing comes: a request that failed its test in a goroutine
// never answers.
func await[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("timed out waiting for a request")
		panic("unreachable")
	}
}
