package modelarts_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
)

const authAddr = "authz_modelarts_app_authorization.test"

func authConfig(f *acctest.FakeCloud, serviceID, apiID, appID string, extra ...string) string {
	body := ""
	for _, e := range extra {
		body += "  " + e + "\n"
	}
	return f.ProviderConfig(fmt.Sprintf(`
resource "authz_modelarts_app_authorization" "test" {
  service_id = %q
  api_id     = %q
  app_id     = %q
%s}
`, serviceID, apiID, appID, body))
}

func TestAccModelArtsAppAuthorization_basic(t *testing.T) {
	t.Parallel()
	f, m := seeded(t)
	resource.Test(t, testCase(t, f, m,
		resource.TestStep{
			Config: authConfig(f, m.ServiceID, m.APIIDs[0], m.AppIDs[0]),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(authAddr, "id", m.ServiceID+"/"+m.APIIDs[0]+"/"+m.AppIDs[0]),
				resource.TestCheckResourceAttr(authAddr, "workspace_id", "0"),
				resource.TestMatchResourceAttr(authAddr, "auth_id", regexp.MustCompile(`.+`)),
				resource.TestCheckResourceAttr(authAddr, "app_name", m.AppNames[0]),
				resource.TestCheckResourceAttrSet(authAddr, "api_name"),
				resource.TestCheckResourceAttr(authAddr, "service_name", m.ServiceName),
				checkAuthorized(f, m, m.APIIDs[0], m.AppIDs[0]),
			),
		},
		resource.TestStep{
			ResourceName:            authAddr,
			ImportState:             true,
			ImportStateVerify:       true,
			ImportStateId:           m.ServiceID + "/" + m.APIIDs[0] + "/" + m.AppIDs[0],
			ImportStateVerifyIgnore: []string{"timeouts", "auth_id"},
		},
		resource.TestStep{
			// The workspace may be given as a fourth part.
			ResourceName:            authAddr,
			ImportState:             true,
			ImportStateVerify:       true,
			ImportStateId:           m.ServiceID + "/" + m.APIIDs[0] + "/" + m.AppIDs[0] + "/0",
			ImportStateVerifyIgnore: []string{"timeouts", "auth_id"},
		},
	))
}

// An authorization revoked behind Terraform's back is created again; an API that disappears takes its
// authorizations with it, and creating one for it then fails with the service's answer.
func TestAccModelArtsAppAuthorization_disappears(t *testing.T) {
	t.Parallel()
	f, m := seeded(t)
	config := authConfig(f, m.ServiceID, m.APIIDs[0], m.AppIDs[0])
	resource.Test(t, testCase(t, f, m,
		resource.TestStep{Config: config, Check: checkAuthorized(f, m, m.APIIDs[0], m.AppIDs[0])},
		resource.TestStep{
			PreConfig: func() {
				if err := f.ModelArts().Revoke("", m.ServiceID, m.APIIDs[0], "0", m.AppIDs[0]); err != nil {
					t.Fatal(err)
				}
			},
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(authAddr, plancheck.ResourceActionCreate)},
			},
			Check: checkAuthorized(f, m, m.APIIDs[0], m.AppIDs[0]),
		},
		resource.TestStep{
			PreConfig: func() {
				if err := f.ModelArts().RemoveAPI("", m.ServiceID, m.APIIDs[0]); err != nil {
					t.Fatal(err)
				}
			},
			Config:      config,
			ExpectError: acctest.ExpectError(`ModelArts.3512`),
		},
	))
}

