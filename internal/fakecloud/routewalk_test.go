package fakecloud

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/fakecloudtest"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
)

// The route walk takes every call from the route table (core.Server.Routes), so a call added later is walked
// without anyone remembering to: it must turn away every caller the core promises to turn away, in its
// service's codes, and change nothing for them.

// publicRoutes are the only calls that take no credentials: the logins (a password, an ID token) and the
// instance metadata service, which the server's network restricts. Admin endpoints are public too, but exist
// only with Options.Admin, and TestRouteWalkAdminEndpointsOff covers them.
var publicRoutes = []string{"POST /v3/auth/tokens", "POST /v3.0/OS-AUTH/id-token/tokens", "GET /openstack/latest/securitykey"}

// The objects of the demo fixture the walk's paths name, so that a request let through would act on
// something that exists, and the state would show it.
const (
	romaID      = "a2c4e6f8a2c4e6f8a2c4e6f8a2c4e6f8"
	romaAppID   = "b3d5f7a9b3d5f7a9b3d5f7a9b3d5f7a9" // partner_integration
	romaAPIID   = "c4e6a8b0c4e6a8b0c4e6a8b0c4e6a8b0" // sync_inventory
	stagingEnv  = "7a1ad0c350844ee69479b47df9a881cb"
	createAPIID = "6ba5ccaa9e2b4a5c9a8c5a3d7a0e8e11" // create_order, published in RELEASE, not authorized
	osmPending  = "Auth-20261123-0042"
	osmDetailID = "4000002" // the host detail of Auth-20261123-0043
	walkAuthID  = "walkauth0000000000000000000000001"
	walkMaxBody = 4 << 10
)

// walkCall is one call of the route table made concrete: a path with its wildcards filled, and the query
// and body that would change state if the call were let through.
type walkCall struct {
	core.RouteInfo
	path  string
	query map[string]string
	body  string
}

var wildcard = regexp.MustCompile(`\{([a-z_]+)\}`)

// concrete fills a route's wildcards with objects of the demo fixture, and picks a body. A wildcard the walk
// does not know fails the test: whoever adds it says which object it names.
func concrete(t *testing.T, r core.RouteInfo) walkCall {
	t.Helper()
	values := map[string]string{"project_id": DefaultProjectID}
	switch {
	case strings.Contains(r.Pattern, "/apigw/"):
		values["instance_id"], values["app_id"], values["api_id"] = apigID, appID, apiID
		values["env_id"], values["app_auth_id"] = stagingEnv, walkAuthID
	case strings.Contains(r.Pattern, "/apic/"):
		values["instance_id"], values["app_id"], values["api_id"] = romaID, romaAppID, romaAPIID
		values["env_id"], values["app_auth_id"] = releaseEnv, walkAuthID
	case r.Service == "modelarts":
		values["service_id"], values["api_id"], values["app_id"], values["app_name"] = maServiceID, maAPIID, maAppID, "checkout_service"
	case r.Service == "osm":
		values["authorization_id"], values["authorization_detail_id"] = osmPending, osmDetailID
	}
	path := wildcard.ReplaceAllStringFunc(r.Pattern, func(w string) string {
		v, ok := values[w[1:len(w)-1]]
		if !ok {
			t.Fatalf("%s %s: the route walk has no value for %s; add one naming an object of the demo fixture", r.Method, r.Pattern, w)
		}
		return v
	})
	c := walkCall{RouteInfo: r, path: path}
	switch {
	case r.Method == http.MethodGet:
	case r.Service == "gateway" && strings.HasSuffix(path, "/apps"):
		c.body = `{"name":"walk_app"}`
	case r.Service == "gateway" && strings.HasSuffix(path, "/envs"):
		c.body = `{"name":"walk_env"}`
	case r.Service == "gateway" && strings.HasSuffix(path, "/apis"):
		c.body = `{"name":"walk_api","group_id":"g1","req_method":"GET","req_uri":"/walk","auth_type":"APP"}`
	case r.Service == "gateway" && strings.HasSuffix(path, "/apis/action"):
		c.body = `{"action":"offline","env_id":"` + releaseEnv + `","api_id":"` + values["api_id"] + `"}`
	case r.Service == "gateway" && strings.HasSuffix(path, "/app-auths"):
		api := createAPIID
		if values["instance_id"] == romaID {
			api = "e6a8c0d2e6a8c0d2e6a8c0d2e6a8c0d2"
		}
		c.body = `{"env_id":"` + releaseEnv + `","app_ids":["` + values["app_id"] + `"],"api_ids":["` + api + `"]}`
	case strings.HasSuffix(path, "/app-acl"):
		c.body = `{"app_acl_type":"PERMIT","app_acl_values":["10.0.0.1"]}`
	case r.Service == "modelarts" && strings.HasSuffix(path, "/app-auth/apps"):
		c.body = `{"app_name":"walk_app"}`
	case r.Service == "modelarts":
		c.body = `{"apps":[{"app_id":"` + maAppID + `"}],"workspace_id":"0"}`
	case r.Service == "osm" && strings.HasSuffix(path, "/action"):
		c.query, c.body = map[string]string{"action_id": "reject"}, `{"reject_reason":"walked"}`
	case r.Service == "osm" && strings.HasSuffix(path, "/verify-host"):
		c.body = `{"port":22,"account":"support","password":"demo-host-password"}`
	case r.Service == "osm":
		c.body = `{"auth_detail_list":[{"auth_detail_id":4000001}]}`
	case r.Method != http.MethodDelete:
		c.body = `{}`
	}
	return c
}

