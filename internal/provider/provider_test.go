package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	fakegateway "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
)

func authorization(g acctest.Gateway) string {
	return fmt.Sprintf(`
resource "authz_apig_app_authorization" "test" {
  instance_id = %q
  env_id      = %q
  app_id      = %q
  api_id      = %q
}
`, g.InstanceID, acctest.ReleaseEnvID, g.AppIDs[0], g.APIIDs[0])
}

func TestAccProvider_credentialModes(t *testing.T) {
	modes := map[string]acctest.Credentials{
		"token":    acctest.WithToken,
		"AK/SK":    acctest.WithAccessKey,
		"password": acctest.WithPassword,
	}
	for name, mode := range modes {
		t.Run(name, func(t *testing.T) {
			f := acctest.NewFakeCloud(t)
			g := f.SeedGateway(t, fakegateway.FlavorAPIG)
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				CheckDestroy:             f.CheckNoAppAuths(g),
				Steps: []resource.TestStep{{
					Config: f.ProviderConfigWith(mode, authorization(g)),
					Check:  f.CheckAppAuthCount(g, 1),
				}},
			})
		})
	}
}

func TestAccProvider_passwordLoginOncePerProvider(t *testing.T) {
	f := acctest.NewFakeCloud(t)
	g := f.SeedGateway(t, fakegateway.FlavorAPIG)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: f.ResetRequests,
			Config:    f.ProviderConfigWith(acctest.WithPassword, authorization(g)),
			Check: func(*terraform.State) error {
				// One apply configures the provider once; within it the token is reused for every call.
				logins := 0
				for _, r := range f.Requests() {
					if r.Method == "POST" && r.Path == "/v3/auth/tokens" {
						logins++
					}
				}
				if logins != 1 {
					return fmt.Errorf("%d password logins during one apply, want 1", logins)
				}
				return nil
			},
		}},
	})
}

func TestAccProvider_wrongCredentials(t *testing.T) {
	f := acctest.NewFakeCloud(t)
	g := f.SeedGateway(t, fakegateway.FlavorAPIG)
	cases := map[string]struct {
		body string
		want string
	}{
		"token":           {`token = "not-a-token"` + "\n" + fmt.Sprintf("project_id = %q\n", f.Creds.ProjectID), `APIG\.1002: Incorrect token or token resolution failed`},
		"other project":   {fmt.Sprintf("token = %q\nproject_id = %q\n", f.Creds.OtherProjectToken, f.Creds.ProjectID), `APIG\.1005: No permissions to request this method`},
		"secret key":      {fmt.Sprintf("access_key = %q\nsecret_key = \"wrong-secret\"\nproject_id = %q\n", f.Creds.AccessKey, f.Creds.ProjectID), `HTTP 401`},
		"password":        {fmt.Sprintf("user_name = %q\npassword = \"wrong\"\ndomain_name = %q\n", f.Creds.UserName, f.Creds.DomainName), `obtaining an IAM token for user "` + f.Creds.UserName + `".*HTTP 401`},
		"unknown project": {fmt.Sprintf("token = %q\nproject_name = \"nowhere\"\n", f.Creds.Token), `resolving project "nowhere": no project with that name`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      f.ProviderBlock(tc.body) + authorization(g),
					ExpectError: acctest.ExpectError(tc.want),
				}},
			})
		})
	}
	if left := f.Gateway().AppAuths("", g.InstanceID); len(left) != 0 {
		t.Errorf("%d authorization(s) created with wrong credentials", len(left))
	}
}

func TestAccProvider_configurationErrors(t *testing.T) {
	f := acctest.NewFakeCloud(t)
	g := f.SeedGateway(t, fakegateway.FlavorAPIG)
	cases := map[string]struct {
		body string
		want string
	}{
		"two modes":           {fmt.Sprintf("token = %q\naccess_key = \"ak\"\nsecret_key = \"sk\"\n", f.Creds.Token), `conflicting credentials: token and access_key/secret_key are all set`},
		"half an AK/SK":       {"access_key = \"ak\"\n", `access_key and secret_key must be set together`},
		"password no domain":  {"user_name = \"u\"\npassword = \"p\"\n", `password authentication needs user_name, password and domain_name`},
		"bad cloud":           {fmt.Sprintf("token = %q\ncloud = \"aws\"\n", f.Creds.Token), `value must be one of`},
		"unknown service":     {fmt.Sprintf("token = %q\nendpoints = { s3 = \"http://x\" }\n", f.Creds.Token), `value must be one of`},
		"project id and name": {fmt.Sprintf("token = %q\nproject_id = \"a\"\nproject_name = \"b\"\n", f.Creds.Token), `Invalid Attribute Combination`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					// A provider block that does not go through ProviderBlock, so its settings are exactly these.
					Config:      fmt.Sprintf("provider \"authz\" {\n  region = \"eu-de\"\n%s}\n", tc.body) + authorization(g),
					PlanOnly:    true,
					ExpectError: acctest.ExpectError(tc.want),
				}},
			})
		})
	}
	f.CheckNoRequests(t)
}

// Provider arguments that come from other resources are unknown while planning; plan and apply must work.
func TestAccProvider_unknownConfigurationAtPlan(t *testing.T) {
	f := acctest.NewFakeCloud(t)
	g := f.SeedGateway(t, fakegateway.FlavorAPIG)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             f.CheckNoAppAuths(g),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "terraform_data" "creds" {
  input = %q
}
`, f.Creds.Token) + f.ProviderBlock(fmt.Sprintf("  token = terraform_data.creds.output\n  project_id = %q\n", f.Creds.ProjectID)) + authorization(g),
			Check: f.CheckAppAuthCount(g, 1),
		}},
	})
}
