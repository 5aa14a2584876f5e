package core

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/fakecloudtest"
)

func passwordLogin(user, password, domain string, project map[string]string) map[string]any {
	return fakecloudtest.PasswordLogin(user, password, domain, map[string]any{"project": project})
}

func domainLogin(domain map[string]string) map[string]any {
	return fakecloudtest.PasswordLogin(DefaultUserName, DefaultPassword, DefaultDomainName, map[string]any{"domain": domain})
}

func TestIssueToken(t *testing.T) {
	t.Parallel()
	byName := map[string]string{"name": DefaultProjectName}
	tests := []struct {
		name        string
		body        any
		wantStatus  int
		wantCode    string
		wantProject string // "" = scoped to the account
	}{
		{"scope by name", passwordLogin(DefaultUserName, DefaultPassword, DefaultDomainName, byName), http.StatusCreated, "", DefaultProjectID},
		{"scope by id", passwordLogin(DefaultUserName, DefaultPassword, DefaultDomainName, map[string]string{"id": OtherProjectID}), http.StatusCreated, "", OtherProjectID},
		{"domain scope by name", domainLogin(map[string]string{"name": DefaultDomainName}), http.StatusCreated, "", ""},
		{"domain scope by id", domainLogin(map[string]string{"id": DefaultDomainID}), http.StatusCreated, "", ""},
		{"wrong password", passwordLogin(DefaultUserName, "nope", DefaultDomainName, byName), http.StatusUnauthorized, "IAM.0001", ""},
		{"wrong user", passwordLogin("someone", DefaultPassword, DefaultDomainName, byName), http.StatusUnauthorized, "IAM.0001", ""},
		{"wrong domain", passwordLogin(DefaultUserName, DefaultPassword, "other-domain", byName), http.StatusUnauthorized, "IAM.0001", ""},
		{"unknown project name", passwordLogin(DefaultUserName, DefaultPassword, DefaultDomainName, map[string]string{"name": "cn-north-1"}), http.StatusBadRequest, "IAM.0003", ""},
		{"unknown project id", passwordLogin(DefaultUserName, DefaultPassword, DefaultDomainName, map[string]string{"id": "00000000000000000000000000000000"}), http.StatusBadRequest, "IAM.0003", ""},
		{"id and name disagree", passwordLogin(DefaultUserName, DefaultPassword, DefaultDomainName, map[string]string{"id": DefaultProjectID, "name": OtherProjectName}), http.StatusBadRequest, "IAM.0003", ""},
		{"unknown domain scope", domainLogin(map[string]string{"name": "other-domain"}), http.StatusBadRequest, "IAM.0004", ""},
		{"empty domain scope", domainLogin(map[string]string{}), http.StatusBadRequest, "IAM.0011", ""},
		{"project and domain scope", fakecloudtest.PasswordLogin(DefaultUserName, DefaultPassword, DefaultDomainName,
			map[string]any{"project": byName, "domain": map[string]string{"name": DefaultDomainName}}), http.StatusBadRequest, "IAM.0011", ""},
		{"no scope", passwordLogin(DefaultUserName, DefaultPassword, DefaultDomainName, map[string]string{}), http.StatusBadRequest, "IAM.0011", ""},
		{"missing password", passwordLogin(DefaultUserName, "", DefaultDomainName, byName), http.StatusBadRequest, "IAM.0011", ""},
		{"no methods", map[string]any{"auth": map[string]any{}}, http.StatusBadRequest, "IAM.0011", ""},
		{"malformed JSON", `{"auth":`, http.StatusBadRequest, "IAM.0011", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clk := fakecloudtest.NewClock()
			_, f := startProbes(t, Options{Now: clk.Now})
			resp := f.Do(http.MethodPost, "/v3/auth/tokens", tt.body, "X-Auth-Token", "")
			if tt.wantCode != "" {
				resp.ExpectError(t, tt.wantStatus, tt.wantCode)
				return
			}
			resp.ExpectStatus(t, tt.wantStatus)
			if resp.Header.Get("X-Subject-Token") == "" {
				t.Error("no X-Subject-Token header")
			}
			var body tokenBody
			resp.Decode(t, &body)
			if want := clk.Now().Add(24 * time.Hour).Format(time.RFC3339); body.Token.ExpiresAt != want {
				t.Errorf("expires_at %q, want %q", body.Token.ExpiresAt, want)
			}
			if body.Token.User.Domain.Name != DefaultDomainName {
				t.Errorf("user domain in %s", resp.Body)
			}
			// The SDK's model requires these, empty as they are here.
			for _, field := range []string{`"catalog":[]`, `"roles":[]`, `"password_expires_at":""`} {
				if !strings.Contains(string(resp.Body), field) {
					t.Errorf("no %s in %s", field, resp.Body)
				}
			}
			if tt.wantProject == "" {
				if body.Token.Project != nil || body.Token.Domain == nil || body.Token.Domain.ID != DefaultDomainID {
					t.Errorf("account-scoped token %s", resp.Body)
				}
				return
			}
			if body.Token.Project == nil || body.Token.Project.ID != tt.wantProject || body.Token.Domain != nil {
				t.Fatalf("token %s, want project %q", resp.Body, tt.wantProject)
			}
			if body.Token.Project.Domain.Name != DefaultDomainName {
				t.Errorf("domains in %s", resp.Body)
			}
		})
	}
}