func (c walkCall) String() string { return c.Method + " " + c.Pattern }

func (c walkCall) url() string {
	if len(c.query) == 0 {
		return c.path
	}
	q := url.Values{}
	for k, v := range c.query {
		q.Set(k, v)
	}
	return c.path + "?" + q.Encode()
}

// withToken sends the call with an X-Auth-Token ("" sends none) and the given body.
func (c walkCall) withToken(f *fake, token, body string) fakecloudtest.Response {
	f.T.Helper()
	var b any
	if body != "" {
		b = body
	}
	return f.Do(c.Method, c.url(), b, "X-Auth-Token", token)
}

// signed sends the call signed with the default access key and naming the account (which project-scoped
// calls ignore); change alters what is signed, tamper the request after signing.
func (c walkCall) signed(f *fake, now time.Time, change func(*fakecloudtest.SignedRequest), tamper func(*http.Request)) fakecloudtest.Response {
	f.T.Helper()
	sr := fakecloudtest.SignedRequest{
		Method: c.Method, Path: c.path, Query: c.query, Body: c.body, AK: DefaultAccessKey, SK: DefaultSecretKey, Date: now,
		Headers: map[string]string{"X-Domain-Id": DefaultDomainID},
	}
	if change != nil {
		change(&sr)
	}
	return sr.Send(f.Client, tamper)
}

// expect checks that resp is the error row want, reporting rather than stopping so that one run lists every
// call that misbehaves.
func expect(t *testing.T, what string, resp fakecloudtest.Response, want core.ErrorDef) {
	t.Helper()
	var e struct {
		Code string `json:"error_code"`
	}
	if err := json.Unmarshal(resp.Body, &e); err != nil || resp.Status != want.Status || e.Code != want.Code {
		t.Errorf("%s: got %d %s, want %d %s", what, resp.Status, resp.Body, want.Status, want.Code)
	}
}

// walk is a demo fake cloud with a settable clock, an app authorization on each gateway for the DELETE
// calls to name, and tokens that have expired.
type walk struct {
	*fake
	clk                        *fakecloudtest.Clock
	expiredProject, expiredAcc string
	calls                      []walkCall
}

func startWalk(t *testing.T, quirks []string) *walk {
	t.Helper()
	clk := fakecloudtest.NewClock()
	w := &walk{fake: startDemo(t, Options{Now: clk.Now, MaxBodyBytes: walkMaxBody, Quirks: quirks}), clk: clk}
	if _, err := w.Gateway().AddAppAuth("", apigID, gateway.AppAuth{ID: walkAuthID, AppID: appID, APIID: apiID, EnvID: releaseEnv}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Gateway().AddAppAuth("", romaID, gateway.AppAuth{ID: walkAuthID, AppID: romaAppID, APIID: romaAPIID, EnvID: releaseEnv}); err != nil {
		t.Fatal(err)
	}
	login := func(scope map[string]any) string {
		resp := w.Do(http.MethodPost, "/v3/auth/tokens", fakecloudtest.PasswordLogin(DefaultUserName, DefaultPassword, DefaultDomainName, scope), "X-Auth-Token", "")
		resp.ExpectStatus(t, http.StatusCreated)
		return resp.Header.Get("X-Subject-Token")
	}
	w.expiredProject = login(map[string]any{"project": map[string]string{"id": DefaultProjectID}})
	w.expiredAcc = login(map[string]any{"domain": map[string]string{"name": DefaultDomainName}})
	clk.Advance(25 * time.Hour)

	services := map[string]int{}
	for _, r := range w.Routes() {
		if r.Admin() {
			continue
		}
		if !r.Authenticated() {
			if !slices.Contains(publicRoutes, r.Method+" "+r.Pattern) {
				t.Errorf("%s %s takes no credentials (scope %s): every cloud call but IAM's login must", r.Method, r.Pattern, r.Scope)
			}
			continue
		}
		services[r.Service]++
		w.calls = append(w.calls, concrete(t, r))
	}
	for _, name := range []string{"iam", "gateway", "modelarts", "osm"} {
		if services[name] == 0 {
			t.Errorf("no authenticated call of %s in the route table %v", name, services)
		}
	}
	return w
}

// routeTables are the quirks that change which calls are served, so that the walk covers every route table:
// an older ROMA Connect instance serves its app-auth calls under /v1.
var routeTables = map[string][]string{"default": nil, QuirkROMAV1: {QuirkROMAV1}}

// forEachRouteTable runs a walk over the route table of each of routeTables.
func forEachRouteTable(t *testing.T, walkTable func(t *testing.T, w *walk)) {
	for name, quirks := range routeTables {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			walkTable(t, startWalk(t, quirks))
		})
	}
}