// Several apps authorized to one API in one apply go out together: while the fake cloud holds the first
// authorize call in flight, the creates arriving meanwhile wait and share the next call, so there are fewer
// calls than apps, and each resource still gets its own authorization's ID.
func TestAccModelArtsAppAuthorization_parallel(t *testing.T) {
	t.Parallel()
	f := acctest.NewFakeCloudWith(t, fakecloud.Options{Latency: time.Second})
	m := f.SeedModelArts(t)
	config := f.ProviderConfig(fmt.Sprintf(`
locals {
  apps = %s
}

resource "authz_modelarts_app_authorization" "test" {
  count      = length(local.apps)
  service_id = %q
  api_id     = %q
  app_id     = local.apps[count.index]
}
`, hclList(m.AppIDs...), m.ServiceID, m.APIIDs[1]))
	resource.Test(t, testCase(t, f, m,
		resource.TestStep{
			PreConfig: f.ResetRequests,
			Config:    config,
			Check: resource.ComposeAggregateTestCheckFunc(
				checkAuthorized(f, m, m.APIIDs[1], m.AppIDs...),
				checkAuthIDsLearned(f),
				func(*terraform.State) error {
					if n := countRequests(f, "POST", "/app-auth-api"); n == 0 || n >= len(m.AppIDs) {
						return fmt.Errorf("%d authorize calls for %d apps created together, want fewer calls than apps", n, len(m.AppIDs))
					}
					return nil
				},
			),
		},
		resource.TestStep{
			Config:           config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		},
	))
}

// A per-app failure inside the 200 is an error showing its reason, with nothing in the state; unknown
// services and APIs fail with the service's codes.
func TestAccModelArtsAppAuthorization_cloudErrors(t *testing.T) {
	t.Parallel()
	f, m := seeded(t)
	cases := map[string]struct {
		serviceID, apiID, appID string
		want                    string
	}{
		"API without app authentication": {m.ServiceID, m.IAMAPIID, m.AppIDs[0], `the cloud refused it: .+ \(request ID [0-9a-f]+\)`},
		"unknown app":                    {m.ServiceID, m.APIIDs[0], "0123456789abcdef0123456789abcdef", `the cloud refused it: .+ \(request ID [0-9a-f]+\)`},
		"unknown API":                    {m.ServiceID, "fedcba9876543210fedcba9876543210", m.AppIDs[0], `ModelArts.3512`},
		"unknown service":                {"0b5b0b8c-5c0b-4a6b-9e8a-6c4d2e1f0a9b", m.APIIDs[0], m.AppIDs[0], `ModelArts.3502`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, testCase(t, f, m, resource.TestStep{
				Config:      authConfig(f, c.serviceID, c.apiID, c.appID),
				ExpectError: acctest.ExpectError(`Error creating authz_modelarts_app_authorization.*` + c.want),
			}))
		})
	}
}

func TestAccModelArtsAppAuthorization_alreadyAuthorized(t *testing.T) {
	t.Parallel()
	f, m := seeded(t)
	if err := f.ModelArts().Authorize("", m.ServiceID, m.APIIDs[0], "0", m.AppIDs[0]); err != nil {
		t.Fatal(err)
	}
	tc := testCase(t, f, m, resource.TestStep{
		Config: authConfig(f, m.ServiceID, m.APIIDs[0], m.AppIDs[0]),
		ExpectError: acctest.ExpectError(`already authorized to call API .*terraform import authz_modelarts_app_authorization.<name> ` +
			regexp.QuoteMeta(m.ServiceID+"/"+m.APIIDs[0]+"/"+m.AppIDs[0])),
	})
	// The existing authorization is untouched.
	tc.CheckDestroy = checkAuthorized(f, m, m.APIIDs[0], m.AppIDs[0])
	resource.Test(t, tc)
}

// In a workspace other than the default, the "already authorized" error tells to import an ID naming the
// workspace, and importing exactly that ID, with an import block or terraform import, finds the authorization.
func TestAccModelArtsAppAuthorization_alreadyAuthorizedInWorkspace(t *testing.T) {
	t.Parallel()
	f := acctest.NewFakeCloud(t)
	m := f.SeedModelArtsInWorkspace(t, otherWorkspace)
	if err := f.ModelArts().Authorize("", m.ServiceID, m.APIIDs[0], otherWorkspace, m.AppIDs[0]); err != nil {
		t.Fatal(err)
	}
	id := m.ServiceID + "/" + m.APIIDs[0] + "/" + m.AppIDs[0]
	importID := id + "/" + otherWorkspace
	config := authConfig(f, m.ServiceID, m.APIIDs[0], m.AppIDs[0], fmt.Sprintf("workspace_id = %q", otherWorkspace))
	resource.Test(t, testCase(t, f, m,
		resource.TestStep{
			Config:      config,
			ExpectError: expectImportHint("authz_modelarts_app_authorization", importID),
		},
		resource.TestStep{
			Config: config + importBlock(authAddr, importID),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(authAddr, "id", id),
				resource.TestCheckResourceAttr(authAddr, "workspace_id", otherWorkspace),
				resource.TestCheckResourceAttr(authAddr, "app_name", m.AppNames[0]),
				checkAuthorizedIn(f, m, otherWorkspace, m.APIIDs[0], m.AppIDs[0]),
			),
		},
		resource.TestStep{
			Config:                  config,
			ResourceName:            authAddr,
			ImportState:             true,
			ImportStateVerify:       true,
			ImportStateId:           importID,
			ImportStateVerifyIgnore: []string{"timeouts", "auth_id"},
		},
	))
}

