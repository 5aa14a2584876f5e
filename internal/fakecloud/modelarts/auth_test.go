package modelarts

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/fakecloudtest"
)

// What the core answers on ModelArts' behalf: tokens and AK/SK signatures checked on ModelArts' paths, unknown
// calls there and injected faults, all in ModelArts' own codes.

func TestTokenChecks(t *testing.T) {
	t.Parallel()
	clk := fakecloudtest.NewClock()
	f := startStandard(t, core.Options{Now: clk.Now})
	login := f.Do(http.MethodPost, "/v3/auth/tokens",
		fakecloudtest.PasswordLogin(core.DefaultUserName, core.DefaultPassword, core.DefaultDomainName, map[string]any{"project": map[string]string{"id": core.DefaultProjectID}}), "X-Auth-Token", "")
	login.ExpectStatus(t, http.StatusCreated)
	issued := login.Header.Get("X-Subject-Token")
	clk.Advance(25 * time.Hour)

	tests := []struct {
		name       string
		path       string
		token      string
		wantStatus int
		wantCode   string
		wantMsg    string
	}{
		{"valid", base + "/app-auth/apps", core.DefaultToken, http.StatusOK, "", ""},
		{"missing", base + "/app-auth/apps", "", http.StatusUnauthorized, "ModelArts.0101", "neither X-Auth-Token nor an AK/SK signature"},
		{"expired", base + "/app-auth/apps", issued, http.StatusUnauthorized, "ModelArts.0102", "the token has expired"},
		{"unknown", authsList, "not-a-token", http.StatusUnauthorized, "ModelArts.0103", "the token is invalid"},
		{"other project's token", base + "/services/" + serviceID + "/app-auth-apis", core.OtherProjectToken, http.StatusForbidden, "ModelArts.0105", "No permission"},
		{"account token", base + "/app-auth/apps", core.DomainToken, http.StatusForbidden, "ModelArts.0105", "No permission"},
		{"unknown project", "/v1/00000000000000000000000000000000/app-auth/apps", core.DefaultToken, http.StatusForbidden, "ModelArts.0105", "No permission"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := f.Do(http.MethodGet, tt.path, nil, "X-Auth-Token", tt.token)
			if tt.wantCode == "" {
				resp.ExpectStatus(t, tt.wantStatus)
				return
			}
			if msg := resp.ExpectError(t, tt.wantStatus, tt.wantCode); !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("message %q lacks %q", msg, tt.wantMsg)
			}
		})
	}
	// A write turned away changes nothing.
	f.Do(http.MethodPost, authPath, appsBody("", app1), "X-Auth-Token", "").ExpectError(t, http.StatusUnauthorized, "ModelArts.0101")
	if got := f.Authorizations(""); len(got) != 0 {
		t.Errorf("an unauthenticated authorize stored %+v", got)
	}
}

