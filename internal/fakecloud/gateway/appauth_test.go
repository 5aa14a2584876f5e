package gateway

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/fakecloudtest"
)

func authBody(envID string, appIDs, apiIDs []string) map[string]any {
	return map[string]any{"env_id": envID, "app_ids": appIDs, "api_ids": apiIDs}
}

// createAuths posts to base/app-auths and returns the items, accepting both answer shapes.
func createAuths(t *testing.T, f *fake, base string, body any) []authItem {
	t.Helper()
	resp := f.Do(http.MethodPost, base+"/app-auths", body)
	resp.ExpectStatus(t, http.StatusCreated)
	var wrapped struct {
		Auths []authItem `json:"auths"`
	}
	if json.Unmarshal(resp.Body, &wrapped) == nil {
		return wrapped.Auths
	}
	var bare []authItem
	resp.Decode(t, &bare)
	return bare
}

func TestCreateAppAuthsItems(t *testing.T) {
	t.Parallel()
	clk := fakecloudtest.NewClock()
	f := startStandard(t, Options{}, core.Options{Now: clk.Now})
	items := createAuths(t, f, apigBase, authBody(releaseEnvID, []string{"app1"}, []string{"api-app", "api-nope", "api-draft", "api-none", "api-app"}))

	want := []struct {
		apiID, status, code, msg string
	}{
		{"api-app", authSuccess, "", ""},
		{"api-nope", authFailed, "APIG.3002", "API api-nope does not exist"},
		{"api-draft", authFailed, "APIG.3040", "The API has not been published in the environment,api_id:api-draft"},
		{"api-none", authFailed, "APIG.3041", "The API does not use app authentication,api_id:api-none"},
		{"api-app", authSkipped, "APIG.3316", "The API authorization record already exists."}, // the same pair twice
	}
	if len(items) != len(want) {
		t.Fatalf("got %d items, want %d: %+v", len(items), len(want), items)
	}
	for i, w := range want {
		got := items[i]
		if got.APIID != w.apiID || got.AppID != "app1" || got.AuthResult.Status != w.status ||
			got.AuthResult.ErrorCode != w.code || got.AuthResult.ErrorMsg != w.msg || got.AuthResult.AppName != "app_one" {
			t.Errorf("item %d = %+v, want %+v", i, got, w)
		}
	}
	ok := items[0]
	if !fakecloudtest.RequestIDPattern.MatchString(ok.ID) || ok.AuthTime != core.FormatTime(clk.Now()) || ok.AuthRole != "PROVIDER" ||
		ok.AuthTunnel != "NORMAL" || ok.AuthWhitelist == nil || ok.AuthResult.APIName != "api_app" {
		t.Errorf("success item %+v", ok)
	}
	if items[4].ID != ok.ID {
		t.Errorf("SKIPPED item carries id %q, want the existing %q", items[4].ID, ok.ID)
	}

	// A later request for the same pair is SKIPPED too, with the existing record; the same pair in another
	// environment is a record of its own.
	again := createAuths(t, f, apigBase, authBody(releaseEnvID, []string{"app1"}, []string{"api-app"}))
	if again[0].AuthResult.Status != authSkipped || again[0].ID != ok.ID {
		t.Errorf("repeat: %+v", again[0])
	}
	other := createAuths(t, f, apigBase, authBody("env-test", []string{"app1"}, []string{"api-app"}))
	if other[0].AuthResult.Status != authSuccess || other[0].ID == ok.ID {
		t.Errorf("other env: %+v", other[0])
	}

	stored := f.AppAuths("", apigID)
	if len(stored) != 2 {
		t.Fatalf("stored %+v", stored)
	}
	for _, a := range stored {
		if a.InstanceID != apigID || a.AppID != "app1" || a.APIID != "api-app" {
			t.Errorf("stored %+v", a)
		}
	}
}

