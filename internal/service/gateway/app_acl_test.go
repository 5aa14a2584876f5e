package gateway_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
)

func aclConfig(f *acctest.FakeCloud, g acctest.Gateway, aclType string, values ...string) string {
	return f.ProviderConfig(fmt.Sprintf(`
resource "authz_%s_app_acl" "test" {
  instance_id = %q
  app_id      = %q
  type        = %q
  values      = %s
}
`, g.Flavor, g.InstanceID, g.AppIDs[0], aclType, hclSet(values...)))
}

// checkACL asserts what the fake cloud holds as the app's ACL.
func checkACL(f *acctest.FakeCloud, g acctest.Gateway, aclType string, values ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		acl, ok := f.Gateway().AppACL("", g.InstanceID, g.AppIDs[0])
		if !ok {
			return fmt.Errorf("the fake cloud holds no ACL for app %s", g.AppIDs[0])
		}
		got := slices.Sorted(slices.Values(acl.Values))
		want := slices.Sorted(slices.Values(values))
		if acl.Type != aclType || !slices.Equal(got, want) {
			return fmt.Errorf("the fake cloud holds %s %v, want %s %v", acl.Type, got, aclType, want)
		}
		return nil
	}
}

func checkNoACL(f *acctest.FakeCloud, g acctest.Gateway) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if acl, ok := f.Gateway().AppACL("", g.InstanceID, g.AppIDs[0]); ok {
			return fmt.Errorf("an ACL is left in the fake cloud: %+v", acl)
		}
		return nil
	}
}

func TestAccAppACL_basicUpdateImport(t *testing.T) {
	forEachFlavor(t, func(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway) {
		addr := fmt.Sprintf("authz_%s_app_acl.test", g.Flavor)
		tc := testCase(t,
			resource.TestStep{
				Config: aclConfig(f, g, "PERMIT", "192.168.0.1", "10.0.0.0/24", "2407:c080:17ef:ffff::3104:703a/64"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "id", g.InstanceID+"/"+g.AppIDs[0]),
					resource.TestCheckResourceAttr(addr, "type", "PERMIT"),
					resource.TestCheckResourceAttr(addr, "values.#", "3"),
					resource.TestCheckTypeSetElemAttr(addr, "values.*", "10.0.0.0/24"),
					checkACL(f, g, "PERMIT", "192.168.0.1", "10.0.0.0/24", "2407:c080:17ef:ffff::3104:703a/64"),
				),
			},
			resource.TestStep{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateId:           g.InstanceID + "/" + g.AppIDs[0],
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			resource.TestStep{
				// PERMIT becomes DENY and the values change: one in-place update, no replacement.
				Config: aclConfig(f, g, "DENY", "192.168.0.5-192.168.0.10", "::1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "type", "DENY"),
					resource.TestCheckResourceAttr(addr, "values.#", "2"),
					checkACL(f, g, "DENY", "192.168.0.5-192.168.0.10", "::1"),
				),
			},
		)
		tc.CheckDestroy = checkNoACL(f, g)
		resource.Test(t, tc)
	})
}

