package gateway_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	fakegateway "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
)

func authAddr(g acctest.Gateway) string {
	return fmt.Sprintf("authz_%s_app_authorization.test", g.Flavor)
}

func authConfig(f *acctest.FakeCloud, g acctest.Gateway, instanceID, envID, appID, apiID string, extra ...string) string {
	body := ""
	for _, e := range extra {
		body += "  " + e + "\n"
	}
	return f.ProviderConfig(fmt.Sprintf(`
resource "authz_%s_app_authorization" "test" {
  instance_id = %q
  env_id      = %q
  app_id      = %q
  api_id      = %q
%s}
`, g.Flavor, instanceID, envID, appID, apiID, body))
}

func TestAccAppAuthorization_basic(t *testing.T) {
	forEachFlavor(t, func(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway) {
		addr := authAddr(g)
		tc := testCase(t,
			resource.TestStep{
				Config: authConfig(f, g, g.InstanceID, g.EnvID, g.AppIDs[0], g.APIIDs[0]),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestMatchResourceAttr(addr, "id", regexp.MustCompile(`^[0-9a-f]{32}$`)),
					resource.TestCheckResourceAttr(addr, "api_name", "api_1"),
					resource.TestCheckResourceAttr(addr, "app_name", "app_1"),
					resource.TestCheckResourceAttr(addr, "env_name", "staging"),
					resource.TestCheckResourceAttr(addr, "group_id", string(g.Flavor)+"group1"),
					resource.TestCheckResourceAttrSet(addr, "auth_time"),
					resource.TestCheckResourceAttrSet(addr, "auth_role"),
					f.CheckAppAuthCount(g, 1),
				),
			},
			resource.TestStep{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateIdFunc:       importIDFrom(addr, "instance_id", "env_id", "app_id", "api_id"),
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		)
		tc.CheckDestroy = f.CheckNoAppAuths(g)
		resource.Test(t, tc)
	})
}

func TestAccAppAuthorization_disappears(t *testing.T) {
	forEachFlavor(t, func(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway) {
		config := authConfig(f, g, g.InstanceID, acctest.ReleaseEnvID, g.AppIDs[0], g.APIIDs[0])
		tc := testCase(t,
			resource.TestStep{Config: config, Check: f.CheckAppAuthCount(g, 1)},
			resource.TestStep{
				PreConfig: func() {
					for _, a := range f.Gateway().AppAuths("", g.InstanceID) {
						if err := f.Gateway().RemoveAppAuth("", g.InstanceID, a.ID); err != nil {
							t.Fatal(err)
						}
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(authAddr(g), plancheck.ResourceActionCreate)},
				},
				Check: f.CheckAppAuthCount(g, 1),
			},
			resource.TestStep{
				// Deleting the API takes its authorizations with it: the resource plans to be recreated, and
				// creating it then fails with the gateway's answer.
				PreConfig: func() {
					if err := f.Gateway().RemoveAPI("", g.InstanceID, g.APIIDs[0]); err != nil {
						t.Fatal(err)
					}
				},
				Config:      config,
				ExpectError: acctest.ExpectError(`APIG.3002: API ` + g.APIIDs[0] + ` does not exist`),
			},
		)
		tc.CheckDestroy = f.CheckNoAppAuths(g)
		resource.Test(t, tc)
	})
}