// TestCreateAppAuthsDuplicateError: with the alternative to SKIPPED, a create naming an authorized pair fails as
// a whole and stores nothing.
func TestCreateAppAuthsDuplicateError(t *testing.T) {
	t.Parallel()
	f := startStandard(t, Options{DuplicateAuthError: true})
	for _, base := range []string{apigBase, romaV2Base} {
		instanceID := apigID
		if base != apigBase {
			instanceID = romaID
		}
		stored := func() int { return len(f.AppAuths("", instanceID)) }
		if items := createAuths(t, f, base, authBody(releaseEnvID, []string{"app1"}, []string{"api-app"})); items[0].AuthResult.Status != authSuccess {
			t.Fatalf("%s: first create %+v", base, items[0])
		}
		before := stored()
		for _, body := range []any{
			authBody(releaseEnvID, []string{"app2", "app1"}, []string{"api-two", "api-app"}), // one pair of four exists
			authBody(releaseEnvID, []string{"app2"}, []string{"api-two", "api-two"}),         // the same pair twice
		} {
			msg := f.Do(http.MethodPost, base+"/app-auths", body).ExpectError(t, http.StatusBadRequest, "APIG.3316")
			if msg != "The API authorization record already exists." {
				t.Errorf("%s: message %q", base, msg)
			}
		}
		if stored() != before {
			t.Errorf("%s: a rejected create stored records: %v", base, f.AppAuths("", instanceID))
		}
		// The same pair in another environment is new; per-item failures still come back in a 201.
		items := createAuths(t, f, base, authBody("env-test", []string{"app1"}, []string{"api-app", "api-none"}))
		if len(items) != 2 || items[0].AuthResult.Status != authSuccess || items[1].AuthResult.Status != authFailed {
			t.Errorf("%s: other environment: %+v", base, items)
		}
	}
}

func TestCreateAppAuthsRequestErrors(t *testing.T) {
	t.Parallel()
	f := startStandard(t, Options{})
	tests := []struct {
		name       string
		body       any
		wantStatus int
		wantCode   string
		wantMsg    string
	}{
		{"malformed JSON", `{"env_id":`, 400, "APIG.2000", "Parameter error"},
		{"wrong types", `{"env_id":"x","app_ids":"app1","api_ids":["a"]}`, 400, "APIG.2000", ""},
		{"missing env_id", authBody("", []string{"app1"}, []string{"api-app"}), 400, "APIG.2001", "The request parameters must be specified,parameterName:env_id"},
		{"invalid env_id", authBody("env id!", []string{"app1"}, []string{"api-app"}), 400, "APIG.2011", "parameterName:env_id"},
		{"empty app_ids", authBody(releaseEnvID, nil, []string{"api-app"}), 400, "APIG.2011", "Invalid parameter value,parameterName:app_ids. Please refer to the support documentation"},
		{"empty api_ids", authBody(releaseEnvID, []string{"app1"}, []string{}), 400, "APIG.2011", "parameterName:api_ids"},
		{"unknown env", authBody("env-nope", []string{"app1"}, []string{"api-app"}), 404, "APIG.3003", "Environment env-nope does not exist"},
		{"unknown app", authBody(releaseEnvID, []string{"app1", "app-nope"}, []string{"api-app"}), 404, "APIG.3004", "App app-nope does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := f.Do(http.MethodPost, apigBase+"/app-auths", tt.body).ExpectError(t, tt.wantStatus, tt.wantCode)
			if !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("message %q lacks %q", msg, tt.wantMsg)
			}
		})
	}
	if got := f.AppAuths("", apigID); len(got) != 0 {
		t.Errorf("failed requests stored %v", got)
	}
}

func TestCreateAppAuthsAnswerShape(t *testing.T) {
	t.Parallel()
	current, older := startStandard(t, Options{}), startStandard(t, Options{ROMAV1: true})
	for _, tt := range []struct {
		f         *fake
		base      string
		wantArray bool
	}{{current, apigBase, false}, {current, romaV2Base, false}, {older, romaV1Base, true}, {older, apigBase, false}} {
		resp := tt.f.Do(http.MethodPost, tt.base+"/app-auths", authBody(releaseEnvID, []string{"app2"}, []string{"api-app"}))
		resp.ExpectStatus(t, http.StatusCreated)
		isArray := strings.HasPrefix(string(resp.Body), "[")
		if isArray != tt.wantArray {
			t.Errorf("%s: body %s, want array: %v", tt.base, resp.Body, tt.wantArray)
		}
	}
}

