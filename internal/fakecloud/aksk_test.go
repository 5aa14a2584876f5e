package fakecloud

import (
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
)

// signedRequest builds a request with the official SDK and signs it with its signer, so the fake's verifier
// is tested against the reference implementation rather than against itself.
type signedRequest struct {
	method, path string
	query        map[string]string
	body         string
	ak, sk       string
	date         time.Time // X-Sdk-Date; zero = now
}

func (sr signedRequest) send(t *testing.T, f *fake, tamper func(*http.Request)) response {
	t.Helper()
	host := strings.TrimPrefix(f.url, "http://")
	b := request.NewHttpRequestBuilder().WithEndpoint(f.url).WithPath(sr.path).WithMethod(sr.method).
		AddHeaderParam("Host", host).AddHeaderParam("X-Project-Id", DefaultProjectID)
	for k, v := range sr.query {
		b = b.AddQueryParam(k, reflect.ValueOf(v))
	}
	if sr.body != "" {
		b = b.AddHeaderParam("Content-Type", "application/json;charset=UTF-8").WithBody("", sr.body)
	} else {
		b = b.AddHeaderParam("Content-Type", "application/json")
	}
	if !sr.date.IsZero() {
		b = b.AddHeaderParam("X-Sdk-Date", sr.date.UTC().Format(sdkDateFormat))
	}
	sdkReq := b.Build()
	signed, err := signer.Sign(sdkReq, sr.ak, sr.sk)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	httpReq, err := sdkReq.ConvertRequest()
	if err != nil {
		t.Fatalf("convert: %v", err)
	}
	for k, v := range signed {
		httpReq.Header.Set(k, v)
	}
	if tamper != nil {
		tamper(httpReq)
	}
	resp, err := http.DefaultClient.Do(httpReq)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: out}
}

func TestAKSKInteroperatesWithSDKSigner(t *testing.T) {
	t.Parallel()
	clk := newClock()
	f := startStandard(t, Options{Now: clk.Now})
	now := clk.Now()
	listAuths := signedRequest{
		method: http.MethodGet, path: apigBase + "/app-auths/binded-apis",
		// Values that need escaping, an empty one, and more keys than one to sort.
		query: map[string]string{"app_id": "app1", "limit": "5", "api_name": "api_", "group_name": "group one/ä", "env_id": ""},
		ak:    DefaultAccessKey, sk: DefaultSecretKey, date: now,
	}
	createAuths := signedRequest{
		method: http.MethodPost, path: apigBase + "/app-auths",
		body: `{"env_id":"` + releaseEnvID + `","app_ids":["app1"],"api_ids":["api-app"]}`,
		ak:   DefaultAccessKey, sk: DefaultSecretKey, date: now,
	}
	otherProject := signedRequest{
		method: http.MethodGet, path: "/v3/projects", query: map[string]string{"name": OtherProjectName},
		ak: DefaultAccessKey, sk: DefaultSecretKey, date: now,
	}

	listAuths.send(t, f, nil).expectStatus(t, http.StatusOK)
	createAuths.send(t, f, nil).expectStatus(t, http.StatusCreated)
	otherProject.send(t, f, nil).expectStatus(t, http.StatusOK)
	if got := f.AppAuths("", apigID); len(got) != 1 {
		t.Fatalf("signed create stored %d records, want 1", len(got))
	}

	t.Run("skew within 15 minutes passes", func(t *testing.T) {
		r := listAuths
		r.date = now.Add(-14 * time.Minute)
		r.send(t, f, nil).expectStatus(t, http.StatusOK)
	})

	failures := []struct {
		name    string
		req     func() signedRequest
		tamper  func(*http.Request)
		wantMsg string
	}{
		{"tampered body", func() signedRequest { return createAuths }, func(r *http.Request) {
			body := strings.Replace(createAuths.body, "api-app", "api-two", 1)
			r.Body, r.ContentLength = io.NopCloser(strings.NewReader(body)), int64(len(body))
		}, "verify aksk signature fail"},
		{"tampered query", func() signedRequest { return listAuths }, func(r *http.Request) {
			r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "limit=5", "limit=6", 1)
		}, "verify aksk signature fail"},
		{"wrong secret", func() signedRequest { r := listAuths; r.sk = "not-the-secret-key"; return r }, nil, "verify aksk signature fail"},
		{"stale date", func() signedRequest { r := listAuths; r.date = now.Add(-16 * time.Minute); return r }, nil, "more than 15 minutes"},
		{"future date", func() signedRequest { r := listAuths; r.date = now.Add(16 * time.Minute); return r }, nil, "more than 15 minutes"},
		{"unknown key", func() signedRequest { r := listAuths; r.ak = "UNKNOWNACCESSKEY0001"; return r }, nil, "ak not exist"},
		{"malformed header", func() signedRequest { return listAuths }, func(r *http.Request) {
			r.Header.Set("Authorization", "SDK-HMAC-SHA256 Signature=abc")
		}, "malformed"},
		{"date not signed", func() signedRequest { return listAuths }, func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "x-sdk-date", "x-other", 1))
		}, "malformed"},
	}
	for _, tt := range failures {
		t.Run(tt.name, func(t *testing.T) {
			msg := tt.req().send(t, f, tt.tamper).expectError(t, http.StatusUnauthorized, "APIG.0301")
			if !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("message %q does not contain %q", msg, tt.wantMsg)
			}
		})
	}
	if got := f.AppAuths("", apigID); len(got) != 1 {
		t.Errorf("rejected requests changed state: %d records", len(got))
	}
}

// TestAKSKCallerMayUseEveryProject: AK/SK belongs to the domain, not to one project.
func TestAKSKCallerMayUseEveryProject(t *testing.T) {
	t.Parallel()
	clk := newClock()
	fx := Fixture{Projects: []ProjectFixture{{ID: OtherProjectID, Instances: []InstanceFixture{standardInstance(apigID, FlavorAPIG)}}}}
	f := start(t, Options{Now: clk.Now}, fx)
	r := signedRequest{
		method: http.MethodGet, path: "/v2/" + OtherProjectID + "/apigw/instances/" + apigID + "/apps",
		ak: DefaultAccessKey, sk: DefaultSecretKey, date: clk.Now(),
	}
	r.send(t, f, nil).expectStatus(t, http.StatusOK)
	r.path = "/v2/00000000000000000000000000000000/apigw/instances/" + apigID + "/apps"
	r.send(t, f, nil).expectError(t, http.StatusForbidden, "APIG.1005")
}

func TestCanonicalForms(t *testing.T) {
	t.Parallel()
	if got, want := canonicalURI("/v2/a b/ä"), "/v2/a%20b/%C3%A4/"; got != want {
		t.Errorf("canonicalURI = %q, want %q", got, want)
	}
	if got, want := canonicalURI("/"), "/"; got != want {
		t.Errorf("canonicalURI(/) = %q, want %q", got, want)
	}
	r := &http.Request{URL: &url.URL{RawQuery: "b=2&a=z&a=y&c=&d=%2A~"}}
	if got, want := canonicalQuery(r), "a=y&a=z&b=2&c=&d=%2A~"; got != want {
		t.Errorf("canonicalQuery = %q, want %q", got, want)
	}
}
