package modelarts

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

func TestAuthorizeAndRevokeBehindTheBack(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	for _, app := range []string{app2, app1} {
		if err := f.Authorize("", serviceID, apiApp, "", app); err != nil {
			t.Fatal(err)
		}
	}
	// An API without app authentication can be given apps this way, as a fixture can.
	if err := f.Authorize(core.DefaultProjectID, serviceID, apiIAM, "0", app1); err != nil {
		t.Fatal(err)
	}
	if err := f.Authorize("", serviceID, apiApp, ws1, appWS1); err != nil {
		t.Fatal(err)
	}
	if got := f.Authorized("", serviceID, apiApp, ""); !slices.Equal(got, []string{app1, app2}) {
		t.Errorf("authorized %v", got)
	}
	// The API sees what was done behind its back.
	if l := getList[apiAuthView](t, f, authsList+"?show_only=AUTH"); l.TotalCount != 2 {
		t.Errorf("listed %+v", l.Auths)
	}

	for _, tt := range []struct {
		name    string
		err     error
		wantErr string
	}{
		{"authorized already", f.Authorize("", serviceID, apiApp, "", app1), "already authorized"},
		{"unknown app", f.Authorize("", serviceID, apiApp, "", nobody), "does not exist in workspace 0"},
		{"app of another workspace", f.Authorize("", serviceID, apiApp, "0", appWS1), "does not exist in workspace 0"},
		{"unknown API", f.Authorize("", serviceID, nobody, "", app1), "ModelArts.3512"},
		{"unknown service", f.Authorize("", "0b5b0b8c-5c0b-4a6b-9e8a-6c4d2e1f0a9b", apiApp, "", app1), "ModelArts.3502"},
		{"revoke what is not authorized", f.Revoke("", serviceID, apiApp2, "", app1), "is not authorized"},
		{"revoke in another workspace", f.Revoke("", serviceID, apiApp, ws1, app1), "is not authorized"},
	} {
		if tt.err == nil || !strings.Contains(tt.err.Error(), tt.wantErr) || !strings.HasPrefix(tt.err.Error(), "fakecloud: ") {
			t.Errorf("%s: %v, want an error containing %q", tt.name, tt.err, tt.wantErr)
		}
	}

	if err := f.Revoke("", serviceID, apiApp, "0", app2); err != nil {
		t.Fatal(err)
	}
	if got := f.Authorized("", serviceID, apiApp, ""); !slices.Equal(got, []string{app1}) {
		t.Errorf("after revoke %v", got)
	}
	if got := f.Authorized(core.OtherProjectID, serviceID, apiApp, ""); got != nil {
		t.Errorf("other project %v", got)
	}
}

func TestRemoveApp(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	for _, api := range []string{apiApp, apiApp2} {
		if err := f.Authorize("", serviceID, api, "", app1); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Authorize("", serviceID, apiApp, "", app2); err != nil {
		t.Fatal(err)
	}
	if err := f.RemoveApp("", app1); err != nil {
		t.Fatal(err)
	}
	if got := f.Authorizations(""); len(got) != 1 || got[0].AppID != app2 {
		t.Errorf("authorizations left %+v", got)
	}
	f.Do(http.MethodDelete, base+"/app-auth/apps/"+app1, nil).ExpectError(t, http.StatusNotFound, "ModelArts.3513")
	if err := f.RemoveApp("", app1); err == nil || !strings.Contains(err.Error(), "ModelArts.3513") {
		t.Errorf("removing it again: %v", err)
	}
}

func TestRemoveAPI(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	for _, api := range []string{apiApp, apiApp2} {
		if err := f.Authorize("", serviceID, api, "", app1); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.RemoveAPI("", serviceID, apiApp); err != nil {
		t.Fatal(err)
	}
	if got := f.Authorizations(""); len(got) != 1 || got[0].APIID != apiApp2 {
		t.Errorf("authorizations left %+v", got)
	}
	f.Do(http.MethodGet, authsList, nil).ExpectError(t, http.StatusNotFound, "ModelArts.3512")
	f.Do(http.MethodPost, authPath, appsBody("", app1)).ExpectError(t, http.StatusNotFound, "ModelArts.3512")
	if l := getList[apiView](t, f, base+"/services/"+serviceID+"/app-auth-apis"); l.TotalCount != 3 {
		t.Errorf("apis left %+v", l.APIs)
	}
	for _, err := range []error{f.RemoveAPI("", serviceID, apiApp), f.RemoveAPI("", "0b5b0b8c-5c0b-4a6b-9e8a-6c4d2e1f0a9b", apiApp2)} {
		if err == nil {
			t.Error("removing an API that does not exist succeeded")
		}
	}
}
