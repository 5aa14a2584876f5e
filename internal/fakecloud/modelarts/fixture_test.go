package modelarts

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	change := func(f func(*ProjectFixture)) Fixture {
		fx := standardFixture()
		f(&fx.Projects[0])
		return fx
	}
	auth := func(a Authorization) Fixture {
		return change(func(p *ProjectFixture) { p.Authorizations = []Authorization{a} })
	}
	tests := []struct {
		name    string
		fixture Fixture
		wantErr string
	}{
		{"unknown project", InProject("11111111111111111111111111111111", nil, nil), "not known"},
		{"project twice", Fixture{Projects: []ProjectFixture{{ID: core.DefaultProjectID}, {ID: core.DefaultProjectID}}}, "listed twice"},
		{"bad app name", change(func(p *ProjectFixture) { p.Apps = append(p.Apps, App{Name: "x"}) }), "ModelArts.0104"},
		{"duplicate app name", change(func(p *ProjectFixture) { p.Apps = append(p.Apps, App{Name: "app_one"}) }), "ModelArts.3514"},
		{"bad app ID", change(func(p *ProjectFixture) { p.Apps = append(p.Apps, App{ID: "app-1", Name: "app_new"}) }), "app_id is invalid"},
		{"duplicate app ID", change(func(p *ProjectFixture) { p.Apps = append(p.Apps, App{ID: app1, Name: "app_new"}) }), "app_id is invalid"},
		{"bad app type", change(func(p *ProjectFixture) { p.Apps = append(p.Apps, App{Name: "app_new", AppType: "apig"}) }), "app_type is invalid"},
		{"six apps", change(func(p *ProjectFixture) {
			p.Apps = append(p.Apps, App{Name: "app_d"}, App{Name: "app_e"}, App{Name: "app_f"})
		}), "ModelArts.3515"},
		{"service ID not a UUID", change(func(p *ProjectFixture) { p.Services[0].ID = "svc1" }), "not a UUID"},
		{"service twice", change(func(p *ProjectFixture) { p.Services[1].ID = serviceID }), "exists already"},
		{"service without name", change(func(p *ProjectFixture) { p.Services[1].Name = "" }), "missing service_name"},
		{"service name taken", change(func(p *ProjectFixture) { p.Services[1].Name = "svc_main" }), "taken"},
		{"bad API ID", change(func(p *ProjectFixture) { p.Services[0].APIs[0].ID = "logic-api-1" }), "invalid api_id"},
		{"API twice", change(func(p *ProjectFixture) { p.Services[0].APIs[1].ID = apiIAM }), "listed twice"},
		{"API without name", change(func(p *ProjectFixture) { p.Services[0].APIs[0].Name = "" }), "missing api_name"},
		{"bad auth_type", change(func(p *ProjectFixture) { p.Services[0].APIs[0].AuthType = "app" }), "auth_type"},
		{"auth of unknown service", auth(Authorization{ServiceID: "0b5b0b8c-5c0b-4a6b-9e8a-6c4d2e1f0a9b", APIID: apiApp, AppID: app1}), "ModelArts.3502"},
		{"auth of unknown API", auth(Authorization{ServiceID: iamServiceID, APIID: apiApp, AppID: app1}), "ModelArts.3512"},
		{"auth of unknown app", auth(Authorization{ServiceID: serviceID, APIID: apiApp, AppID: nobody}), "does not exist in workspace 0"},
		{"auth in another workspace than the app's", auth(Authorization{WorkspaceID: ws1, ServiceID: serviceID, APIID: apiApp, AppID: app1}), "does not exist in workspace " + ws1},
		{"auth with bad workspace", auth(Authorization{WorkspaceID: "a b", ServiceID: serviceID, APIID: apiApp, AppID: app1}), "workspace_id is invalid"},
		{"auth with bad ID", auth(Authorization{AuthID: "x", ServiceID: serviceID, APIID: apiApp, AppID: app1}), "auth_id is invalid"},
		{"duplicate auth", change(func(p *ProjectFixture) {
			a := Authorization{ServiceID: serviceID, APIID: apiApp, AppID: app1}
			p.Authorizations = []Authorization{a, a}
		}), "already authorized"},
		{"auth ID twice", change(func(p *ProjectFixture) {
			p.Authorizations = []Authorization{
				{AuthID: "d0000000000000000000000000000001", ServiceID: serviceID, APIID: apiApp, AppID: app1},
				{AuthID: "d0000000000000000000000000000001", ServiceID: serviceID, APIID: apiApp, AppID: app2},
			}
		}), "auth_id is invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, s := newFake()
			before := c.SnapshotFixture()
			err := load(c, tt.fixture)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Load error %v, want one containing %q", err, tt.wantErr)
			}
			if after := c.SnapshotFixture(); !reflect.DeepEqual(before, after) || len(s.Snapshot().Projects) != 0 {
				t.Errorf("a failed Load changed the state: %+v", after)
			}
		})
	}

	// Unknown fields are typos.
	c, _ := newFake()
	err := c.LoadFixture(core.Fixture{Sections: map[string]json.RawMessage{"modelarts": json.RawMessage(`{"projects":[{"id":"` + core.DefaultProjectID + `","servics":[]}]}`)}})
	if err == nil || !strings.Contains(err.Error(), "servics") {
		t.Errorf("unknown field: %v", err)
	}
	// A project is loaded once; another project may still be.
	if err := load(c, standardFixture()); err != nil {
		t.Fatal(err)
	}
	if err := load(c, InProject(core.DefaultProjectID, []App{{Name: "app_new"}}, nil)); err == nil || !strings.Contains(err.Error(), "holds ModelArts objects already") {
		t.Errorf("loading a project again: %v", err)
	}
	if err := load(c, InProject(core.OtherProjectID, []App{{Name: "app_one"}}, nil)); err != nil {
		t.Errorf("loading another project: %v", err)
	}
}

