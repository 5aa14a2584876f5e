package modelarts

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/fakecloudtest"
)

// wantItem is what a test expects of one result item: a success, or a failure with its reason.
type wantItem struct {
	appID  string
	reason string // "" = success
}

func checkItems(t *testing.T, got []authResult, apiID string, want ...wantItem) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d items, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		ok := g.APIID == apiID && g.AppID == w.appID && g.Reason == w.reason && g.Success == (w.reason == "")
		if w.reason == "" {
			ok = ok && fakecloudtest.RequestIDPattern.MatchString(g.AuthID)
		} else {
			ok = ok && g.AuthID == ""
		}
		if !ok {
			t.Errorf("item %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestAuthorizeItems(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	a := f.authCallOK(http.MethodPost, authPath, appsBody("", app1, nobody, app1, appWS1))
	checkItems(t, a.AuthResult, apiApp,
		wantItem{app1, ""},
		wantItem{nobody, "App " + nobody + " does not exist in workspace 0."},
		wantItem{app1, "App " + app1 + " is already authorized to call API " + apiApp + "."}, // the same app twice
		wantItem{appWS1, "App " + appWS1 + " does not exist in workspace 0."},                // it is in ws1
	)
	if a.API == nil || *a.API != (apiView{APIID: apiApp, APIName: "predict", APIMethod: "ANY", AuthType: "APP",
		PredictURL: "https://infer-modelarts.fakecloud.invalid/v1/infers/" + serviceID + "/predict", ServiceID: serviceID,
		ServiceName: "svc_main", SupportAppCode: true}) {
		t.Errorf("api %+v", a.API)
	}
	if got := f.Authorized("", serviceID, apiApp, "0"); !slices.Equal(got, []string{app1}) {
		t.Errorf("authorized %v", got)
	}

	// A later call for the same app fails its item; other apps still go through in the same call.
	again := f.authCallOK(http.MethodPost, authPath, appsBody("0", app2, app1))
	checkItems(t, again.AuthResult, apiApp, wantItem{app2, ""}, wantItem{app1, "App " + app1 + " is already authorized to call API " + apiApp + "."})
	if got := f.Authorized("", serviceID, apiApp, ""); !slices.Equal(got, []string{app1, app2}) {
		t.Errorf("authorized %v", got)
	}

	// APIs that do not use app authentication fail every item.
	for _, api := range []struct{ id, authType string }{{apiIAM, "IAM"}, {apiNone, "NONE"}} {
		a := f.authCallOK(http.MethodPost, base+"/services/"+serviceID+"/app-auth-apis/"+api.id+"/app-auth-api", appsBody("", app1))
		checkItems(t, a.AuthResult, api.id, wantItem{app1, "API " + api.id + " does not use app authentication (its auth_type is " + api.authType + ")."})
		if got := f.Authorized("", serviceID, api.id, ""); len(got) != 0 {
			t.Errorf("%s: authorized %v", api.id, got)
		}
	}
}

// TestAuthCallErrors: what fails an authorize, update or revoke call as a whole, for each of them.
func TestAuthCallErrors(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	svcPath := func(service, api string) string {
		return base + "/services/" + service + "/app-auth-apis/" + api + "/app-auth-api"
	}
	tests := []struct {
		name       string
		path       string
		body       any
		wantStatus int
		wantCode   string
		wantMsg    string
	}{
		{"malformed JSON", authPath, `{"apps":[`, 400, "ModelArts.0104", "Parameter error."},
		{"apps not a list", authPath, `{"apps":{"app_id":"x"}}`, 400, "ModelArts.0104", "Parameter error."},
		{"no body", authPath, nil, 400, "ModelArts.0104", "Parameter error."},
		{"no apps", authPath, appsBody(""), 400, "ModelArts.0104", "Parameter error: apps is required."},
		{"app without id", authPath, `{"apps":[{"app_id":""}]}`, 400, "ModelArts.0104", "Parameter error: apps.app_id is required."},
		{"bad workspace", authPath, appsBody("a b", app1), 400, "ModelArts.0104", "Parameter error: workspace_id is invalid."},
		{"unknown service", svcPath("0b5b0b8c-5c0b-4a6b-9e8a-6c4d2e1f0a9b", apiApp), appsBody("", app1), 404, "ModelArts.3502",
			"Service 0b5b0b8c-5c0b-4a6b-9e8a-6c4d2e1f0a9b does not exist."},
		{"API of another service", svcPath(iamServiceID, apiApp), appsBody("", app1), 404, "ModelArts.3512",
			"API " + apiApp + " does not exist in service " + iamServiceID + "."},
		{"unknown API", svcPath(serviceID, "fedcba9876543210fedcba9876543210"), appsBody("", app1), 404, "ModelArts.3512", "fedcba9876543210fedcba9876543210"},
	}
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		for _, tt := range tests {
			t.Run(method+" "+tt.name, func(t *testing.T) {
				msg := f.Do(method, tt.path, tt.body).ExpectError(t, tt.wantStatus, tt.wantCode)
				if !strings.Contains(msg, tt.wantMsg) {
					t.Errorf("message %q lacks %q", msg, tt.wantMsg)
				}
			})
		}
	}
	if got := f.Authorizations(""); len(got) != 0 {
		t.Errorf("failed calls changed state: %+v", got)
	}
}

