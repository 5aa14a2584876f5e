package provider_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	fakegateway "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
	fakemodelarts "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/modelarts"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/osm"
)

// The chaos tests apply a configuration holding every resource type the provider has while the fake cloud
// fails a fifth of all requests at random, in every way a cloud fails: throttling with Retry-After, 500, 503,
// the gateways' concurrent-write error, dropped connections, and writes applied whose answer is lost; and
// while its front door throttles the credential and the address to policies drawn from the seed (429
// APIGW.0308 naming each, which the provider paces itself to). Apply is
// repeated until it succeeds; then the fake cloud must hold exactly what the state records, a plan must be
// empty, and destroy (repeated too) must leave nothing the configuration created.
//
// Each run draws its seeds at random and logs them; AUTHZ_CHAOS_SEEDS=1,2,3 replays given seeds (a seed fixes
// which requests fail and how, see fakecloud.Chaos), and AUTHZ_CHAOS_PER_TYPE sets how many resources of each
// type the configuration holds.

const (
	chaosRate     = 0.2
	chaosAttempts = 5 // applies, plans and destroys allowed per phase
	// chaosPerType resources of each of the nine resource types; with the data sources well over 60 in all.
	chaosPerType = 8
)

// chaosFaults are the ways a request fails; each failing request meets one of those matching it.
var chaosFaults = []fakecloud.Fault{
	{Status: http.StatusTooManyRequests, RetryAfter: "1", ErrorMsg: "The throttling threshold has been reached"},
	{Status: http.StatusInternalServerError},
	{Status: http.StatusServiceUnavailable, ErrorMsg: "Service temporarily unavailable"},
	{DropConnection: true},
	// The gateways' answer to writes that meet another write of the same app.
	{Method: http.MethodPost, PathRegexp: `/instances/`, Status: http.StatusInternalServerError, ErrorCode: "APIG.3500", ErrorMsg: "Failed to synchronize data to etcd."},
	{Method: http.MethodPut, PathRegexp: `/instances/`, Status: http.StatusInternalServerError, ErrorCode: "APIG.3500", ErrorMsg: "Failed to synchronize data to etcd."},
	{Method: http.MethodDelete, PathRegexp: `/instances/`, Status: http.StatusInternalServerError, ErrorCode: "APIG.3500", ErrorMsg: "Failed to synchronize data to etcd."},
	// Writes the cloud applies but whose answer never arrives, or arrives as a failure.
	{Method: http.MethodPost, AfterApply: true, DropConnection: true},
	{Method: http.MethodPut, AfterApply: true, DropConnection: true},
	{Method: http.MethodDelete, AfterApply: true, DropConnection: true},
	{Method: http.MethodPost, AfterApply: true, Status: http.StatusInternalServerError},
	{Method: http.MethodPut, AfterApply: true, Status: http.StatusServiceUnavailable},
	{Method: http.MethodDelete, AfterApply: true, Status: http.StatusInternalServerError},
}

func TestAccChaos(t *testing.T) {
	// A project-scoped token cannot reach the account-scoped service tickets, so the seeds alternate between
	// the two modes that reach every service.
	modes := []acctest.Credentials{acctest.WithAccessKey, acctest.WithPassword}
	for i, seed := range chaosSeeds(t) {
		t.Run("seed="+strconv.FormatInt(seed, 10), func(t *testing.T) {
			t.Parallel()
			runChaos(t, seed, modes[i%len(modes)], false)
		})
	}
}

// TestAccChaos_interrupted: the same, with the first apply interrupted (Ctrl-C) at a random moment.
func TestAccChaos_interrupted(t *testing.T) {
	seeds := chaosSeeds(t)
	seed := seeds[0]
	t.Run("seed="+strconv.FormatInt(seed, 10), func(t *testing.T) {
		runChaos(t, seed, acctest.WithAccessKey, true)
	})
}

