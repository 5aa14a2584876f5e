package gateway

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

// benchInstance is one app authorized for n APIs, the shape of the provider's costliest reads.
func benchInstance(n int) (Fixture, string) {
	const appID = "bench0000000000000000000000000a1"
	inst := InstanceFixture{ID: apigID, Name: "bench", Flavor: FlavorAPIG, Apps: []App{{ID: appID, Name: "bench_app"}}}
	for i := range n {
		id := fmt.Sprintf("benchapi%024d", i)
		inst.APIs = append(inst.APIs, API{ID: id, Name: fmt.Sprintf("api_%04d", i), ReqMethod: "GET", ReqURI: fmt.Sprintf("/b%d", i), AuthType: "APP", PublishedEnvs: []string{releaseEnvID}})
		inst.AppAuths = append(inst.AppAuths, AppAuth{AppID: appID, APIID: id, EnvID: releaseEnvID})
	}
	return InProject(core.DefaultProjectID, inst), appID
}

// serveBench answers one request through the whole core (authentication, faults, log) and the handler.
func serveBench(b *testing.B, c *core.Server, method, target, body string) {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set("X-Auth-Token", core.DefaultToken)
	rec := httptest.NewRecorder()
	c.ServeHTTP(rec, req)
	if rec.Code >= http.StatusBadRequest {
		b.Fatalf("%s %s: %d %s", method, target, rec.Code, rec.Body)
	}
}

// The list the provider reads to refresh every authorization of an app: a page of 500 of 1000 records.
func BenchmarkListBoundAPIs(b *testing.B) {
	c, _ := newFake(Options{})
	fixture, appID := benchInstance(1000)
	if err := load(c, fixture); err != nil {
		b.Fatal(err)
	}
	target := "/v2/" + core.DefaultProjectID + "/apigw/instances/" + apigID + "/app-auths/binded-apis?limit=500&app_id=" + appID
	b.ReportAllocs()
	for b.Loop() {
		serveBench(b, c, http.MethodGet, target, "")
	}
}

// A create of one authorization for an app that holds 1000 already.
func BenchmarkCreateAppAuth(b *testing.B) {
	c, _ := newFake(Options{})
	fixture, appID := benchInstance(999)
	inst := &fixture.Projects[0].Instances[0]
	inst.APIs = append(inst.APIs, API{ID: "benchapilast", Name: "api_last", ReqMethod: "GET", ReqURI: "/last", AuthType: "APP", PublishedEnvs: []string{releaseEnvID}})
	if err := load(c, fixture); err != nil {
		b.Fatal(err)
	}
	base := "/v2/" + core.DefaultProjectID + "/apigw/instances/" + apigID + "/app-auths"
	body := fmt.Sprintf(`{"env_id":%q,"app_ids":[%q],"api_ids":["benchapilast"]}`, releaseEnvID, appID)
	b.ReportAllocs()
	for b.Loop() {
		serveBench(b, c, http.MethodPost, base, body) // answered SKIPPED after the first
	}
}