// TestUpdateAuthorization: PUT authorizes like POST, and an app authorized already is a success that keeps
// its auth_id.
func TestUpdateAuthorization(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	first := f.authCallOK(http.MethodPost, authPath, appsBody("", app1)).AuthResult[0]
	a := f.authCallOK(http.MethodPut, authPath, appsBody("", app1, app2, nobody))
	checkItems(t, a.AuthResult, apiApp, wantItem{app1, ""}, wantItem{app2, ""}, wantItem{nobody, "App " + nobody + " does not exist in workspace 0."})
	if a.AuthResult[0].AuthID != first.AuthID || a.AuthResult[1].AuthID == first.AuthID {
		t.Errorf("auth IDs %+v, first %s", a.AuthResult, first.AuthID)
	}
	if a.API == nil || a.API.APIID != apiApp {
		t.Errorf("api %+v", a.API)
	}
	if got := f.Authorized("", serviceID, apiApp, ""); !slices.Equal(got, []string{app1, app2}) {
		t.Errorf("authorized %v", got)
	}
	put := f.authCallOK(http.MethodPut, base+"/services/"+serviceID+"/app-auth-apis/"+apiIAM+"/app-auth-api", appsBody("", app1))
	checkItems(t, put.AuthResult, apiIAM, wantItem{app1, "API " + apiIAM + " does not use app authentication (its auth_type is IAM)."})
}

// TestRevoke: seed 002, under both paths; per-app failures inside the 200.
func TestRevoke(t *testing.T) {
	t.Parallel()
	for _, path := range []string{authPath, base + "/app-auth/" + serviceID + "/apis/" + apiApp + "/auths"} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			f := startStandard(t)
			granted := f.authCallOK(http.MethodPost, authPath, appsBody("", app1, app2)).AuthResult
			resp := f.Do(http.MethodDelete, path, appsBody("", app1, app2, app1, nobody))
			resp.ExpectStatus(t, http.StatusOK)
			if strings.Contains(string(resp.Body), `"api"`) || strings.Contains(string(resp.Body), `"auth_result"`) {
				t.Errorf("revoke answered %s", resp.Body)
			}
			var a authAnswer
			resp.Decode(t, &a)
			checkItems(t, a.UnauthResult, apiApp,
				wantItem{app1, ""},
				wantItem{app2, ""},
				wantItem{app1, "App " + app1 + " is not authorized to call API " + apiApp + "."},
				wantItem{nobody, "App " + nobody + " does not exist in workspace 0."},
			)
			if a.UnauthResult[0].AuthID != granted[0].AuthID || a.UnauthResult[1].AuthID != granted[1].AuthID {
				t.Errorf("revoked %+v, granted %+v", a.UnauthResult, granted)
			}
			if got := f.Authorized("", serviceID, apiApp, ""); len(got) != 0 {
				t.Errorf("still authorized %v", got)
			}
		})
	}
}

// TestRevokeOtherAPIs: revoking on an API without app authentication finds nothing to revoke, unless a
// fixture put an authorization there.
func TestRevokeOtherAPIs(t *testing.T) {
	t.Parallel()
	fx := standardFixture()
	fx.Projects[0].Authorizations = []Authorization{{ServiceID: serviceID, APIID: apiNone, AppID: app2}}
	f := start(t, fx)
	a := f.authCallOK(http.MethodDelete, base+"/services/"+serviceID+"/app-auth-apis/"+apiNone+"/app-auth-api", appsBody("", app1, app2))
	checkItems(t, a.UnauthResult, apiNone, wantItem{app1, "App " + app1 + " is not authorized to call API " + apiNone + "."}, wantItem{app2, ""})
}