// chaosSeeds are the seeds of AUTHZ_CHAOS_SEEDS, or three drawn at random.
func chaosSeeds(t *testing.T) []int64 {
	t.Helper()
	if v := os.Getenv("AUTHZ_CHAOS_SEEDS"); v != "" {
		var seeds []int64
		for s := range strings.SplitSeq(v, ",") {
			n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
			if err != nil {
				t.Fatalf("AUTHZ_CHAOS_SEEDS=%s: %v", v, err)
			}
			seeds = append(seeds, n)
		}
		return seeds
	}
	return []int64{rand.Int64N(1 << 40), rand.Int64N(1 << 40), rand.Int64N(1 << 40)}
}

func chaosPerTypeCount(t *testing.T) int {
	t.Helper()
	if v := os.Getenv("AUTHZ_CHAOS_PER_TYPE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxChaosPerType {
			t.Fatalf("AUTHZ_CHAOS_PER_TYPE=%s: want 1 to %d", v, maxChaosPerType)
		}
		return n
	}
	return chaosPerType
}

func runChaos(t *testing.T, seed int64, mode acctest.Credentials, interrupt bool) {
	replay := fmt.Sprintf("seed %d (replay with AUTHZ_CHAOS_SEEDS=%d)", seed, seed)
	t.Logf("chaos with %s, credentials %v", replay, mode)
	fc := acctest.NewFakeCloud(t)
	w := newChaosWorld(chaosPerTypeCount(t))
	if err := fc.Load(w.fixture(fc.Creds.ProjectID)); err != nil {
		t.Fatalf("seeding the fake cloud: %v", err)
	}
	tf := acctest.NewTerraform(t, chaosProvider(fc, mode)+w.config())
	tf.Timeout = 5 * time.Minute
	throttles := chaosThrottles(seed, w.n)
	t.Logf("throttling per user %s, per address %s", throttles.User, throttles.IP)
	if err := fc.SetChaos(&fakecloud.Chaos{Seed: seed, Rate: chaosRate, Faults: chaosFaults, Throttles: throttles}); err != nil {
		t.Fatal(err)
	}
	defer func() {
		var throttled int
		reqs := fc.Requests()
		for _, r := range reqs {
			if r.Status == http.StatusTooManyRequests {
				throttled++
			}
		}
		t.Logf("%d requests, %d answered 429 (random faults and the front door's policies)", len(reqs), throttled)
	}()

	if interrupt {
		p := tf.Start("apply", "-auto-approve")
		rng := rand.New(rand.NewPCG(uint64(seed), 0))
		time.Sleep(200*time.Millisecond + time.Duration(rng.Int64N(int64(4*time.Second))))
		p.Interrupt()
		r := p.Wait()
		t.Logf("interrupted apply exited %d", r.ExitCode)
	}
	repeat(t, tf, replay, "apply", "-auto-approve")
	w.checkCloudMatchesState(t, fc, tf.State(), replay)

	// A plan after a successful apply changes nothing, though its own reads may fail and be repeated.
	for attempt := 1; ; attempt++ {
		r := tf.Run("plan", "-detailed-exitcode")
		if r.ExitCode == 0 {
			break
		}
		if r.ExitCode == 2 {
			t.Fatalf("%s: the plan after apply is not empty:\n%s", replay, r.Stdout)
		}
		if attempt == chaosAttempts {
			t.Fatalf("%s: plan failed %d times, last:\n%s", replay, attempt, r)
		}
	}

	repeat(t, tf, replay, "destroy", "-auto-approve")
	if left := tf.State().Resources; len(left) > 0 {
		t.Errorf("%s: destroy succeeded but the state still holds %s", replay, left[0].Address)
	}
	w.checkNothingLeft(t, fc, replay)
}

