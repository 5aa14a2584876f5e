package gateway_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	fakegateway "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
)

func TestAccAppAuthorizationsDataSource(t *testing.T) {
	forEachFlavor(t, func(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway) {
		// app 1: APIs 1 and 2 in RELEASE, API 1 in the second environment; app 2: API 1 in RELEASE.
		for _, a := range []fakegateway.AppAuth{
			{AppID: g.AppIDs[0], APIID: g.APIIDs[0], EnvID: acctest.ReleaseEnvID},
			{AppID: g.AppIDs[0], APIID: g.APIIDs[1], EnvID: acctest.ReleaseEnvID},
			{AppID: g.AppIDs[0], APIID: g.APIIDs[0], EnvID: g.EnvID},
			{AppID: g.AppIDs[1], APIID: g.APIIDs[0], EnvID: acctest.ReleaseEnvID},
		} {
			if _, err := f.Gateway().AddAppAuth("", g.InstanceID, a); err != nil {
				t.Fatal(err)
			}
		}
		ds := func(name string) string { return fmt.Sprintf("data.authz_%s_app_authorizations.%s", g.Flavor, name) }
		config := f.ProviderConfig(fmt.Sprintf(`
data "authz_%[1]s_app_authorizations" "app" {
  instance_id = %[2]q
  app_id      = %[3]q
}

data "authz_%[1]s_app_authorizations" "app_in_env" {
  instance_id = %[2]q
  app_id      = %[3]q
  env_id      = %[5]q
}

data "authz_%[1]s_app_authorizations" "api" {
  instance_id = %[2]q
  api_id      = %[4]q
}

data "authz_%[1]s_app_authorizations" "api_in_release" {
  instance_id = %[2]q
  api_id      = %[4]q
  env_id      = "DEFAULT_ENVIRONMENT_RELEASE_ID"
}
`, g.Flavor, g.InstanceID, g.AppIDs[0], g.APIIDs[0], g.EnvID))
		resource.Test(t, testCase(t,
			resource.TestStep{
				Config:      f.ProviderConfig(fmt.Sprintf("data \"authz_%s_app_authorizations\" \"none\" {\n  instance_id = %q\n}\n", g.Flavor, g.InstanceID)),
				ExpectError: acctest.ExpectError(`At least one of these attributes must be configured: \[app_id,api_id\]`),
			},
			resource.TestStep{
				Config:      f.ProviderConfig(fmt.Sprintf("data \"authz_%s_app_authorizations\" \"gone\" {\n  instance_id = %q\n  app_id = \"nosuchapp\"\n}\n", g.Flavor, g.InstanceID)),
				ExpectError: acctest.ExpectError(`APIG.3004: App nosuchapp does not exist`),
			},
			resource.TestStep{
				// A typo in env_id: the gateway lists nothing for it, which must not read as "nobody may call".
				Config: f.ProviderConfig(fmt.Sprintf("data \"authz_%s_app_authorizations\" \"typo\" {\n  instance_id = %q\n  app_id = %q\n  env_id = \"RELEASE\"\n}\n",
					g.Flavor, g.InstanceID, g.AppIDs[0])),
				ExpectError: acctest.ExpectError(`instance ` + g.InstanceID + ` has no environment RELEASE; env_id is an environment's ID, one of: .*DEFAULT_ENVIRONMENT_RELEASE_ID`),
			},
			resource.TestStep{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(ds("app"), "authorizations.#", "3"),
					resource.TestCheckResourceAttr(ds("app_in_env"), "authorizations.#", "1"),
					resource.TestCheckResourceAttr(ds("app_in_env"), "authorizations.0.api_id", g.APIIDs[0]),
					resource.TestCheckResourceAttr(ds("app_in_env"), "authorizations.0.api_name", "api_1"),
					resource.TestCheckResourceAttr(ds("app_in_env"), "authorizations.0.env_name", "staging"),
					resource.TestCheckResourceAttr(ds("app_in_env"), "authorizations.0.app_name", "app_1"),
					resource.TestCheckResourceAttrSet(ds("app_in_env"), "authorizations.0.id"),
					resource.TestCheckResourceAttr(ds("api"), "authorizations.#", "3"),
					resource.TestCheckResourceAttr(ds("api_in_release"), "authorizations.#", "2"),
				),
			},
		))
	})
}