func TestAccAppAuthorization_cloudErrors(t *testing.T) {
	forEachFlavor(t, func(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway) {
		cases := map[string]struct {
			instanceID, envID, appID, apiID string
			want                            string
		}{
			"unknown app":         {g.InstanceID, acctest.ReleaseEnvID, "0123456789abcdef0123456789abcdef", g.APIIDs[0], `APIG.3004: App 0123456789abcdef0123456789abcdef does not exist`},
			"unknown API":         {g.InstanceID, acctest.ReleaseEnvID, g.AppIDs[0], "fedcba9876543210fedcba9876543210", `the cloud refused it: APIG.3002: API fedcba9876543210fedcba9876543210 does not exist`},
			"unpublished API":     {g.InstanceID, acctest.ReleaseEnvID, g.AppIDs[0], g.UnpublishedAPIID, `the cloud refused it: APIG.\d+: The API has not been published`},
			"API without appauth": {g.InstanceID, acctest.ReleaseEnvID, g.AppIDs[0], g.NoAuthAPIID, `the cloud refused it: APIG.\d+: .*app authentication`},
			"unknown environment": {g.InstanceID, "nosuchenv", g.AppIDs[0], g.APIIDs[0], `APIG.3003: Environment nosuchenv does not exist`},
			"unknown instance":    {"nosuchinstance", acctest.ReleaseEnvID, g.AppIDs[0], g.APIIDs[0], `APIG.3030: The instance does not exist;id:nosuchinstance`},
		}
		for name, c := range cases {
			t.Run(name, func(t *testing.T) {
				tc := testCase(t, resource.TestStep{
					Config:      authConfig(f, g, c.instanceID, c.envID, c.appID, c.apiID),
					ExpectError: acctest.ExpectError(fmt.Sprintf(`Error creating authz_%s_app_authorization.*%s.*request ID [0-9a-f]+`, g.Flavor, c.want)),
				})
				tc.CheckDestroy = f.CheckNoAppAuths(g)
				resource.Test(t, tc)
			})
		}
		// A failed create leaves nothing behind.
		if left := f.Gateway().AppAuths("", g.InstanceID); len(left) != 0 {
			t.Errorf("failed creates left %d authorization(s) in the cloud", len(left))
		}
	})
}

func TestAccAppAuthorization_alreadyExists(t *testing.T) {
	forEachFlavor(t, func(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway) {
		if _, err := f.Gateway().AddAppAuth("", g.InstanceID, fakegateway.AppAuth{AppID: g.AppIDs[0], APIID: g.APIIDs[0], EnvID: acctest.ReleaseEnvID}); err != nil {
			t.Fatal(err)
		}
		importID := g.InstanceID + "/" + acctest.ReleaseEnvID + "/" + g.AppIDs[0] + "/" + g.APIIDs[0]
		tc := testCase(t, resource.TestStep{
			Config:      authConfig(f, g, g.InstanceID, acctest.ReleaseEnvID, g.AppIDs[0], g.APIIDs[0]),
			ExpectError: acctest.ExpectError(fmt.Sprintf(`already exists.*terraform import authz_%s_app_authorization.<name> %s`, g.Flavor, regexp.QuoteMeta(importID))),
		})
		// The existing authorization is untouched, and nothing else was created.
		tc.CheckDestroy = f.CheckAppAuthCount(g, 1)
		resource.Test(t, tc)
	})
}

func TestAccAppAuthorization_planTimeValidation(t *testing.T) {
	forEachFlavor(t, func(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway) {
		cases := map[string]struct {
			instanceID, envID, appID, apiID string
		}{
			"instance_id with spaces": {"bad id", acctest.ReleaseEnvID, "a1", "p1"},
			"env_id too long":         {"i1", "e123456789012345678901234567890123456789012345678901234567890123456789", "a1", "p1"},
			"empty app_id":            {"i1", acctest.ReleaseEnvID, "", "p1"},
			"api_id with slash":       {"i1", acctest.ReleaseEnvID, "a1", "p/1"},
		}
		for name, c := range cases {
			t.Run(name, func(t *testing.T) {
				tc := testCase(t, resource.TestStep{
					Config:      authConfig(f, g, c.instanceID, c.envID, c.appID, c.apiID),
					PlanOnly:    true,
					ExpectError: acctest.ExpectError(`must be 1 to 64 letters, digits, hyphens \(-\) or underscores`),
				})
				tc.CheckDestroy = f.CheckNoAppAuths(g)
				resource.Test(t, tc)
			})
		}
		f.CheckNoRequests(t)
	})
}

