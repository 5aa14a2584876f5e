package acctest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// SkipUnlessQuery skips a test of list resources where the binary has no `terraform query`: OpenTofu (none
// up to 1.12 at least) and Terraform before 1.14.
func SkipUnlessQuery(t *testing.T) {
	t.Helper()
	if c := TerraformCLI(t); c.OpenTofu() {
		t.Skipf("list resources need `terraform query`, which %s does not have", c)
	}
	SkipBelow(t, "1.14.0", "list resources (terraform query)")
}

// ListBlock is a list block of the provider's list resource typ named name, with the arguments of its
// config, one a line, and the block's own (limit, include_resource).
func ListBlock(typ, name string, config []string, own ...string) string {
	return fmt.Sprintf("list %q %q {\n  provider = authz\n  %s\n  config {\n    %s\n  }\n}\n", typ, name, strings.Join(own, "\n  "), strings.Join(config, "\n    "))
}

// QueryCheckFunc is a query check made of a function, for what a query leaves in the fake cloud (the calls it
// made, say) rather than in its results.
type QueryCheckFunc func() error

var _ querycheck.QueryResultCheck = QueryCheckFunc(nil)

func (c QueryCheckFunc) CheckQuery(_ context.Context, _ querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	resp.Error = c()
}

// CountedQuery is a query step of one list block of typ named name that expects results results, and the
// calls check, which reads the fake cloud's request log: it starts empty.
func (f *FakeCloud) CountedQuery(typ, name string, results int, calls QueryCheckFunc, config []string, own ...string) resource.TestStep {
	return resource.TestStep{
		PreConfig:         f.ResetRequests,
		Query:             true,
		Config:            ListBlock(typ, name, config, own...),
		QueryResultChecks: []querycheck.QueryResultCheck{querycheck.ExpectLength(typ+"."+name, results), calls},
	}
}

// ImportRecords is an import step's check that the import recorded the attributes want (flatmap keys) and
// left those of null unset: what a list resource's include_resource promises to return.
func ImportRecords(want map[string]string, null ...string) resource.ImportStateCheckFunc {
	return func(states []*terraform.InstanceState) error {
		if len(states) != 1 {
			return fmt.Errorf("the import recorded %d objects, want 1", len(states))
		}
		for name, v := range want {
			if got := states[0].Attributes[name]; got != v {
				return fmt.Errorf("an import records %s = %q, the list %q", name, got, v)
			}
		}
		for _, name := range null {
			if got, set := states[0].Attributes[name]; set {
				return fmt.Errorf("an import records %s = %q, the list null", name, got)
			}
		}
		return nil
	}
}