// TestWorkspaces: authorizations in different workspaces are separate, and the workspace comes from the body,
// else the query, else "0".
func TestWorkspaces(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	checkItems(t, f.authCallOK(http.MethodPost, authPath, appsBody(ws1, appWS1, app1)).AuthResult, apiApp,
		wantItem{appWS1, ""}, wantItem{app1, "App " + app1 + " does not exist in workspace " + ws1 + "."})
	// The query names the workspace when the body does not.
	checkItems(t, f.authCallOK(http.MethodPost, authPath+"?workspace_id="+ws1, appsBody("", appWS1)).AuthResult, apiApp,
		wantItem{appWS1, "App " + appWS1 + " is already authorized to call API " + apiApp + "."})
	checkItems(t, f.authCallOK(http.MethodPost, authPath, appsBody("", app1)).AuthResult, apiApp, wantItem{app1, ""})

	if got := f.Authorized("", serviceID, apiApp, ws1); !slices.Equal(got, []string{appWS1}) {
		t.Errorf("workspace %s: %v", ws1, got)
	}
	if got := f.Authorized("", serviceID, apiApp, "0"); !slices.Equal(got, []string{app1}) {
		t.Errorf("workspace 0: %v", got)
	}
	if l := getList[apiAuthView](t, f, authsList+"?show_only=AUTH"); l.TotalCount != 1 || l.Auths[0].App.AppID != app1 {
		t.Errorf("workspace 0 lists %+v", l.Auths)
	}
	if l := getList[apiAuthView](t, f, authsList+"?show_only=AUTH&workspace_id="+ws1); l.TotalCount != 1 || l.Auths[0].App.AppID != appWS1 {
		t.Errorf("workspace %s lists %+v", ws1, l.Auths)
	}

	// Revoking in the default workspace leaves ws1 alone; the query's workspace reaches it.
	checkItems(t, f.authCallOK(http.MethodDelete, authPath, appsBody("", appWS1)).UnauthResult, apiApp,
		wantItem{appWS1, "App " + appWS1 + " does not exist in workspace 0."})
	checkItems(t, f.authCallOK(http.MethodDelete, authPath+"?workspace_id="+ws1, appsBody("", appWS1)).UnauthResult, apiApp, wantItem{appWS1, ""})
	if got := f.Authorized("", serviceID, apiApp, ws1); len(got) != 0 {
		t.Errorf("workspace %s: %v", ws1, got)
	}
	if got := f.Authorized("", serviceID, apiApp, "0"); !slices.Equal(got, []string{app1}) {
		t.Errorf("workspace 0: %v", got)
	}
	f.Do(http.MethodGet, authsList+"?workspace_id=a%20b", nil).ExpectError(t, http.StatusBadRequest, "ModelArts.0104")
}

func TestListAPIAuths(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	f.Do(http.MethodPost, base+"/app-auth/apps", map[string]string{"app_name": "app_three"}).ExpectStatus(t, http.StatusOK)
	if err := f.Authorize("", serviceID, apiApp, "", app2); err != nil {
		t.Fatal(err)
	}
	type entry struct {
		name   string
		authed bool
	}
	tests := []struct {
		query string
		want  []entry
		total int
	}{
		{"", []entry{{"app_one", false}, {"app_three", false}, {"app_two", true}}, 3},
		{"?show_only=AUTH", []entry{{"app_two", true}}, 1},
		{"?show_only=UNAUTH", []entry{{"app_one", false}, {"app_three", false}}, 2},
		{"?app_name=t", []entry{{"app_three", false}, {"app_two", true}}, 2},
		{"?show_only=AUTH&app_name=one", nil, 0},
		{"?limit=1&offset=1", []entry{{"app_three", false}}, 3},
		{"?show_only=UNAUTH&limit=1&offset=1", []entry{{"app_three", false}}, 2},
	}
	for _, tt := range tests {
		l := getList[apiAuthView](t, f, authsList+tt.query)
		var got []entry
		for _, a := range l.Auths {
			got = append(got, entry{a.App.AppName, a.Authed})
		}
		if !slices.Equal(got, tt.want) || l.Count != len(tt.want) || l.TotalCount != tt.total || l.Auths == nil {
			t.Errorf("%q: %v count %d total %d, want %v total %d", tt.query, got, l.Count, l.TotalCount, tt.want, tt.total)
		}
	}
	// The app carries its whole view, bounded_api_count included.
	l := getList[apiAuthView](t, f, authsList+"?show_only=AUTH")
	if app := l.Auths[0].App; app.AppID != app2 || app.BoundedAPICount != 1 || app.ProjectID == "" || app.AppKey == "" {
		t.Errorf("app %+v", app)
	}
	f.Do(http.MethodGet, authsList+"?show_only=auth", nil).ExpectError(t, http.StatusBadRequest, "ModelArts.0104")
	f.Do(http.MethodGet, authsList+"?limit=x", nil).ExpectError(t, http.StatusBadRequest, "ModelArts.0104")
	f.Do(http.MethodGet, base+"/services/"+serviceID+"/app-auth-apis/"+nobody+"/api-auths", nil).ExpectError(t, http.StatusNotFound, "ModelArts.3512")
	f.Do(http.MethodGet, base+"/services/0b5b0b8c-5c0b-4a6b-9e8a-6c4d2e1f0a9b/app-auth-apis/"+apiApp+"/api-auths", nil).
		ExpectError(t, http.StatusNotFound, "ModelArts.3502")
}

