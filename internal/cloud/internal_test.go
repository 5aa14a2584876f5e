package cloud

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

func TestMaskingHidesSecrets(t *testing.T) {
	body := maskBody([]byte(`{"auth":{"identity":{"password":{"user":{"name":"u","password":"hunter2"}}}},"app_secret":"s3cr\"et","app_key":"visible"}`))
	for _, secret := range []string{"hunter2", `s3cr\"et`} {
		if strings.Contains(body, secret) {
			t.Errorf("body %s shows %s", body, secret)
		}
	}
	if !strings.Contains(body, "visible") {
		t.Errorf("masking hid a non-secret: %s", body)
	}
	h := http.Header{}
	h.Set("X-Auth-Token", "tok-123")
	h.Set("X-Security-Token", "st-123")
	h.Set("Authorization", "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host;x-sdk-date, Signature=abcdef")
	h.Set("X-Subject-Token", "subj-123")
	masked := maskHeaders(h)
	for name, v := range masked {
		for _, secret := range []string{"tok-123", "st-123", "abcdef", "subj-123"} {
			if strings.Contains(v, secret) {
				t.Errorf("%s: %s shows a secret", name, v)
			}
		}
	}
	if !strings.Contains(masked["Authorization"], "Access=AK1") {
		t.Errorf("the access key should stay visible: %s", masked["Authorization"])
	}
}

func TestBackoff(t *testing.T) {
	resp := &http.Response{Header: http.Header{"Retry-After": {"7"}}}
	if d := backoff(time.Second, 30*time.Second, 0, resp); d != 7*time.Second {
		t.Errorf("Retry-After 7 gave %v", d)
	}
	date := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	if d := backoff(time.Second, 30*time.Second, 0, &http.Response{Header: http.Header{"Retry-After": {date}}}); d < 80*time.Second || d > 91*time.Second {
		t.Errorf("Retry-After date gave %v", d)
	}
	for attempt := range 10 {
		want := min(time.Second<<attempt, 30*time.Second)
		d := backoff(time.Second, 30*time.Second, attempt, nil)
		if d < want/2 || d > want {
			t.Errorf("attempt %d: %v outside [%v, %v]", attempt, d, want/2, want)
		}
	}
}

