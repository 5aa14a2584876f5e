package fakecloud

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRequestLog(t *testing.T) {
	t.Parallel()
	clk := newClock()
	f := startStandard(t, Options{Now: clk.Now, Admin: true})
	f.do(http.MethodGet, apigBase+"/apps?limit=5", nil)
	clk.Advance(time.Second)
	f.do(http.MethodDelete, apigBase+"/app-auths/nope", nil, "X-Auth-Token", "bad")
	f.do(http.MethodGet, "/_fakecloud/state", nil) // admin requests are not logged

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
	f := start(t, Options{Admin: true}, Fixture{})
	admin := func(method, path string, body any) response {
		return f.do(method, "/_fakecloud/"+path, body, "X-Auth-Token", "") // no credentials needed
	}

	fx, err := json.Marshal(standardFixture())
	if err != nil {
		t.Fatal(err)
	}
	admin(http.MethodPost, "fixture", string(fx)).expectStatus(t, http.StatusNoContent)
	admin(http.MethodPost, "fixture", string(fx)).expectError(t, http.StatusBadRequest, "FAKECLOUD.0400") // loaded already
	msg := admin(http.MethodPost, "fixture", `{"projects":[{"id":"`+DefaultProjectID+`","instancez":[]}]}`).
		expectError(t, http.StatusBadRequest, "FAKECLOUD.0400")
	if !strings.Contains(msg, "instancez") {
		t.Errorf("unknown field message %q", msg)
	}

	f.do(http.MethodGet, apigBase+"/apps", nil).expectStatus(t, http.StatusOK)
	var log []RequestRecord
	admin(http.MethodGet, "requests", nil).decode(t, &log)
	if len(log) != 1 || log[0].Path != apigBase+"/apps" || log[0].Status != 200 {
		t.Errorf("log %+v", log)
	}
	admin(http.MethodDelete, "requests", nil).expectStatus(t, http.StatusNoContent)
	if body := strings.TrimSpace(string(admin(http.MethodGet, "requests", nil).body)); body != "[]" {
		t.Errorf("log after reset %s", body)
	}

	var state Fixture
	admin(http.MethodGet, "state", nil).decode(t, &state)
	if len(state.Projects) != 2 || len(state.Projects[0].Instances) != 2 || len(state.Projects[0].Instances[0].APIs) != 4 {
		t.Errorf("state %+v", state)
	}

	admin(http.MethodPost, "faults", `{"path_regexp":"/apps$","times":1,"status":503,"error_code":"APIG.9999"}`).expectStatus(t, http.StatusNoContent)
	f.do(http.MethodGet, apigBase+"/apps", nil).expectError(t, http.StatusServiceUnavailable, "APIG.9999")
	f.do(http.MethodGet, apigBase+"/apps", nil).expectStatus(t, http.StatusOK)
	admin(http.MethodPost, "faults", `{"path_regexp":"/apps$"}`).expectStatus(t, http.StatusNoContent)
	admin(http.MethodDelete, "faults", nil).expectStatus(t, http.StatusNoContent)
	f.do(http.MethodGet, apigBase+"/apps", nil).expectStatus(t, http.StatusOK)
	admin(http.MethodPost, "faults", `{"path_regexp":"("}`).expectError(t, http.StatusBadRequest, "FAKECLOUD.0400")
	admin(http.MethodGet, "nothing", nil).expectError(t, http.StatusNotFound, "APIG.0101")
}

func TestAdminEndpointsOff(t *testing.T) {
	t.Parallel()
	f := start(t, Options{}, Fixture{})
	f.do(http.MethodGet, "/_fakecloud/state", nil).expectError(t, http.StatusNotFound, "APIG.0101")
	f.do(http.MethodPost, "/_fakecloud/faults", `{}`).expectError(t, http.StatusNotFound, "APIG.0101")
	if got := f.Requests(); len(got) != 2 || got[0].Path != "/_fakecloud/state" {
		t.Errorf("without Admin these are ordinary requests and logged: %+v", got)
	}
}