// chaosThrottles are the front door's policies of a seed for perType resources of each type: at the default
// size, per user 40 to 79 requests a second and per address 60 to 119 every two seconds, so that either may be
// the one that binds; larger configurations get proportionally more, so that make chaos costs no more time
// per resource. They bind in the bursts of a refresh or an apply of many resources.
func chaosThrottles(seed int64, perType int) fakecloud.Throttles {
	rng := rand.New(rand.NewPCG(uint64(seed), 1))
	scale := func(n int) int { return max(n, n*perType/chaosPerType) }
	return fakecloud.Throttles{
		User: fakecloud.Throttle{Limit: scale(40 + rng.IntN(40)), Window: time.Second},
		IP:   fakecloud.Throttle{Limit: scale(60 + rng.IntN(60)), Window: 2 * time.Second},
	}
}

// repeat runs a command until it succeeds, at most chaosAttempts times.
func repeat(t *testing.T, tf *acctest.Terraform, replay string, args ...string) {
	t.Helper()
	for attempt := 1; ; attempt++ {
		r := tf.Run(args...)
		if r.ExitCode == 0 {
			t.Logf("%s succeeded at attempt %d", args[0], attempt)
			return
		}
		t.Logf("%s attempt %d failed: %s", args[0], attempt, errorSummaries(r.Output()))
		if os.Getenv("AUTHZ_CHAOS_VERBOSE") != "" {
			t.Log(r.Stderr)
		}
		if attempt == chaosAttempts {
			t.Fatalf("%s: %s failed %d times, last:\n%s", replay, args[0], attempt, r)
		}
	}
}

var errorLine = regexp.MustCompile(`(?m)^Error: .*$`)

// errorSummaries are the first lines of Terraform's error diagnostics.
func errorSummaries(out string) string {
	lines := errorLine.FindAllString(out, -1)
	if len(lines) > 5 {
		lines = append(lines[:5], fmt.Sprintf("… and %d more", len(lines)-5))
	}
	return strings.Join(lines, "; ")
}

// chaosProvider is the provider block: like acctest's, with more retries, since a fifth of all requests fail.
// A call then fails for good with a chance of 0.2⁶: with three retries (0.2⁴) a refresh of the several hundred
// resources of make chaos failed about every other time, and since a failed refresh stops a destroy before it
// deletes anything, five destroys in a row sometimes failed.
func chaosProvider(fc *acctest.FakeCloud, mode acctest.Credentials) string {
	block := fc.ProviderConfigWith(mode)
	return strings.Replace(block, "max_retries = 1", "max_retries = 5", 1)
}

// maxChaosPerType keeps the instance of the authorizations within its 50 apps (one per two sets).
const maxChaosPerType = 96

// chaosWorld is what the fake cloud is seeded with and the configuration that uses it.
type chaosWorld struct {
	n int
}

func newChaosWorld(n int) chaosWorld { return chaosWorld{n: n} }

var chaosFlavors = []fakegateway.Flavor{fakegateway.FlavorAPIG, fakegateway.FlavorROMA}

// gatewayID is a 32-character ID of the given kind on a gateway of the flavour.
func gatewayID(f fakegateway.Flavor, kind string, k int) string {
	return fmt.Sprintf("%s%s%0*d", f, kind, 32-len(f)-len(kind), k)
}

// Gateway instances: one for the single and set authorizations, and one for every aclsPerInstance ACLs.
func (chaosWorld) authInstance(f fakegateway.Flavor) string { return gatewayID(f, "ia", 0) }
func (chaosWorld) aclInstance(f fakegateway.Flavor, k int) string {
	return gatewayID(f, "ib", k/aclsPerInstance)
}

// aclsPerInstance keeps every gateway instance within its 50 apps.
const aclsPerInstance = 40

func (chaosWorld) staging(f fakegateway.Flavor) string   { return gatewayID(f, "env", 1) }
func (chaosWorld) singleApp(f fakegateway.Flavor) string { return gatewayID(f, "as", 0) }
func (chaosWorld) setApp(f fakegateway.Flavor, k int) string {
	return gatewayID(f, "at", k/2) // two sets per app: one per environment
}
func (chaosWorld) aclApp(f fakegateway.Flavor, k int) string { return gatewayID(f, "al", k) }
func (chaosWorld) api(f fakegateway.Flavor, k int) string    { return gatewayID(f, "p", k) }
func (w chaosWorld) env(f fakegateway.Flavor, k int) string {
	if k%2 == 0 {
		return acctest.ReleaseEnvID
	}
	return w.staging(f)
}

