package sdkconformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/global"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
)

// exchange is one request the SDK sent and the answer as it came over the wire.
type exchange struct {
	method, path string
	status       int
	header       http.Header
	body         []byte
}

// recorder is the SDK client's transport (config.HttpConfig.WithHttpRoundTripper): it keeps the raw answer of
// the last request, which the SDK decodes leniently, for the strict check.
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	last exchange
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	defer r.mu.Unlock()
	r.last = exchange{method: req.Method, path: req.URL.Path, status: resp.StatusCode, header: resp.Header, body: body}
	return resp, nil
}

func (r *recorder) lastExchange() exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

// cloud is a fake cloud behind a real listener, and what SDK clients need to call it.
type cloud struct {
	*fakecloud.Server
	url  string
	rec  *recorder
	http *config.HttpConfig
}

// start serves a fake cloud holding f until the test ends. Its clock is the real one: the SDK signs with it.
func start(t *testing.T, opts fakecloud.Options, f fakecloud.Fixture) *cloud {
	t.Helper()
	fc := fakecloud.New(opts)
	if err := fc.Load(f); err != nil {
		t.Fatalf("load fixture: %v", err)
	}
	hs := httptest.NewServer(fc)
	t.Cleanup(hs.Close)
	rec := &recorder{next: hs.Client().Transport}
	return &cloud{Server: fc, url: hs.URL, rec: rec, http: config.DefaultHttpConfig().WithHttpRoundTripper(rec).WithTimeout(30 * time.Second)}
}

// projectClient is an SDK client of a project-scoped service (APIG, ROMA Connect) from its package's builder,
// signing with AK/SK in the fake's default project.
func (c *cloud) projectClient(t *testing.T, builder *core.HcHttpClientBuilder) *core.HcHttpClient {
	t.Helper()
	cred, err := basic.NewCredentialsBuilder().WithAk(fakecloud.DefaultAccessKey).WithSk(fakecloud.DefaultSecretKey).
		WithProjectId(fakecloud.DefaultProjectID).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	return c.client(t, builder, cred)
}

// globalClient is an SDK client of a global service (OSM, IAM) from its package's builder. DomainId is given, so the SDK does not look it
// up in IAM; domainID "" gives the fake's account.
func (c *cloud) globalClient(t *testing.T, builder *core.HcHttpClientBuilder, domainID string) *core.HcHttpClient {
	t.Helper()
	if domainID == "" {
		domainID = fakecloud.DefaultDomainID
	}
	cred, err := global.NewCredentialsBuilder().WithAk(fakecloud.DefaultAccessKey).WithSk(fakecloud.DefaultSecretKey).
		WithDomainId(domainID).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	return c.client(t, builder, cred)
}

func (c *cloud) client(t *testing.T, builder *core.HcHttpClientBuilder, cred auth.ICredential) *core.HcHttpClient {
	t.Helper()
	hc, err := builder.WithEndpoint(c.url).WithCredential(cred).WithHttpConfig(c.http).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	return hc
}

// sdkCall sends req with an SDK method (a method value such as client.ListAuthorizations), expects it to succeed
// with the HTTP status, and checks the raw answer strictly against the method's response model. It returns what
// the SDK decoded.
func sdkCall[Req, Resp any](t *testing.T, c *cloud, status int, send func(*Req) (*Resp, error), req *Req) *Resp {
	t.Helper()
	name := methodName(send)
	resp, err := send(req)
	ex := c.rec.lastExchange()
	if err != nil {
		t.Fatalf("%s: the SDK failed: %v", name, err)
	}
	if ex.status != status {
		t.Errorf("%s (%s %s): status %d, want %d; body %s", name, ex.method, ex.path, ex.status, status, ex.body)
	}
	if len(ex.body) > 0 {
		expectShape(t, name, ex, reflect.TypeFor[Resp]())
	}
	return resp
}

// errorBody is the clouds' error envelope (api-notes.md §0); the SDK reads these two fields of it.
type errorBody struct {
	ErrorCode string `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
}

var requestIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// sdkError sends req with an SDK method, expects the SDK to report an error answer with the status and code
// as a *sdkerr.ServiceResponseError, and checks the raw envelope strictly. It returns the SDK's error.
func sdkError[Req, Resp any](t *testing.T, c *cloud, status int, code string, send func(*Req) (*Resp, error), req *Req) *sdkerr.ServiceResponseError {
	t.Helper()
	name := methodName(send)
	_, err := send(req)
	ex := c.rec.lastExchange()
	var se *sdkerr.ServiceResponseError
	if !errors.As(err, &se) {
		t.Fatalf("%s (%s %s): got %v (%d %s), want a *sdkerr.ServiceResponseError", name, ex.method, ex.path, err, ex.status, ex.body)
	}
	if se.StatusCode != status || se.ErrorCode != code {
		t.Errorf("%s: the SDK reports status %d, error_code %q; want %d, %q", name, se.StatusCode, se.ErrorCode, status, code)
	}
	var env errorBody
	if err := json.Unmarshal(ex.body, &env); err == nil && (se.ErrorMessage == "" || se.ErrorMessage != env.ErrorMsg) {
		t.Errorf("%s: the SDK reports error_msg %q, the body says %q", name, se.ErrorMessage, env.ErrorMsg)
	}
	if se.RequestId != ex.header.Get("X-Request-Id") || !requestIDPattern.MatchString(se.RequestId) {
		t.Errorf("%s: the SDK reports request ID %q, the answer's X-Request-Id is %q", name, se.RequestId, ex.header.Get("X-Request-Id"))
	}
	expectShape(t, name, ex, reflect.TypeFor[errorBody]())
	return se
}

// expectShape reports each finding of checkShape with the call it was found in.
func expectShape(t *testing.T, name string, ex exchange, model reflect.Type) {
	t.Helper()
	for _, p := range checkShape(ex.body, model) {
		t.Errorf("%s (%s %s, model %s): %s", name, ex.method, ex.path, model, p)
	}
}

// methodName is the name of an SDK method value, e.g. ListAuthorizations.
func methodName(f any) string {
	name := runtime.FuncForPC(reflect.ValueOf(f).Pointer()).Name() // ...(*OsmClient).ListAuthorizations-fm
	name = strings.TrimSuffix(name, "-fm")
	return name[strings.LastIndex(name, ".")+1:]
}

// namedCase is a row of a table of subtests.
type namedCase struct {
	name string
	run  func(t *testing.T)
}

func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// collect picks one string field of every item of an SDK list.
func collect[T any](items *[]T, field func(T) *string) []string {
	var out []string
	for _, item := range deref(items) {
		out = append(out, deref(field(item)))
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// raw sends a request without the SDK, with a token of the fake's default project, for ModelArts (which has
// no SDK); headers are name, value pairs and may replace the token. It returns the exchange as recorded.
func (c *cloud) raw(t *testing.T, method, path, body string, headers ...string) exchange {
	t.Helper()
	req, err := http.NewRequest(method, c.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", fakecloud.DefaultToken)
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := (&http.Client{Transport: c.rec}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	resp.Body.Close()
	return c.rec.lastExchange()
}