// TestCreateAppAuthsSkippedWithoutID: with the alternative, a SKIPPED item leaves out the id field, in both
// answer shapes; the record stays findable through binded-apis, and a new record still carries its id.
func TestCreateAppAuthsSkippedWithoutID(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		opts       Options
		base, inst string
	}{{Options{SkippedWithoutID: true}, apigBase, apigID}, {Options{SkippedWithoutID: true, ROMAV1: true}, romaV1Base, romaID}} {
		f := startStandard(t, tt.opts)
		first := createAuths(t, f, tt.base, authBody(releaseEnvID, []string{"app1"}, []string{"api-app"}))
		if first[0].AuthResult.Status != authSuccess || first[0].ID == "" {
			t.Fatalf("%s: first create %+v", tt.base, first[0])
		}
		resp := f.Do(http.MethodPost, tt.base+"/app-auths", authBody(releaseEnvID, []string{"app1"}, []string{"api-app", "api-none"}))
		resp.ExpectStatus(t, http.StatusCreated)
		var raw []map[string]any
		var wrapped struct {
			Auths []map[string]any `json:"auths"`
		}
		if json.Unmarshal(resp.Body, &wrapped) == nil {
			raw = wrapped.Auths
		} else {
			resp.Decode(t, &raw)
		}
		if len(raw) != 2 {
			t.Fatalf("%s: items %s", tt.base, resp.Body)
		}
		if _, has := raw[0]["id"]; has || raw[0]["auth_result"].(map[string]any)["status"] != authSkipped {
			t.Errorf("%s: SKIPPED item %v, want it without id", tt.base, raw[0])
		}
		if _, has := raw[1]["id"]; !has { // FAILED items keep their (empty) id, as by default
			t.Errorf("%s: FAILED item %v lost its id field", tt.base, raw[1])
		}
		if stored := f.AppAuths("", tt.inst); len(stored) != 1 || stored[0].ID != first[0].ID {
			t.Errorf("%s: stored %+v", tt.base, stored)
		}
	}
}

func TestCreateAppAuthsROMAOptions(t *testing.T) {
	t.Parallel()
	f := startStandard(t, Options{})
	green := map[string]any{
		"env_id": releaseEnvID, "app_ids": []string{"app1"}, "api_ids": []string{"api-app", "api-two"},
		"auth_tunnel": "GREEN", "auth_whitelist": []string{"10.0.0.1"}, "auth_blacklist": []string{"10.0.0.2"},
		"visit_params": []map[string]string{{"api_id": "api-app", "visit_param": "a_b,c"}},
	}
	items := createAuths(t, f, romaV2Base, green)
	if len(items) != 2 || items[0].AuthTunnel != "GREEN" || items[0].AuthWhitelist[0] != "10.0.0.1" ||
		items[0].VisitParams != "a_b,c" || items[1].VisitParams != "" {
		t.Errorf("GREEN items %+v", items)
	}

	// On APIG the ROMA fields are ignored, even values ROMA would refuse.
	apigItems := createAuths(t, f, apigBase, green)
	if apigItems[0].AuthTunnel != "NORMAL" || len(apigItems[0].AuthWhitelist) != 0 || apigItems[0].VisitParams != "" {
		t.Errorf("APIG took ROMA options: %+v", apigItems[0])
	}

	for _, tt := range []struct {
		change  map[string]any
		code    string
		wantMsg string
	}{
		{map[string]any{"auth_tunnel": "NORMAL"}, "APIG.2011", "parameterName:auth_whitelist"},
		{map[string]any{"auth_tunnel": "NORMAL", "auth_whitelist": nil}, "APIG.2011", "parameterName:auth_blacklist"},
		{map[string]any{"auth_tunnel": "SECRET"}, "APIG.2011", "parameterName:auth_tunnel"},
		{map[string]any{"visit_params": []map[string]string{{"api_id": "api-app", "visit_param": "a-b"}}}, "APIG.2011", "parameterName:visit_param"},
		{map[string]any{"visit_params": []map[string]string{{"api_id": "api-app"}}}, "APIG.2001", "parameterName:visit_param"},
		{map[string]any{"visit_params": []map[string]string{{"visit_param": "x"}}}, "APIG.2001", "parameterName:api_id"},
	} {
		body := map[string]any{}
		for k, v := range green {
			body[k] = v
		}
		for k, v := range tt.change {
			body[k] = v
		}
		msg := f.Do(http.MethodPost, romaV2Base+"/app-auths", body).ExpectError(t, http.StatusBadRequest, tt.code)
		if !strings.Contains(msg, tt.wantMsg) {
			t.Errorf("%v: message %q lacks %q", tt.change, msg, tt.wantMsg)
		}
	}
	// Without a tunnel, NORMAL applies and needs no lists.
	plain := createAuths(t, f, romaV2Base, authBody("env-test", []string{"app1"}, []string{"api-app"}))
	if plain[0].AuthTunnel != "NORMAL" || plain[0].AuthResult.Status != authSuccess {
		t.Errorf("plain ROMA item %+v", plain[0])
	}
}

