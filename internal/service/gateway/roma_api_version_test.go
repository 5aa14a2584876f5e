package gateway_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	fakegateway "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
)

// romaV1Provider is a provider block for an older ROMA Connect instance: roma_api_version = "v1".
func romaV1Provider(f *acctest.FakeCloud) string {
	return providerWith(f, f.Endpoints(), tokenBody(f)+"  roma_api_version = \"v1\"\n")
}

// olderROMAHint is the message a /v2 app-auth call meets at an older ROMA Connect instance.
const olderROMAHint = `APIG.0101: .*set the provider argument roma_api_version = "v1"`

// checkROMAPaths asserts where the provider sent its ROMA Connect requests: the app-auth calls under
// /<authVersion>/, every other call under /v2/.
func checkROMAPaths(f *acctest.FakeCloud, authVersion string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		n := 0
		for _, r := range f.Requests() {
			if !strings.Contains(r.Path, "/apic/") {
				continue
			}
			want := "/v2/"
			if strings.Contains(r.Path, "/app-auths") {
				want, n = "/"+authVersion+"/", n+1
			}
			if !strings.HasPrefix(r.Path, want) {
				return fmt.Errorf("%s %s, want it under %s", r.Method, r.Path, want)
			}
		}
		if n == 0 {
			return fmt.Errorf("no ROMA Connect app-auth request was made")
		}
		return nil
	}
}

// ROMA Connect's resources and data sources in each API generation: the default provider at a current
// instance (everything under /v2), and roma_api_version = "v1" at an older one (quirk roma-v1: the app-auth
// calls under /v1, app ACLs, environments and APIs under /v2). Each creates, reads, imports, updates and
// destroys, with nothing left behind.
func TestAccROMA_apiVersions(t *testing.T) {
	for name, c := range map[string]struct {
		quirks      []string
		provider    func(*acctest.FakeCloud) string
		authVersion string
	}{
		"default":           {nil, func(f *acctest.FakeCloud) string { return f.ProviderConfig() }, "v2"},
		"older instance v1": {[]string{fakecloud.QuirkROMAV1}, romaV1Provider, "v1"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := acctest.NewFakeCloudWithQuirks(t, c.quirks...)
			g := f.SeedGateway(t, fakegateway.FlavorROMA)
			reads := fmt.Sprintf(`
data "authz_roma_app_authorizations" "set" {
  instance_id = %q
  app_id      = %q
  env_id      = %q
  depends_on  = [authz_roma_app_authorization_set.test]
}

data "authz_roma_app_acl" "test" {
  instance_id = %q
  app_id      = %q
  depends_on  = [authz_roma_app_acl.test]
}
`, g.InstanceID, g.AppIDs[1], g.EnvID, g.InstanceID, g.AppIDs[0])
			config := c.provider(f) + allKinds(g) + reads
			// The set trades API 3 for API 1: one cancel and one create.
			updated := strings.Replace(config, fmt.Sprintf("[%q, %q]", g.APIIDs[1], g.APIIDs[2]), fmt.Sprintf("[%q, %q]", g.APIIDs[0], g.APIIDs[1]), 1)
			tc := testCase(t,
				resource.TestStep{
					PreConfig: f.ResetRequests,
					Config:    config,
					Check: resource.ComposeAggregateTestCheckFunc(
						checkAllKindsExist(f, g),
						checkStateMatchesCloud(f, g),
						checkStateIDsAreRecords(f, g),
						resource.TestCheckResourceAttr("data.authz_roma_app_authorizations.set", "authorizations.#", "2"),
						resource.TestCheckResourceAttr("data.authz_roma_app_acl.test", "type", "PERMIT"),
						checkROMAPaths(f, c.authVersion),
					),
				},
				resource.TestStep{
					ResourceName:            authAddr(g),
					ImportState:             true,
					ImportStateVerify:       true,
					ImportStateIdFunc:       importIDFrom(authAddr(g), "instance_id", "env_id", "app_id", "api_id"),
					ImportStateVerifyIgnore: []string{"timeouts"},
				},
				resource.TestStep{
					ResourceName:            setAddr(g),
					ImportState:             true,
					ImportStateVerify:       true,
					ImportStateId:           g.InstanceID + "/" + g.EnvID + "/" + g.AppIDs[1],
					ImportStateVerifyIgnore: []string{"timeouts"},
				},
				resource.TestStep{
					PreConfig: f.ResetRequests,
					Config:    updated,
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(setAddr(g), plancheck.ResourceActionUpdate)},
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
					Check: resource.ComposeAggregateTestCheckFunc(
						checkAllKindsExist(f, g),
						checkStateMatchesCloud(f, g),
						checkStateIDsAreRecords(f, g),
						checkROMAPaths(f, c.authVersion),
					),
				},
			)
			tc.CheckDestroy = resource.ComposeAggregateTestCheckFunc(checkNothingLeft(f, g), checkROMAPaths(f, c.authVersion))
			resource.Test(t, tc)
		})
	}
}

