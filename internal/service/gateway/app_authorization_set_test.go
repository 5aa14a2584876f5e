package gateway_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	fakegateway "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
)

func setAddr(g acctest.Gateway) string {
	return fmt.Sprintf("authz_%s_app_authorization_set.test", g.Flavor)
}

func setConfig(f *acctest.FakeCloud, g acctest.Gateway, apiIDs ...string) string {
	return f.ProviderConfig(fmt.Sprintf(`
resource "authz_%s_app_authorization_set" "test" {
  instance_id = %q
  env_id      = %q
  app_id      = %q
  api_ids     = %s
}
`, g.Flavor, g.InstanceID, g.EnvID, g.AppIDs[0], hclSet(apiIDs...)))
}

// checkAuthorizedAPIs asserts exactly which APIs the fake cloud lets the app call in the environment.
func checkAuthorizedAPIs(f *acctest.FakeCloud, g acctest.Gateway, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var got []string
		for _, a := range f.Gateway().AppAuths("", g.InstanceID) {
			if a.AppID == g.AppIDs[0] && a.EnvID == g.EnvID {
				got = append(got, a.APIID)
			}
		}
		slices.Sort(got)
		want = slices.Sorted(slices.Values(want))
		if !slices.Equal(got, want) {
			return fmt.Errorf("the fake cloud authorizes %v, want %v", got, want)
		}
		return nil
	}
}

func TestAccAppAuthorizationSet_growShrinkImport(t *testing.T) {
	forEachFlavor(t, func(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway) {
		addr := setAddr(g)
		tc := testCase(t,
			resource.TestStep{
				Config: setConfig(f, g, g.APIIDs[0], g.APIIDs[1]),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "id", g.InstanceID+"/"+g.EnvID+"/"+g.AppIDs[0]),
					resource.TestCheckResourceAttr(addr, "api_ids.#", "2"),
					resource.TestCheckResourceAttr(addr, "authorization_ids.%", "2"),
					resource.TestCheckResourceAttrSet(addr, "authorization_ids."+g.APIIDs[1]),
					checkAuthorizedAPIs(f, g, g.APIIDs[0], g.APIIDs[1]),
				),
			},
			resource.TestStep{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateId:           g.InstanceID + "/" + g.EnvID + "/" + g.AppIDs[0],
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			resource.TestStep{
				Config: setConfig(f, g, g.APIIDs...),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "api_ids.#", "3"),
					checkAuthorizedAPIs(f, g, g.APIIDs...),
				),
			},
			resource.TestStep{
				Config: setConfig(f, g, g.APIIDs[2]),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "api_ids.#", "1"),
					resource.TestCheckResourceAttr(addr, "authorization_ids.%", "1"),
					checkAuthorizedAPIs(f, g, g.APIIDs[2]),
				),
			},
			resource.TestStep{
				Config: setConfig(f, g),
				Check:  checkAuthorizedAPIs(f, g),
			},
		)
		tc.CheckDestroy = f.CheckNoAppAuths(g)
		resource.Test(t, tc)
	})
}

