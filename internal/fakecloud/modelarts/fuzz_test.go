package modelarts

import (
	"testing"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/fakecloudtest"
)

// fuzzRoutes are ModelArts' writes and query-driven reads: {id} is the ID the call names in its path.
var fuzzRoutes = []fakecloudtest.FuzzRoute{
	{Method: "POST", Path: base + "/app-auth/apps"},
	{Method: "GET", Path: base + "/app-auth/apps"},
	{Method: "GET", Path: base + "/app-auth/apps/{id}/exists", ID: "app_one"},
	{Method: "DELETE", Path: base + "/app-auth/apps/{id}", ID: app2},
	{Method: "GET", Path: base + "/services/{id}/app-auth-apis", ID: serviceID},
	{Method: "GET", Path: base + "/services/{id}/api-auths", ID: serviceID},
	{Method: "GET", Path: base + "/services/" + serviceID + "/app-auth-apis/{id}/api-auths", ID: apiApp},
	{Method: "POST", Path: base + "/services/" + serviceID + "/app-auth-apis/{id}/app-auth-api", ID: apiApp},
	{Method: "PUT", Path: base + "/services/" + serviceID + "/app-auth-apis/{id}/app-auth-api", ID: apiApp},
	{Method: "DELETE", Path: base + "/services/" + serviceID + "/app-auth-apis/{id}/app-auth-api", ID: apiApp},
	{Method: "DELETE", Path: base + "/app-auth/" + serviceID + "/apis/{id}/auths", ID: apiApp},
}

// fuzzFixture is the standard fixture with app1 authorized to call apiApp, so that lists, updates and
// revokes have something to find.
func fuzzFixture() Fixture {
	f := standardFixture()
	f.Projects[0].Authorizations = append(f.Projects[0].Authorizations, Authorization{ServiceID: serviceID, APIID: apiApp, AppID: app1})
	return f
}

// FuzzHandlers sends fuzzed queries and bodies to every ModelArts call, with a valid token, against the fuzz
// fixture: whatever comes, the answer keeps the clouds' envelope (fakecloudtest.FuzzCall).
func FuzzHandlers(f *testing.F) {
	for _, seed := range []struct {
		route     uint8
		id, query string
		body      string
	}{
		{0, "", "", `{"app_name":"app_three","app_remark":"third","workspace_id":"0"}`},
		{0, "", "", `{"app_name":"","app_remark":null}`},
		{1, "", "app_name=app&limit=-1&offset=2&workspace_id=" + ws1, ""},
		{1, "", "limit=1e3", ""},
		{2, "app one", "workspace_id=x", ""},
		{3, "", "workspace_id=0", ""},
		{6, "", "show_only=AUTH&app_name=app&limit=1&offset=1", ""},
		{6, "", "show_only=maybe", ""},
		{7, "", "", `{"apps":[{"app_id":"` + app1 + `"},{"app_id":"` + app2 + `"},{"app_id":"` + nobody + `"}],"workspace_id":"0"}`},
		{8, apiIAM, "", `{"apps":[{"app_id":"` + app2 + `"}]}`},
		{9, "", "workspace_id=" + ws1, `{"apps":[{"app_id":"` + appWS1 + `"}]}`},
		{10, apiNone, "", `{"apps":[{}],"workspace_id":""}`},
		{7, "", "", `{"apps":null}`},
	} {
		f.Add(seed.route, seed.id, seed.query, []byte(seed.body))
	}
	srv := fakecloudtest.StartFuzz(f)
	f.Fuzz(func(t *testing.T, route uint8, id, rawQuery string, body []byte) {
		c, _ := newFake()
		if err := load(c, fuzzFixture()); err != nil {
			t.Fatalf("load: %v", err)
		}
		srv.Serve(c)
		r := fuzzRoutes[int(route)%len(fuzzRoutes)]
		srv.FuzzCall(t, core.DefaultToken, r.Method, r.PathWith(id), rawQuery, body)
	})
}