func TestListProjects(t *testing.T) {
	t.Parallel()
	_, f := startProbes(t, Options{})
	tests := []struct {
		query string
		want  []string
	}{
		{"?name=" + DefaultProjectName, []string{DefaultProjectID}},
		{"?name=" + OtherProjectName, []string{OtherProjectID}},
		{"?name=ap-southeast-1", []string{}},
		{"", []string{DefaultProjectID, OtherProjectID}},
	}
	for _, tt := range tests {
		resp := f.Do(http.MethodGet, "/v3/projects"+tt.query, nil)
		resp.ExpectStatus(t, http.StatusOK)
		var body struct {
			Projects []projectView `json:"projects"`
		}
		resp.Decode(t, &body)
		var got []string
		for _, p := range body.Projects {
			got = append(got, p.ID)
			if p.DomainID != DefaultDomainID || p.ParentID != DefaultDomainID || !p.Enabled || p.IsDomain || p.Links.Self != f.URL+"/v3/projects/"+p.ID {
				t.Errorf("%s: project %+v", tt.query, p)
			}
		}
		if body.Projects == nil || len(got) != len(tt.want) || (len(got) > 0 && got[0] != tt.want[0]) {
			t.Errorf("%s: got %v (%s), want %v", tt.query, got, resp.Body, tt.want)
		}
	}
	// Any token of the domain may look projects up, but some credential is needed; IAM answers in its own codes.
	f.Do(http.MethodGet, "/v3/projects", nil, "X-Auth-Token", OtherProjectToken).ExpectStatus(t, http.StatusOK)
	f.Do(http.MethodGet, "/v3/projects", nil, "X-Auth-Token", DomainToken).ExpectStatus(t, http.StatusOK)
	f.Do(http.MethodGet, "/v3/projects", nil, "X-Auth-Token", "").ExpectError(t, http.StatusUnauthorized, "IAM.0101")
	f.Do(http.MethodGet, "/v3/projects", nil, "X-Auth-Token", "not-a-token").ExpectError(t, http.StatusUnauthorized, "IAM.0103")
}

// TestListAuthDomains: any caller of the account, with a token of any scope or an AK/SK signature (no
// X-Domain-Id needed: finding it is what the call is for), learns the account's ID.
func TestListAuthDomains(t *testing.T) {
	t.Parallel()
	clk := fakecloudtest.NewClock()
	_, f := startProbes(t, Options{Now: clk.Now})
	want := `{"domains":[{"id":"` + DefaultDomainID + `","name":"` + DefaultDomainName + `","enabled":true,"description":"",` +
		`"links":{"self":"` + f.URL + `/v3/domains/` + DefaultDomainID + `"}}],"links":{"self":"` + f.URL + `/v3/auth/domains"}}`
	check := func(who string, resp fakecloudtest.Response) {
		t.Helper()
		resp.ExpectStatus(t, http.StatusOK)
		if got := strings.TrimSpace(string(resp.Body)); got != want {
			t.Errorf("%s: got %s, want %s", who, got, want)
		}
	}
	for _, tok := range []string{DefaultToken, OtherProjectToken, DomainToken} {
		check(tok, f.Do(http.MethodGet, "/v3/auth/domains", nil, "X-Auth-Token", tok))
	}
	signed := fakecloudtest.SignedRequest{Method: http.MethodGet, Path: "/v3/auth/domains", AK: DefaultAccessKey, SK: DefaultSecretKey, Date: clk.Now()}
	check("AK/SK", signed.Send(f, nil))

	f.Do(http.MethodGet, "/v3/auth/domains", nil, "X-Auth-Token", "").ExpectError(t, http.StatusUnauthorized, "IAM.0101")
	f.Do(http.MethodGet, "/v3/auth/domains", nil, "X-Auth-Token", "not-a-token").ExpectError(t, http.StatusUnauthorized, "IAM.0103")
	signed.SK = "not-the-secret-key"
	signed.Send(f, nil).ExpectError(t, http.StatusUnauthorized, "IAM.0105")
}