// TestLoadAfterRequests: a project that only answered reads holds nothing, and can be loaded into.
func TestLoadAfterRequests(t *testing.T) {
	t.Parallel()
	f := start(t, Fixture{})
	getList[appView](t, f, base+"/app-auth/apps")
	f.Do(http.MethodGet, base+"/services/"+serviceID+"/app-auth-apis", nil).ExpectError(t, http.StatusNotFound, "ModelArts.3502")
	if err := load(f.core, standardFixture()); err != nil {
		t.Fatal(err)
	}
	if l := getList[apiView](t, f, base+"/services/"+serviceID+"/app-auth-apis"); l.TotalCount != 4 {
		t.Errorf("apis %+v", l)
	}
}

// TestSnapshot: defaults are filled in, the snapshot is sorted, and loading it into a new server reproduces it.
func TestSnapshot(t *testing.T) {
	t.Parallel()
	fx := standardFixture()
	fx.Projects[0].Authorizations = []Authorization{
		{ServiceID: serviceID, APIID: apiApp2, AppID: app2},
		{WorkspaceID: ws1, ServiceID: serviceID, APIID: apiApp, AppID: appWS1, AuthID: "logic-auth-fe84e858-49ec-41c6-80d7-a34fc22435c2"},
		{WorkspaceID: "0", ServiceID: serviceID, APIID: apiApp, AppID: app1},
	}
	f := start(t, fx)
	if err := f.Authorize(core.OtherProjectID, serviceID, apiApp, "", app1); err == nil {
		t.Error("authorized in a project without ModelArts objects")
	}
	snap := f.Snapshot()
	if len(snap.Projects) != 1 || snap.Projects[0].ID != core.DefaultProjectID {
		t.Fatalf("snapshot %+v", snap)
	}
	p := snap.Projects[0]
	var names []string
	for _, a := range p.Apps {
		names = append(names, a.Name)
		if !appIDPattern.MatchString(a.ID) || a.AppKey == "" || a.AppSecret == "" || a.AppType == "" || a.WorkspaceID == "" {
			t.Errorf("app %+v", a)
		}
	}
	if !slices.Equal(names, []string{"app_one", "app_other", "app_two"}) {
		t.Errorf("apps %v", names)
	}
	if len(p.Services) != 2 || p.Services[0].ID != serviceID || p.Services[1].ID != iamServiceID || len(p.Services[0].APIs) != 4 {
		t.Fatalf("services %+v", p.Services)
	}
	generated := p.Services[1].APIs[0]
	if !apiIDPattern.MatchString(generated.ID) || generated.AuthType != "IAM" ||
		!regexp.MustCompile(`^https://.+/v1/infers/`+iamServiceID+`/predict$`).MatchString(generated.PredictURL) {
		t.Errorf("generated api %+v", generated)
	}
	var order []string
	for _, a := range p.Authorizations {
		order = append(order, a.WorkspaceID+" "+a.APIID+" "+a.AppID)
		if !authIDPattern.MatchString(a.AuthID) {
			t.Errorf("auth %+v", a)
		}
	}
	if want := []string{"0 " + apiApp + " " + app1, "0 " + apiApp2 + " " + app2, ws1 + " " + apiApp + " " + appWS1}; !slices.Equal(order, want) {
		t.Errorf("authorizations %v, want %v", order, want)
	}

	c2, s2 := newFake()
	if err := load(c2, snap); err != nil {
		t.Fatalf("Load(snapshot): %v", err)
	}
	if again := s2.Snapshot(); !reflect.DeepEqual(snap, again) {
		t.Errorf("round trip differs:\n%+v\n%+v", snap, again)
	}
	// The core's snapshot holds the same section.
	var section Fixture
	if err := json.Unmarshal(c2.SnapshotFixture().Sections["modelarts"], &section); err != nil || !reflect.DeepEqual(section, snap) {
		t.Errorf("core snapshot section %+v (%v)", section, err)
	}
	if _, s3 := newFake(); s3.SnapshotSection() != nil {
		t.Error("an empty ModelArts has a snapshot section")
	}
}
