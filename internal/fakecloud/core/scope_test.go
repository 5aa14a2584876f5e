package core

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/fakecloudtest"
)

const (
	projectCount = "/v1/" + DefaultProjectID + "/pprobe/count"
	accountCount = "/v2/aprobe/count"
)

// TestScopes: who may call a project-scoped and an account-scoped service, answered in the service's codes.
func TestScopes(t *testing.T) {
	t.Parallel()
	clk := fakecloudtest.NewClock()
	_, f := startProbes(t, Options{Now: clk.Now})
	login := func(scope map[string]any) string {
		resp := f.Do(http.MethodPost, "/v3/auth/tokens", fakecloudtest.PasswordLogin(DefaultUserName, DefaultPassword, DefaultDomainName, scope), "X-Auth-Token", "")
		resp.ExpectStatus(t, http.StatusCreated)
		return resp.Header.Get("X-Subject-Token")
	}
	projectToken := login(map[string]any{"project": map[string]string{"id": DefaultProjectID}})
	accountToken := login(map[string]any{"domain": map[string]string{"name": DefaultDomainName}})

	tests := []struct {
		name       string
		path       string
		token      string
		wantStatus int
		wantCode   string
	}{
		{"project token in its project", projectCount, DefaultToken, http.StatusOK, ""},
		{"issued project token in its project", projectCount, projectToken, http.StatusOK, ""},
		{"project token in another project", "/v1/" + OtherProjectID + "/pprobe/count", DefaultToken, http.StatusForbidden, "PROBE.0404"},
		{"unknown project", "/v1/00000000000000000000000000000000/pprobe/count", DefaultToken, http.StatusForbidden, "PROBE.0404"},
		{"account token in a project", projectCount, DomainToken, http.StatusForbidden, "PROBE.0404"},
		{"account token for the account", accountCount, DomainToken, http.StatusOK, ""},
		{"issued account token for the account", accountCount, accountToken, http.StatusOK, ""},
		{"project token for the account", accountCount, DefaultToken, http.StatusForbidden, "PROBE.0404"},
		{"missing token", projectCount, "", http.StatusUnauthorized, "PROBE.0401"},
		{"unknown token", accountCount, "not-a-token", http.StatusUnauthorized, "PROBE.0403"},
	}
	for _, tt := range tests {
		resp := f.Do(http.MethodGet, tt.path, nil, "X-Auth-Token", tt.token)
		if tt.wantCode == "" {
			resp.ExpectStatus(t, tt.wantStatus)
			continue
		}
		resp.ExpectError(t, tt.wantStatus, tt.wantCode)
	}

	// Issued tokens expire, the pre-issued ones never.
	clk.Advance(24 * time.Hour)
	f.Do(http.MethodGet, accountCount, nil, "X-Auth-Token", accountToken).ExpectError(t, http.StatusUnauthorized, "PROBE.0402")
	f.Do(http.MethodGet, accountCount, nil, "X-Auth-Token", DomainToken).ExpectStatus(t, http.StatusOK)
}

// TestAKSKScopes: an AK/SK caller may act in every project, and for the account when it names it in
// X-Domain-Id; signature failures answer in the service's codes.
func TestAKSKScopes(t *testing.T) {
	t.Parallel()
	clk := fakecloudtest.NewClock()
	_, f := startProbes(t, Options{Now: clk.Now})
	signed := func(path string, headers map[string]string) fakecloudtest.SignedRequest {
		return fakecloudtest.SignedRequest{Method: http.MethodGet, Path: path, AK: DefaultAccessKey, SK: DefaultSecretKey, Date: clk.Now(), Headers: headers}
	}
	signed(projectCount, nil).Send(f, nil).ExpectStatus(t, http.StatusOK)
	signed("/v1/"+OtherProjectID+"/pprobe/count", nil).Send(f, nil).ExpectStatus(t, http.StatusOK)
	signed(accountCount, map[string]string{"X-Domain-Id": DefaultDomainID}).Send(f, nil).ExpectStatus(t, http.StatusOK)
	signed(accountCount, nil).Send(f, nil).ExpectError(t, http.StatusForbidden, "PROBE.0404")
	signed(accountCount, map[string]string{"X-Domain-Id": "00000000000000000000000000000000"}).Send(f, nil).ExpectError(t, http.StatusForbidden, "PROBE.0404")

	wrong := signed(projectCount, nil)
	wrong.SK = "not-the-secret-key"
	wrong.Send(f, nil).ExpectError(t, http.StatusUnauthorized, "PROBE.0408")
	wrong = signed(projectCount, nil)
	wrong.AK = "UNKNOWNACCESSKEY0001"
	if msg := wrong.Send(f, nil).ExpectError(t, http.StatusUnauthorized, "PROBE.0406"); msg != "access key UNKNOWNACCESSKEY0001 unknown" {
		t.Errorf("message %q", msg)
	}
	wrong = signed(projectCount, nil)
	wrong.Date = clk.Now().Add(time.Hour)
	wrong.Send(f, nil).ExpectError(t, http.StatusUnauthorized, "PROBE.0407")
	signed(projectCount, nil).Send(f, func(r *http.Request) { r.Header.Set("Authorization", "SDK-HMAC-SHA256 x") }).
		ExpectError(t, http.StatusUnauthorized, "PROBE.0405")
}

// TestRouting: the body limit, claimed prefixes and the front door answer in the codes of whoever owns the
// path; what no service claims is the front door's.
func TestRouting(t *testing.T) {
	t.Parallel()
	_, f := startProbes(t, Options{MaxBodyBytes: 16})
	f.Do(http.MethodPost, projectCount, `{"by": 1}`).ExpectStatus(t, http.StatusCreated)
	if msg := f.Do(http.MethodPost, projectCount, `{"by": `+strings.Repeat("1", 20)+`}`).ExpectError(t, http.StatusRequestEntityTooLarge, "PROBE.0413"); msg != "body over 16 bytes" {
		t.Errorf("message %q", msg)
	}
	f.Do(http.MethodPost, projectCount, `{"by":`).ExpectError(t, http.StatusBadRequest, "PROBE.0400")
	f.Do(http.MethodDelete, projectCount, nil).ExpectError(t, http.StatusNotFound, "PROBE.0409") // a method the path does not have
	f.Do(http.MethodGet, "/v1/"+DefaultProjectID+"/pprobe/nothing", nil).ExpectError(t, http.StatusNotFound, "PROBE.0409")
	f.Do(http.MethodGet, "/v9/whatever", nil).ExpectError(t, http.StatusNotFound, "FAKECLOUD.0404")

	s := New(Options{})
	s.SetFrontDoor(newProbe("front", ScopeProject))
	fakecloudtest.Start(t, s, DefaultToken).Do(http.MethodGet, "/v9/whatever", nil).ExpectError(t, http.StatusNotFound, "PROBE.0409")
}

func TestRegisterRefusesTakenNames(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"", "projects", "pprobe"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("registering %q did not panic", name)
				}
			}()
			s := New(Options{})
			s.Register(newProbe("pprobe", ScopeProject))
			s.Register(newProbe(name, ScopeAccount))
		}()
	}
}