func TestAccAppAuthorization_importErrors(t *testing.T) {
	forEachFlavor(t, func(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway) {
		cfg := authConfig(f, g, g.InstanceID, acctest.ReleaseEnvID, g.AppIDs[0], g.APIIDs[0])
		tc := testCase(t,
			resource.TestStep{
				Config:        cfg,
				ResourceName:  authAddr(g),
				ImportState:   true,
				ImportStateId: g.InstanceID + "/" + g.AppIDs[0],
				ExpectError:   acctest.ExpectError(`must have the form <instance_id>/<env_id>/<app_id>/<api_id>`),
			},
			resource.TestStep{
				Config:        cfg,
				ResourceName:  authAddr(g),
				ImportState:   true,
				ImportStateId: g.InstanceID + "/" + acctest.ReleaseEnvID + "/" + g.AppIDs[0] + "/" + g.APIIDs[1],
				ExpectError: acctest.ExpectError(`Error importing authz_` + string(g.Flavor) + `_app_authorization.*Importing: the authorization of app ` + g.AppIDs[0] +
					` for API ` + g.APIIDs[1] + ` in environment ` + acctest.ReleaseEnvID + ` of instance ` + g.InstanceID + ` does not exist`),
			},
		)
		tc.CheckDestroy = f.CheckNoAppAuths(g)
		resource.Test(t, tc)
	})
}

// Many authorizations of one app are created and destroyed in parallel by Terraform; the gateway refuses
// overlapping writes for one app (APIG.3500), so this passes only because the provider serialises them.
func TestAccAppAuthorization_parallelWritesForOneApp(t *testing.T) {
	forEachFlavor(t, func(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway) {
		config := f.ProviderConfig(fmt.Sprintf(`
locals {
  envs = %s
  apis = %s
}

# Every (environment, API) pair of one app: six creates and six deletes that Terraform runs in parallel.
resource "authz_%s_app_authorization" "test" {
  count       = length(local.envs) * length(local.apis)
  instance_id = %q
  env_id      = local.envs[floor(count.index / length(local.apis))]
  app_id      = %q
  api_id      = local.apis[count.index %% length(local.apis)]
}
`, hclSet(acctest.ReleaseEnvID, g.EnvID), hclSet(g.APIIDs...), g.Flavor, g.InstanceID, g.AppIDs[0]))
		tc := testCase(t, resource.TestStep{Config: config, Check: f.CheckAppAuthCount(g, 6)})
		tc.CheckDestroy = f.CheckNoAppAuths(g)
		resource.Test(t, tc)
	})
}

func TestAccROMAAppAuthorization_greenTunnel(t *testing.T) {
	f := acctest.NewFakeCloud(t)
	g := f.SeedGateway(t, fakegateway.FlavorROMA)
	addr := authAddr(g)
	tc := testCase(t,
		resource.TestStep{
			Config: authConfig(f, g, g.InstanceID, acctest.ReleaseEnvID, g.AppIDs[0], g.APIIDs[0],
				`auth_tunnel = "GREEN"`, `auth_whitelist = ["10.0.0.1", "10.0.0.2"]`, `auth_blacklist = ["10.9.9.9"]`, `visit_param = "tenant_a,region_1"`),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "auth_tunnel", "GREEN"),
				resource.TestCheckResourceAttr(addr, "auth_whitelist.#", "2"),
				resource.TestCheckResourceAttr(addr, "auth_blacklist.#", "1"),
				resource.TestCheckResourceAttr(addr, "visit_param", "tenant_a,region_1"),
				func(*terraform.State) error {
					a := f.Gateway().AppAuths("", g.InstanceID)
					if len(a) != 1 || a[0].AuthTunnel != "GREEN" || len(a[0].AuthWhitelist) != 2 || a[0].VisitParam != "tenant_a,region_1" {
						return fmt.Errorf("the fake cloud holds %+v", a)
					}
					return nil
				},
			),
		},
		resource.TestStep{
			ResourceName:            addr,
			ImportState:             true,
			ImportStateVerify:       true,
			ImportStateIdFunc:       importIDFrom(addr, "instance_id", "env_id", "app_id", "api_id"),
			ImportStateVerifyIgnore: []string{"timeouts"},
		},
		resource.TestStep{
			// The tunnel cannot be changed in place: the authorization is replaced.
			Config: authConfig(f, g, g.InstanceID, acctest.ReleaseEnvID, g.AppIDs[0], g.APIIDs[0]),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "auth_tunnel", "NORMAL"),
				resource.TestCheckNoResourceAttr(addr, "auth_whitelist"),
				f.CheckAppAuthCount(g, 1),
			),
		},
	)
	tc.CheckDestroy = f.CheckNoAppAuths(g)
	resource.Test(t, tc)
}