func TestAppAuthQuota(t *testing.T) {
	t.Parallel()
	in := InstanceFixture{ID: apigID, Name: "gw", Flavor: FlavorAPIG, Apps: []App{{ID: "app1", Name: "app_one"}}}
	for i := range maxAuthsPerApp + 1 {
		id := fmt.Sprintf("api%04d", i)
		in.APIs = append(in.APIs, API{ID: id, Name: "api_" + id, ReqMethod: "GET", ReqURI: "/" + id, AuthType: "APP", PublishedEnvs: []string{releaseEnvID}})
		if i < maxAuthsPerApp {
			in.AppAuths = append(in.AppAuths, AppAuth{AppID: "app1", APIID: id, EnvID: releaseEnvID})
		}
	}
	f := start(t, Options{}, InProject(core.DefaultProjectID, in))
	items := createAuths(t, f, apigBase, authBody(releaseEnvID, []string{"app1"}, []string{fmt.Sprintf("api%04d", maxAuthsPerApp)}))
	if items[0].AuthResult.Status != authFailed || items[0].AuthResult.ErrorCode != "APIG.3106" {
		t.Errorf("over quota: %+v", items[0])
	}
}

type authList struct {
	Total int        `json:"total"`
	Size  int        `json:"size"`
	Auths []authView `json:"auths"`
}

func (l authList) apiIDs() []string {
	var ids []string
	for _, a := range l.Auths {
		ids = append(ids, a.APIID+"@"+a.EnvID)
	}
	return ids
}