func TestAuthModeErrors(t *testing.T) {
	cases := map[string]struct {
		cfg  Config
		want string
	}{
		"none":         {Config{}, "no credentials"},
		"token and AK": {Config{Token: "t", AccessKey: "a", SecretKey: "s"}, "conflicting credentials: token and access_key/secret_key"},
		"all three":    {Config{Token: "t", AccessKey: "a", SecretKey: "s", UserName: "u", Password: "p", DomainName: "d"}, "token and access_key/secret_key and user_name/password/domain_name"},
		"half AK":      {Config{SecretKey: "s"}, "access_key and secret_key must be set together"},
		"lone sts":     {Config{Token: "t", SecurityToken: "x"}, "security_token is only used with"},
		"no domain":    {Config{UserName: "u", Password: "p"}, "needs user_name, password and domain_name"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := tc.cfg.AuthMode()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestEndpointTemplates(t *testing.T) {
	hw := Config{Cloud: CloudHuawei, Region: "cn-north-4"}
	otc := Config{Cloud: CloudOTC, Region: "eu-de", Endpoints: map[Service]string{ServiceIAM: "http://127.0.0.1:1/"}}
	checks := []struct {
		cfg  Config
		svc  Service
		want string
	}{
		{hw, ServiceAPIG, "https://apig.cn-north-4.myhuaweicloud.com"},
		{hw, ServiceOSM, "https://osm.myhuaweicloud.com"},
		{otc, ServiceAPIG, "https://apig.eu-de.otc.t-systems.com"},
		{otc, ServiceIAM, "http://127.0.0.1:1"},
	}
	for _, c := range checks {
		if got, err := c.cfg.Endpoint(c.svc); err != nil || got != c.want {
			t.Errorf("%s %s: %s, %v; want %s", c.cfg.Cloud, c.svc, got, err, c.want)
		}
	}
}

// Every service declares its scope and how its answers tell a failure.
func TestEveryServiceIsDeclared(t *testing.T) {
	for _, s := range Services {
		if services[s].failure == nil {
			t.Errorf("service %s has no declared error decoding", s)
		}
	}
}

func TestBusinessFailures(t *testing.T) {
	h := http.Header{"X-Request-Id": {"r1"}}
	cases := []struct {
		name   string
		decode func(int, http.Header, []byte) *APIError
		status int
		body   string
		code   string // "" = success
	}{
		{"status success", statusFailure, 200, `{"error_code":"X.1"}`, ""},
		{"status failure", statusFailure, 404, `{"error_code":"APIG.3009","error_msg":"gone"}`, "APIG.3009"},
		{"business success", businessFailure, 200, `{"count":1}`, ""},
		{"business empty code", businessFailure, 200, `{"error_code":"","error_msg":""}`, ""},
		{"business failure in a 200", businessFailure, 200, `{"error_code":"OSM.01010002","error_msg":"No operation permission."}`, "OSM.01010002"},
		{"business HTTP failure", businessFailure, 401, `{"error_code":"OSM.0002","error_msg":"unauthorized"}`, "OSM.0002"},
		{"business non-JSON 200", businessFailure, 200, `ok`, ""},
	}
	for _, c := range cases {
		err := c.decode(c.status, h, []byte(c.body))
		switch {
		case c.code == "" && err != nil:
			t.Errorf("%s: got %v, want success", c.name, err)
		case c.code != "" && (err == nil || err.Code != c.code || err.RequestID != "r1" || err.StatusCode != c.status):
			t.Errorf("%s: got %+v, want code %s", c.name, err, c.code)
		}
	}
}

// AK/SK callers name the project to project-scoped services and the account to account-scoped ones.
func TestScopeHeaders(t *testing.T) {
	got := map[string]http.Header{}
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got[r.URL.Path] = r.Header.Clone()
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	c, err := New(Config{Cloud: CloudHuawei, ProjectID: "p1", DomainID: "d1", AccessKey: "AK", SecretKey: "SK",
		Endpoints: map[Service]string{ServiceAPIG: srv.URL, ServiceOSM: srv.URL}})
	if err != nil {
		t.Fatal(err)
	}
	for _, cl := range []call{{service: ServiceAPIG, method: http.MethodGet, path: "/project"}, {service: ServiceOSM, method: http.MethodGet, path: "/account"}} {
		if err := c.do(context.Background(), cl); err != nil {
			t.Fatal(err)
		}
	}
	if h := got["/project"]; h.Get("X-Project-Id") != "p1" || h.Get("X-Domain-Id") != "" {
		t.Errorf("project-scoped call sent X-Project-Id %q, X-Domain-Id %q", h.Get("X-Project-Id"), h.Get("X-Domain-Id"))
	}
	if h := got["/account"]; h.Get("X-Domain-Id") != "d1" || h.Get("X-Project-Id") != "" {
		t.Errorf("account-scoped call sent X-Project-Id %q, X-Domain-Id %q", h.Get("X-Project-Id"), h.Get("X-Domain-Id"))
	}
}

// Credentials IAM refused are not asked for again: the call fails at once, however many retries are allowed,
// while a connection reset of an idempotent call is retried.
func TestCheckRetryNeverRetriesRefusedCredentials(t *testing.T) {
	var retries atomic.Int64
	ctx := context.WithValue(context.Background(), callKey{}, callInfo{idempotent: true, maxRetries: 5, retries: &retries, last: &lastAnswer{}, start: time.Now()})
	refused := &url.Error{Op: "Get", URL: "http://127.0.0.1/v3/projects", Err: notSent("GET /v3/projects",
		&refusal{err: &APIError{StatusCode: http.StatusForbidden, Code: "IAM.0020", Message: "agency not found"}})}
	if retry, err := checkRetry(ctx, nil, refused); retry || err != nil {
		t.Errorf("refused credentials: retry %v, error %v; want no retry", retry, err)
	}
	reset := &url.Error{Op: "Get", URL: "http://127.0.0.1/v3/projects", Err: syscall.ECONNRESET}
	if retry, err := checkRetry(ctx, nil, reset); !retry || err != nil {
		t.Errorf("connection reset: retry %v, error %v; want a retry", retry, err)
	}
}
