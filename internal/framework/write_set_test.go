package framework_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
)

// parent is what an authoritative set's parent holds, with revokes that fail for the items in stuck and
// lists that fail from call failFrom on (never when it is 0).
type parent struct {
	mu       sync.Mutex
	items    []string
	stuck    []string
	lists    int
	failFrom int
}

func (p *parent) list(context.Context) ([]string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lists++
	if p.failFrom > 0 && p.lists >= p.failFrom {
		return nil, errListing
	}
	return slices.Clone(p.items), nil
}

func (p *parent) revoke(_ context.Context, items []string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var errs []error
	for _, it := range items {
		if slices.Contains(p.stuck, it) {
			errs = append(errs, errors.New("cannot revoke "+it))
			continue
		}
		p.items = slices.DeleteFunc(p.items, func(s string) bool { return s == it })
	}
	return errors.Join(errs...)
}

// A set's create that failed half-way takes back everything; what it cannot take back, or cannot see,
// is recorded, and the error says why.
func TestSetCreate(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		done     bool
		p        *parent
		recorded []string // nil: nothing recorded
		err      string   // part of the error detail; "" for none
	}{
		"done: what the write made is recorded": {
			done: true, p: &parent{items: []string{"a", "b"}}, recorded: []string{"a", "b"},
		},
		"failed: everything is taken back": {
			p: &parent{items: []string{"a", "b"}}, err: "taken back",
		},
		"failed, and one item cannot be taken back: the second list tells what is left": {
			p: &parent{items: []string{"a", "b"}, stuck: []string{"b"}}, recorded: []string{"b"}, err: "1 left: cannot revoke b",
		},
		"failed, and nothing can be listed: what the write made is recorded": {
			p: &parent{items: []string{"a", "b", "c"}, failFrom: 1}, recorded: []string{"a", "b"}, err: "2 left: listing failed",
		},
		"failed, and the second list fails: what the write made is recorded": {
			p: &parent{items: []string{"a", "b"}, stuck: []string{"b"}, failFrom: 2}, recorded: []string{"a", "b"}, err: "2 left: cannot revoke b\nlisting failed",
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := tc.p
			var recorded []string
			var diags diag.Diagnostics
			framework.SetCreate[string]{
				Done: tc.done, Made: []string{"a", "b"}, List: p.list, Revoke: p.revoke,
				Record:    func(items []string) diag.Diagnostics { recorded = append([]string{}, items...); return nil },
				Summary:   "Error creating",
				TakenBack: "taken back",
				Remains:   func(left int, why error) string { return fmt.Sprintf("%d left: %v", left, why) },
			}.Finish(context.Background(), &diags)

			if !slices.Equal(recorded, tc.recorded) {
				t.Errorf("recorded %v, want %v", recorded, tc.recorded)
			}
			switch {
			case tc.err == "" && diags.HasError():
				t.Errorf("errors %v, want none", diags)
			case tc.err != "" && (len(diags) != 1 || !strings.Contains(diags[0].Detail(), tc.err)):
				t.Errorf("diagnostics %v, want one error containing %q", diags, tc.err)
			}
		})
	}
}

func TestSetDiff(t *testing.T) {
	t.Parallel()
	type item struct{ Key, ID string }
	current := []item{{"a", "1"}, {"b", "2"}, {"c", "3"}}
	stale, missing := framework.SetDiff(current, func(it item) string { return it.Key }, []string{"c", "d", "a", "e"})
	if !slices.Equal(stale, []item{{"b", "2"}}) || !slices.Equal(missing, []string{"d", "e"}) {
		t.Fatalf("stale %v, missing %v; want [b], [d e]", stale, missing)
	}
}