func TestListBoundAPIs(t *testing.T) {
	t.Parallel()
	clk := fakecloudtest.NewClock()
	f := startStandard(t, Options{}, core.Options{Now: clk.Now})
	for _, base := range []string{apigBase, romaV2Base} {
		createAuths(t, f, base, authBody(releaseEnvID, []string{"app1"}, []string{"api-app", "api-two"}))
		clk.Advance(time.Second)
		createAuths(t, f, base, authBody("env-test", []string{"app1", "app2"}, []string{"api-app"}))
	}

	tests := []struct {
		query string
		want  string
	}{
		{"app_id=app1", "api-app@" + releaseEnvID + " api-two@" + releaseEnvID + " api-app@env-test"},
		{"app_id=app1&env_id=env-test", "api-app@env-test"},
		{"app_id=app1&api_id=api-two", "api-two@" + releaseEnvID},
		{"app_id=app1&api_name=two", "api-two@" + releaseEnvID},
		{"app_id=app1&group_id=g2", "api-two@" + releaseEnvID},
		{"app_id=app1&group_name=one", "api-app@" + releaseEnvID + " api-app@env-test"},
		{"app_id=app2", "api-app@env-test"},
		{"app_id=app1&api_id=api-none", ""},
	}
	for _, tt := range tests {
		resp := f.Do(http.MethodGet, apigBase+"/app-auths/binded-apis?"+tt.query, nil)
		resp.ExpectStatus(t, http.StatusOK)
		var list authList
		resp.Decode(t, &list)
		// Records created in the same second are ordered by ID, so compare as sets within a second.
		if got := strings.Join(list.apiIDs(), " "); !sameWords(got, tt.want) || list.Total != list.Size {
			t.Errorf("%s: got %q (total %d size %d), want %q", tt.query, got, list.Total, list.Size, tt.want)
		}
	}

	resp := f.Do(http.MethodGet, apigBase+"/app-auths/binded-apis?app_id=app1&env_id=env-test", nil)
	var list authList
	resp.Decode(t, &list)
	got := list.Auths[0]
	if got.APIName != "api_app" || got.GroupID != "g1" || got.GroupName != "group_one" || got.APIType != 1 ||
		got.APIRemark != "app api" || got.EnvName != "TEST" || got.AppName != "app_one" || got.AppRemark != "first" ||
		got.AppType != "apig" || got.AppCreator != "USER" || got.PublishID == "" || got.AuthTunnel != "NORMAL" ||
		got.AuthRole != "PROVIDER" || got.AuthTime == "" || got.RomaAppType != nil || got.AuthWhitelist == nil {
		t.Errorf("APIG item %+v", got)
	}
	if strings.Contains(string(resp.Body), "roma_app_type") {
		t.Error("APIG item has roma_app_type")
	}
	resp = f.Do(http.MethodGet, romaV2Base+"/app-auths/binded-apis?app_id=app2", nil)
	resp.Decode(t, &list)
	if list.Total != 1 || list.Auths[0].RomaAppType == nil || *list.Auths[0].RomaAppType != "integration" || list.Auths[0].AppType != "roma" {
		t.Errorf("ROMA items %s", resp.Body)
	}

	// Paging.
	resp = f.Do(http.MethodGet, apigBase+"/app-auths/binded-apis?app_id=app1&limit=2&offset=1", nil)
	resp.Decode(t, &list)
	if list.Total != 3 || list.Size != 2 || list.Auths[1].EnvID != "env-test" {
		t.Errorf("paged: %+v", list)
	}

	f.Do(http.MethodGet, apigBase+"/app-auths/binded-apis", nil).ExpectError(t, http.StatusBadRequest, "APIG.2001")
	f.Do(http.MethodGet, apigBase+"/app-auths/binded-apis?app_id=nope", nil).ExpectError(t, http.StatusNotFound, "APIG.3004")
}

func sameWords(a, b string) bool {
	wa, wb := strings.Fields(a), strings.Fields(b)
	if len(wa) != len(wb) {
		return false
	}
	count := map[string]int{}
	for _, w := range wa {
		count[w]++
	}
	for _, w := range wb {
		count[w]--
	}
	for _, n := range count {
		if n != 0 {
			return false
		}
	}
	return true
}

func TestListBoundApps(t *testing.T) {
	t.Parallel()
	f := startStandard(t, Options{})
	createAuths(t, f, apigBase, authBody(releaseEnvID, []string{"app1", "app2"}, []string{"api-app"}))
	createAuths(t, f, apigBase, authBody("env-test", []string{"app2"}, []string{"api-app"}))

	for _, tt := range []struct {
		query     string
		wantTotal int
	}{
		{"api_id=api-app", 3},
		{"api_id=api-app&app_id=app2", 2},
		{"api_id=api-app&app_name=one", 1},
		{"api_id=api-app&env_id=env-test", 1},
		{"api_id=api-two", 0},
	} {
		resp := f.Do(http.MethodGet, apigBase+"/app-auths/binded-apps?"+tt.query, nil)
		resp.ExpectStatus(t, http.StatusOK)
		var list authList
		resp.Decode(t, &list)
		if list.Total != tt.wantTotal || len(list.Auths) != tt.wantTotal {
			t.Errorf("%s: %s", tt.query, resp.Body)
		}
		for _, a := range list.Auths {
			if a.APIID != "api-app" || a.AppName == "" {
				t.Errorf("%s: item %+v", tt.query, a)
			}
		}
	}
	f.Do(http.MethodGet, apigBase+"/app-auths/binded-apps", nil).ExpectError(t, http.StatusBadRequest, "APIG.2001")
	f.Do(http.MethodGet, apigBase+"/app-auths/binded-apps?api_id=nope", nil).ExpectError(t, http.StatusNotFound, "APIG.3002")
}

