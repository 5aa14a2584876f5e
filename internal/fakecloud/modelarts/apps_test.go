package modelarts

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/fakecloudtest"
)

func TestCreateApp(t *testing.T) {
	t.Parallel()
	clk := fakecloudtest.NewClock()
	f := startStandard(t, core.Options{Now: clk.Now})
	resp := f.Do(http.MethodPost, base+"/app-auth/apps", map[string]string{"app_name": "app_new", "app_remark": "made by a test"})
	resp.ExpectStatus(t, http.StatusOK)
	var body struct {
		App appView `json:"app"`
	}
	resp.Decode(t, &body)
	got := body.App
	ms := clk.Now().UnixMilli()
	if !fakecloudtest.RequestIDPattern.MatchString(got.AppID) || got.AppName != "app_new" || got.AppRemark != "made by a test" ||
		got.AppKey == "" || got.AppSecret == "" || got.AppCodes == nil || got.AppType != "APIG" || got.BoundedAPICount != 0 ||
		got.CreatedAt != ms || got.UpdatedAt != ms || got.ProjectID != core.DefaultProjectID || got.UserID != core.DefaultUserID {
		t.Errorf("created %+v", got)
	}
	if !strings.Contains(string(resp.Body), `"app_codes":[]`) {
		t.Errorf("app_codes is not an empty list: %s", resp.Body)
	}
	apps := getList[appView](t, f, base+"/app-auth/apps?app_name=app_new")
	if apps.TotalCount != 1 || !reflect.DeepEqual(apps.Apps[0], got) {
		t.Errorf("listed %+v, want %+v", apps, got)
	}

	// The body's workspace, else the query's.
	f.Do(http.MethodPost, base+"/app-auth/apps", map[string]string{"app_name": "app_ws", "workspace_id": ws1}).ExpectStatus(t, http.StatusOK)
	if l := getList[appView](t, f, base+"/app-auth/apps?workspace_id="+ws1); l.TotalCount != 2 {
		t.Errorf("workspace %s holds %+v", ws1, l.Apps)
	}
}

func TestCreateAppErrors(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	tests := []struct {
		name       string
		body       any
		wantStatus int
		wantCode   string
		wantMsg    string
	}{
		{"malformed JSON", `{"app_name":`, 400, "ModelArts.0104", "Parameter error."},
		{"wrong type", `{"app_name":7}`, 400, "ModelArts.0104", "Parameter error."},
		{"missing name", map[string]string{"app_remark": "x"}, 400, "ModelArts.0104", "Parameter error: app_name is required."},
		{"name too short", map[string]string{"app_name": "a"}, 400, "ModelArts.0104", "Parameter error: app_name is invalid."},
		{"name starts with a digit", map[string]string{"app_name": "1app"}, 400, "ModelArts.0104", "app_name is invalid"},
		{"name with a hyphen", map[string]string{"app_name": "app-one"}, 400, "ModelArts.0104", "app_name is invalid"},
		{"name too long", map[string]string{"app_name": "a" + strings.Repeat("b", 64)}, 400, "ModelArts.0104", "app_name is invalid"},
		{"remark too long", map[string]string{"app_name": "app_new", "app_remark": strings.Repeat("é", 201)}, 400, "ModelArts.0104", "app_remark is invalid"},
		{"bad workspace", map[string]string{"app_name": "app_new", "workspace_id": "ws 1"}, 400, "ModelArts.0104", "workspace_id is invalid"},
		{"name taken", map[string]string{"app_name": "app_one"}, 400, "ModelArts.3514", "App name app_one already exists."},
		{"name taken in another workspace", map[string]string{"app_name": "app_other"}, 400, "ModelArts.3514", "app_other"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := f.Do(http.MethodPost, base+"/app-auth/apps", tt.body).ExpectError(t, tt.wantStatus, tt.wantCode)
			if !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("message %q lacks %q", msg, tt.wantMsg)
			}
		})
	}
	// The longest name and remark pass.
	f.Do(http.MethodPost, base+"/app-auth/apps", map[string]string{"app_name": "a" + strings.Repeat("b", 63), "app_remark": strings.Repeat("é", 200)}).
		ExpectStatus(t, http.StatusOK)
}

// TestAppQuota: five apps per project, counted over every workspace; other projects have their own.
func TestAppQuota(t *testing.T) {
	t.Parallel()
	f := startStandard(t) // three apps
	create := func(project, name string) response {
		return f.Do(http.MethodPost, "/v1/"+project+"/app-auth/apps", map[string]string{"app_name": name}, "X-Auth-Token", tokenOf(project))
	}
	create(core.DefaultProjectID, "app_four").ExpectStatus(t, http.StatusOK)
	create(core.DefaultProjectID, "app_five").ExpectStatus(t, http.StatusOK)
	msg := create(core.DefaultProjectID, "app_six").ExpectError(t, http.StatusBadRequest, "ModelArts.3515")
	if msg != "The number of apps has reached the upper limit of 5." {
		t.Errorf("message %q", msg)
	}
	for i := range 5 {
		create(core.OtherProjectID, fmt.Sprintf("app_%d", i)).ExpectStatus(t, http.StatusOK)
	}
	// Deleting one makes room again.
	f.Do(http.MethodDelete, base+"/app-auth/apps/"+app2, nil).ExpectStatus(t, http.StatusOK)
	create(core.DefaultProjectID, "app_six").ExpectStatus(t, http.StatusOK)
}