// setAPIs are the APIs of set k: two of the n+1 APIs.
func (w chaosWorld) setAPIs(f fakegateway.Flavor, k int) []string {
	return []string{w.api(f, k%(w.n+1)), w.api(f, (k+3)%(w.n+1))}
}

// ModelArts: one service; single authorizations spread over four apps and APIs m0…, sets on APIs s0….
const chaosModelArtsService = "5c7e9a1b-3d5f-4b7d-9f1a-2c4e6a8b0d3f"

func (chaosWorld) maApp(k int) string    { return fmt.Sprintf("a7%030x", k%4) }
func (chaosWorld) maAPI(k int) string    { return fmt.Sprintf("e7%030x", k/4) }
func (chaosWorld) maSetAPI(k int) string { return fmt.Sprintf("f7%030x", k) }
func (w chaosWorld) maSetApps(k int) []string {
	return []string{w.maApp(k), w.maApp(k + 1)}
}

// Service tickets: n pending requests; a third rejected, a third accepted as console access, a third
// accepted with the credentials of a host.
func (chaosWorld) ticket(k int) string   { return fmt.Sprintf("Auth-chaos-%d", k) }
func (chaosWorld) incident(k int) string { return fmt.Sprintf("CS20261123%05d", k) }

const chaosHostPassword = "chaos-host-password-!"

func (w chaosWorld) fixture(projectID string) fakecloud.Fixture {
	var instances []fakegateway.InstanceFixture
	for _, f := range chaosFlavors {
		envs := []string{acctest.ReleaseEnvID, w.staging(f)}
		a := fakegateway.InstanceFixture{ID: w.authInstance(f), Name: string(f) + "_auth", Flavor: f,
			Envs: []fakegateway.Env{{ID: w.staging(f), Name: "staging"}},
			Apps: []fakegateway.App{{ID: w.singleApp(f), Name: "single"}}}
		for k := 0; k < w.n; k += 2 {
			a.Apps = append(a.Apps, fakegateway.App{ID: w.setApp(f, k), Name: fmt.Sprintf("set_%d", k/2)})
		}
		for k := range w.n + 1 {
			a.APIs = append(a.APIs, fakegateway.API{ID: w.api(f, k), Name: fmt.Sprintf("api_%d", k), GroupID: string(f) + "group",
				GroupName: "group", ReqMethod: "GET", ReqURI: fmt.Sprintf("/v1/items%d", k), AuthType: "APP", PublishedEnvs: envs})
		}
		instances = append(instances, a)
		for k := range w.n {
			if k%aclsPerInstance == 0 {
				instances = append(instances, fakegateway.InstanceFixture{ID: w.aclInstance(f, k), Name: fmt.Sprintf("%s_acl_%d", f, k/aclsPerInstance), Flavor: f})
			}
			b := &instances[len(instances)-1]
			b.Apps = append(b.Apps, fakegateway.App{ID: w.aclApp(f, k), Name: fmt.Sprintf("acl_%d", k)})
		}
	}

	var apps []fakemodelarts.App
	for k := range 4 {
		apps = append(apps, fakemodelarts.App{ID: w.maApp(k), Name: fmt.Sprintf("chaos_app_%d", k)})
	}
	svc := fakemodelarts.ServiceFixture{ID: chaosModelArtsService, Name: "chaos_service"}
	for k := 0; k < w.n; k += 4 {
		svc.APIs = append(svc.APIs, fakemodelarts.API{ID: w.maAPI(k), Name: fmt.Sprintf("predict_%d", k/4), AuthType: "APP"})
	}
	for k := range w.n {
		svc.APIs = append(svc.APIs, fakemodelarts.API{ID: w.maSetAPI(k), Name: fmt.Sprintf("batch_%d", k), AuthType: "APP"})
	}

	var tickets []osm.Authorization
	for k := range w.n {
		a := osm.Authorization{ID: w.ticket(k), Status: osm.StatusPending, IncidentID: w.incident(k), SimpleDescription: "Access for chaos",
			ResourceTypeName: "ECS", VisitTypeName: "host login", AuthHandlerName: "engineer"}
		if k%3 == 2 {
			a.Details = []osm.Detail{{ID: int64(3000000 + k), Type: osm.DetailHost, Port: 22, Account: "support", Password: chaosHostPassword,
				InstanceID: fmt.Sprintf("i-chaos%d", k), InstanceName: "web", RegionID: "eu-de"}}
		} else {
			a.Details = []osm.Detail{{Type: osm.DetailConsole}}
		}
		tickets = append(tickets, a)
	}

	return fakecloud.Fixture{
		Gateway:   fakegateway.InProject(projectID, instances...),
		ModelArts: fakemodelarts.InProject(projectID, apps, []fakemodelarts.ServiceFixture{svc}),
		OSM:       osm.InAccount("", tickets...),
	}
}