func TestListUnboundAPIs(t *testing.T) {
	t.Parallel()
	f := startStandard(t, Options{})
	createAuths(t, f, apigBase, authBody(releaseEnvID, []string{"app1"}, []string{"api-app"}))

	resp := f.Do(http.MethodGet, apigBase+"/app-auths/unbinded-apis?app_id=app1&env_id="+releaseEnvID, nil)
	resp.ExpectStatus(t, http.StatusOK)
	var list struct {
		Total int          `json:"total"`
		Size  int          `json:"size"`
		APIs  []apiOutline `json:"apis"`
	}
	resp.Decode(t, &list)
	// Published in RELEASE and not yet bound: api-none and api-two (by name); api-draft is unpublished.
	if list.Total != 2 || list.APIs[0].ID != "api-none" || list.APIs[1].ID != "api-two" {
		t.Fatalf("unbound %s", resp.Body)
	}
	if a := list.APIs[1]; a.AuthType != "APP" || a.RunEnvID != releaseEnvID || a.RunEnvName != "RELEASE" || a.PublishID == "" || a.ReqURI != "/b" || a.GroupName != "group_two" {
		t.Errorf("outline %+v", a)
	}
	resp = f.Do(http.MethodGet, apigBase+"/app-auths/unbinded-apis?app_id=app2&env_id=env-test", nil)
	resp.Decode(t, &list)
	if list.Total != 1 || list.APIs[0].ID != "api-app" {
		t.Errorf("app2 in TEST: %s", resp.Body)
	}

	f.Do(http.MethodGet, apigBase+"/app-auths/unbinded-apis?env_id=env-test", nil).ExpectError(t, http.StatusBadRequest, "APIG.2001")
	f.Do(http.MethodGet, apigBase+"/app-auths/unbinded-apis?app_id=app1", nil).ExpectError(t, http.StatusBadRequest, "APIG.2001")
	f.Do(http.MethodGet, apigBase+"/app-auths/unbinded-apis?app_id=nope&env_id=env-test", nil).ExpectError(t, http.StatusNotFound, "APIG.3004")
	f.Do(http.MethodGet, apigBase+"/app-auths/unbinded-apis?app_id=app1&env_id=nope", nil).ExpectError(t, http.StatusNotFound, "APIG.3003")
}

func TestDeleteAppAuth(t *testing.T) {
	t.Parallel()
	current, older := startStandard(t, Options{}), startStandard(t, Options{ROMAV1: true})
	for _, tt := range []struct {
		f          *fake
		base, inst string
	}{{current, apigBase, apigID}, {current, romaV2Base, romaID}, {older, romaV1Base, romaID}} {
		id := createAuths(t, tt.f, tt.base, authBody(releaseEnvID, []string{"app1"}, []string{"api-app"}))[0].ID
		// Existing clients send extra query parameters; they are ignored.
		resp := tt.f.Do(http.MethodDelete, tt.base+"/app-auths/"+id+"?app_id=&env_id=", nil)
		resp.ExpectStatus(t, http.StatusNoContent)
		if len(resp.Body) != 0 {
			t.Errorf("%s: 204 with body %q", tt.base, resp.Body)
		}
		msg := tt.f.Do(http.MethodDelete, tt.base+"/app-auths/"+id, nil).ExpectError(t, http.StatusNotFound, "APIG.3009")
		if msg != "The app authorization record does not exist,id:"+id {
			t.Errorf("%s: message %q", tt.base, msg)
		}
		if got := tt.f.AppAuths("", tt.inst); len(got) != 0 {
			t.Errorf("%s: left %v", tt.base, got)
		}
	}
	f := current
	msg := f.Do(http.MethodDelete, apigBase+"/app-auths/bad%20id", nil).ExpectError(t, http.StatusBadRequest, "APIG.2012")
	if msg != "Invalid parameter value,parameterName:id. Please refer to the support documentation" {
		t.Errorf("message %q", msg)
	}
	f.Do(http.MethodDelete, apigBase+"/app-auths/"+strings.Repeat("a", 65), nil).ExpectError(t, http.StatusBadRequest, "APIG.2012")
}
