package modelarts_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

func TestAccModelArtsDataSources(t *testing.T) {
	t.Parallel()
	f, m := seeded(t)
	if err := f.ModelArts().Authorize("", m.ServiceID, m.APIIDs[0], "0", m.AppIDs[1]); err != nil {
		t.Fatal(err)
	}
	config := f.ProviderConfig(fmt.Sprintf(`
data "authz_modelarts_apps" "all" {}

data "authz_modelarts_apps" "by_name" {
  name = %[1]q
}

data "authz_modelarts_api_authorizations" "authorized" {
  service_id = %[2]q
  api_id     = %[3]q
}

data "authz_modelarts_api_authorizations" "not_authorized" {
  service_id = %[2]q
  api_id     = %[3]q
  show_only  = "UNAUTH"
}
`, m.AppNames[0], m.ServiceID, m.APIIDs[0]))
	tc := testCase(t, f, m, resource.TestStep{
		Config: config,
		Check: resource.ComposeAggregateTestCheckFunc(
			resource.TestCheckResourceAttr("data.authz_modelarts_apps.all", "apps.#", fmt.Sprint(len(m.AppIDs))),
			resource.TestCheckResourceAttr("data.authz_modelarts_apps.by_name", "apps.#", "1"),
			resource.TestCheckResourceAttr("data.authz_modelarts_apps.by_name", "apps.0.app_id", m.AppIDs[0]),
			resource.TestCheckNoResourceAttr("data.authz_modelarts_apps.all", "apps.0.app_secret"),
			resource.TestCheckResourceAttr("data.authz_modelarts_api_authorizations.authorized", "apps.#", "1"),
			resource.TestCheckResourceAttr("data.authz_modelarts_api_authorizations.authorized", "apps.0.app_id", m.AppIDs[1]),
			resource.TestCheckResourceAttr("data.authz_modelarts_api_authorizations.authorized", "apps.0.authorized", "true"),
			resource.TestCheckResourceAttr("data.authz_modelarts_api_authorizations.not_authorized", "apps.#", fmt.Sprint(len(m.AppIDs)-1)),
		),
	})
	// The authorization made for the test is not the data sources' to remove.
	tc.CheckDestroy = checkAuthorized(f, m, m.APIIDs[0], m.AppIDs[1])
	resource.Test(t, tc)
}