func hclList(ids []string) string {
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = strconv.Quote(id)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func (w chaosWorld) config() string {
	var b strings.Builder
	for _, f := range chaosFlavors {
		for k := range w.n {
			fmt.Fprintf(&b, `
resource "authz_%[1]s_app_authorization" "s%[2]d" {
  instance_id = %[3]q
  env_id      = %[4]q
  app_id      = %[5]q
  api_id      = %[6]q
}

resource "authz_%[1]s_app_authorization_set" "s%[2]d" {
  instance_id = %[3]q
  env_id      = %[4]q
  app_id      = %[7]q
  api_ids     = %[8]s
}

resource "authz_%[1]s_app_acl" "a%[2]d" {
  instance_id = %[9]q
  app_id      = %[10]q
  type        = %[11]q
  values      = ["10.%[2]d.0.0/16", "192.168.%[2]d.1-192.168.%[2]d.20"]
}
`, f, k, w.authInstance(f), w.env(f, k), w.singleApp(f), w.api(f, k), w.setApp(f, k), hclList(w.setAPIs(f, k)),
				w.aclInstance(f, k), w.aclApp(f, k), []string{"PERMIT", "DENY"}[k%2])
		}
		fmt.Fprintf(&b, `
data "authz_%[1]s_app_authorizations" "single" {
  instance_id = %[2]q
  app_id      = %[3]q
  depends_on  = [authz_%[1]s_app_authorization.s0]
}
`, f, w.authInstance(f), w.singleApp(f))
	}

	for k := range w.n {
		fmt.Fprintf(&b, `
resource "authz_modelarts_app_authorization" "m%[1]d" {
  service_id = %[2]q
  api_id     = %[3]q
  app_id     = %[4]q
}

resource "authz_modelarts_api_authorization_set" "m%[1]d" {
  service_id = %[2]q
  api_id     = %[5]q
  app_ids    = %[6]s
}
`, k, chaosModelArtsService, w.maAPI(k), w.maApp(k), w.maSetAPI(k), hclList(w.maSetApps(k)))
	}
	b.WriteString(`
data "authz_modelarts_apps" "all" {}
`)

	for k := range w.n {
		fmt.Fprintf(&b, "\nresource \"authz_service_request_authorization\" \"t%d\" {\n  authorization_id = %q\n", k, w.ticket(k))
		switch k % 3 {
		case 0:
			b.WriteString("  decision         = \"reject\"\n  reject_reason    = \"Not for this ticket.\"\n")
		case 1:
			b.WriteString("  expire_time      = \"2099-01-01T00:00:00Z\"\n")
		case 2:
			fmt.Fprintf(&b, "  host_credentials = [{ detail_id = %d, port = 22, account = \"support\", password = %q }]\n", 3000000+k, chaosHostPassword)
		}
		b.WriteString("}\n")
	}
	fmt.Fprintf(&b, `
data "authz_service_request_authorizations" "first" {
  incident_id = %q
}
`, w.incident(0))
	return b.String()
}

// claim records which state resource claims a cloud record, so a record claimed twice or never shows.
type claims map[string][]string

func (c claims) add(key, by string) { c[key] = append(c[key], by) }

// checkCloudMatchesState: every authorization and ACL in the fake cloud belongs to exactly one resource in the
// state, with the ID the state records, and every resource in the state exists in the cloud as recorded.
func (w chaosWorld) checkCloudMatchesState(t *testing.T, fc *acctest.FakeCloud, st acctest.State, replay string) {
	t.Helper()
	fail := func(format string, args ...any) { t.Errorf(replay+": "+format, args...) }
	types := map[string]int{}
	for _, r := range st.Resources {
		if r.Mode == "managed" {
			types[r.Type]++
		}
	}
	for _, typ := range []string{"authz_apig_app_authorization", "authz_roma_app_authorization", "authz_apig_app_authorization_set",
		"authz_roma_app_authorization_set", "authz_apig_app_acl", "authz_roma_app_acl", "authz_modelarts_app_authorization",
		"authz_modelarts_api_authorization_set", "authz_service_request_authorization"} {
		if types[typ] != w.n {
			fail("the state holds %d %s, want %d", types[typ], typ, w.n)
		}
	}

	for _, f := range chaosFlavors {
		// Authorizations: each cloud record is claimed by exactly one single or one set entry.
		records := map[string]fakegateway.AppAuth{}
		for _, a := range fc.Gateway().AppAuths("", w.authInstance(f)) {
			records[a.ID] = a
		}
		claimed := claims{}
		for _, r := range st.OfType("authz_" + string(f) + "_app_authorization") {
			id := r.String("id")
			claimed.add(id, r.Address)
			a, ok := records[id]
			if !ok || a.AppID != r.String("app_id") || a.APIID != r.String("api_id") || a.EnvID != r.String("env_id") {
				fail("%s records authorization %s (app %s, API %s, env %s); the cloud holds %+v", r.Address, id,
					r.String("app_id"), r.String("api_id"), r.String("env_id"), a)
			}
		}
		for _, r := range st.OfType("authz_" + string(f) + "_app_authorization_set") {
			ids, _ := r.Values["authorization_ids"].(map[string]any)
			apis := stringsOf(r.Values["api_ids"])
			if len(ids) != len(apis) {
				fail("%s records %d authorization IDs for %d APIs", r.Address, len(ids), len(apis))
			}
			for api, v := range ids {
				id, _ := v.(string)
				claimed.add(id, r.Address)
				a, ok := records[id]
				if !ok || a.AppID != r.String("app_id") || a.APIID != api || a.EnvID != r.String("env_id") || !slices.Contains(apis, api) {
					fail("%s records authorization %s for API %s; the cloud holds %+v", r.Address, id, api, a)
				}
			}
		}
		for id, a := range records {
			if by := claimed[id]; len(by) != 1 {
				fail("%s authorization %s (app %s, API %s, env %s) is claimed by %v: want exactly one resource", f, id, a.AppID, a.APIID, a.EnvID, by)
			}
		}

		// ACLs: one per app of the ACL instance, as the state records it.
		inState, aclInstanceOf := map[string]bool{}, map[string]string{}
		for k := range w.n {
			aclInstanceOf[w.aclApp(f, k)] = w.aclInstance(f, k)
		}
		for _, r := range st.OfType("authz_" + string(f) + "_app_acl") {
			app := r.String("app_id")
			inState[app] = true
			acl, ok := fc.Gateway().AppACL("", aclInstanceOf[app], app)
			values := stringsOf(r.Values["values"])
			slices.Sort(values)
			got := slices.Sorted(slices.Values(acl.Values))
			if !ok || acl.Type != r.String("type") || !slices.Equal(got, values) {
				fail("%s records %s %v; the cloud holds %+v (exists: %t)", r.Address, r.String("type"), values, acl, ok)
			}
		}
		for k := range w.n {
			if app := w.aclApp(f, k); !inState[app] {
				if acl, ok := fc.Gateway().AppACL("", w.aclInstance(f, k), app); ok {
					fail("the cloud holds an ACL of app %s the state does not record: %+v", app, acl)
				}
			}
		}
	}

	// ModelArts: each authorization of the service is claimed exactly once.
	records := map[string]fakemodelarts.Authorization{}
	for _, a := range fc.ModelArts().Authorizations("") {
		if a.ServiceID == chaosModelArtsService {
			records[a.AuthID] = a
		}
	}
	claimed := claims{}
	for _, r := range st.OfType("authz_modelarts_app_authorization") {
		id := r.String("auth_id")
		claimed.add(id, r.Address)
		if a, ok := records[id]; !ok || a.APIID != r.String("api_id") || a.AppID != r.String("app_id") {
			fail("%s records authorization %s; the cloud holds %+v", r.Address, id, a)
		}
	}
	for _, r := range st.OfType("authz_modelarts_api_authorization_set") {
		ids, _ := r.Values["authorization_ids"].(map[string]any)
		if apps := stringsOf(r.Values["app_ids"]); len(ids) != len(apps) {
			fail("%s records %d authorization IDs for %d apps", r.Address, len(ids), len(apps))
		}
		for app, v := range ids {
			id, _ := v.(string)
			claimed.add(id, r.Address)
			if a, ok := records[id]; !ok || a.APIID != r.String("api_id") || a.AppID != app {
				fail("%s records authorization %s for app %s; the cloud holds %+v", r.Address, id, app, a)
			}
		}
	}
	for id, a := range records {
		if by := claimed[id]; len(by) != 1 {
			fail("ModelArts authorization %s (API %s, app %s) is claimed by %v: want exactly one resource", id, a.APIID, a.AppID, by)
		}
	}

	// Service tickets: every request decided as the state says.
	decided := map[string]bool{}
	for _, r := range st.OfType("authz_service_request_authorization") {
		id := r.String("authorization_id")
		decided[id] = true
		want := osm.StatusAuthorized
		if r.String("decision") == "reject" {
			want = osm.StatusRejected
		}
		a, ok := fc.OSM().Authorization("", id)
		if !ok || a.Status != want {
			fail("%s records request %s decided %q; the cloud holds status %d", r.Address, id, r.String("decision"), a.Status)
		}
		if status, _ := r.Values["status"].(float64); int(status) != a.Status {
			fail("%s records status %v; the cloud holds %d", r.Address, r.Values["status"], a.Status)
		}
	}
	for k := range w.n {
		if id := w.ticket(k); !decided[id] {
			if a, _ := fc.OSM().Authorization("", id); a.Status != osm.StatusPending {
				fail("request %s is in status %d but no resource records a decision", id, a.Status)
			}
		}
	}
}

// checkNothingLeft: after destroy, no authorization or ACL remains and no request grants access.
func (w chaosWorld) checkNothingLeft(t *testing.T, fc *acctest.FakeCloud, replay string) {
	t.Helper()
	for _, f := range chaosFlavors {
		if left := fc.Gateway().AppAuths("", w.authInstance(f)); len(left) > 0 {
			t.Errorf("%s: %d %s authorization(s) left after destroy, first: %+v", replay, len(left), f, left[0])
		}
		for k := range w.n {
			if acl, ok := fc.Gateway().AppACL("", w.aclInstance(f, k), w.aclApp(f, k)); ok {
				t.Errorf("%s: an ACL is left after destroy: %+v", replay, acl)
			}
		}
	}
	for _, a := range fc.ModelArts().Authorizations("") {
		t.Errorf("%s: a ModelArts authorization is left after destroy: %+v", replay, a)
	}
	for k := range w.n {
		if a, _ := fc.OSM().Authorization("", w.ticket(k)); a.Status == osm.StatusAuthorized || a.Status == osm.StatusApprovalPending {
			t.Errorf("%s: request %s still grants access after destroy (status %d)", replay, a.ID, a.Status)
		}
	}
}

func stringsOf(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}
