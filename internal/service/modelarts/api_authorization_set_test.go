package modelarts_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
)

const setAddr = "authz_modelarts_api_authorization_set.test"

func setConfig(f *acctest.FakeCloud, serviceID, apiID string, appIDs ...string) string {
	return f.ProviderConfig(fmt.Sprintf(`
resource "authz_modelarts_api_authorization_set" "test" {
  service_id = %q
  api_id     = %q
  app_ids    = %s
}
`, serviceID, apiID, hclList(appIDs...)))
}

// checkCalls asserts how many authorize (POST) and revoke (DELETE) calls the step made.
func checkCalls(f *acctest.FakeCloud, authorize, revoke int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if a, r := countRequests(f, "POST", "/app-auth-api"), countRequests(f, "DELETE", "/app-auth-api"); a != authorize || r != revoke {
			return fmt.Errorf("%d authorize and %d revoke calls, want %d and %d", a, r, authorize, revoke)
		}
		return nil
	}
}

func TestAccModelArtsAPIAuthorizationSet_growShrinkImport(t *testing.T) {
	t.Parallel()
	f, m := seeded(t)
	api := m.APIIDs[0]
	resource.Test(t, testCase(t, f, m,
		resource.TestStep{
			Config: setConfig(f, m.ServiceID, api, m.AppIDs[0]),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(setAddr, "id", m.ServiceID+"/"+api),
				resource.TestCheckResourceAttr(setAddr, "app_ids.#", "1"),
				resource.TestCheckResourceAttrSet(setAddr, "authorization_ids."+m.AppIDs[0]),
				checkAuthorized(f, m, api, m.AppIDs[0]),
			),
		},
		resource.TestStep{
			ResourceName:            setAddr,
			ImportState:             true,
			ImportStateVerify:       true,
			ImportStateId:           m.ServiceID + "/" + api,
			ImportStateVerifyIgnore: []string{"timeouts", "authorization_ids"},
		},
		resource.TestStep{
			// Growing authorizes only the difference, in one call.
			PreConfig: f.ResetRequests,
			Config:    setConfig(f, m.ServiceID, api, m.AppIDs...),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(setAddr, plancheck.ResourceActionUpdate)},
			},
			Check: resource.ComposeAggregateTestCheckFunc(checkAuthorized(f, m, api, m.AppIDs...), checkCalls(f, 1, 0)),
		},
		resource.TestStep{
			// Shrinking revokes only the difference, in one call.
			PreConfig: f.ResetRequests,
			Config:    setConfig(f, m.ServiceID, api, m.AppIDs[2]),
			Check:     resource.ComposeAggregateTestCheckFunc(checkAuthorized(f, m, api, m.AppIDs[2]), checkCalls(f, 0, 1)),
		},
		resource.TestStep{
			Config: setConfig(f, m.ServiceID, api),
			Check:  checkAuthorized(f, m, api),
		},
	))
}

// In a workspace other than the default, the error of a set that would take over existing authorizations
// tells to import an ID naming the workspace, and importing exactly that ID, with an import block or
// terraform import, finds the authorizations.
func TestAccModelArtsAPIAuthorizationSet_existingInWorkspace(t *testing.T) {
	t.Parallel()
	f := acctest.NewFakeCloud(t)
	m := f.SeedModelArtsInWorkspace(t, otherWorkspace)
	api := m.APIIDs[0]
	if err := f.ModelArts().Authorize("", m.ServiceID, api, otherWorkspace, m.AppIDs[0]); err != nil {
		t.Fatal(err)
	}
	id := m.ServiceID + "/" + api
	importID := id + "/" + otherWorkspace
	config := f.ProviderConfig(fmt.Sprintf(`
resource "authz_modelarts_api_authorization_set" "test" {
  service_id   = %q
  api_id       = %q
  workspace_id = %q
  app_ids      = [%q]
}
`, m.ServiceID, api, otherWorkspace, m.AppIDs[0]))
	resource.Test(t, testCase(t, f, m,
		resource.TestStep{
			Config:      config,
			ExpectError: expectImportHint("authz_modelarts_api_authorization_set", importID),
		},
		resource.TestStep{
			Config: config + importBlock(setAddr, importID),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(setAddr, "id", id),
				resource.TestCheckResourceAttr(setAddr, "workspace_id", otherWorkspace),
				resource.TestCheckResourceAttr(setAddr, "app_ids.#", "1"),
				checkAuthorizedIn(f, m, otherWorkspace, api, m.AppIDs[0]),
			),
		},
		resource.TestStep{
			Config:                  config,
			ResourceName:            setAddr,
			ImportState:             true,
			ImportStateVerify:       true,
			ImportStateId:           importID,
			ImportStateVerifyIgnore: []string{"timeouts", "authorization_ids"},
		},
	))
}