func TestAccAppACL_disappears(t *testing.T) {
	forEachFlavor(t, func(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway) {
		addr := fmt.Sprintf("authz_%s_app_acl.test", g.Flavor)
		config := aclConfig(f, g, "PERMIT", "192.168.0.1")
		tc := testCase(t,
			resource.TestStep{Config: config, Check: checkACL(f, g, "PERMIT", "192.168.0.1")},
			resource.TestStep{
				PreConfig: func() {
					if err := f.Gateway().RemoveAppACL("", g.InstanceID, g.AppIDs[0]); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
				Check: checkACL(f, g, "PERMIT", "192.168.0.1"),
			},
			appDeletedStep(t, f, g, config),
		)
		tc.CheckDestroy = checkNoACL(f, g)
		resource.Test(t, tc)
	})
}

func TestAccAppACL_alreadyExists(t *testing.T) {
	forEachFlavor(t, func(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway) {
		if _, err := f.Client(t).Gateway(cloud.Flavor(g.Flavor)).PutAppACL(context.Background(), g.InstanceID, g.AppIDs[0], "DENY", []string{"1.2.3.4"}); err != nil {
			t.Fatal(err)
		}
		tc := testCase(t, resource.TestStep{
			Config:      aclConfig(f, g, "PERMIT", "192.168.0.1"),
			ExpectError: acctest.ExpectError(fmt.Sprintf(`already has a DENY ACL with 1 entries.*terraform import authz_%s_app_acl.<name> %s/%s`, g.Flavor, g.InstanceID, g.AppIDs[0])),
		})
		// The existing ACL is untouched.
		tc.CheckDestroy = checkACL(f, g, "DENY", "1.2.3.4")
		resource.Test(t, tc)
	})
}

func TestAccAppACL_planTimeValidation(t *testing.T) {
	forEachFlavor(t, func(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway) {
		cases := map[string]struct {
			aclType string
			values  []string
			want    string
		}{
			"not an address":      {"PERMIT", []string{"192.168.0.1", "not-an-ip"}, `"not-an-ip"`},
			"reversed range":      {"PERMIT", []string{"10.0.0.9-10.0.0.1"}, `"10.0.0.9-10.0.0.1": range start is greater than its end`},
			"mixed-family range":  {"DENY", []string{"10.0.0.1-::1"}, `"10.0.0.1-::1"`},
			"prefix too long":     {"DENY", []string{"10.0.0.0/33"}, `"10.0.0.0/33"`},
			"duplicate entries":   {"PERMIT", []string{"10.0.0.1", "10.0.0.1/32"}, `"10.0.0.1".*"10.0.0.1/32"`},
			"overlapping entries": {"DENY", []string{"10.0.0.0/24", "10.0.0.5"}, `"10.0.0.0/24" and "10.0.0.5" overlap`},
			"overlapping ranges":  {"PERMIT", []string{"10.0.0.1-10.0.0.9", "10.0.0.8/29"}, `"10.0.0.1-10.0.0.9" and "10.0.0.8/29" overlap`},
			"unknown type":        {"ALLOW", []string{"10.0.0.1"}, `value must be one of: \["PERMIT" "DENY"\]`},
			"no values":           {"PERMIT", nil, `set must contain at least 1 elements`},
		}
		for name, c := range cases {
			t.Run(name, func(t *testing.T) {
				tc := testCase(t, resource.TestStep{
					Config:      aclConfig(f, g, c.aclType, c.values...),
					PlanOnly:    true,
					ExpectError: acctest.ExpectError(c.want),
				})
				tc.CheckDestroy = checkNoACL(f, g)
				resource.Test(t, tc)
			})
		}
		f.CheckNoRequests(t)
	})
}

func TestAccAppACLDataSource(t *testing.T) {
	forEachFlavor(t, func(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway) {
		ds := fmt.Sprintf("data.authz_%s_app_acl", g.Flavor)
		config := aclConfig(f, g, "DENY", "10.1.0.0/16", "10.2.0.1") + fmt.Sprintf(`
data "authz_%[1]s_app_acl" "with" {
  instance_id = authz_%[1]s_app_acl.test.instance_id
  app_id      = authz_%[1]s_app_acl.test.app_id
}

data "authz_%[1]s_app_acl" "without" {
  instance_id = %[2]q
  app_id      = %[3]q
}
`, g.Flavor, g.InstanceID, g.AppIDs[1])
		tc := testCase(t, resource.TestStep{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(ds+".with", "type", "DENY"),
				resource.TestCheckResourceAttr(ds+".with", "values.#", "2"),
				resource.TestCheckTypeSetElemAttr(ds+".with", "values.*", "10.1.0.0/16"),
				resource.TestCheckResourceAttr(ds+".without", "type", ""),
				resource.TestCheckResourceAttr(ds+".without", "values.#", "0"),
			),
		})
		tc.CheckDestroy = checkNoACL(f, g)
		resource.Test(t, tc)
	})
}