func tokenOf(projectID string) string {
	if projectID == core.OtherProjectID {
		return core.OtherProjectToken
	}
	return core.DefaultToken
}

func TestListApps(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	f.Do(http.MethodPost, base+"/app-auth/apps", map[string]string{"app_name": "zeta_one"}).ExpectStatus(t, http.StatusOK)
	names := func(l list[appView]) []string {
		var out []string
		for _, a := range l.Apps {
			out = append(out, a.AppName)
		}
		return out
	}
	tests := []struct {
		query string
		want  []string
		total int
	}{
		{"", []string{"app_one", "app_two", "zeta_one"}, 3},
		{"?workspace_id=0", []string{"app_one", "app_two", "zeta_one"}, 3},
		{"?workspace_id=" + ws1, []string{"app_other"}, 1},
		{"?workspace_id=nobody", nil, 0},
		{"?app_name=_one", []string{"app_one", "zeta_one"}, 2},
		{"?app_name=APP", nil, 0}, // case matters
		{"?limit=1", []string{"app_one"}, 3},
		{"?limit=2&offset=1", []string{"app_two", "zeta_one"}, 3},
		{"?offset=3", nil, 3},
		{"?offset=-2&limit=0", []string{"app_one", "app_two", "zeta_one"}, 3}, // clamped to the defaults
		{"?limit=5000", []string{"app_one", "app_two", "zeta_one"}, 3},
		{"?unknown=1", []string{"app_one", "app_two", "zeta_one"}, 3},
	}
	for _, tt := range tests {
		l := getList[appView](t, f, base+"/app-auth/apps"+tt.query)
		if got := names(l); !slices.Equal(got, tt.want) || l.Count != len(tt.want) || l.TotalCount != tt.total || l.Apps == nil {
			t.Errorf("%q: %v count %d total %d, want %v total %d", tt.query, got, l.Count, l.TotalCount, tt.want, tt.total)
		}
	}
	for _, q := range []string{"?limit=ten", "?offset=1.5", "?workspace_id=a/b"} {
		f.Do(http.MethodGet, base+"/app-auth/apps"+q, nil).ExpectError(t, http.StatusBadRequest, "ModelArts.0104")
	}
	// Another project's apps are its own.
	if l := getList[appView](t, f, "/v1/"+core.OtherProjectID+"/app-auth/apps", "X-Auth-Token", core.OtherProjectToken); l.TotalCount != 0 {
		t.Errorf("other project lists %+v", l.Apps)
	}
}

func TestAppExists(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	for name, want := range map[string]bool{"app_one": true, "app_other": true, "app_on": false, "nobody": false} {
		var body map[string]bool
		resp := f.Do(http.MethodGet, base+"/app-auth/apps/"+name+"/exists?workspace_id=0", nil)
		resp.ExpectStatus(t, http.StatusOK)
		resp.Decode(t, &body)
		if got, found := body["exists"]; !found || got != want {
			t.Errorf("%s: %s, want exists %v", name, resp.Body, want)
		}
	}
}

func TestDeleteApp(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	if err := f.Authorize("", serviceID, apiApp, "", app1); err != nil {
		t.Fatal(err)
	}
	msg := f.Do(http.MethodDelete, base+"/app-auth/apps/"+app1, nil).ExpectError(t, http.StatusBadRequest, "ModelArts.3516")
	if msg != "App "+app1+" is authorized to call 1 API(s); cancel the authorizations first." {
		t.Errorf("message %q", msg)
	}
	msg = f.Do(http.MethodDelete, base+"/app-auth/apps/"+nobody, nil).ExpectError(t, http.StatusNotFound, "ModelArts.3513")
	if msg != "App "+nobody+" does not exist." {
		t.Errorf("message %q", msg)
	}

	resp := f.Do(http.MethodDelete, base+"/app-auth/apps/"+app2, nil)
	resp.ExpectStatus(t, http.StatusOK)
	if len(resp.Body) != 0 {
		t.Errorf("delete answered %s", resp.Body)
	}
	f.Do(http.MethodDelete, base+"/app-auth/apps/"+app2, nil).ExpectError(t, http.StatusNotFound, "ModelArts.3513")
	if l := getList[appView](t, f, base+"/app-auth/apps"); l.TotalCount != 1 || l.Apps[0].AppID != app1 || l.Apps[0].BoundedAPICount != 1 {
		t.Errorf("left %+v", l.Apps)
	}

	// Once its authorization is gone, the app can go.
	if err := f.Revoke("", serviceID, apiApp, "0", app1); err != nil {
		t.Fatal(err)
	}
	f.Do(http.MethodDelete, base+"/app-auth/apps/"+app1, nil).ExpectStatus(t, http.StatusOK)
}

// TestAppTimes: created_at and updated_at are epoch milliseconds of the service clock.
func TestAppTimes(t *testing.T) {
	t.Parallel()
	clk := fakecloudtest.NewClock()
	f := start(t, Fixture{}, core.Options{Now: clk.Now})
	clk.Advance(90 * time.Minute)
	f.Do(http.MethodPost, base+"/app-auth/apps", map[string]string{"app_name": "app_late"}).ExpectStatus(t, http.StatusOK)
	l := getList[appView](t, f, base+"/app-auth/apps")
	if want := time.Date(2025, 3, 1, 13, 30, 0, 0, time.UTC).UnixMilli(); l.Apps[0].CreatedAt != want {
		t.Errorf("created_at %d, want %d", l.Apps[0].CreatedAt, want)
	}
}