// The answer of an authorization is lost after the service acted, and reading back fails at first: the
// read-back is retried and the authorization adopted, with no second call.
func TestAccModelArtsAppAuthorization_lostAnswer(t *testing.T) {
	t.Parallel()
	f, m := seeded(t)
	config := authConfig(f, m.ServiceID, m.APIIDs[0], m.AppIDs[0])
	resource.Test(t, testCase(t, f, m,
		resource.TestStep{
			PreConfig: func() {
				f.InjectFault(fakecloud.Fault{Method: "POST", PathRegexp: `/app-auth-api$`, Times: 1, Status: 502, AfterApply: true})
				f.InjectFault(fakecloud.Fault{Method: "GET", PathRegexp: `/api-auths$`, Times: 2, Status: 500})
				f.ResetRequests()
			},
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				checkAuthorized(f, m, m.APIIDs[0], m.AppIDs[0]),
				func(*terraform.State) error {
					if n := countRequests(f, "POST", "/app-auth-api"); n != 1 {
						return fmt.Errorf("%d authorize calls, want 1", n)
					}
					return nil
				},
			),
		},
		resource.TestStep{
			Config:           config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		},
	))
}

func TestAccModelArtsAppAuthorization_planTimeValidation(t *testing.T) {
	t.Parallel()
	f, m := seeded(t)
	f.ResetRequests()
	cases := map[string]struct {
		serviceID, apiID, appID string
		extra                   []string
	}{
		"service_id with spaces": {"bad id", m.APIIDs[0], m.AppIDs[0], nil},
		"empty api_id":           {m.ServiceID, "", m.AppIDs[0], nil},
		"app_id with slash":      {m.ServiceID, m.APIIDs[0], "a/b", nil},
		"workspace_id too long":  {m.ServiceID, m.APIIDs[0], m.AppIDs[0], []string{`workspace_id = "` + fmt.Sprintf("%070d", 1) + `"`}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, testCase(t, f, m, resource.TestStep{
				Config:      authConfig(f, c.serviceID, c.apiID, c.appID, c.extra...),
				PlanOnly:    true,
				ExpectError: acctest.ExpectError(`must be 1 to 64 letters, digits, hyphens \(-\) or underscores`),
			}))
		})
	}
	for _, r := range f.Requests() {
		t.Errorf("plan-time validation let %s %s through", r.Method, r.Path)
	}
}

func TestAccModelArtsAppAuthorization_importErrors(t *testing.T) {
	t.Parallel()
	f, m := seeded(t)
	cfg := authConfig(f, m.ServiceID, m.APIIDs[0], m.AppIDs[0])
	resource.Test(t, testCase(t, f, m,
		resource.TestStep{
			Config:        cfg,
			ResourceName:  authAddr,
			ImportState:   true,
			ImportStateId: m.ServiceID + "/" + m.APIIDs[0],
			ExpectError:   acctest.ExpectError(`must have the form <service_id>/<api_id>/<app_id>, optionally followed by /<workspace_id>`),
		},
		resource.TestStep{
			Config:        cfg,
			ResourceName:  authAddr,
			ImportState:   true,
			ImportStateId: m.ServiceID + "/" + m.APIIDs[1] + "/" + m.AppIDs[0],
			ExpectError:   acctest.ExpectError(`Cannot import non-existent remote object`),
		},
	))
}
