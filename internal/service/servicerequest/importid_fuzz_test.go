package servicerequest

import (
	"strconv"
	"strings"
	"testing"
)

// FuzzParseAuthorizationImportID checks that the import ID of authz_servicerequest_authorization is
// accepted exactly when it is 1 to 32 ASCII letters, digits, hyphens or underscores, comes back unchanged,
// and that a refusal quotes the ID and says what an authorization ID is.
func FuzzParseAuthorizationImportID(f *testing.F) {
	for _, seed := range []string{
		"auth-pending", "a", strings.Repeat("x", 32), strings.Repeat("x", 33), "", "auth/1", "auth 1", "ä", "auth\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, id string) {
		got, err := parseAuthorizationImportID(id)

		wellFormed := len(id) >= 1 && len(id) <= 32
		for _, c := range []byte(id) {
			wellFormed = wellFormed && ('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_')
		}
		if (err == nil) != wellFormed {
			t.Fatalf("parseAuthorizationImportID(%q) = %q, %v; want it accepted: %v", id, got, err, wellFormed)
		}
		if err != nil {
			if want := "the import ID " + strconv.Quote(id) + " must be an authorization ID: 1 to 32 letters"; !strings.HasPrefix(err.Error(), want) {
				t.Fatalf("parseAuthorizationImportID(%q) error %q does not start with %q", id, err, want)
			}
			return
		}
		if got != id {
			t.Fatalf("parseAuthorizationImportID(%q) = %q", id, got)
		}
	})
}