func TestAccROMAAppAuthorization_planTimeValidation(t *testing.T) {
	f := acctest.NewFakeCloud(t)
	g := f.SeedGateway(t, fakegateway.FlavorROMA)
	cases := map[string]struct {
		extra []string
		want  string
	}{
		"whitelist without GREEN":        {[]string{`auth_whitelist = ["10.0.0.1"]`}, `auth_whitelist is only allowed with auth_tunnel = "GREEN"; auth_tunnel is "NORMAL"`},
		"blacklist with NORMAL":          {[]string{`auth_tunnel = "NORMAL"`, `auth_blacklist = ["10.0.0.1"]`}, `auth_blacklist is only allowed with auth_tunnel = "GREEN"`},
		"unknown tunnel":                 {[]string{`auth_tunnel = "BLUE"`}, `value must be one of: \["NORMAL" "GREEN"\]`},
		"visit_param with bad character": {[]string{`visit_param = "a=b"`}, `must contain only letters, digits, underscores \(_\) and commas`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			tc := testCase(t, resource.TestStep{
				Config:      authConfig(f, g, g.InstanceID, acctest.ReleaseEnvID, g.AppIDs[0], g.APIIDs[0], c.extra...),
				PlanOnly:    true,
				ExpectError: acctest.ExpectError(c.want),
			})
			tc.CheckDestroy = f.CheckNoAppAuths(g)
			resource.Test(t, tc)
		})
	}
	f.CheckNoRequests(t)
}

// A create whose answer is lost (the gateway acted, then the response failed) must be recognised by reading
// back, not repeated; a create that failed outright is tried again. Either way exactly one record exists.
func TestAccAppAuthorization_lostCreateAnswer(t *testing.T) {
	forEachFlavor(t, func(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway) {
		tc := testCase(t,
			resource.TestStep{
				PreConfig: func() {
					f.InjectFault(fakecloud.Fault{Method: "POST", PathRegexp: `/app-auths$`, Times: 1, Status: 502, ErrorCode: "APIG.9999", ErrorMsg: "System error", AfterApply: true})
				},
				Config: authConfig(f, g, g.InstanceID, acctest.ReleaseEnvID, g.AppIDs[0], g.APIIDs[0]),
				Check:  f.CheckAppAuthCount(g, 1),
			},
			resource.TestStep{
				PreConfig: func() {
					f.ClearFaults()
					f.InjectFault(fakecloud.Fault{Method: "POST", PathRegexp: `/app-auths$`, Times: 1, Status: 500, ErrorCode: "APIG.9999", ErrorMsg: "System error"})
				},
				Config: authConfig(f, g, g.InstanceID, acctest.ReleaseEnvID, g.AppIDs[0], g.APIIDs[1]),
				Check:  f.CheckAppAuthCount(g, 1),
			},
		)
		tc.CheckDestroy = f.CheckNoAppAuths(g)
		resource.Test(t, tc)
	})
}
