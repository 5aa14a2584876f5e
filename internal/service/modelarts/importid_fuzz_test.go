package modelarts

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/validate"
)

// checkImportID is the property both ModelArts import IDs share: parse never panics; it accepts exactly
// the IDs of len(names) or len(names)+1 well-formed parts, returning all of them with the workspace
// defaulted, so that the parts given join back to the ID; a refusal quotes the ID and shows both forms.
func checkImportID(t *testing.T, id string, names []string, parse func(string) ([]string, error)) {
	parts, err := parse(id)

	split := strings.Split(id, "/")
	wellFormed := len(split) == len(names) || len(split) == len(names)+1
	for _, p := range split {
		wellFormed = wellFormed && validate.IsID(p)
	}
	if (err == nil) != wellFormed {
		t.Fatalf("parse(%q) = %q, %v; want it accepted: %v", id, parts, err, wellFormed)
	}
	if err != nil {
		msg := err.Error()
		form := "<" + strings.Join(names, ">/<") + ">"
		if !strings.Contains(msg, strconv.Quote(id)) || !strings.Contains(msg, form) || !strings.HasSuffix(msg, ", optionally followed by /<workspace_id>") {
			t.Fatalf("parse(%q) error %q does not quote the ID and show the form %s[/<workspace_id>]", id, msg, form)
		}
		return
	}
	if len(parts) != len(names)+1 {
		t.Fatalf("parse(%q) = %q: want %d parts", id, parts, len(names)+1)
	}
	if len(split) == len(names) {
		if strings.Join(parts[:len(names)], "/") != id || parts[len(names)] != cloud.DefaultWorkspaceID {
			t.Fatalf("parse(%q) = %q: want the ID's parts and the default workspace", id, parts)
		}
	} else if strings.Join(parts, "/") != id {
		t.Fatalf("parse(%q) = %q: does not join back to the ID", id, parts)
	}
}

// FuzzParseAppAuthorizationImportID fuzzes the import ID of authz_modelarts_app_authorization.
func FuzzParseAppAuthorizationImportID(f *testing.F) {
	for _, seed := range []string{
		"5e2f3c1a-8b7d-4c6e-9a0b-1d2e3f4a5b6c/b0000000000000000000000000000001/a0000000000000000000000000000001",
		"svc/api/logic-app-9b9acb40-6df6-4623-9f87-e0dae781d867/c0ffee00c0ffee00c0ffee00c0ffee00",
		"svc/api", "svc/api/app/ws/extra", "svc/a pi/app", "svc/api/app/", "svc//app/ws", "", "/",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, id string) {
		checkImportID(t, id, []string{"service_id", "api_id", "app_id"}, parseAppAuthorizationImportID)
	})
}

// FuzzParseAPIAuthorizationSetImportID fuzzes the import ID of authz_modelarts_api_authorization_set.
func FuzzParseAPIAuthorizationSetImportID(f *testing.F) {
	for _, seed := range []string{
		"5e2f3c1a-8b7d-4c6e-9a0b-1d2e3f4a5b6c/b0000000000000000000000000000001",
		"svc/api/c0ffee00c0ffee00c0ffee00c0ffee00", "svc", "svc/api/ws/extra", "svc/api/", "svc/ä", "", "//",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, id string) {
		checkImportID(t, id, []string{"service_id", "api_id"}, parseAPIAuthorizationSetImportID)
	})
}

// FuzzImportIDRoundTrip: the import ID an error tells to import (importIDWithWorkspace) is one ImportState
// reads back as exactly the object's parts and workspace, and names the workspace only when it is not the
// default.
func FuzzImportIDRoundTrip(f *testing.F) {
	f.Add("5e2f3c1a-8b7d-4c6e-9a0b-1d2e3f4a5b6c", "b0000000000000000000000000000001", "a0000000000000000000000000000001", cloud.DefaultWorkspaceID)
	f.Add("svc", "api", "logic-app-9b9acb40-6df6-4623-9f87-e0dae781d867", "c0ffee00c0ffee00c0ffee00c0ffee00")
	f.Add("s", "a", "p", "00")
	f.Fuzz(func(t *testing.T, serviceID, apiID, appID, workspaceID string) {
		for _, p := range []string{serviceID, apiID, appID, workspaceID} {
			if !validate.IsID(p) {
				t.Skip()
			}
		}
		for _, c := range []struct {
			parts []string
			parse func(string) ([]string, error)
		}{
			{[]string{serviceID, apiID, appID}, parseAppAuthorizationImportID},
			{[]string{serviceID, apiID}, parseAPIAuthorizationSetImportID},
		} {
			id := importIDWithWorkspace(workspaceID, c.parts...)
			got, err := c.parse(id)
			if want := append(slices.Clone(c.parts), workspaceID); err != nil || !slices.Equal(got, want) {
				t.Fatalf("parse(%q) = %q, %v; want %q", id, got, err, want)
			}
			if short := strings.Join(c.parts, "/"); (id == short) != (workspaceID == cloud.DefaultWorkspaceID) {
				t.Fatalf("import ID %q of workspace %q: want the workspace named only outside the default one", id, workspaceID)
			}
		}
	})
}
