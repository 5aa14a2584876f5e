package gateway

import (
	"testing"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/fakecloudtest"
)

// fuzzRoutes are the gateways' writes and query-driven reads, under each base path the default options serve:
// {id} is the ID the call names in its path.
var fuzzRoutes = func() []fakecloudtest.FuzzRoute {
	var routes []fakecloudtest.FuzzRoute
	for _, b := range []string{apigBase, romaV2Base} {
		routes = append(routes,
			fakecloudtest.FuzzRoute{Method: "POST", Path: b + "/apps"},
			fakecloudtest.FuzzRoute{Method: "POST", Path: b + "/envs"},
			fakecloudtest.FuzzRoute{Method: "POST", Path: b + "/apis"},
			fakecloudtest.FuzzRoute{Method: "POST", Path: b + "/apis/action"},
			fakecloudtest.FuzzRoute{Method: "POST", Path: b + "/app-auths"},
			fakecloudtest.FuzzRoute{Method: "GET", Path: b + "/apps"},
			fakecloudtest.FuzzRoute{Method: "GET", Path: b + "/envs"},
			fakecloudtest.FuzzRoute{Method: "GET", Path: b + "/apis"},
			fakecloudtest.FuzzRoute{Method: "GET", Path: b + "/app-auths/binded-apis"},
			fakecloudtest.FuzzRoute{Method: "GET", Path: b + "/app-auths/unbinded-apis"},
			fakecloudtest.FuzzRoute{Method: "GET", Path: b + "/app-auths/binded-apps"},
			fakecloudtest.FuzzRoute{Method: "GET", Path: b + "/apps/{id}", ID: "app1"},
			fakecloudtest.FuzzRoute{Method: "DELETE", Path: b + "/apps/{id}", ID: "app2"},
			fakecloudtest.FuzzRoute{Method: "DELETE", Path: b + "/envs/{id}", ID: "env-test"},
			fakecloudtest.FuzzRoute{Method: "GET", Path: b + "/apis/{id}", ID: "api-app"},
			fakecloudtest.FuzzRoute{Method: "DELETE", Path: b + "/apis/{id}", ID: "api-two"},
			fakecloudtest.FuzzRoute{Method: "DELETE", Path: b + "/app-auths/{id}", ID: "auth-1"},
			fakecloudtest.FuzzRoute{Method: "PUT", Path: b + "/apps/{id}/app-acl", ID: "app1"},
			fakecloudtest.FuzzRoute{Method: "GET", Path: b + "/apps/{id}/app-acl", ID: "app1"},
			fakecloudtest.FuzzRoute{Method: "DELETE", Path: b + "/apps/{id}/app-acl", ID: "app1"},
		)
	}
	return routes
}()

// fuzzFixture is the standard fixture with an authorization (auth-1: app1 may call api-app in RELEASE) and
// an ACL for app1 in each instance, so that lists and deletes have something to find.
func fuzzFixture() Fixture {
	f := standardFixture()
	for i := range f.Projects[0].Instances {
		in := &f.Projects[0].Instances[i]
		in.AppAuths = []AppAuth{{ID: "auth-1", AppID: "app1", APIID: "api-app", EnvID: releaseEnvID}}
		in.AppACLs = []AppACL{{AppID: "app1", Type: "PERMIT", Values: []string{"10.0.0.0/8", "192.168.0.5-192.168.0.10"}}}
	}
	return f
}

// FuzzHandlers sends fuzzed queries and bodies to every gateway call, with a valid token, against the
// fuzz fixture: whatever comes, the answer keeps the clouds' envelope (fakecloudtest.FuzzCall).
func FuzzHandlers(f *testing.F) {
	for _, seed := range []struct {
		route       uint8
		id, query   string
		body        string
		description string
	}{
		{0, "", "", `{"name":"app_three","remark":"third","app_key":"k","app_secret":"s"}`, "create an app"},
		{1, "", "", `{"name":"STAGE","remark":"staging"}`, "create an environment"},
		{2, "", "", `{"name":"api_new","group_id":"g1","req_method":"GET","req_uri":"/x","auth_type":"APP"}`, "create an API"},
		{3, "", "", `{"action":"online","env_id":"env-test","api_id":"api-two","remark":"go"}`, "publish"},
		{4, "", "", `{"env_id":"DEFAULT_ENVIRONMENT_RELEASE_ID","app_ids":["app1","app2"],"api_ids":["api-app","api-two","api-none","api-draft"]}`, "authorize"},
		{4, "", "", `{"env_id":"env-test","app_ids":[],"api_ids":null}`, "authorize nothing"},
		{5, "", "offset=-1&limit=100000&name=app", "", "list apps"},
		{8, "", "app_id=app1&offset=1&limit=1&api_name=api&env_id=env-test", "", "bound APIs"},
		{9, "", "app_id=app1&env_id=DEFAULT_ENVIRONMENT_RELEASE_ID&limit=x", "", "unbound APIs"},
		{10, "", "api_id=api-app&app_name=app&offset=99999999999999999999", "", "bound apps"},
		{17, "", "", `{"app_acl_type":"PERMIT","app_acl_values":["192.168.0.1","10.0.0.0/8","2001:db8::1-2001:db8::ff"]}`, "allow list"},
		{17, "a/b", "", `{"app_acl_type":"DENY","app_acl_values":["10.0.0.1","10.0.0.1/32"]}`, "overlapping deny list"},
		{37, "app2", "", `{"app_acl_type":"PERMIT","app_acl_values":[""]}`, "ROMA v2 ACL"},
		{12, "..", "", "", "unclean path"},
		{16, "", "", "not json", "delete a record"},
	} {
		f.Add(seed.route, seed.id, seed.query, []byte(seed.body))
	}
	srv := fakecloudtest.StartFuzz(f)
	f.Fuzz(func(t *testing.T, route uint8, id, rawQuery string, body []byte) {
		c, _ := newFake(Options{})
		if err := load(c, fuzzFixture()); err != nil {
			t.Fatalf("load: %v", err)
		}
		srv.Serve(c)
		r := fuzzRoutes[int(route)%len(fuzzRoutes)]
		srv.FuzzCall(t, core.DefaultToken, r.Method, r.PathWith(id), rawQuery, body)
	})
}
