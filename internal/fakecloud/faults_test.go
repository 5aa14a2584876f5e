package fakecloud

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestFaultSkipAndTimes(t *testing.T) {
	t.Parallel()
	f := startStandard(t, Options{})
	f.InjectFault(Fault{
		Method: http.MethodGet, PathRegexp: `/apps$`, Skip: 1, Times: 2,
		Status: http.StatusTooManyRequests, ErrorCode: "APIG.1009", ErrorMsg: "Too many requests", RetryAfter: "2",
	})
	var got []int
	for range 4 {
		resp := f.do(http.MethodGet, apigBase+"/apps", nil)
		got = append(got, resp.status)
		if resp.status == http.StatusTooManyRequests {
			if msg := resp.expectError(t, http.StatusTooManyRequests, "APIG.1009"); msg != "Too many requests" {
				t.Errorf("message %q", msg)
			}
			if resp.header.Get("Retry-After") != "2" {
				t.Errorf("Retry-After %q", resp.header.Get("Retry-After"))
			}
		}
	}
	if want := []int{200, 429, 429, 200}; !slices.Equal(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
	// Neither other methods nor other paths match, and so do not count.
	f.ClearFaults()
	f.InjectFault(Fault{Method: http.MethodPost, PathRegexp: `/app-auths$`})
	f.do(http.MethodGet, apigBase+"/app-auths/binded-apis?app_id=app1", nil).expectStatus(t, http.StatusOK)
	f.do(http.MethodGet, apigBase+"/apps", nil).expectStatus(t, http.StatusOK)
	// Times 0 fails every matching request, with APIG.9999 by default.
	for range 2 {
		f.do(http.MethodPost, apigBase+"/app-auths", authBody(releaseEnvID, []string{"app1"}, []string{"api-app"})).
			expectError(t, http.StatusInternalServerError, "APIG.9999")
	}
	if len(f.AppAuths("", apigID)) != 0 {
		t.Error("a failed request changed state")
	}
	f.ClearFaults()
	f.do(http.MethodPost, apigBase+"/app-auths", authBody(releaseEnvID, []string{"app1"}, []string{"api-app"})).expectStatus(t, http.StatusCreated)
}

// TestFaultAfterApply: the server acts, then the answer is lost.
func TestFaultAfterApply(t *testing.T) {
	t.Parallel()
	f := startStandard(t, Options{})
	f.InjectFault(Fault{PathRegexp: `/app-auths$`, Times: 1, Status: http.StatusBadGateway, AfterApply: true})
	f.do(http.MethodPost, apigBase+"/app-auths", authBody(releaseEnvID, []string{"app1"}, []string{"api-app"})).
		expectError(t, http.StatusBadGateway, "APIG.9999")
	auths := f.AppAuths("", apigID)
	if len(auths) != 1 {
		t.Fatalf("the lost create stored %d records, want 1", len(auths))
	}
	// A retry finds the record (SKIPPED with its ID), which is how a client recovers.
	items := createAuths(t, f, apigBase, authBody(releaseEnvID, []string{"app1"}, []string{"api-app"}))
	if items[0].AuthResult.Status != authSkipped || items[0].ID != auths[0].ID {
		t.Errorf("retry: %+v", items[0])
	}
}

func TestFaultDropConnection(t *testing.T) {
	t.Parallel()
	f := startStandard(t, Options{})
	f.InjectFault(Fault{Method: http.MethodDelete, Times: 1, DropConnection: true, AfterApply: true})
	id := createAuths(t, f, apigBase, authBody(releaseEnvID, []string{"app1"}, []string{"api-app"}))[0].ID

	req, err := http.NewRequest(http.MethodDelete, f.url+apigBase+"/app-auths/"+id, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", DefaultToken)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got %d, want a dropped connection", resp.StatusCode)
	}
	if len(f.AppAuths("", apigID)) != 0 {
		t.Error("AfterApply with DropConnection did not apply the delete")
	}
	// The log shows the request without an answer.
	reqs := f.Requests()
	last := reqs[len(reqs)-1]
	if last.Method != http.MethodDelete || last.Status != 0 {
		t.Errorf("logged %+v", last)
	}
	f.do(http.MethodDelete, apigBase+"/app-auths/"+id, nil).expectError(t, http.StatusNotFound, "APIG.3009")
}

func TestInjectFaultPanicsOnBadRegexp(t *testing.T) {
	t.Parallel()
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(error).Error(), "path_regexp") {
			t.Errorf("recovered %v", r)
		}
	}()
	New(Options{}).InjectFault(Fault{PathRegexp: "("})
}
