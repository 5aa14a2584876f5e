package sdkconformance

import (
	"net/http"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	iam "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3"
	iammodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3/model"
)

// TestIAMTemporaryCredentials makes the provider's temporary-credential calls (internal/cloud/temporary.go)
// with the SDK's typed client: an agency's temporary keys (CreateTemporaryAccessKeyByAgency) and an OIDC ID
// token's token (CreateTokenWithIdToken), and their refusals.
func TestIAMTemporaryCredentials(t *testing.T) {
	t.Parallel()
	c := start(t, fakecloud.Options{}, fakecloud.Fixture{IAM: &fakecloud.IAMFixture{
		Agencies: []fakecloud.AgencyFixture{{Name: "admin", Trusted: []string{"user"}}},
		IdentityProviders: []fakecloud.IdentityProviderFixture{{ID: "ci", IDTokens: []fakecloud.IDTokenFixture{
			{Value: "id-token", ExpiresAt: time.Now().Add(time.Hour)}, {Value: "expired", ExpiresAt: time.Now().Add(-time.Hour)},
		}}},
	}})
	cli := iam.NewIamClient(c.globalClient(t, iam.IamClientBuilder(), ""))
	assume := func(agency string) *iammodel.CreateTemporaryAccessKeyByAgencyRequest {
		return &iammodel.CreateTemporaryAccessKeyByAgencyRequest{Body: &iammodel.CreateTemporaryAccessKeyByAgencyRequestBody{
			Auth: &iammodel.AgencyAuth{Identity: &iammodel.AgencyAuthIdentity{
				Methods:    []iammodel.AgencyAuthIdentityMethods{iammodel.GetAgencyAuthIdentityMethodsEnum().ASSUME_ROLE},
				AssumeRole: &iammodel.IdentityAssumerole{AgencyName: agency, DomainName: ptr(fakecloud.DefaultDomainName), DurationSeconds: ptr(int32(900))},
			}},
		}}
	}
	idToken := func(token string) *iammodel.CreateTokenWithIdTokenRequest {
		return &iammodel.CreateTokenWithIdTokenRequest{XIdpId: "ci", Body: &iammodel.GetIdTokenRequestBody{Auth: &iammodel.GetIdTokenAuthParams{
			IdToken: &iammodel.GetIdTokenIdTokenBody{Id: token},
			Scope:   &iammodel.GetIdTokenIdScopeBody{Project: &iammodel.GetIdTokenScopeDomainOrProjectBody{Name: ptr(fakecloud.DefaultProjectName)}},
		}}}
	}
	t.Run("CreateTemporaryAccessKeyByAgency", func(t *testing.T) {
		resp := sdkCall(t, c, http.StatusCreated, cli.CreateTemporaryAccessKeyByAgency, assume("admin"))
		if cred := resp.Credential; cred == nil || cred.Access == "" || cred.Secret == "" || cred.Securitytoken == "" || cred.ExpiresAt == "" {
			t.Fatalf("credential %+v", resp.Credential)
		}
	})
	t.Run("CreateTokenWithIdToken", func(t *testing.T) {
		resp := sdkCall(t, c, http.StatusCreated, cli.CreateTokenWithIdToken, idToken("id-token"))
		if deref(resp.XSubjectToken) == "" || resp.Token == nil || resp.Token.Project == nil || deref(resp.Token.Project.Id) != fakecloud.DefaultProjectID {
			t.Fatalf("token %q, body %+v", deref(resp.XSubjectToken), resp.Token)
		}
	})
	t.Run("errors", func(t *testing.T) {
		for _, tt := range []namedCase{
			{"CreateTemporaryAccessKeyByAgency of an unknown agency", func(t *testing.T) {
				sdkError(t, c, http.StatusForbidden, "IAM.0020", cli.CreateTemporaryAccessKeyByAgency, assume("nobody"))
			}},
			{"CreateTokenWithIdToken with an expired ID token", func(t *testing.T) {
				sdkError(t, c, http.StatusUnauthorized, "IAM.0023", cli.CreateTokenWithIdToken, idToken("expired"))
			}},
		} {
			t.Run(tt.name, tt.run)
		}
	})
}
