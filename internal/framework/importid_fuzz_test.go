package framework_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
)

// isIDOracle is validate.IsID written out by hand: 1 to 64 ASCII letters, digits, hyphens or underscores.
func isIDOracle(s string) bool {
	if len(s) < 1 || len(s) > 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// FuzzParseImportID checks that ParseImportID never panics, accepts exactly the IDs of the right number of
// well-formed parts, that the parts it returns join back to the ID, and that a refusal quotes the ID and
// shows the expected form.
func FuzzParseImportID(f *testing.F) {
	for _, seed := range []struct {
		id string
		n  uint8
	}{
		{"i1/e1/a1", 3}, {"i1/e1", 3}, {"i1/e 1/a1", 3}, {"i1//a1", 3}, {"i1/e1/a1/x/y", 3}, {"", 1}, {"/", 2},
		{"inst-1/app_2", 2}, {strings.Repeat("a", 65), 1}, {"ä/b", 2}, {"a/b/c/d", 4},
	} {
		f.Add(seed.id, seed.n)
	}
	allNames := []string{"instance_id", "env_id", "app_id", "api_id", "workspace_id"}
	f.Fuzz(func(t *testing.T, id string, n uint8) {
		names := allNames[:1+int(n)%len(allNames)]
		parts, err := framework.ParseImportID(id, names...)

		split := strings.Split(id, "/")
		wellFormed := len(split) == len(names)
		for _, p := range split {
			wellFormed = wellFormed && isIDOracle(p)
		}
		if (err == nil) != wellFormed {
			t.Fatalf("ParseImportID(%q, %q) = %q, %v; want it accepted: %v", id, names, parts, err, wellFormed)
		}
		if err != nil {
			form := "<" + strings.Join(names, ">/<") + ">"
			if prefix := "the import ID " + strconv.Quote(id) + " must have the form " + form; !strings.HasPrefix(err.Error(), prefix) {
				t.Fatalf("ParseImportID(%q, %q) error %q does not start with %q", id, names, err, prefix)
			}
			if parts != nil {
				t.Fatalf("ParseImportID(%q, %q) failed but returned %q", id, names, parts)
			}
			return
		}
		if len(parts) != len(names) || strings.Join(parts, "/") != id {
			t.Fatalf("ParseImportID(%q, %q) = %q: does not join back to the ID", id, names, parts)
		}
	})
}