// At an older ROMA Connect instance the default provider fails with a message naming roma_api_version: a
// create grants nothing, a refresh of what exists keeps it in the state, and a destroy does not pretend —
// the unknown-route answer never reads as "gone", and the provider never falls back to /v1 on its own.
func TestAccROMA_olderInstanceNeedsV1(t *testing.T) {
	t.Parallel()
	f := acctest.NewFakeCloudWithQuirks(t, fakecloud.QuirkROMAV1)
	g := f.SeedGateway(t, fakegateway.FlavorROMA)
	single := fmt.Sprintf(`
resource "authz_roma_app_authorization" "test" {
  instance_id = %q
  env_id      = %q
  app_id      = %q
  api_id      = %q
}
`, g.InstanceID, acctest.ReleaseEnvID, g.AppIDs[0], g.APIIDs[0])
	set := fmt.Sprintf(`
resource "authz_roma_app_authorization_set" "test" {
  instance_id = %q
  env_id      = %q
  app_id      = %q
  api_ids     = [%q]
}
`, g.InstanceID, g.EnvID, g.AppIDs[1], g.APIIDs[1])
	noV1 := func(*terraform.State) error {
		for _, r := range f.Requests() {
			if strings.HasPrefix(r.Path, "/v1/") {
				return fmt.Errorf("the default provider called %s %s: it must not fall back to /v1", r.Method, r.Path)
			}
		}
		return nil
	}
	for name, resources := range map[string]string{"single": single, "set": set} {
		t.Run("create "+name, func(t *testing.T) {
			resource.Test(t, testCase(t, resource.TestStep{
				PreConfig:   f.ResetRequests,
				Config:      f.ProviderConfig(resources),
				ExpectError: acctest.ExpectError(olderROMAHint),
			}))
			if err := errors.Join(f.CheckNoAppAuths(g)(nil), noV1(nil)); err != nil {
				t.Error(err)
			}
		})
	}
	t.Run("refresh and destroy", func(t *testing.T) {
		good, wrong := romaV1Provider(f)+single+set, f.ProviderConfig(single+set)
		tc := testCase(t,
			resource.TestStep{Config: good, Check: f.CheckAppAuthCount(g, 2)},
			resource.TestStep{PreConfig: f.ResetRequests, Config: wrong, PlanOnly: true, ExpectError: acctest.ExpectError(`Error reading authz_roma_.*` + olderROMAHint)},
			resource.TestStep{Config: wrong, Destroy: true, ExpectError: acctest.ExpectError(olderROMAHint)},
			resource.TestStep{
				PreConfig: func() {
					if err := errors.Join(f.CheckAppAuthCount(g, 2)(nil), noV1(nil)); err != nil {
						t.Fatal(err)
					}
				},
				Config:           good,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		)
		tc.CheckDestroy = f.CheckNoAppAuths(g)
		resource.Test(t, tc)
	})
}
