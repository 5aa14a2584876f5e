package gateway_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	fakegateway "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
)

// forEachFlavor runs a test against APIG and against ROMA Connect, each with its own fake cloud and gateway.
func forEachFlavor(t *testing.T, test func(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway)) {
	for _, flavor := range []fakegateway.Flavor{fakegateway.FlavorAPIG, fakegateway.FlavorROMA} {
		t.Run(string(flavor), func(t *testing.T) {
			t.Parallel()
			f := acctest.NewFakeCloud(t)
			test(t, f, f.SeedGateway(t, flavor))
		})
	}
}

func testCase(t *testing.T, steps ...resource.TestStep) resource.TestCase {
	return resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    steps,
	}
}

func importIDFrom(addr string, attrs ...string) resource.ImportStateIdFunc {
	return func(s *terraform.State) (string, error) {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return "", fmt.Errorf("%s not in state", addr)
		}
		id := ""
		for i, a := range attrs {
			if i > 0 {
				id += "/"
			}
			id += rs.Primary.Attributes[a]
		}
		return id, nil
	}
}

// hclSet renders strings as an HCL set/list literal.
func hclSet(values ...string) string {
	out := "["
	for i, v := range values {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%q", v)
	}
	return out + "]"
}

// appDeletedStep deletes the gateway app behind Terraform's back: whatever belonged to it goes with it,
// so the resource plans to be recreated, and creating it fails with the gateway's answer.
func appDeletedStep(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway, config string) resource.TestStep {
	return resource.TestStep{
		PreConfig: func() {
			if err := f.Gateway().RemoveApp("", g.InstanceID, g.AppIDs[0]); err != nil {
				t.Fatal(err)
			}
		},
		Config:      config,
		ExpectError: acctest.ExpectError(`APIG.3004: App ` + g.AppIDs[0] + ` does not exist`),
	}
}
