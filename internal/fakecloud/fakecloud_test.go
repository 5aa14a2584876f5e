package fakecloud

import (
	"encoding/json"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/fakecloudtest"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
)

// TestDemoFixture: the demo fixture loads, and the typed snapshot loads into a new server unchanged.
func TestDemoFixture(t *testing.T) {
	t.Parallel()
	f := startDemo(t, Options{})
	f.authorized()
	snap := f.Snapshot()
	if len(snap.Projects) != 2 || len(snap.Gateway.Projects) != 1 || len(snap.Gateway.Projects[0].Instances) != 2 {
		t.Fatalf("snapshot %+v", snap)
	}
	if ma := snap.ModelArts.Projects; len(ma) != 1 || len(ma[0].Apps) != 3 || len(ma[0].Services) != 1 || len(ma[0].Services[0].APIs) != 3 ||
		len(ma[0].Authorizations) != 0 {
		t.Fatalf("ModelArts snapshot %+v", snap.ModelArts)
	}
	s2 := New(Options{})
	if err := s2.Load(snap); err != nil {
		t.Fatalf("Load(snapshot): %v", err)
	}
	if again := s2.Snapshot(); !reflect.DeepEqual(snap, again) {
		t.Errorf("round trip differs:\n%+v\n%+v", snap, again)
	}
	// Typed and JSON fixtures are one format.
	raw, err := json.Marshal(Fixture{
		Projects: []ProjectFixture{{ID: "11111111111111111111111111111111", Name: "eu-ch2"}},
		Gateway:  gateway.InProject("11111111111111111111111111111111", gateway.InstanceFixture{ID: "gw1", Name: "gw", Flavor: gateway.FlavorROMA}),
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"projects":[{"id":"11111111111111111111111111111111","name":"eu-ch2"}],"gateway":{"projects":[{"id":"11111111111111111111111111111111","instances":[{"id":"gw1","name":"gw","flavor":"roma"}]}]}}`; string(raw) != want {
		t.Errorf("fixture JSON\n%s, want\n%s", raw, want)
	}
}

// TestEachServiceAnswersInItsOwnCodes: the same missing credential is IAM.* on IAM, APIG.* on a gateway and
// ModelArts.* on ModelArts; unknown calls under a service's paths are the service's, and a path no service
// claims is answered by the gateways, which front every endpoint.
func TestEachServiceAnswersInItsOwnCodes(t *testing.T) {
	t.Parallel()
	f := startDemo(t, Options{})
	f.Do(http.MethodGet, "/v3/projects", nil, "X-Auth-Token", "").ExpectError(t, http.StatusUnauthorized, "IAM.0101")
	f.Do(http.MethodGet, apigBase, nil, "X-Auth-Token", "").ExpectError(t, http.StatusUnauthorized, "APIG.1000")
	f.Do(http.MethodGet, modelArtsBase+"/app-auth/apps", nil, "X-Auth-Token", "").ExpectError(t, http.StatusUnauthorized, "ModelArts.0101")
	f.Do(http.MethodGet, modelArtsBase+"/app-auth/apps", nil, "X-Auth-Token", OtherProjectToken).ExpectError(t, http.StatusForbidden, "ModelArts.0105")
	f.Do(http.MethodGet, modelArtsBase+"/services/"+maServiceID, nil).ExpectError(t, http.StatusNotFound, "ModelArts.0107")
	f.Do(http.MethodGet, apigBase+"/nothing", nil).ExpectError(t, http.StatusNotFound, "APIG.0101")
	f.Do(http.MethodGet, modelArtsBase+"/notebooks", nil).ExpectError(t, http.StatusNotFound, "APIG.0101")
	f.Do(http.MethodGet, "/v9/whatever", nil).ExpectError(t, http.StatusNotFound, "APIG.0101")
}

// TestModelArts: the demo's ModelArts service answers through the assembly, and its accessors reach it.
func TestModelArts(t *testing.T) {
	t.Parallel()
	f := startDemo(t, Options{})
	path := modelArtsBase + "/services/" + maServiceID + "/app-auth-apis/" + maAPIID + "/app-auth-api"
	resp := f.Do(http.MethodPost, path, map[string]any{"apps": []map[string]string{{"app_id": maAppID}}, "workspace_id": "0"})
	resp.ExpectStatus(t, http.StatusOK)
	if got := f.ModelArts().Authorized("", maServiceID, maAPIID, ""); !slices.Equal(got, []string{maAppID}) {
		t.Errorf("authorized %v after %s", got, resp.Body)
	}
	if err := f.ModelArts().Revoke("", maServiceID, maAPIID, "0", maAppID); err != nil {
		t.Fatal(err)
	}
	f.Do(http.MethodGet, modelArtsBase+"/services/"+maServiceID+"/app-auth-apis/"+maAPIID+"/api-auths?show_only=AUTH", nil).ExpectStatus(t, http.StatusOK)
	if got := f.Snapshot().ModelArts.Projects[0].Authorizations; len(got) != 0 {
		t.Errorf("authorizations %+v", got)
	}
}

// TestLatency: the assembly passes its latency to the core.
func TestLatency(t *testing.T) {
	t.Parallel()
	const latency = 50 * time.Millisecond
	f := startDemo(t, Options{Latency: latency})
	start := time.Now()
	f.Do(http.MethodGet, modelArtsBase+"/app-auth/apps", nil).ExpectStatus(t, http.StatusOK)
	if took := time.Since(start); took < latency {
		t.Errorf("a request took %v, want at least %v", took, latency)
	}
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	clk := fakecloudtest.NewClock()
	f := startDemo(t, Options{Now: clk.Now, Admin: true})
	f.Do(http.MethodGet, apigBase+"/apps?limit=5", nil)
	clk.Advance(time.Second)
	f.Do(http.MethodDelete, apigBase+"/app-auths/nope", nil, "X-Auth-Token", "bad")
	f.Do(http.MethodGet, "/_fakecloud/state", nil) // admin requests are not logged

	got := f.Requests()
	want := []RequestRecord{
		{Method: "GET", Path: apigBase + "/apps", Query: "limit=5", Status: 200, Time: clk.Now().Add(-time.Second)},
		{Method: "DELETE", Path: apigBase + "/app-auths/nope", Status: 401, Time: clk.Now()},
	}
	if len(got) != len(want) {
		t.Fatalf("log %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("record %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	f.ResetRequests()
	if n := len(f.Requests()); n != 0 {
		t.Errorf("%d records after reset", n)
	}
}

func TestAdminEndpoints(t *testing.T) {
	t.Parallel()
	f := start(t, Options{Admin: true})
	admin := func(method, path string, body any) fakecloudtest.Response {
		return f.Do(method, "/_fakecloud/"+path, body, "X-Auth-Token", "") // no credentials needed
	}

	fx, err := os.ReadFile(demoFixture)
	if err != nil {
		t.Fatal(err)
	}
	admin(http.MethodPost, "fixture", string(fx)).ExpectStatus(t, http.StatusNoContent)
	admin(http.MethodPost, "fixture", string(fx)).ExpectError(t, http.StatusBadRequest, "FAKECLOUD.0400") // loaded already
	msg := admin(http.MethodPost, "fixture", `{"gateway":{"projects":[{"id":"`+DefaultProjectID+`","instancez":[]}]}}`).
		ExpectError(t, http.StatusBadRequest, "FAKECLOUD.0400")
	if !strings.Contains(msg, "instancez") {
		t.Errorf("unknown field message %q", msg)
	}

	f.Do(http.MethodGet, apigBase+"/apps", nil).ExpectStatus(t, http.StatusOK)
	var log []RequestRecord
	admin(http.MethodGet, "requests", nil).Decode(t, &log)
	if len(log) != 1 || log[0].Path != apigBase+"/apps" || log[0].Status != 200 {
		t.Errorf("log %+v", log)
	}
	admin(http.MethodDelete, "requests", nil).ExpectStatus(t, http.StatusNoContent)
	if body := strings.TrimSpace(string(admin(http.MethodGet, "requests", nil).Body)); body != "[]" {
		t.Errorf("log after reset %s", body)
	}

	var state Fixture
	admin(http.MethodGet, "state", nil).Decode(t, &state)
	if len(state.Projects) != 2 || len(state.Gateway.Projects) != 1 || len(state.Gateway.Projects[0].Instances) != 2 ||
		len(state.Gateway.Projects[0].Instances[1].APIs) != 4 { // sorted by ID: the ROMA instance, then APIG
		t.Errorf("state %+v", state)
	}

	admin(http.MethodPost, "faults", `{"path_regexp":"/apps$","times":1,"status":503,"error_code":"APIG.9999"}`).ExpectStatus(t, http.StatusNoContent)
	f.Do(http.MethodGet, apigBase+"/apps", nil).ExpectError(t, http.StatusServiceUnavailable, "APIG.9999")
	f.Do(http.MethodGet, apigBase+"/apps", nil).ExpectStatus(t, http.StatusOK)
	admin(http.MethodPost, "faults", `{"path_regexp":"/apps$"}`).ExpectStatus(t, http.StatusNoContent)
	admin(http.MethodDelete, "faults", nil).ExpectStatus(t, http.StatusNoContent)
	f.Do(http.MethodGet, apigBase+"/apps", nil).ExpectStatus(t, http.StatusOK)
	admin(http.MethodPost, "faults", `{"path_regexp":"("}`).ExpectError(t, http.StatusBadRequest, "FAKECLOUD.0400")
	admin(http.MethodGet, "nothing", nil).ExpectError(t, http.StatusNotFound, "APIG.0101")
}

func TestAdminEndpointsOff(t *testing.T) {
	t.Parallel()
	f := start(t, Options{})
	f.Do(http.MethodGet, "/_fakecloud/state", nil).ExpectError(t, http.StatusNotFound, "APIG.0101")
	f.Do(http.MethodPost, "/_fakecloud/faults", `{}`).ExpectError(t, http.StatusNotFound, "APIG.0101")
	if got := f.Requests(); len(got) != 2 || got[0].Path != "/_fakecloud/state" {
		t.Errorf("without Admin these are ordinary requests and logged: %+v", got)
	}
}

func TestFaultSkipAndTimes(t *testing.T) {
	t.Parallel()
	f := startDemo(t, Options{})
	f.InjectFault(Fault{
		Method: http.MethodGet, PathRegexp: `/apps$`, Skip: 1, Times: 2,
		Status: http.StatusTooManyRequests, ErrorCode: "APIG.1009", ErrorMsg: "Too many requests", RetryAfter: "2",
	})
	var got []int
	for range 4 {
		resp := f.Do(http.MethodGet, apigBase+"/apps", nil)
		got = append(got, resp.Status)
		if resp.Status == http.StatusTooManyRequests {
			if msg := resp.ExpectError(t, http.StatusTooManyRequests, "APIG.1009"); msg != "Too many requests" {
				t.Errorf("message %q", msg)
			}
			if resp.Header.Get("Retry-After") != "2" {
				t.Errorf("Retry-After %q", resp.Header.Get("Retry-After"))
			}
		}
	}
	if want := []int{200, 429, 429, 200}; !slices.Equal(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
	// Neither other methods nor other paths match, and so do not count.
	f.ClearFaults()
	f.InjectFault(Fault{Method: http.MethodPost, PathRegexp: `/app-auths$`})
	f.Do(http.MethodGet, apigBase+"/app-auths/binded-apis?app_id="+appID, nil).ExpectStatus(t, http.StatusOK)
	f.Do(http.MethodGet, apigBase+"/apps", nil).ExpectStatus(t, http.StatusOK)
	// Times 0 fails every matching request, with the gateway's APIG.9999 by default.
	for range 2 {
		f.authorize().ExpectError(t, http.StatusInternalServerError, "APIG.9999")
	}
	if len(f.Gateway().AppAuths("", apigID)) != 0 {
		t.Error("a failed request changed state")
	}
	f.ClearFaults()
	f.authorize().ExpectStatus(t, http.StatusCreated)
}

// TestFaultAfterApply: the server acts, then the answer is lost.
func TestFaultAfterApply(t *testing.T) {
	t.Parallel()
	f := startDemo(t, Options{})
	f.InjectFault(Fault{PathRegexp: `/app-auths$`, Times: 1, Status: http.StatusBadGateway, AfterApply: true})
	f.authorize().ExpectError(t, http.StatusBadGateway, "APIG.9999")
	auths := f.Gateway().AppAuths("", apigID)
	if len(auths) != 1 {
		t.Fatalf("the lost create stored %d records, want 1", len(auths))
	}
	// A retry finds the record (SKIPPED with its ID), which is how a client recovers.
	if id, status := f.authorized(); status != "SKIPPED" || id != auths[0].ID {
		t.Errorf("retry: %s %s", id, status)
	}
}

func TestFaultDropConnection(t *testing.T) {
	t.Parallel()
	f := startDemo(t, Options{})
	f.InjectFault(Fault{Method: http.MethodDelete, Times: 1, DropConnection: true, AfterApply: true})
	id, _ := f.authorized()

	req, err := http.NewRequest(http.MethodDelete, f.URL+apigBase+"/app-auths/"+id, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", DefaultToken)
	resp, err := f.HTTP.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got %d, want a dropped connection", resp.StatusCode)
	}
	if len(f.Gateway().AppAuths("", apigID)) != 0 {
		t.Error("AfterApply with DropConnection did not apply the delete")
	}
	// The log shows the request without an answer.
	reqs := f.Requests()
	last := reqs[len(reqs)-1]
	if last.Method != http.MethodDelete || last.Status != 0 {
		t.Errorf("logged %+v", last)
	}
	f.Do(http.MethodDelete, apigBase+"/app-auths/"+id, nil).ExpectError(t, http.StatusNotFound, "APIG.3009")
}
