package modelarts_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
)

func testCase(t *testing.T, f *acctest.FakeCloud, m acctest.ModelArts, steps ...resource.TestStep) resource.TestCase {
	return resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    steps,
		CheckDestroy:             f.CheckNoModelArtsAuths(m),
	}
}

// seeded starts a fake cloud holding one ModelArts service.
func seeded(t *testing.T) (*acctest.FakeCloud, acctest.ModelArts) {
	t.Helper()
	f := acctest.NewFakeCloud(t)
	return f, f.SeedModelArts(t)
}

// checkAuthorized asserts exactly which apps the fake cloud lets call the API.
func checkAuthorized(f *acctest.FakeCloud, m acctest.ModelArts, apiID string, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := f.ModelArts().Authorized("", m.ServiceID, apiID, "0")
		want = slices.Sorted(slices.Values(want))
		if !slices.Equal(got, want) {
			return fmt.Errorf("the fake cloud lets %v call API %s, want %v", got, apiID, want)
		}
		return nil
	}
}

// countRequests counts the fake cloud's requests of method whose path ends in suffix.
func countRequests(f *acctest.FakeCloud, method, suffix string) int {
	n := 0
	for _, r := range f.Requests() {
		if r.Method == method && strings.HasSuffix(r.Path, suffix) {
			n++
		}
	}
	return n
}

func hclList(values ...string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = fmt.Sprintf("%q", v)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}