// TestRouteWalkRejects: every authenticated call of every service turns away missing, unknown and expired
// tokens, bad AK/SK signatures and stale dates with 401, callers outside its project or account with 403,
// and oversized bodies with 413, each in its service's codes; none of them changes anything.
func TestRouteWalkRejects(t *testing.T) {
	t.Parallel()
	forEachRouteTable(t, walkRejects)
}

func walkRejects(t *testing.T, w *walk) {
	now := w.clk.Now()
	before := w.Snapshot()
	w.ResetRequests()
	sent := 0

	for _, c := range w.calls {
		errs := c.Errors
		check := func(what string, resp fakecloudtest.Response, want core.ErrorDef) {
			t.Helper()
			sent++
			expect(t, c.String()+": "+what, resp, want)
		}
		expired := w.expiredProject
		if c.Scope == core.ScopeAccount {
			expired = w.expiredAcc
		}

		check("no credentials", c.withToken(w.fake, "", c.body), errs.TokenMissing)
		check("unknown token", c.withToken(w.fake, "fake-token-never-issued", c.body), errs.TokenInvalid)
		check("expired token", c.withToken(w.fake, expired, c.body), errs.TokenExpired)

		check("another secret key", c.signed(w.fake, now, func(sr *fakecloudtest.SignedRequest) { sr.SK = "not-the-secret-key" }, nil), errs.SignatureMismatch)
		check("unknown access key", c.signed(w.fake, now, func(sr *fakecloudtest.SignedRequest) { sr.AK = "UNKNOWNACCESSKEY0001" }, nil), errs.AccessKeyUnknown)
		check("date 16 minutes old", c.signed(w.fake, now.Add(-16*time.Minute), nil, nil), errs.ClockSkew)
		check("date 16 minutes ahead", c.signed(w.fake, now.Add(16*time.Minute), nil, nil), errs.ClockSkew)
		check("query added after signing", c.signed(w.fake, now, nil, func(r *http.Request) { r.URL.RawQuery += "&walked=1" }), errs.SignatureMismatch)
		if c.body != "" {
			check("body changed after signing", c.signed(w.fake, now, nil, func(r *http.Request) {
				r.Body, r.ContentLength = io.NopCloser(strings.NewReader(c.body+" ")), int64(len(c.body)+1)
			}), errs.SignatureMismatch)
		}
		check("Authorization without a signature", c.signed(w.fake, now, nil, func(r *http.Request) {
			r.Header.Set("Authorization", "SDK-HMAC-SHA256 Access="+DefaultAccessKey+", SignedHeaders=host;x-sdk-date")
		}), errs.SignatureMalformed)
		check("no X-Sdk-Date", c.signed(w.fake, now, nil, func(r *http.Request) { r.Header.Del("X-Sdk-Date") }), errs.SignatureMalformed)

		switch c.Scope {
		case core.ScopeProject: // the path names the default project
			check("token of the other project", c.withToken(w.fake, OtherProjectToken, c.body), errs.Forbidden)
			check("token of the account", c.withToken(w.fake, DomainToken, c.body), errs.Forbidden)
		case core.ScopeAccount:
			check("token of a project", c.withToken(w.fake, DefaultToken, c.body), errs.Forbidden)
			check("token of the other project", c.withToken(w.fake, OtherProjectToken, c.body), errs.Forbidden)
			check("AK/SK naming no account", c.signed(w.fake, now, func(sr *fakecloudtest.SignedRequest) { sr.Headers = nil }, nil), errs.Forbidden)
			check("AK/SK naming another account", c.signed(w.fake, now, func(sr *fakecloudtest.SignedRequest) {
				sr.Headers = map[string]string{"X-Domain-Id": "00000000000000000000000000000000"}
			}, nil), errs.Forbidden)
		}

		token := DefaultToken
		if c.Scope == core.ScopeAccount {
			token = DomainToken
		}
		check("body over the limit", c.withToken(w.fake, token, strings.Repeat(" ", walkMaxBody+1)), errs.BodyTooLarge)
	}

	// The login is the one call without credentials; its body is limited all the same.
	sent++
	expect(t, "POST /v3/auth/tokens: body over the limit",
		w.Do(http.MethodPost, "/v3/auth/tokens", strings.Repeat(" ", walkMaxBody+1), "X-Auth-Token", ""),
		core.ErrorDef{Status: http.StatusRequestEntityTooLarge, Code: "IAM.0011"})

	if after := w.Snapshot(); !reflect.DeepEqual(before, after) {
		t.Errorf("rejected requests changed the state:\nbefore %+v\nafter  %+v", before, after)
	}
	log := w.Requests()
	if len(log) != sent {
		t.Errorf("%d requests logged, %d sent", len(log), sent)
	}
	for _, rec := range log {
		if rec.Status < 400 || rec.Status >= 500 {
			t.Errorf("%s %s answered %d", rec.Method, rec.Path, rec.Status)
		}
	}
	t.Logf("%d calls walked, %d requests", len(w.calls), sent)
}