func TestAccAppAuthorizationSet_drift(t *testing.T) {
	forEachFlavor(t, func(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway) {
		config := setConfig(f, g, g.APIIDs[0])
		tc := testCase(t,
			resource.TestStep{Config: config, Check: checkAuthorizedAPIs(f, g, g.APIIDs[0])},
			resource.TestStep{
				// An authorization granted outside Terraform is drift for the authoritative set...
				PreConfig: func() {
					if _, err := f.Gateway().AddAppAuth("", g.InstanceID, fakegateway.AppAuth{AppID: g.AppIDs[0], APIID: g.APIIDs[1], EnvID: g.EnvID}); err != nil {
						t.Fatal(err)
					}
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			resource.TestStep{
				// ...which the next apply cancels; authorizations elsewhere are not its business.
				PreConfig: func() {
					if _, err := f.Gateway().AddAppAuth("", g.InstanceID, fakegateway.AppAuth{AppID: g.AppIDs[0], APIID: g.APIIDs[1], EnvID: acctest.ReleaseEnvID}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(setAddr(g), plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(checkAuthorizedAPIs(f, g, g.APIIDs[0]), f.CheckAppAuthCount(g, 2)),
			},
			resource.TestStep{
				// Authorizations cancelled behind Terraform's back are granted again.
				PreConfig: func() {
					for _, a := range f.Gateway().AppAuths("", g.InstanceID) {
						if a.EnvID == g.EnvID {
							if err := f.Gateway().RemoveAppAuth("", g.InstanceID, a.ID); err != nil {
								t.Fatal(err)
							}
						}
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(setAddr(g), plancheck.ResourceActionUpdate)},
				},
				Check: checkAuthorizedAPIs(f, g, g.APIIDs[0]),
			},
		)
		// The authorization in the other environment was never the set's: it stays.
		tc.CheckDestroy = resource.ComposeAggregateTestCheckFunc(checkAuthorizedAPIs(f, g), f.CheckAppAuthCount(g, 1))
		resource.Test(t, tc)
	})
}

func TestAccAppAuthorizationSet_partialFailureLeavesNoOrphans(t *testing.T) {
	forEachFlavor(t, func(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway) {
		addr := setAddr(g)
		tc := testCase(t,
			resource.TestStep{
				// One API is not published, one does not use app authentication: every API is checked before
				// anything is written, so nothing is created.
				Config: setConfig(f, g, g.APIIDs[0], g.UnpublishedAPIID, g.NoAuthAPIID, g.APIIDs[1]),
				ExpectError: acctest.ExpectError(`Nothing was authorized: these APIs cannot be authorized.*correct api_ids.*` +
					`API ` + g.NoAuthAPIID + ` \(api_open\) does not use app authentication.*` +
					`API ` + g.UnpublishedAPIID + ` does not exist or is not published in environment ` + g.EnvID),
			},
			resource.TestStep{
				PreConfig: func() {
					if err := checkAuthorizedAPIs(f, g)(nil); err != nil {
						t.Fatal(err)
					}
				},
				Config: setConfig(f, g, g.APIIDs[0], g.APIIDs[1]),
				Check:  checkAuthorizedAPIs(f, g, g.APIIDs[0], g.APIIDs[1]),
			},
			resource.TestStep{
				// On update, a bad API is reported as needing a change of configuration; the rest is applied.
				Config: setConfig(f, g, g.APIIDs[0], g.APIIDs[1], g.APIIDs[2], g.UnpublishedAPIID),
				ExpectError: acctest.ExpectError(`the state records the 3 authorization\(s\) that exist.*These APIs cannot be authorized as configured; correct api_ids.*` +
					g.UnpublishedAPIID + `.*The API has not been published`),
			},
			resource.TestStep{
				Config: setConfig(f, g, g.APIIDs[0], g.APIIDs[1]),
				Check:  checkAuthorizedAPIs(f, g, g.APIIDs[0], g.APIIDs[1]),
			},
			resource.TestStep{
				// An error half-way: cancelling fails, granting goes on; the state holds what exists.
				PreConfig: func() {
					f.InjectFault(fakecloud.Fault{Method: "DELETE", PathRegexp: `/app-auths/`, Status: 500, ErrorCode: "APIG.9999", ErrorMsg: "System error"})
				},
				Config:      setConfig(f, g, g.APIIDs[2]),
				ExpectError: acctest.ExpectError(`the state records the 3 authorization\(s\) that exist.*failed on a temporary error; the next apply retries them.*APIG.9999: System error`),
			},
			resource.TestStep{
				PreConfig: func() {
					f.ClearFaults()
					if err := checkAuthorizedAPIs(f, g, g.APIIDs...)(nil); err != nil {
						t.Fatal(err)
					}
				},
				Config: setConfig(f, g, g.APIIDs[2]),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: checkAuthorizedAPIs(f, g, g.APIIDs[2]),
			},
		)
		tc.CheckDestroy = f.CheckNoAppAuths(g)
		resource.Test(t, tc)
	})
}

func TestAccAppAuthorizationSet_disappearsAndErrors(t *testing.T) {
	forEachFlavor(t, func(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway) {
		config := setConfig(f, g, g.APIIDs[0])
		tc := testCase(t,
			resource.TestStep{
				Config:      setConfig(f, g, g.APIIDs[0], "bad id"),
				PlanOnly:    true,
				ExpectError: acctest.ExpectError(`must be 1 to 64 letters, digits`),
			},
			resource.TestStep{
				// Existing authorizations are not silently taken over.
				PreConfig: func() {
					f.CheckNoRequests(t)
					if _, err := f.Gateway().AddAppAuth("", g.InstanceID, fakegateway.AppAuth{AppID: g.AppIDs[0], APIID: g.APIIDs[2], EnvID: g.EnvID}); err != nil {
						t.Fatal(err)
					}
				},
				Config:      config,
				ExpectError: acctest.ExpectError(fmt.Sprintf(`already holds 1 authorization\(s\) \(APIs %s\).*terraform import authz_%s_app_authorization_set.<name> %s/%s/%s`, g.APIIDs[2], g.Flavor, g.InstanceID, g.EnvID, g.AppIDs[0])),
			},
			resource.TestStep{
				PreConfig: func() {
					for _, a := range f.Gateway().AppAuths("", g.InstanceID) {
						_ = f.Gateway().RemoveAppAuth("", g.InstanceID, a.ID)
					}
				},
				Config: config,
				Check:  checkAuthorizedAPIs(f, g, g.APIIDs[0]),
			},
			appDeletedStep(t, f, g, config),
		)
		tc.CheckDestroy = f.CheckNoAppAuths(g)
		resource.Test(t, tc)
	})
}
