package sdkconformance

import (
	"net/http"
	"testing"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	iam "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3"
	iammodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3/model"
)

// passwordLogin is the provider's login (internal/cloud/iam.go CreatePasswordToken) as the SDK's request.
func passwordLogin(password string, scope *iammodel.AuthScope) *iammodel.KeystoneCreateUserTokenByPasswordRequest {
	return &iammodel.KeystoneCreateUserTokenByPasswordRequest{Body: &iammodel.KeystoneCreateUserTokenByPasswordRequestBody{
		Auth: &iammodel.PwdAuth{
			Identity: &iammodel.PwdIdentity{
				Methods: []iammodel.PwdIdentityMethods{iammodel.GetPwdIdentityMethodsEnum().PASSWORD},
				Password: &iammodel.PwdPassword{User: &iammodel.PwdPasswordUser{
					Domain: &iammodel.PwdPasswordUserDomain{Name: fakecloud.DefaultDomainName},
					Name:   fakecloud.DefaultUserName, Password: password,
				}},
			},
			Scope: scope,
		},
	}}
}

// TestIAM makes the provider's three IAM calls: the password login (scoped to a project by name or ID, or to
// the account), the project look-up by region name, and the account look-up of AK/SK callers of global services.
func TestIAM(t *testing.T) {
	t.Parallel()
	c := start(t, fakecloud.Options{}, fakecloud.Fixture{})
	cli := iam.NewIamClient(c.globalClient(t, iam.IamClientBuilder(), ""))

	t.Run("KeystoneCreateUserTokenByPassword", func(t *testing.T) {
		for _, tt := range []struct {
			name        string
			scope       *iammodel.AuthScope
			wantProject string // "" = scoped to the account
		}{
			{"project by name", &iammodel.AuthScope{Project: &iammodel.AuthScopeProject{Name: ptr(fakecloud.DefaultProjectName)}}, fakecloud.DefaultProjectID},
			{"project by ID", &iammodel.AuthScope{Project: &iammodel.AuthScopeProject{Id: ptr(fakecloud.OtherProjectID)}}, fakecloud.OtherProjectID},
			{"account", &iammodel.AuthScope{Domain: &iammodel.AuthScopeDomain{Name: ptr(fakecloud.DefaultDomainName)}}, ""},
		} {
			t.Run(tt.name, func(t *testing.T) {
				resp := sdkCall(t, c, http.StatusCreated, cli.KeystoneCreateUserTokenByPassword, passwordLogin(fakecloud.DefaultPassword, tt.scope))
				if deref(resp.XSubjectToken) == "" || resp.Token == nil {
					t.Fatalf("token %q, body %v", deref(resp.XSubjectToken), resp.Token)
				}
				switch tok := resp.Token; {
				case tt.wantProject != "" && (tok.Project == nil || tok.Project.Id != tt.wantProject):
					t.Errorf("project %v, want %s", tok.Project, tt.wantProject)
				case tt.wantProject == "" && (tok.Domain == nil || tok.Domain.Id != fakecloud.DefaultDomainID):
					t.Errorf("domain %v, want %s", tok.Domain, fakecloud.DefaultDomainID)
				}
			})
		}
	})
	t.Run("KeystoneListProjects", func(t *testing.T) {
		resp := sdkCall(t, c, http.StatusOK, cli.KeystoneListProjects, &iammodel.KeystoneListProjectsRequest{Name: ptr(fakecloud.DefaultProjectName)})
		if p := deref(resp.Projects); len(p) != 1 || p[0].Id != fakecloud.DefaultProjectID {
			t.Errorf("projects %v, want %s alone", p, fakecloud.DefaultProjectID)
		}
	})
	t.Run("KeystoneListAuthDomains", func(t *testing.T) {
		resp := sdkCall(t, c, http.StatusOK, cli.KeystoneListAuthDomains, &iammodel.KeystoneListAuthDomainsRequest{})
		if d := deref(resp.Domains); len(d) != 1 || d[0].Id != fakecloud.DefaultDomainID {
			t.Errorf("domains %v, want %s alone", d, fakecloud.DefaultDomainID)
		}
	})
	t.Run("errors", func(t *testing.T) {
		for _, tt := range []namedCase{
			{"KeystoneCreateUserTokenByPassword with a wrong password", func(t *testing.T) {
				sdkError(t, c, http.StatusUnauthorized, "IAM.0001", cli.KeystoneCreateUserTokenByPassword,
					passwordLogin("wrong", &iammodel.AuthScope{Project: &iammodel.AuthScopeProject{Name: ptr(fakecloud.DefaultProjectName)}}))
			}},
			{"KeystoneCreateUserTokenByPassword in an unknown project", func(t *testing.T) {
				sdkError(t, c, http.StatusBadRequest, "IAM.0003", cli.KeystoneCreateUserTokenByPassword,
					passwordLogin(fakecloud.DefaultPassword, &iammodel.AuthScope{Project: &iammodel.AuthScopeProject{Name: ptr("cn-north-1")}}))
			}},
		} {
			t.Run(tt.name, tt.run)
		}
	})
}
