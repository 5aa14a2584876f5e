package fakecloud

import (
	"net/http"
	"testing"
	"time"
)

func passwordLogin(user, password, domain string, project map[string]string) map[string]any {
	return map[string]any{"auth": map[string]any{
		"identity": map[string]any{
			"methods": []string{"password"},
			"password": map[string]any{"user": map[string]any{
				"name": user, "password": password, "domain": map[string]any{"name": domain},
			}},
		},
		"scope": map[string]any{"project": project},
	}}
}

func TestIssueToken(t *testing.T) {
	t.Parallel()
	byName := map[string]string{"name": DefaultProjectName}
	tests := []struct {
		name        string
		body        any
		wantStatus  int
		wantCode    string
		wantProject string
	}{
		{"scope by name", passwordLogin(DefaultUserName, DefaultPassword, DefaultDomainName, byName), http.StatusCreated, "", DefaultProjectID},
		{"scope by id", passwordLogin(DefaultUserName, DefaultPassword, DefaultDomainName, map[string]string{"id": OtherProjectID}), http.StatusCreated, "", OtherProjectID},
		{"wrong password", passwordLogin(DefaultUserName, "nope", DefaultDomainName, byName), http.StatusUnauthorized, "IAM.0001", ""},
		{"wrong user", passwordLogin("someone", DefaultPassword, DefaultDomainName, byName), http.StatusUnauthorized, "IAM.0001", ""},
		{"wrong domain", passwordLogin(DefaultUserName, DefaultPassword, "other-domain", byName), http.StatusUnauthorized, "IAM.0001", ""},
		{"unknown project name", passwordLogin(DefaultUserName, DefaultPassword, DefaultDomainName, map[string]string{"name": "cn-north-1"}), http.StatusBadRequest, "IAM.0003", ""},
		{"unknown project id", passwordLogin(DefaultUserName, DefaultPassword, DefaultDomainName, map[string]string{"id": "00000000000000000000000000000000"}), http.StatusBadRequest, "IAM.0003", ""},
		{"id and name disagree", passwordLogin(DefaultUserName, DefaultPassword, DefaultDomainName, map[string]string{"id": DefaultProjectID, "name": OtherProjectName}), http.StatusBadRequest, "IAM.0003", ""},
		{"no scope", passwordLogin(DefaultUserName, DefaultPassword, DefaultDomainName, map[string]string{}), http.StatusBadRequest, "IAM.0011", ""},
		{"missing password", passwordLogin(DefaultUserName, "", DefaultDomainName, byName), http.StatusBadRequest, "IAM.0011", ""},
		{"no methods", map[string]any{"auth": map[string]any{}}, http.StatusBadRequest, "IAM.0011", ""},
		{"malformed JSON", `{"auth":`, http.StatusBadRequest, "IAM.0011", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clk := newClock()
			f := start(t, Options{Now: clk.Now}, Fixture{})
			resp := f.do(http.MethodPost, "/v3/auth/tokens", tt.body, "X-Auth-Token", "")
			if tt.wantCode != "" {
				resp.expectError(t, tt.wantStatus, tt.wantCode)
				return
			}
			resp.expectStatus(t, tt.wantStatus)
			if resp.header.Get("X-Subject-Token") == "" {
				t.Error("no X-Subject-Token header")
			}
			var body tokenBody
			resp.decode(t, &body)
			if body.Token.Project.ID != tt.wantProject {
				t.Errorf("project %q, want %q", body.Token.Project.ID, tt.wantProject)
			}
			if want := clk.Now().Add(24 * time.Hour).Format(time.RFC3339); body.Token.ExpiresAt != want {
				t.Errorf("expires_at %q, want %q", body.Token.ExpiresAt, want)
			}
			if body.Token.User.Domain.Name != DefaultDomainName || body.Token.Project.Domain.Name != DefaultDomainName {
				t.Errorf("domains in %s", resp.body)
			}
		})
	}
}

func TestIssuedTokenWorksUntilItExpires(t *testing.T) {
	t.Parallel()
	clk := newClock()
	f := startStandard(t, Options{Now: clk.Now})
	resp := f.do(http.MethodPost, "/v3/auth/tokens",
		passwordLogin(DefaultUserName, DefaultPassword, DefaultDomainName, map[string]string{"name": DefaultProjectName}), "X-Auth-Token", "")
	resp.expectStatus(t, http.StatusCreated)
	tok := resp.header.Get("X-Subject-Token")

	f.do(http.MethodGet, apigBase, nil, "X-Auth-Token", tok).expectStatus(t, http.StatusOK)
	clk.Advance(24*time.Hour - time.Second)
	f.do(http.MethodGet, apigBase, nil, "X-Auth-Token", tok).expectStatus(t, http.StatusOK)
	clk.Advance(time.Second)
	f.do(http.MethodGet, apigBase, nil, "X-Auth-Token", tok).expectError(t, http.StatusUnauthorized, "APIG.1001")
	// The pre-issued tokens never expire.
	f.do(http.MethodGet, apigBase, nil).expectStatus(t, http.StatusOK)
}

func TestListProjects(t *testing.T) {
	t.Parallel()
	f := start(t, Options{}, Fixture{})
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
		resp := f.do(http.MethodGet, "/v3/projects"+tt.query, nil)
		resp.expectStatus(t, http.StatusOK)
		var body struct {
			Projects []projectView `json:"projects"`
		}
		resp.decode(t, &body)
		var got []string
		for _, p := range body.Projects {
			got = append(got, p.ID)
			if p.DomainID != domainID || !p.Enabled {
				t.Errorf("%s: project %+v", tt.query, p)
			}
		}
		if body.Projects == nil || len(got) != len(tt.want) || (len(got) > 0 && got[0] != tt.want[0]) {
			t.Errorf("%s: got %v (%s), want %v", tt.query, got, resp.body, tt.want)
		}
	}
	// Any token of the domain may look projects up, but some credential is needed.
	f.do(http.MethodGet, "/v3/projects", nil, "X-Auth-Token", OtherProjectToken).expectStatus(t, http.StatusOK)
	f.do(http.MethodGet, "/v3/projects", nil, "X-Auth-Token", "").expectError(t, http.StatusUnauthorized, "APIG.1000")
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
		{"valid", apigBase + "/apps", DefaultToken, http.StatusOK, ""},
		{"missing", apigBase + "/apps", "", http.StatusUnauthorized, "APIG.1000"},
		{"unknown", apigBase + "/apps", "not-a-token", http.StatusUnauthorized, "APIG.1002"},
		{"other project's token", apigBase + "/apps", OtherProjectToken, http.StatusForbidden, "APIG.1005"},
		{"unknown project", "/v2/00000000000000000000000000000000/apigw/instances/" + apigID + "/apps", DefaultToken, http.StatusForbidden, "APIG.1005"},
		{"token of the path's project", "/v2/" + OtherProjectID + "/apigw/instances/" + apigID, OtherProjectToken, http.StatusNotFound, "APIG.3030"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := f.do(http.MethodGet, tt.path, nil, "X-Auth-Token", tt.token)
			if tt.wantCode == "" {
				resp.expectStatus(t, tt.wantStatus)
				return
			}
			msg := resp.expectError(t, tt.wantStatus, tt.wantCode)
			if tt.wantStatus == http.StatusUnauthorized && msg != "Incorrect token or token resolution failed" {
				t.Errorf("message %q", msg)
			}
		})
	}
}
