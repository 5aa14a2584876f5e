package modelarts_test

import (
	"fmt"
	"regexp"
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

// otherWorkspace is a workspace other than the default one, "0".
const otherWorkspace = "c0ffee00c0ffee00c0ffee00c0ffee00"

// checkAuthorized asserts exactly which apps the fake cloud lets call the API in the default workspace.
func checkAuthorized(f *acctest.FakeCloud, m acctest.ModelArts, apiID string, want ...string) resource.TestCheckFunc {
	return checkAuthorizedIn(f, m, "0", apiID, want...)
}

// checkAuthorizedIn asserts exactly which apps the fake cloud lets call the API in the workspace.
func checkAuthorizedIn(f *acctest.FakeCloud, m acctest.ModelArts, workspaceID, apiID string, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := f.ModelArts().Authorized("", m.ServiceID, apiID, workspaceID)
		want = slices.Sorted(slices.Values(want))
		if !slices.Equal(got, want) {
			return fmt.Errorf("the fake cloud lets %v call API %s in workspace %s, want %v", got, apiID, workspaceID, want)
		}
		return nil
	}
}

// expectImportHint matches the error of a create that found its object existing, telling to import it as
// id, both with terraform import and with an import block.
func expectImportHint(typeName, id string) *regexp.Regexp {
	return acctest.ExpectError(`terraform import ` + regexp.QuoteMeta(typeName+".<name> "+id) +
		` .*import block with id = "` + regexp.QuoteMeta(id) + `"`)
}

// importBlock adopts the object of id as the resource at addr, as the import hint suggests.
func importBlock(addr, id string) string {
	return fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", addr, id)
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