func TestAKSK(t *testing.T) {
	t.Parallel()
	clk := fakecloudtest.NewClock()
	f := startStandard(t, core.Options{Now: clk.Now})
	now := clk.Now()
	authorize := fakecloudtest.SignedRequest{
		Method: http.MethodPost, Path: authPath, Body: `{"apps":[{"app_id":"` + app1 + `"}],"workspace_id":"0"}`,
		AK: core.DefaultAccessKey, SK: core.DefaultSecretKey, Date: now,
		Headers: map[string]string{"X-Project-Id": core.DefaultProjectID},
	}
	list := fakecloudtest.SignedRequest{
		Method: http.MethodGet, Path: authsList, Query: map[string]string{"show_only": "AUTH", "app_name": "app one/ä", "limit": "5"},
		AK: core.DefaultAccessKey, SK: core.DefaultSecretKey, Date: now,
	}
	authorize.Send(f.Client, nil).ExpectStatus(t, http.StatusOK)
	list.Send(f.Client, nil).ExpectStatus(t, http.StatusOK)
	if got := f.Authorized("", serviceID, apiApp, ""); len(got) != 1 {
		t.Fatalf("a signed authorize stored %v", got)
	}
	// An AK/SK caller acts in every project of the account.
	other := list
	other.Path, other.Query = "/v1/"+core.OtherProjectID+"/app-auth/apps", nil
	other.Send(f.Client, nil).ExpectStatus(t, http.StatusOK)

	failures := []struct {
		name    string
		req     fakecloudtest.SignedRequest
		tamper  func(*http.Request)
		wantMsg string
	}{
		{"tampered query", list, func(r *http.Request) { r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "AUTH", "UNAUTH", 1) }, "the signature does not match"},
		{"wrong secret", func() fakecloudtest.SignedRequest { r := list; r.SK = "not-the-secret-key"; return r }(), nil, "the signature does not match"},
		{"stale date", func() fakecloudtest.SignedRequest { r := list; r.Date = now.Add(-16 * time.Minute); return r }(), nil, "more than 15 minutes"},
		{"unknown key", func() fakecloudtest.SignedRequest { r := list; r.AK = "UNKNOWNACCESSKEY0001"; return r }(), nil, "access key UNKNOWNACCESSKEY0001 does not exist"},
		{"malformed header", list, func(r *http.Request) { r.Header.Set("Authorization", "SDK-HMAC-SHA256 Signature=abc") }, "malformed"},
	}
	for _, tt := range failures {
		t.Run(tt.name, func(t *testing.T) {
			msg := tt.req.Send(f.Client, tt.tamper).ExpectError(t, http.StatusUnauthorized, "ModelArts.0106")
			if !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("message %q lacks %q", msg, tt.wantMsg)
			}
		})
	}
}

// TestUnknownCalls: under the path families ModelArts claims, unknown paths and methods answer ModelArts'
// unknown-route code; elsewhere ModelArts does not answer.
func TestUnknownCalls(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	for _, c := range []struct{ method, path string }{
		{http.MethodGet, base + "/services/" + serviceID},
		{http.MethodGet, base + "/services" + "/"},
		{http.MethodGet, authPath},
		{http.MethodPatch, authPath},
		{http.MethodGet, base + "/app-auth/apps/" + app1},
		{http.MethodPut, base + "/app-auth/apps"},
		{http.MethodGet, base + "/app-auth/" + serviceID + "/apis/" + apiApp + "/auths"},
	} {
		msg := f.Do(c.method, c.path, nil).ExpectError(t, http.StatusNotFound, "ModelArts.0107")
		if msg != "The requested API does not exist." {
			t.Errorf("%s %s: message %q", c.method, c.path, msg)
		}
	}
	// Unknown calls are answered before credentials are looked at, as on a gateway that has no such route.
	f.Do(http.MethodGet, base+"/services/"+serviceID, nil, "X-Auth-Token", "").ExpectError(t, http.StatusNotFound, "ModelArts.0107")
	f.Do(http.MethodGet, base+"/notebooks", nil).ExpectError(t, http.StatusNotFound, "FAKECLOUD.0404")
}

// TestFaultsAnswerInModelArtsCodes: an injected fault without a code answers ModelArts' system error.
func TestFaultsAnswerInModelArtsCodes(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	f.core.InjectFault(core.Fault{Method: http.MethodPost, PathRegexp: `/app-auth-api$`, Times: 1, AfterApply: true})
	msg := f.Do(http.MethodPost, authPath, appsBody("", app1)).ExpectError(t, http.StatusInternalServerError, "ModelArts.0050")
	if msg != "Internal error. Try again later." {
		t.Errorf("message %q", msg)
	}
	// The lost answer's change happened: a retry finds the app authorized.
	checkItems(t, f.authCallOK(http.MethodPost, authPath, appsBody("", app1)).AuthResult, apiApp,
		wantItem{app1, "App " + app1 + " is already authorized to call API " + apiApp + "."})
}