// TestRouteWalkLetsCallersIn is the walk's control: with good credentials, a token or a signature, every call
// gets past the core to its handler. Without it, a walk whose paths matched no route would prove nothing.
func TestRouteWalkLetsCallersIn(t *testing.T) {
	t.Parallel()
	forEachRouteTable(t, walkLetsCallersIn)
}

func walkLetsCallersIn(t *testing.T, w *walk) {
	for _, c := range w.calls {
		errs := c.Errors
		// Malformed is left out: handlers answer it too, for a body they cannot decode.
		refusals := []core.ErrorDef{errs.TokenMissing, errs.TokenExpired, errs.TokenInvalid, errs.Forbidden, errs.SignatureMalformed,
			errs.AccessKeyUnknown, errs.ClockSkew, errs.SignatureMismatch, errs.UnknownRoute, errs.BodyTooLarge}
		let := func(what string, resp fakecloudtest.Response) {
			t.Helper()
			var e struct {
				Code string `json:"error_code"`
			}
			_ = json.Unmarshal(resp.Body, &e) // a success may be no JSON object at all
			for _, r := range refusals {
				if resp.Status == r.Status && e.Code == r.Code {
					t.Errorf("%s: %s: got %d %s, which the core answers before the handler runs", c, what, resp.Status, resp.Body)
				}
			}
		}
		token := DefaultToken
		if c.Scope == core.ScopeAccount {
			token = DomainToken
		}
		let("token", c.withToken(w.fake, token, c.body))
		let("signed", c.signed(w.fake, w.clk.Now(), nil, nil))
	}
}

// TestRouteWalkAdminEndpointsOff: without Options.Admin, none of the admin endpoints a server with it has is
// answered as one, and none changes anything.
func TestRouteWalkAdminEndpointsOff(t *testing.T) {
	t.Parallel()
	var admin []core.RouteInfo
	for _, r := range New(Options{Admin: true}).Routes() {
		if r.Admin() {
			admin = append(admin, r)
		}
	}
	if len(admin) < 7 {
		t.Fatalf("admin endpoints %+v", admin)
	}
	f := startDemo(t, Options{})
	before := f.Snapshot()
	for _, r := range admin {
		path := wildcard.ReplaceAllString(r.Pattern, osmPending)
		var body any
		if r.Method != http.MethodGet && r.Method != http.MethodDelete {
			body = `{"path_regexp":"."}`
		}
		expect(t, r.Method+" "+r.Pattern, f.Do(r.Method, path, body, "X-Auth-Token", ""), errUnknownRouteOfTheFrontDoor)
	}
	if after := f.Snapshot(); !reflect.DeepEqual(before, after) {
		t.Errorf("admin paths changed the state without Options.Admin")
	}
	f.Do(http.MethodGet, apigBase+"/apps", nil).ExpectStatus(t, http.StatusOK) // no fault was injected
}

// errUnknownRouteOfTheFrontDoor is what the gateways, which front every endpoint, answer a path nobody claims.
var errUnknownRouteOfTheFrontDoor = core.ErrorDef{Status: http.StatusNotFound, Code: "APIG.0101"}