func TestListAPIs(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	l := getList[apiView](t, f, base+"/services/"+serviceID+"/app-auth-apis")
	var ids []string
	for _, a := range l.APIs {
		ids = append(ids, a.APIID)
		if a.APIMethod != "ANY" || a.ServiceID != serviceID || a.ServiceName != "svc_main" || a.PredictURL == "" {
			t.Errorf("api %+v", a)
		}
	}
	if want := []string{apiIAM, apiApp, apiApp2, apiNone}; !slices.Equal(ids, want) || l.Count != 4 || l.TotalCount != 4 {
		t.Errorf("apis %v (count %d, total %d), want %v in the service's order", ids, l.Count, l.TotalCount, want)
	}
	if l.APIs[2].PredictURL != "https://example.invalid/v1/infers/batch" || l.APIs[2].AuthType != "APP" || l.APIs[2].SupportAppCode {
		t.Errorf("api %+v", l.APIs[2])
	}
	page := getList[apiView](t, f, base+"/services/"+serviceID+"/app-auth-apis?limit=2&offset=3")
	if page.Count != 1 || page.TotalCount != 4 || page.APIs[0].APIID != apiNone {
		t.Errorf("page %+v", page)
	}
	// An API without auth_type in the fixture uses IAM.
	if other := getList[apiView](t, f, base+"/services/"+iamServiceID+"/app-auth-apis"); other.TotalCount != 1 || other.APIs[0].AuthType != "IAM" ||
		!fakecloudtest.RequestIDPattern.MatchString(other.APIs[0].APIID) {
		t.Errorf("svc_iam %+v", other)
	}
	f.Do(http.MethodGet, base+"/services/0b5b0b8c-5c0b-4a6b-9e8a-6c4d2e1f0a9b/app-auth-apis", nil).ExpectError(t, http.StatusNotFound, "ModelArts.3502")
}

// TestServiceSummary: GET services/{service_id}/api-auths reports the first API using app authentication.
func TestServiceSummary(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	for _, app := range []string{app2, app1} {
		if err := f.Authorize("", serviceID, apiApp, "", app); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Authorize("", serviceID, apiApp2, "", app1); err != nil { // the second APP API is not reported
		t.Fatal(err)
	}
	var got struct {
		EnableAppAuth bool `json:"enable_app_auth"`
		AppAuthAPI    *struct {
			APIID      string    `json:"api_id"`
			AuthedApps []appView `json:"authed_apps"`
		} `json:"app_auth_api"`
	}
	resp := f.Do(http.MethodGet, base+"/services/"+serviceID+"/api-auths", nil)
	resp.ExpectStatus(t, http.StatusOK)
	resp.Decode(t, &got)
	if !got.EnableAppAuth || got.AppAuthAPI == nil || got.AppAuthAPI.APIID != apiApp || len(got.AppAuthAPI.AuthedApps) != 2 ||
		got.AppAuthAPI.AuthedApps[0].AppID != app1 || got.AppAuthAPI.AuthedApps[1].AppID != app2 {
		t.Errorf("summary %s", resp.Body)
	}
	// In another workspace nothing is authorized.
	resp = f.Do(http.MethodGet, base+"/services/"+serviceID+"/api-auths?workspace_id="+ws1, nil)
	if !strings.Contains(string(resp.Body), `"authed_apps":[]`) {
		t.Errorf("workspace %s: %s", ws1, resp.Body)
	}
	resp = f.Do(http.MethodGet, base+"/services/"+iamServiceID+"/api-auths", nil)
	resp.ExpectStatus(t, http.StatusOK)
	if body := strings.TrimSpace(string(resp.Body)); body != `{"enable_app_auth":false}` {
		t.Errorf("service without app authentication: %s", body)
	}
	f.Do(http.MethodGet, base+"/services/0b5b0b8c-5c0b-4a6b-9e8a-6c4d2e1f0a9b/api-auths", nil).ExpectError(t, http.StatusNotFound, "ModelArts.3502")
}