// An app authorized outside Terraform is drift, revoked by the next apply; one revoked behind Terraform's
// back is authorized again.
func TestAccModelArtsAPIAuthorizationSet_drift(t *testing.T) {
	t.Parallel()
	f, m := seeded(t)
	api := m.APIIDs[0]
	config := setConfig(f, m.ServiceID, api, m.AppIDs[0])
	resource.Test(t, testCase(t, f, m,
		resource.TestStep{Config: config, Check: checkAuthorized(f, m, api, m.AppIDs[0])},
		resource.TestStep{
			PreConfig: func() {
				if err := f.ModelArts().Authorize("", m.ServiceID, api, "0", m.AppIDs[1]); err != nil {
					t.Fatal(err)
				}
			},
			Config:             config,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		},
		resource.TestStep{
			Config: config,
			Check:  checkAuthorized(f, m, api, m.AppIDs[0]),
		},
		resource.TestStep{
			PreConfig: func() {
				if err := f.ModelArts().Revoke("", m.ServiceID, api, "0", m.AppIDs[0]); err != nil {
					t.Fatal(err)
				}
			},
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(setAddr, plancheck.ResourceActionUpdate)},
			},
			Check: checkAuthorized(f, m, api, m.AppIDs[0]),
		},
	))
}

// A create checks the API and every app first: nothing is authorized when one is bad. An update that
// fails in part records exactly what exists. A create that fails half-way takes back what it authorized.
func TestAccModelArtsAPIAuthorizationSet_failures(t *testing.T) {
	t.Parallel()
	f, m := seeded(t)
	api, unknownApp := m.APIIDs[1], "0123456789abcdef0123456789abcdef"
	resource.Test(t, testCase(t, f, m,
		resource.TestStep{
			Config:      setConfig(f, m.ServiceID, api, m.AppIDs[0], unknownApp),
			ExpectError: acctest.ExpectError(`Nothing was authorized: .*app ` + unknownApp + ` does not exist`),
		},
		resource.TestStep{
			Config:      setConfig(f, m.ServiceID, m.IAMAPIID, m.AppIDs[0]),
			ExpectError: acctest.ExpectError(`Nothing was authorized: .*does not use app authentication \(its auth_type is IAM\)`),
		},
		resource.TestStep{
			// The authorize call's answer is lost after the service acted, and every read-back fails: the
			// outcome is unknown, so the create takes back what exists and leaves nothing, tainting nothing.
			PreConfig: func() {
				if err := checkAuthorized(f, m, api)(nil); err != nil {
					t.Fatal(err)
				}
				f.InjectFault(fakecloud.Fault{Method: "POST", PathRegexp: `/app-auth-api$`, Times: 1, Status: 503, AfterApply: true})
				// The first list is the create's look for existing authorizations; the read-backs after it fail.
				f.InjectFault(fakecloud.Fault{Method: "GET", PathRegexp: `/api-auths$`, Skip: 1, Times: 8, Status: 500})
			},
			Config:      setConfig(f, m.ServiceID, api, m.AppIDs[0], m.AppIDs[1]),
			ExpectError: acctest.ExpectError(`failed, and what was authorized on the way was revoked again`),
		},
		resource.TestStep{
			PreConfig: func() {
				f.ClearFaults()
				if err := checkAuthorized(f, m, api)(nil); err != nil {
					t.Fatal(err)
				}
			},
			Config: setConfig(f, m.ServiceID, api, m.AppIDs[0], m.AppIDs[1]),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(setAddr, plancheck.ResourceActionCreate)},
			},
			Check: checkAuthorized(f, m, api, m.AppIDs[0], m.AppIDs[1]),
		},
		resource.TestStep{
			// An update whose revoke fails records what exists and says what failed.
			PreConfig:   func() { f.InjectFault(fakecloud.Fault{Method: "DELETE", PathRegexp: `/app-auth-api$`, Status: 500}) },
			Config:      setConfig(f, m.ServiceID, api, m.AppIDs[0], m.AppIDs[2]),
			ExpectError: acctest.ExpectError(`the state records the 3 app\(s\) that may call it.*revoking app ` + m.AppIDs[1]),
		},
		resource.TestStep{
			PreConfig: f.ClearFaults,
			Config:    setConfig(f, m.ServiceID, api, m.AppIDs[0], m.AppIDs[2]),
			Check:     checkAuthorized(f, m, api, m.AppIDs[0], m.AppIDs[2]),
		},
	))
}

func TestAccModelArtsAPIAuthorizationSet_importUnknownAPI(t *testing.T) {
	t.Parallel()
	f, m := seeded(t)
	resource.Test(t, testCase(t, f, m, resource.TestStep{
		Config:        setConfig(f, m.ServiceID, m.APIIDs[0]),
		ResourceName:  setAddr,
		ImportState:   true,
		ImportStateId: m.ServiceID + "/fedcba9876543210fedcba9876543210",
		ExpectError:   acctest.ExpectError(`API fedcba9876543210fedcba9876543210 of service ` + m.ServiceID + ` does not exist`),
	}))
}
