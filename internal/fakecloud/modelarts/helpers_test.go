package modelarts

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/fakecloudtest"
)

type response = fakecloudtest.Response

// Objects of the standard test fixture, in DefaultProjectID.
const (
	base = "/v1/" + core.DefaultProjectID

	serviceID    = "5e2f3c1a-8b7d-4c6e-9a0b-1d2e3f4a5b6c" // svc_main: APIs apiApp, apiApp2, apiIAM, apiNone
	iamServiceID = "6f3a4d2b-9c8e-4d7f-8b1c-2e3f4a5b6c7d" // svc_iam: one IAM API only
	apiApp       = "b0000000000000000000000000000001"
	apiApp2      = "b0000000000000000000000000000002"
	apiIAM       = "b0000000000000000000000000000003"
	apiNone      = "b0000000000000000000000000000004"

	app1   = "a0000000000000000000000000000001"               // app_one, workspace 0
	app2   = "a0000000000000000000000000000002"               // app_two, workspace 0
	appWS1 = "logic-app-9b9acb40-6df6-4623-9f87-e0dae781d867" // app_other, workspace ws1
	ws1    = "c0ffee00c0ffee00c0ffee00c0ffee00"
	nobody = "a00000000000000000000000000000ff" // no such app

	authPath  = base + "/services/" + serviceID + "/app-auth-apis/" + apiApp + "/app-auth-api"
	authsList = base + "/services/" + serviceID + "/app-auth-apis/" + apiApp + "/api-auths"
)

func standardFixture() Fixture {
	return InProject(core.DefaultProjectID,
		[]App{
			{ID: app1, Name: "app_one", Remark: "first"},
			{ID: app2, Name: "app_two"},
			{ID: appWS1, Name: "app_other", WorkspaceID: ws1, AppType: "APIC"},
		},
		[]ServiceFixture{
			{ID: serviceID, Name: "svc_main", APIs: []API{
				{ID: apiIAM, Name: "predict_iam", AuthType: "IAM"},
				{ID: apiApp, Name: "predict", AuthType: "APP", SupportAppCode: true},
				{ID: apiApp2, Name: "predict_batch", AuthType: "APP", PredictURL: "https://example.invalid/v1/infers/batch"},
				{ID: apiNone, Name: "predict_open", AuthType: "NONE"},
			}},
			{ID: iamServiceID, Name: "svc_iam", APIs: []API{{Name: "predict"}}},
		},
	)
}

// fake is ModelArts plugged into a core of its own, behind a real HTTP listener, as the provider meets it.
type fake struct {
	*Service
	*fakecloudtest.Client
	core *core.Server
}

// newFake plugs ModelArts into a core as the fake cloud's assembly does, without serving it. With no front
// door, paths ModelArts does not claim answer the core's own FAKECLOUD.0404.
func newFake(coreOpts ...core.Options) (*core.Server, *Service) {
	c := core.New(append(coreOpts, core.Options{})[0])
	s := New(c.Now)
	c.Register(s)
	return c, s
}

func start(t *testing.T, fixture Fixture, coreOpts ...core.Options) *fake {
	t.Helper()
	c, s := newFake(coreOpts...)
	if err := load(c, fixture); err != nil {
		t.Fatalf("Load: %v", err)
	}
	return &fake{Service: s, Client: fakecloudtest.Start(t, c, core.DefaultToken), core: c}
}

func startStandard(t *testing.T, coreOpts ...core.Options) *fake {
	t.Helper()
	return start(t, standardFixture(), coreOpts...)
}

// load loads a ModelArts section through the core, as the assembly does.
func load(c *core.Server, f Fixture) error {
	raw, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return c.LoadFixture(core.Fixture{Sections: map[string]json.RawMessage{"modelarts": raw}})
}

// appsBody is the body of authorize, update and revoke.
func appsBody(workspaceID string, appIDs ...string) map[string]any {
	apps := []map[string]string{}
	for _, id := range appIDs {
		apps = append(apps, map[string]string{"app_id": id})
	}
	body := map[string]any{"apps": apps}
	if workspaceID != "" {
		body["workspace_id"] = workspaceID
	}
	return body
}

// authAnswer is the 200 of authorize, update and revoke.
type authAnswer struct {
	API          *apiView     `json:"api"`
	AuthResult   []authResult `json:"auth_result"`
	UnauthResult []authResult `json:"unauth_result"`
}

// authCallOK sends an authorize, update or revoke call that must answer 200, and returns its answer.
func (f *fake) authCallOK(method, path string, body any) authAnswer {
	f.T.Helper()
	resp := f.Do(method, path, body)
	resp.ExpectStatus(f.T, http.StatusOK)
	var a authAnswer
	resp.Decode(f.T, &a)
	return a
}

// list is the envelope of every list call.
type list[T any] struct {
	Count      int `json:"count"`
	TotalCount int `json:"total_count"`
	Apps       []T `json:"apps"`
	APIs       []T `json:"apis"`
	Auths      []T `json:"auths"`
}

// getList sends a list call that must answer 200; headers are as for fakecloudtest.Client.Do.
func getList[T any](t *testing.T, f *fake, path string, headers ...string) list[T] {
	t.Helper()
	resp := f.Do(http.MethodGet, path, nil, headers...)
	resp.ExpectStatus(t, http.StatusOK)
	var l list[T]
	resp.Decode(t, &l)
	return l
}
