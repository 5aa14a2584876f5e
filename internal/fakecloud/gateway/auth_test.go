package gateway

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/fakecloudtest"
)

// What the core answers on the gateways' behalf: IAM tokens and AK/SK signatures checked on gateway paths,
// failures in the gateways' own codes.

type signedRequest = fakecloudtest.SignedRequest

func TestAKSKInteroperatesWithSDKSigner(t *testing.T) {
	t.Parallel()
	clk := fakecloudtest.NewClock()
	f := startStandard(t, Options{}, core.Options{Now: clk.Now})
	now := clk.Now()
	listAuths := signedRequest{
		Method: http.MethodGet, Path: apigBase + "/app-auths/binded-apis",
		// Values that need escaping, an empty one, and more keys than one to sort.
		Query: map[string]string{"app_id": "app1", "limit": "5", "api_name": "api_", "group_name": "group one/ä", "env_id": ""},
		AK:    core.DefaultAccessKey, SK: core.DefaultSecretKey, Date: now,
	}
	createAuths := signedRequest{
		Method: http.MethodPost, Path: apigBase + "/app-auths",
		Body: `{"env_id":"` + releaseEnvID + `","app_ids":["app1"],"api_ids":["api-app"]}`,
		AK:   core.DefaultAccessKey, SK: core.DefaultSecretKey, Date: now,
	}
	otherProject := signedRequest{
		Method: http.MethodGet, Path: "/v3/projects", Query: map[string]string{"name": core.OtherProjectName},
		AK: core.DefaultAccessKey, SK: core.DefaultSecretKey, Date: now,
	}

	listAuths.Send(f.Client, nil).ExpectStatus(t, http.StatusOK)
	createAuths.Send(f.Client, nil).ExpectStatus(t, http.StatusCreated)
	otherProject.Send(f.Client, nil).ExpectStatus(t, http.StatusOK)
	if got := f.AppAuths("", apigID); len(got) != 1 {
		t.Fatalf("signed create stored %d records, want 1", len(got))
	}

	t.Run("skew within 15 minutes passes", func(t *testing.T) {
		r := listAuths
		r.Date = now.Add(-14 * time.Minute)
		r.Send(f.Client, nil).ExpectStatus(t, http.StatusOK)
	})

	failures := []struct {
		name    string
		req     func() signedRequest
		tamper  func(*http.Request)
		wantMsg string
	}{
		{"tampered body", func() signedRequest { return createAuths }, func(r *http.Request) {
			body := strings.Replace(createAuths.Body, "api-app", "api-two", 1)
			r.Body, r.ContentLength = io.NopCloser(strings.NewReader(body)), int64(len(body))
		}, "verify aksk signature fail"},
		{"tampered query", func() signedRequest { return listAuths }, func(r *http.Request) {
			r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "limit=5", "limit=6", 1)
		}, "verify aksk signature fail"},
		{"wrong secret", func() signedRequest { r := listAuths; r.SK = "not-the-secret-key"; return r }, nil, "verify aksk signature fail"},
		{"stale date", func() signedRequest { r := listAuths; r.Date = now.Add(-16 * time.Minute); return r }, nil, "more than 15 minutes"},
		{"future date", func() signedRequest { r := listAuths; r.Date = now.Add(16 * time.Minute); return r }, nil, "more than 15 minutes"},
		{"unknown key", func() signedRequest { r := listAuths; r.AK = "UNKNOWNACCESSKEY0001"; return r }, nil, "ak not exist"},
		{"malformed header", func() signedRequest { return listAuths }, func(r *http.Request) {
			r.Header.Set("Authorization", "SDK-HMAC-SHA256 Signature=abc")
		}, "malformed"},
		{"date not signed", func() signedRequest { return listAuths }, func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "x-sdk-date", "x-other", 1))
		}, "malformed"},
	}
	for _, tt := range failures {
		t.Run(tt.name, func(t *testing.T) {
			msg := tt.req().Send(f.Client, tt.tamper).ExpectError(t, http.StatusUnauthorized, "APIG.0301")
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
	clk := fakecloudtest.NewClock()
	fx := InProject(core.OtherProjectID, standardInstance(apigID, FlavorAPIG))
	f := start(t, Options{}, fx, core.Options{Now: clk.Now})
	r := signedRequest{
		Method: http.MethodGet, Path: "/v2/" + core.OtherProjectID + "/apigw/instances/" + apigID + "/apps",
		AK: core.DefaultAccessKey, SK: core.DefaultSecretKey, Date: clk.Now(),
	}
	r.Send(f.Client, nil).ExpectStatus(t, http.StatusOK)
	r.Path = "/v2/00000000000000000000000000000000/apigw/instances/" + apigID + "/apps"
	r.Send(f.Client, nil).ExpectError(t, http.StatusForbidden, "APIG.1005")
}

func TestIssuedTokenWorksUntilItExpires(t *testing.T) {
	t.Parallel()
	clk := fakecloudtest.NewClock()
	f := startStandard(t, Options{}, core.Options{Now: clk.Now})
	resp := f.Do(http.MethodPost, "/v3/auth/tokens",
		fakecloudtest.PasswordLogin(core.DefaultUserName, core.DefaultPassword, core.DefaultDomainName, map[string]any{"project": map[string]string{"name": core.DefaultProjectName}}), "X-Auth-Token", "")
	resp.ExpectStatus(t, http.StatusCreated)
	tok := resp.Header.Get("X-Subject-Token")

	f.Do(http.MethodGet, apigBase, nil, "X-Auth-Token", tok).ExpectStatus(t, http.StatusOK)
	clk.Advance(24*time.Hour - time.Second)
	f.Do(http.MethodGet, apigBase, nil, "X-Auth-Token", tok).ExpectStatus(t, http.StatusOK)
	clk.Advance(time.Second)
	f.Do(http.MethodGet, apigBase, nil, "X-Auth-Token", tok).ExpectError(t, http.StatusUnauthorized, "APIG.1001")
	// The pre-issued tokens never expire.
	f.Do(http.MethodGet, apigBase, nil).ExpectStatus(t, http.StatusOK)
}

func TestGatewayTokenChecks(t *testing.T) {
	t.Parallel()
	f := startStandard(t, Options{})
	tests := []struct {
		name       string
		path       string
		token      string
		wantStatus int
		wantCode   string
	}{
		{"valid", apigBase + "/apps", core.DefaultToken, http.StatusOK, ""},
		{"missing", apigBase + "/apps", "", http.StatusUnauthorized, "APIG.1000"},
		{"unknown", apigBase + "/apps", "not-a-token", http.StatusUnauthorized, "APIG.1002"},
		{"other project's token", apigBase + "/apps", core.OtherProjectToken, http.StatusForbidden, "APIG.1005"},
		{"unknown project", "/v2/00000000000000000000000000000000/apigw/instances/" + apigID + "/apps", core.DefaultToken, http.StatusForbidden, "APIG.1005"},
		{"token of the path's project", "/v2/" + core.OtherProjectID + "/apigw/instances/" + apigID, core.OtherProjectToken, http.StatusNotFound, "APIG.3030"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := f.Do(http.MethodGet, tt.path, nil, "X-Auth-Token", tt.token)
			if tt.wantCode == "" {
				resp.ExpectStatus(t, tt.wantStatus)
				return
			}
			msg := resp.ExpectError(t, tt.wantStatus, tt.wantCode)
			if tt.wantStatus == http.StatusUnauthorized && msg != "Incorrect token or token resolution failed" {
				t.Errorf("message %q", msg)
			}
		})
	}
}
