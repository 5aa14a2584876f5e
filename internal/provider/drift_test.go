package provider_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	fakegateway "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/osm"
)

// The drift tests ask whether `terraform plan` tells the truth about access (issue 24). Each run applies a
// configuration holding every resource type (the chaos tests' world, three of each), makes a seeded random
// choice of the changes people make in a console while Terraform manages the same cloud — through the fake
// cloud's own HTTP API, save the few changes that API has no call for — and then requires:
//
//   - the plan proposes, for every resource, exactly the action the cloud's new state calls for (expect), and
//     nothing else;
//   - where the cloud cannot be brought back (an app, API, environment or instance gone, a request no longer
//     pending), the refresh or the apply fails with the cloud's error at exactly those resources, and the test
//     then takes them out of the configuration (and, for a deleted instance, out of the state);
//   - the apply converges: a plan after it is empty;
//   - the cloud then holds exactly the configuration plus the grants Terraform never owned, untouched.
//
// TestAccDrift draws three seeds, or replays AUTHZ_DRIFT_SEEDS=1,2,3; a seed fixes which changes are made and
// to what. TestAccDrift_everyKind makes every kind of change at least once, on a fixed schedule.
// TestAccDrift_chaos runs one seed while reads fail, first every read of one kind of resource at a time, then
// requests at random (the chaos tests' faults but throttling, at a low rate): a failed read must fail the
// plan, never pass for a removal or a change.
//
// Two kinds of change go through the fake cloud's back door (its Go inspectors), because the services' APIs
// have no call for them, though a console user makes them: moving the window of an accepted service-ticket
// request (the API decides a request once) and deleting a gateway instance. Every other change is a call of
// the cloud client (internal/cloud) or, for what the provider's client has no typed method for (deleting a
// gateway app, API or environment, taking an API offline), a plain HTTP call of the gateway's API.

const (
	driftPerType = 3   // resources of each type
	driftChance  = 0.3 // the chance each kind of change is drawn
	// TestAccDrift_chaos: the share of requests failing, how many plans must succeed, each showing the
	// expected actions, and how many may fail meanwhile (a plan of the chaos world makes about 22 requests, so
	// without retries about two in three fail).
	driftChaosRate        = 0.05
	driftChaosPlans       = 3
	driftChaosFailedPlans = 30
)

// driftKind is one kind of change made outside Terraform.
type driftKind int

const (
	singleRevoked         driftKind = iota // a grant of a single authorization cancelled
	singleRemade                           // a grant of a single authorization cancelled and made again: a new record ID
	setGrantRevoked                        // a grant of an authoritative set cancelled
	setGrantRemade                         // a grant of an authoritative set cancelled and made again: a new record ID
	setExtraGrant                          // an API authorized for the app and environment of a set, besides the set's
	foreignGrant                           // an API authorized for an app and environment no set manages, besides the single authorizations': not Terraform's
	foreignACL                             // an ACL given to an app no ACL resource manages: not Terraform's
	aclTypeFlipped                         // an ACL's PERMIT made DENY or the other way round
	aclValueAdded                          // an address added to an ACL
	aclValueRemoved                        // an address taken out of an ACL
	aclDeleted                             // an ACL deleted
	maSetAppAdded                          // a ModelArts app authorized for the API of a set, besides the set's
	maSetAppRevoked                        // a ModelArts app of a set revoked
	maSingleRevoked                        // the ModelArts app of a single authorization revoked
	maSingleRemade                         // the ModelArts app of a single authorization revoked and authorized again
	maForeignApp                           // a ModelArts app authorized for the API of single authorizations: not Terraform's
	ticketWindowMoved                      // an accepted request's window changed
	ticketCancelled                        // an accepted request cancelled
	ticketDecidedByHand                    // a request the configuration is about to decide, accepted with another window or rejected first by hand
	ticketForeignRejected                  // a pending request Terraform does not manage, rejected by hand
	apiOffline                             // an API taken offline in RELEASE
	appDeleted                             // a gateway app deleted, with its grants and ACL
	apiDeleted                             // a gateway API deleted, with its grants
	envDeleted                             // a gateway environment deleted (its APIs taken offline first), with its grants
	instanceDeleted                        // a gateway instance deleted, with everything in it
	numDriftKinds
)

var driftKindNames = [numDriftKinds]string{
	"single-revoked", "single-remade", "set-grant-revoked", "set-grant-remade", "set-extra-grant", "foreign-grant", "foreign-acl",
	"acl-type-flipped", "acl-value-added", "acl-value-removed", "acl-deleted",
	"modelarts-set-app-added", "modelarts-set-app-revoked", "modelarts-single-revoked", "modelarts-single-remade",
	"modelarts-foreign-app",
	"ticket-window-moved", "ticket-cancelled", "ticket-decided-by-hand", "ticket-foreign-rejected",
	"api-offline", "app-deleted", "api-deleted", "env-deleted", "instance-deleted",
}

func (k driftKind) String() string { return driftKindNames[k] }

// gateway tells the kinds made on a gateway, of one flavour.
func (k driftKind) gateway() bool { return k <= aclDeleted || k >= apiOffline }

// driftChange is one change: its kind and, for the gateways' kinds, the flavour it is made on. Which object
// it changes is drawn when it is made.
type driftChange struct {
	kind   driftKind
	flavor fakegateway.Flavor
}

func (c driftChange) String() string {
	if c.kind.gateway() {
		return fmt.Sprintf("%s(%s)", c.kind, c.flavor)
	}
	return c.kind.String()
}

// drawChanges is a seed's changes, in the order of their kinds: the deletions come last, so the other kinds
// find what they change.
func drawChanges(seed int64) []driftChange {
	rng := rand.New(rand.NewPCG(uint64(seed), 1))
	var out []driftChange
	for k := range numDriftKinds {
		if rng.Float64() < driftChance {
			out = append(out, driftChange{kind: k, flavor: chaosFlavors[rng.IntN(len(chaosFlavors))]})
		}
	}
	return out
}

func TestAccDrift(t *testing.T) {
	for _, seed := range driftSeeds(t) {
		t.Run("seed="+strconv.FormatInt(seed, 10), func(t *testing.T) {
			t.Parallel()
			runDrift(t, seed, drawChanges(seed), false)
		})
	}
}

// driftSchedule makes every kind of change at least once. Changes that would hide each other's effect (a
// grant revoked on an instance that is deleted too) are kept apart, in other runs or on the other flavour.
var driftSchedule = []struct {
	seed    int64 // draws the objects changed
	changes []driftChange
}{
	{seed: 1, changes: []driftChange{
		{singleRevoked, fakegateway.FlavorAPIG}, {singleRemade, fakegateway.FlavorAPIG}, {setGrantRevoked, fakegateway.FlavorAPIG},
		{setGrantRemade, fakegateway.FlavorAPIG},
		{setExtraGrant, fakegateway.FlavorAPIG}, {foreignGrant, fakegateway.FlavorAPIG}, {foreignACL, fakegateway.FlavorROMA},
		{aclTypeFlipped, fakegateway.FlavorAPIG}, {aclValueAdded, fakegateway.FlavorROMA}, {aclValueRemoved, fakegateway.FlavorROMA},
		{aclDeleted, fakegateway.FlavorROMA},
		{kind: maSetAppAdded}, {kind: maSetAppRevoked}, {kind: maSingleRevoked}, {kind: maSingleRemade}, {kind: maForeignApp},
		{kind: ticketWindowMoved}, {kind: ticketCancelled}, {kind: ticketDecidedByHand}, {kind: ticketForeignRejected},
	}},
	{seed: 2, changes: []driftChange{
		{singleRevoked, fakegateway.FlavorROMA}, {setExtraGrant, fakegateway.FlavorROMA}, {apiOffline, fakegateway.FlavorAPIG}, {appDeleted, fakegateway.FlavorAPIG}, {apiDeleted, fakegateway.FlavorAPIG},
		{envDeleted, fakegateway.FlavorAPIG},
	}},
	{seed: 3, changes: []driftChange{
		{apiOffline, fakegateway.FlavorROMA}, {appDeleted, fakegateway.FlavorROMA}, {instanceDeleted, fakegateway.FlavorAPIG},
	}},
}

func TestAccDrift_everyKind(t *testing.T) {
	made := map[driftKind]bool{}
	for _, run := range driftSchedule {
		for _, c := range run.changes {
			made[c.kind] = true
		}
	}
	for k := range numDriftKinds {
		if !made[k] {
			t.Errorf("no run of the schedule makes a change of kind %s", k)
		}
	}
	for _, run := range driftSchedule {
		t.Run("seed="+strconv.FormatInt(run.seed, 10), func(t *testing.T) {
			t.Parallel()
			runDrift(t, run.seed, run.changes, false)
		})
	}
}

// TestAccDrift_chaos: the same while reads and writes fail (see checkFailedReads and checkPlans); commands are
// repeated until they succeed.
func TestAccDrift_chaos(t *testing.T) {
	seed := driftSeeds(t)[0]
	t.Run("seed="+strconv.FormatInt(seed, 10), func(t *testing.T) {
		runDrift(t, seed, drawChanges(seed), true)
	})
}

// driftSeeds are the seeds of AUTHZ_DRIFT_SEEDS, or three drawn at random.
func driftSeeds(t *testing.T) []int64 {
	t.Helper()
	v := os.Getenv("AUTHZ_DRIFT_SEEDS")
	if v == "" {
		return []int64{rand.Int64N(1 << 40), rand.Int64N(1 << 40), rand.Int64N(1 << 40)}
	}
	var seeds []int64
	for _, field := range strings.Split(v, ",") {
		seed, err := strconv.ParseInt(strings.TrimSpace(field), 10, 64)
		if err != nil {
			t.Fatalf("AUTHZ_DRIFT_SEEDS=%s: %v", v, err)
		}
		seeds = append(seeds, seed)
	}
	return seeds
}

// Requests of the service tickets beyond the chaos world's: one the configuration decides only once a change
// of kind ticketDecidedByHand adds it, and one it never decides.
const (
	driftHandTicket    = "Auth-drift-hand"
	driftForeignTicket = "Auth-drift-foreign"
	driftHandAddress   = "authz_service_request_authorization.hand"
)

// resourceKind is what a configured resource manages.
type resourceKind int

const (
	gatewaySingle resourceKind = iota
	gatewaySet
	gatewayACL
	modelArtsSingle
	modelArtsSet
	ticketDecision
)

// driftResource is one resource of the configuration, with the arguments its kind uses.
type driftResource struct {
	addr string
	kind resourceKind
	// Gateways: the instance, environment, app, and the API or the set's APIs; an ACL's type and values.
	instance, env, app, api string
	apis                    []string
	aclType                 string
	values                  []string
	// ModelArts: the API, and the single authorization's app or the set's apps.
	maAPI  string
	maApps []string
	// Service tickets: the request and the decision; a window end or start left out is "".
	ticket, decision, effective, expire string
	hostDetail                          int64 // the host the decision hands credentials for, 0 for none
}

// block is the resource's block in the configuration.
func (d *driftResource) block() hclBlock {
	typ, name, _ := strings.Cut(d.addr, ".")
	args := map[string]string{}
	switch d.kind {
	case gatewaySingle:
		args = map[string]string{"instance_id": q(d.instance), "env_id": q(d.env), "app_id": q(d.app), "api_id": q(d.api)}
	case gatewaySet:
		args = map[string]string{"instance_id": q(d.instance), "env_id": q(d.env), "app_id": q(d.app), "api_ids": list(d.apis...)}
	case gatewayACL:
		args = map[string]string{"instance_id": q(d.instance), "app_id": q(d.app), "type": q(d.aclType), "values": list(d.values...)}
	case modelArtsSingle:
		args = map[string]string{"service_id": q(chaosModelArtsService), "api_id": q(d.maAPI), "app_id": q(d.maApps[0])}
	case modelArtsSet:
		args = map[string]string{"service_id": q(chaosModelArtsService), "api_id": q(d.maAPI), "app_ids": list(d.maApps...)}
	case ticketDecision:
		args["authorization_id"] = q(d.ticket)
		if d.decision == "reject" {
			args["decision"], args["reject_reason"] = q("reject"), q("Not for this ticket.")
		}
		for name, v := range map[string]string{"effective_time": d.effective, "expire_time": d.expire} {
			if v != "" {
				args[name] = q(v)
			}
		}
		if d.hostDetail != 0 {
			args["host_credentials"] = fmt.Sprintf("[{ detail_id = %d, port = 22, account = \"support\", password = %q }]", d.hostDetail, chaosHostPassword)
		}
	}
	return hclBlock{header: fmt.Sprintf("resource %q %q", typ, name), args: args}
}

// driftResources is the configuration of the chaos world: every resource type, n of each.
func driftResources(w chaosWorld) map[string]*driftResource {
	out := map[string]*driftResource{}
	add := func(d *driftResource) { out[d.addr] = d }
	for _, f := range chaosFlavors {
		p := "authz_" + string(f)
		for k := range w.n {
			add(&driftResource{addr: fmt.Sprintf("%s_app_authorization.s%d", p, k), kind: gatewaySingle,
				instance: w.authInstance(f), env: w.env(f, k), app: w.singleApp(f), api: w.api(f, k)})
			add(&driftResource{addr: fmt.Sprintf("%s_app_authorization_set.s%d", p, k), kind: gatewaySet,
				instance: w.authInstance(f), env: w.env(f, k), app: w.setApp(f, k), apis: w.setAPIs(f, k)})
			add(&driftResource{addr: fmt.Sprintf("%s_app_acl.a%d", p, k), kind: gatewayACL,
				instance: w.aclInstance(f, k), app: w.aclApp(f, k), aclType: []string{"PERMIT", "DENY"}[k%2],
				values: []string{fmt.Sprintf("10.%d.0.0/16", k), fmt.Sprintf("192.168.%d.1-192.168.%d.20", k, k)}})
		}
	}
	for k := range w.n {
		add(&driftResource{addr: fmt.Sprintf("authz_modelarts_app_authorization.m%d", k), kind: modelArtsSingle, maAPI: w.maAPI(k), maApps: []string{w.maApp(k)}})
		add(&driftResource{addr: fmt.Sprintf("authz_modelarts_api_authorization_set.m%d", k), kind: modelArtsSet, maAPI: w.maSetAPI(k), maApps: w.maSetApps(k)})
		ticket := &driftResource{addr: fmt.Sprintf("authz_service_request_authorization.t%d", k), kind: ticketDecision, ticket: w.ticket(k), decision: "accept"}
		switch k % 3 {
		case 0:
			ticket.decision = "reject"
		case 1:
			ticket.expire = "2099-01-01T00:00:00Z"
		case 2:
			ticket.hostDetail = int64(3000000 + k)
		}
		add(ticket)
	}
	return out
}

// driftRun is one run: the fake cloud, Terraform, and the configuration as it is now.
type driftRun struct {
	t        *testing.T
	replay   string
	w        chaosWorld
	fc       *acctest.FakeCloud
	tf       *acctest.Terraform
	provider string
	chaos    bool
	rng      *rand.Rand // draws the objects changes are made to
	client   *cloud.Client
	http     *http.Client
	res      map[string]*driftResource // the configuration, by address
	owned    map[string]*driftResource // every resource ever configured: what Terraform owns
	drawn    map[string]bool           // the resources changes were made to
}

func (r *driftRun) config() string {
	var b strings.Builder
	b.WriteString(r.provider)
	for _, addr := range slices.Sorted(maps.Keys(r.res)) {
		b.WriteString(r.res[addr].block().String())
	}
	return b.String()
}

// add puts a resource into the configuration.
func (r *driftRun) add(d *driftResource) {
	r.res[d.addr], r.owned[d.addr] = d, d
}

// drop takes resources out of the configuration, saying why.
func (r *driftRun) drop(why string, addrs ...string) {
	for _, a := range addrs {
		delete(r.res, a)
	}
	r.t.Logf("dropped from the configuration (%s): %s", why, strings.Join(addrs, ", "))
	r.tf.SetConfig(r.config())
}

// newDriftRun seeds a fake cloud with the chaos world, n of each, and two more requests of the service
// tickets, and prepares Terraform with the configuration of every resource.
func newDriftRun(t *testing.T, seed int64, chaos bool) *driftRun {
	t.Helper()
	fc := acctest.NewFakeCloud(t)
	w := newChaosWorld(driftPerType)
	fixture := w.fixture(fc.Creds.ProjectID)
	for _, id := range []string{driftHandTicket, driftForeignTicket} {
		fixture.OSM.Accounts[0].Authorizations = append(fixture.OSM.Accounts[0].Authorizations, osm.Authorization{
			ID: id, Status: osm.StatusPending, IncidentID: "CS2026112399999", SimpleDescription: "Access for drift",
			ResourceTypeName: "ECS", VisitTypeName: "console", AuthHandlerName: "engineer", Details: []osm.Detail{{Type: osm.DetailConsole}},
		})
	}
	if err := fc.Load(fixture); err != nil {
		t.Fatalf("seeding the fake cloud: %v", err)
	}
	r := &driftRun{t: t, replay: fmt.Sprintf("seed %d (replay with AUTHZ_DRIFT_SEEDS=%d)", seed, seed), w: w, fc: fc, chaos: chaos,
		rng: rand.New(rand.NewPCG(uint64(seed), 2)), client: fc.AccountClient(t), http: &http.Client{Transport: &http.Transport{}},
		res: driftResources(w), owned: map[string]*driftResource{}, drawn: map[string]bool{}}
	maps.Copy(r.owned, r.res)
	r.provider = fc.ProviderConfigWith(acctest.WithAccessKey)
	if chaos {
		r.provider = chaosProvider(fc, acctest.WithAccessKey)
	}
	r.tf = acctest.NewTerraform(t, r.config())
	return r
}

func runDrift(t *testing.T, seed int64, changes []driftChange, chaos bool) {
	r := newDriftRun(t, seed, chaos)
	t.Logf("drift with %s: %v", r.replay, changes)
	fc := r.fc
	r.tf.MustRun("apply", "-auto-approve")

	for _, c := range changes {
		r.make(c)
	}
	before := viewCloud(fc)
	want := r.expect(before)

	// A deleted instance cannot be told from a wrong project, region or endpoint: the refresh fails, and the
	// resources on it are taken out of the state and the configuration as the error says.
	if gone := want.failing(func(o driftOutcome) string { return o.refreshErr }); len(gone) > 0 {
		r.expectErrors(gone, "plan")
		r.stateRemove(slices.Sorted(maps.Keys(gone)))
		r.drop("their instance is gone", slices.Sorted(maps.Keys(gone))...)
	}

	// Under chaos, failed reads first, one kind of resource at a time; then random failures from here on.
	if chaos {
		r.checkFailedReads()
		faults := slices.DeleteFunc(slices.Clone(chaosFaults), func(f fakecloud.Fault) bool { return f.Status == http.StatusTooManyRequests })
		if err := fc.SetChaos(&fakecloud.Chaos{Seed: seed, Rate: driftChaosRate, Faults: faults}); err != nil {
			t.Fatal(err)
		}
	}
	r.checkPlans(want)

	// Ticket drift the service cannot undo: the window moved is written into the configuration (the plan's
	// update is refused: the service decides a request once).
	for addr, o := range want {
		if o.window != nil {
			d := r.res[addr]
			d.effective, d.expire = formatMillis(o.window[0]), formatMillis(o.window[1])
			r.t.Logf("%s: the window the service holds written into the configuration: %s to %s", addr, d.effective, d.expire)
		}
	}
	r.tf.SetConfig(r.config())
	if failing := want.failing(func(o driftOutcome) string { return o.applyErr }); len(failing) > 0 {
		r.expectErrors(failing, "apply", "-auto-approve")
		r.drop("the cloud refuses to make them again", slices.Sorted(maps.Keys(failing))...)
	}
	r.run("apply", "-auto-approve")
	r.checkConverged()
	if chaos {
		if err := fc.SetChaos(nil); err != nil {
			t.Fatal(err)
		}
	}
	r.checkCloud(before, r.tf.State())
}

// run runs a Terraform command that must succeed; under chaos it is repeated until it does.
func (r *driftRun) run(args ...string) {
	r.t.Helper()
	if r.chaos {
		repeat(r.t, r.tf, r.replay, args...)
		return
	}
	if res := r.tf.Run(args...); res.ExitCode != 0 {
		r.t.Fatalf("%s: %s", r.replay, res)
	}
}

// stateRemove runs `terraform state rm`, which reads and writes only the state.
func (r *driftRun) stateRemove(addrs []string) {
	r.t.Helper()
	r.run(append([]string{"state", "rm"}, addrs...)...)
	r.t.Logf("removed from the state: %s", strings.Join(addrs, ", "))
}

// attempts is how often a command may be run before its outcome counts.
func (r *driftRun) attempts() int {
	if r.chaos {
		return chaosAttempts
	}
	return 1
}

// make makes one change outside Terraform.
func (r *driftRun) make(c driftChange) {
	r.t.Helper()
	ctx := context.Background()
	f, w, rng := c.flavor, r.w, r.rng
	g := r.client.Gateway(cloud.Flavor(f))
	did := func(format string, args ...any) { r.t.Logf("%s: "+format, append([]any{c}, args...)...) }
	must := func(err error) {
		r.t.Helper()
		if err != nil {
			r.t.Fatalf("%s: %s: %v", r.replay, c, err)
		}
	}
	grant := func(inst, env, app, api string) {
		r.t.Helper()
		results, err := g.CreateAppAuths(ctx, inst, cloud.CreateAppAuthsRequest{EnvID: env, AppIDs: []string{app}, APIIDs: []string{api}})
		must(err)
		for _, res := range results {
			must(res.Err())
		}
	}
	p := "authz_" + string(f)
	switch c.kind {
	case singleRevoked, singleRemade:
		single := r.draw(r.numbered(p + "_app_authorization.s%d"))
		if id, ok := r.record(single.instance, single.env, single.app, single.api); ok {
			must(g.DeleteAppAuth(ctx, single.instance, id))
			did("cancelled record %s of %s", id, single.addr)
		}
		if c.kind == singleRemade {
			grant(single.instance, single.env, single.app, single.api)
			did("granted %s again", single.addr)
		}
	case setGrantRevoked, setGrantRemade:
		set := r.draw(r.numbered(p + "_app_authorization_set.s%d"))
		api := set.apis[rng.IntN(len(set.apis))]
		if id, ok := r.record(set.instance, set.env, set.app, api); ok {
			must(g.DeleteAppAuth(ctx, set.instance, id))
			did("cancelled the grant of API %s of %s", api, set.addr)
		}
		if c.kind == setGrantRemade {
			grant(set.instance, set.env, set.app, api)
			did("granted API %s of %s again", api, set.addr)
		}
	case setExtraGrant:
		set := r.draw(r.numbered(p + "_app_authorization_set.s%d"))
		api := pick(rng, r.apis(f), set.apis)
		grant(set.instance, set.env, set.app, api)
		did("granted API %s to the app of %s", api, set.addr)
	case foreignGrant:
		// The app of the single authorizations, or of sets in an environment none of its sets is in.
		inst, free := w.authInstance(f), []grantKey{}
		for _, app := range r.appsOf(f) {
			for _, env := range []string{acctest.ReleaseEnvID, w.staging(f)} {
				for _, api := range r.apis(f) {
					owned := slices.ContainsFunc(slices.Collect(maps.Values(r.owned)), func(d *driftResource) bool {
						return d.instance == inst && d.env == env && d.app == app && (d.kind == gatewaySet || d.kind == gatewaySingle && d.api == api)
					})
					if _, granted := r.record(inst, env, app, api); !owned && !granted {
						free = append(free, grantKey{env, app, api})
					}
				}
			}
		}
		p := free[rng.IntN(len(free))]
		grant(inst, p.env, p.app, p.api)
		did("granted API %s in environment %s to app %s, which no resource manages", p.api, p.env, p.app)
	case foreignACL:
		apps := r.appsOf(f)
		app := apps[rng.IntN(len(apps))]
		_, err := g.PutAppACL(ctx, w.authInstance(f), app, "PERMIT", []string{"203.0.113.0/24"})
		must(err)
		did("gave app %s, which no ACL resource manages, a PERMIT ACL", app)
	case aclTypeFlipped, aclValueAdded, aclValueRemoved:
		acl := r.draw(r.numbered(p + "_app_acl.a%d"))
		now, exists, err := g.GetAppACL(ctx, acl.instance, acl.app)
		must(err)
		if !exists {
			now = cloud.AppACL{Type: acl.aclType, Values: acl.values}
		}
		switch c.kind {
		case aclTypeFlipped:
			now.Type = map[string]string{"PERMIT": "DENY", "DENY": "PERMIT"}[now.Type]
		case aclValueAdded:
			now.Values = append(now.Values, fmt.Sprintf("172.16.0.%d", 1+rng.IntN(200)))
		case aclValueRemoved:
			if len(now.Values) < 2 {
				did("%s holds one value only: left as it is", acl.addr)
				return
			}
			now.Values = slices.Delete(slices.Clone(now.Values), 0, 1)
		}
		_, err = g.PutAppACL(ctx, acl.instance, acl.app, now.Type, now.Values)
		must(err)
		did("set the ACL of %s to %s %v", acl.addr, now.Type, now.Values)
	case aclDeleted:
		acl := r.draw(r.numbered(p + "_app_acl.a%d"))
		must(g.DeleteAppACL(ctx, acl.instance, acl.app))
		did("deleted the ACL of %s", acl.addr)
	case maSetAppAdded, maSetAppRevoked, maSingleRevoked, maSingleRemade, maForeignApp:
		r.makeModelArts(c)
	case ticketWindowMoved, ticketCancelled, ticketDecidedByHand, ticketForeignRejected:
		r.makeTicket(c)
	default:
		r.makeDeletion(c)
	}
}

// makeModelArts makes a change of a ModelArts kind.
func (r *driftRun) makeModelArts(c driftChange) {
	r.t.Helper()
	ctx, ma := context.Background(), r.client.ModelArts()
	set := func() *driftResource { return r.draw(r.numbered("authz_modelarts_api_authorization_set.m%d")) }
	single := func() *driftResource { return r.draw(r.numbered("authz_modelarts_app_authorization.m%d")) }
	var apps []string
	for a := range 4 {
		apps = append(apps, r.w.maApp(a))
	}
	call := func(do func(context.Context, string, string, string, []string) ([]cloud.ModelArtsAuthResult, error), api, app, what string) {
		r.t.Helper()
		results, err := do(ctx, chaosModelArtsService, api, cloud.DefaultWorkspaceID, []string{app})
		if err == nil && len(results) == 1 {
			err = results[0].Err()
		}
		if err != nil {
			r.t.Fatalf("%s: %s: %v", r.replay, c, err)
		}
		r.t.Logf("%s: %s app %s for API %s", c, what, app, api)
	}
	switch c.kind {
	case maSetAppAdded:
		set := set()
		call(ma.Authorize, set.maAPI, pick(r.rng, apps, set.maApps), "authorized")
	case maSetAppRevoked:
		set := set()
		call(ma.Revoke, set.maAPI, set.maApps[r.rng.IntN(len(set.maApps))], "revoked")
	case maSingleRevoked, maSingleRemade:
		single := single()
		if _, ok := viewCloud(r.fc).modelArts[maGrant{single.maAPI, single.maApps[0]}]; ok {
			call(ma.Revoke, single.maAPI, single.maApps[0], "revoked")
		}
		if c.kind == maSingleRemade {
			call(ma.Authorize, single.maAPI, single.maApps[0], "authorized again")
		}
	case maForeignApp:
		single := single()
		var configured []string
		for _, d := range r.owned {
			if d.kind == modelArtsSingle && d.maAPI == single.maAPI {
				configured = append(configured, d.maApps[0])
			}
		}
		if len(configured) == len(apps) {
			r.t.Logf("%s: every app is configured for API %s: nothing to do", c, single.maAPI)
			return
		}
		call(ma.Authorize, single.maAPI, pick(r.rng, apps, configured), "authorized, outside the configuration,")
	}
}

// makeTicket makes a change of a service-ticket kind.
func (r *driftRun) makeTicket(c driftChange) {
	r.t.Helper()
	ctx, tickets := context.Background(), r.client.OSM()
	must := func(err error) {
		r.t.Helper()
		if err != nil {
			r.t.Fatalf("%s: %s: %v", r.replay, c, err)
		}
	}
	var accepted []string
	for _, d := range r.owned {
		if d.kind == ticketDecision && d.decision == "accept" && d.ticket != driftHandTicket {
			accepted = append(accepted, d.addr)
		}
	}
	slices.Sort(accepted)
	d := r.draw(accepted)
	now := time.Now().UTC().Truncate(time.Second)
	switch c.kind {
	case ticketWindowMoved:
		// Back door: the API decides a request once and has no call changing an accepted window, which the
		// console does (osm.Service.SetWindow).
		from, to := now.Add(-time.Hour), now.Add(48*time.Hour+time.Duration(r.rng.IntN(600))*time.Second)
		must(r.fc.OSM().SetWindow("", d.ticket, from.UnixMilli(), to.UnixMilli()))
		r.t.Logf("%s: moved the window of %s to %s – %s", c, d.addr, from.Format(time.RFC3339), to.Format(time.RFC3339))
	case ticketCancelled:
		must(tickets.Act(ctx, d.ticket, cloud.OSMCancel, "", ""))
		r.t.Logf("%s: cancelled %s", c, d.addr)
	case ticketDecidedByHand:
		r.add(&driftResource{addr: driftHandAddress, kind: ticketDecision, ticket: driftHandTicket, decision: "accept",
			expire: now.Add(24 * time.Hour).Format(time.RFC3339)})
		if r.rng.IntN(2) == 0 {
			must(tickets.Accept(ctx, driftHandTicket, cloud.OSMAcceptRequest{EffectiveTime: now.Add(time.Hour).UnixMilli(), ExpireTime: now.Add(3 * time.Hour).UnixMilli()}))
			r.t.Logf("%s: %s added to the configuration, and its request accepted by hand with another window", c, driftHandAddress)
		} else {
			must(tickets.Act(ctx, driftHandTicket, cloud.OSMReject, "Declined by hand.", ""))
			r.t.Logf("%s: %s added to the configuration, and its request rejected by hand", c, driftHandAddress)
		}
		r.tf.SetConfig(r.config())
	case ticketForeignRejected:
		must(tickets.Act(ctx, driftForeignTicket, cloud.OSMReject, "Declined by hand.", ""))
		r.t.Logf("%s: rejected request %s, which Terraform does not manage", c, driftForeignTicket)
	}
}

// makeDeletion takes an API offline or deletes an app, API, environment or instance of a gateway: the calls
// a console makes, which the provider's client has no typed method for, go over HTTP here (gatewayCall).
func (r *driftRun) makeDeletion(c driftChange) {
	r.t.Helper()
	f, w := c.flavor, r.w
	inst := w.authInstance(f)
	switch c.kind {
	case apiOffline:
		api := r.apis(f)[r.rng.IntN(w.n+1)]
		r.gatewayCall(f, inst, http.MethodPost, "/apis/action", map[string]string{"action": "offline", "env_id": acctest.ReleaseEnvID, "api_id": api})
		r.t.Logf("%s: took API %s offline in RELEASE", c, api)
	case appDeleted:
		type app struct{ inst, id string }
		var apps []app
		for _, id := range r.appsOf(f) {
			apps = append(apps, app{inst, id})
		}
		for k := range w.n {
			apps = append(apps, app{w.aclInstance(f, k), w.aclApp(f, k)})
		}
		a := apps[r.rng.IntN(len(apps))]
		r.gatewayCall(f, a.inst, http.MethodDelete, "/apps/"+a.id, nil)
		r.t.Logf("%s: deleted app %s of instance %s", c, a.id, a.inst)
	case apiDeleted:
		api := r.apis(f)[r.rng.IntN(w.n+1)]
		r.gatewayCall(f, inst, http.MethodDelete, "/apis/"+api, nil)
		r.t.Logf("%s: deleted API %s", c, api)
	case envDeleted:
		// The gateway deletes an environment only once nothing is published in it.
		env := w.staging(f)
		for _, api := range viewCloud(r.fc).gateways[inst].apis {
			if slices.Contains(api.PublishedEnvs, env) {
				r.gatewayCall(f, inst, http.MethodPost, "/apis/action", map[string]string{"action": "offline", "env_id": env, "api_id": api.ID})
			}
		}
		r.gatewayCall(f, inst, http.MethodDelete, "/envs/"+env, nil)
		r.t.Logf("%s: took every API offline in environment %s and deleted it", c, env)
	case instanceDeleted:
		// Back door: the gateways' API has no call deleting an instance.
		if r.rng.IntN(2) == 1 {
			inst = w.aclInstance(f, 0)
		}
		if err := r.fc.Gateway().RemoveInstance("", inst); err != nil {
			r.t.Fatalf("%s: %s: %v", r.replay, c, err)
		}
		r.t.Logf("%s: deleted instance %s", c, inst)
	}
}

// gatewayCall makes a gateway call with the tenant's token, as the console would, and requires success.
func (r *driftRun) gatewayCall(f fakegateway.Flavor, instanceID, method, path string, body any) {
	r.t.Helper()
	service := map[fakegateway.Flavor]string{fakegateway.FlavorAPIG: "apigw", fakegateway.FlavorROMA: "apic"}[f]
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			r.t.Fatal(err)
		}
	}
	req, err := http.NewRequest(method, fmt.Sprintf("%s/v2/%s/%s/instances/%s%s", r.fc.URL, r.fc.Creds.ProjectID, service, instanceID, path), bytes.NewReader(raw))
	if err != nil {
		r.t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", r.fc.Creds.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := r.http.Do(req)
	if err != nil {
		r.t.Fatalf("%s: %s %s: %v", r.replay, method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	var answer bytes.Buffer
	_, _ = answer.ReadFrom(resp.Body)
	if resp.StatusCode >= 300 {
		r.t.Fatalf("%s: %s %s answered %d: %s", r.replay, method, req.URL.Path, resp.StatusCode, answer.String())
	}
}

// apis are the APIs of the flavour's instance of authorizations.
func (r *driftRun) apis(f fakegateway.Flavor) []string {
	out := make([]string, r.w.n+1)
	for k := range out {
		out[k] = r.w.api(f, k)
	}
	return out
}

// numbered are the addresses of the n resources of one type, from a format holding %d.
func (r *driftRun) numbered(format string) []string {
	out := make([]string, r.w.n)
	for k := range out {
		out[k] = fmt.Sprintf(format, k)
	}
	return out
}

// draw picks the resource a change is made to, among addrs, preferring one no earlier change of the run has
// picked: changes to one resource would hide each other (a value added to an ACL that is then deleted).
func (r *driftRun) draw(addrs []string) *driftResource {
	fresh := slices.DeleteFunc(slices.Clone(addrs), func(a string) bool { return r.drawn[a] })
	if len(fresh) == 0 {
		fresh = addrs
	}
	a := fresh[r.rng.IntN(len(fresh))]
	r.drawn[a] = true
	return r.owned[a]
}

// appsOf are the apps of the flavour's instance of authorizations: the single authorizations' and the sets'.
func (r *driftRun) appsOf(f fakegateway.Flavor) []string {
	apps := []string{r.w.singleApp(f)}
	for k := 0; k < r.w.n; k += 2 {
		apps = append(apps, r.w.setApp(f, k))
	}
	return apps
}

// record finds the ID of the record authorizing app for api in env, looking in the fake cloud.
func (r *driftRun) record(instance, env, app, api string) (string, bool) {
	for _, a := range r.fc.Gateway().AppAuths("", instance) {
		if a.EnvID == env && a.AppID == app && a.APIID == api {
			return a.ID, true
		}
	}
	return "", false
}

// pick draws one of all that is not in but.
func pick(rng *rand.Rand, all, but []string) string {
	rest := slices.DeleteFunc(slices.Clone(all), func(s string) bool { return slices.Contains(but, s) })
	return rest[rng.IntN(len(rest))]
}

// cloudView is what the fake cloud holds of the world, as its snapshot and inspectors tell.
type cloudView struct {
	gateways  map[string]*gatewayView // by instance ID; a deleted instance is missing
	modelArts map[maGrant]string      // authorizations of the world's service → auth ID
	tickets   map[string]osm.Authorization
}

type gatewayView struct {
	apps, envs map[string]bool
	apis       map[string]fakegateway.API
	auths      map[grantKey]string // → record ID
	acls       map[string]fakegateway.AppACL
}

type grantKey struct{ env, app, api string }

type maGrant struct{ api, app string }

func viewCloud(fc *acctest.FakeCloud) cloudView {
	v := cloudView{gateways: map[string]*gatewayView{}, modelArts: map[maGrant]string{}, tickets: map[string]osm.Authorization{}}
	for _, p := range fc.Snapshot().Gateway.Projects {
		if p.ID != fc.Creds.ProjectID {
			continue
		}
		for _, in := range p.Instances {
			g := &gatewayView{apps: map[string]bool{}, envs: map[string]bool{acctest.ReleaseEnvID: true}, apis: map[string]fakegateway.API{},
				auths: map[grantKey]string{}, acls: map[string]fakegateway.AppACL{}}
			for _, a := range in.Apps {
				g.apps[a.ID] = true
			}
			for _, e := range in.Envs {
				g.envs[e.ID] = true
			}
			for _, a := range in.APIs {
				g.apis[a.ID] = a
			}
			for _, a := range in.AppAuths {
				g.auths[grantKey{a.EnvID, a.AppID, a.APIID}] = a.ID
			}
			for _, a := range in.AppACLs {
				g.acls[a.AppID] = a
			}
			v.gateways[in.ID] = g
		}
	}
	for _, a := range fc.ModelArts().Authorizations("") {
		if a.ServiceID == chaosModelArtsService {
			v.modelArts[maGrant{a.APIID, a.AppID}] = a.AuthID
		}
	}
	for _, a := range fc.OSM().Authorizations("") {
		v.tickets[a.ID] = a
	}
	return v
}

// driftOutcome is what must happen to one resource after the changes.
type driftOutcome struct {
	action     string    // the plan's action: no-op, create, update or replace
	refreshErr string    // the refresh fails with this error code: the resource is not planned at all
	applyErr   string    // the apply fails with an error holding this text; the resource is then dropped
	window     *[2]int64 // the window of an accepted request the service holds, to write into the configuration
}

type driftOutcomes map[string]driftOutcome

// failing are the resources whose outcome has the error which of picks, with that error.
func (o driftOutcomes) failing(which func(driftOutcome) string) map[string]string {
	out := map[string]string{}
	for addr, x := range o {
		if err := which(x); err != "" {
			out[addr] = err
		}
	}
	return out
}

// expect is each configured resource's outcome, by what the cloud holds after the changes: the drift each
// resource page's Behaviour section says the plan shows.
func (r *driftRun) expect(v cloudView) driftOutcomes {
	out := driftOutcomes{}
	for addr, d := range r.res {
		out[addr] = expectOne(d, v, r.owned)
	}
	return out
}

func expectOne(d *driftResource, v cloudView, owned map[string]*driftResource) driftOutcome {
	noop, create, update := driftOutcome{action: "no-op"}, driftOutcome{action: "create"}, driftOutcome{action: "update"}
	g := v.gateways[d.instance]
	if (d.kind == gatewaySingle || d.kind == gatewaySet || d.kind == gatewayACL) && g == nil {
		return driftOutcome{refreshErr: "APIG.3030"}
	}
	switch d.kind {
	case gatewaySingle:
		if _, ok := g.auths[grantKey{d.env, d.app, d.api}]; ok {
			return noop // a record made again is read with its new ID; nothing to plan
		}
		create.applyErr = g.grantError(d.env, d.app, d.api)
		return create
	case gatewaySet:
		if !g.apps[d.app] {
			create.applyErr = "APIG.3004"
			return create
		}
		var held []string
		for k := range g.auths {
			if k.env == d.env && k.app == d.app {
				held = append(held, k.api)
			}
		}
		if sameSet(held, d.apis) {
			return noop
		}
		for _, api := range d.apis {
			if !slices.Contains(held, api) && update.applyErr == "" {
				update.applyErr = g.grantError(d.env, d.app, api)
			}
		}
		return update
	case gatewayACL:
		acl, ok := g.acls[d.app]
		switch {
		case !g.apps[d.app]:
			create.applyErr = "APIG.3004"
			return create
		case !ok:
			return create
		case acl.Type != d.aclType || !sameSet(acl.Values, d.values):
			return update
		}
		return noop
	case modelArtsSingle:
		if _, ok := v.modelArts[maGrant{d.maAPI, d.maApps[0]}]; ok {
			return noop
		}
		return create
	case modelArtsSet:
		var held []string
		for k := range v.modelArts {
			if k.api == d.maAPI {
				held = append(held, k.app)
			}
		}
		if sameSet(held, d.maApps) {
			return noop
		}
		return update
	}
	// A service-ticket decision. One the state does not hold yet is planned; deciding a request no longer
	// pending fails, naming its status, as does deciding again one whose decision no longer stands.
	a := v.tickets[d.ticket]
	status := cloud.OSMStatusNames[a.Status]
	stands := map[string]bool{"reject": a.Status == osm.StatusRejected, "accept": a.Status == osm.StatusAuthorized || a.Status == osm.StatusApprovalPending}[d.decision]
	if !stands || d.addr == driftHandAddress {
		if a.Status != osm.StatusPending {
			create.applyErr = fmt.Sprintf("is %s, not pending", status)
		}
		return create
	}
	// An accepted window differing from the configured one plans an update, which the apply refuses without
	// a call (the service decides a request once); effective_time left out of the configuration follows the
	// service.
	if d.decision == "accept" && (!sameTime(d.expire, a.AuthExpireTime) || (d.effective != "" && !sameTime(d.effective, a.AuthEffectiveTime))) {
		return driftOutcome{action: "update", window: &[2]int64{a.AuthEffectiveTime, a.AuthExpireTime}}
	}
	return noop
}

// grantError is the error code the gateway refuses a grant with, "" when it makes it: the checks come in the
// gateway's order (the environment and app for the whole call, then the API, then its publication).
func (g *gatewayView) grantError(env, app, api string) string {
	a, known := g.apis[api]
	switch {
	case !g.envs[env]:
		return "APIG.3003"
	case !g.apps[app]:
		return "APIG.3004"
	case !known:
		return "APIG.3002"
	case !slices.Contains(a.PublishedEnvs, env):
		return "APIG.3040"
	}
	return ""
}

func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

// sameTime reports whether an RFC 3339 time of the configuration ("" for none) is the service's, in epoch
// milliseconds (0 for none), to the second.
func sameTime(configured string, ms int64) bool {
	if configured == "" || ms == 0 {
		return configured == "" && ms == 0
	}
	at, err := time.Parse(time.RFC3339, configured)
	return err == nil && at.Unix() == ms/1000
}

func formatMillis(ms int64) string {
	if ms == 0 {
		return ""
	}
	return time.UnixMilli(ms).UTC().Format(time.RFC3339)
}

// checkPlans requires the plan to show exactly the expected actions. Under chaos the provider makes no retries
// for these plans, so that every failure the fake cloud injects reaches a resource's read, which must then
// fail the plan rather than pass for a removal or a change; failed plans are run again until
// driftChaosPlans have succeeded, each of them showing exactly the expected actions.
func (r *driftRun) checkPlans(want driftOutcomes) {
	r.t.Helper()
	if !r.chaos {
		r.checkPlan(want)
		return
	}
	defer r.withoutRetries()()
	failed := 0
	for succeeded := 0; succeeded < driftChaosPlans; {
		if r.checkPlan(want) {
			succeeded++
		} else if failed++; failed > driftChaosFailedPlans {
			r.t.Fatalf("%s: %d plans failed", r.replay, failed)
		}
	}
	r.t.Logf("%d plans failed on the injected faults, %d succeeded", failed, driftChaosPlans)
}

// withoutRetries configures the provider to retry nothing, until the function it returns is called.
func (r *driftRun) withoutRetries() (restore func()) {
	retrying := r.provider
	r.provider = strings.Replace(retrying, "max_retries = 5", "max_retries = 0", 1)
	r.tf.SetConfig(r.config())
	return func() {
		r.provider = retrying
		r.tf.SetConfig(r.config())
	}
}

// readFaults make every read of some resource types fail, each family of reads in one of the ways a call
// fails: the answer of a wrong endpoint (404 without a not-found code of the service), a server error, a
// dropped connection.
var readFaults = []struct {
	kinds []resourceKind
	fault fakecloud.Fault
}{
	{[]resourceKind{gatewaySingle, gatewaySet}, fakecloud.Fault{Method: http.MethodGet, PathRegexp: `/app-auths/binded-apis$`,
		Status: http.StatusNotFound, ErrorCode: cloud.CodeUnknownRoute, ErrorMsg: "The API does not exist or has not been published in the environment"}},
	{[]resourceKind{gatewayACL}, fakecloud.Fault{Method: http.MethodGet, PathRegexp: `/app-acl$`, Status: http.StatusInternalServerError}},
	{[]resourceKind{modelArtsSingle, modelArtsSet}, fakecloud.Fault{Method: http.MethodGet, PathRegexp: `/api-auths$`, DropConnection: true}},
	{[]resourceKind{ticketDecision}, fakecloud.Fault{Method: http.MethodGet, PathRegexp: `^/v2/servicerequest/authorizations/[^/]+$`, Status: http.StatusServiceUnavailable}},
}

// checkFailedReads makes every read of one family of resources fail at a time, with no retries: the plan
// must then fail at exactly those resources (that the state holds), none of which may pass for removed.
func (r *driftRun) checkFailedReads() {
	r.t.Helper()
	defer r.withoutRetries()()
	for _, rf := range readFaults {
		want := map[string]string{}
		for addr, d := range r.res {
			if slices.Contains(rf.kinds, d.kind) && addr != driftHandAddress {
				want[addr] = "Error reading"
			}
		}
		r.fc.InjectFault(rf.fault)
		r.expectErrors(want, "plan")
		r.fc.ClearFaults()
	}
}

// checkPlan requires the plan's action for each resource to be the expected one, and no other change. It
// reports whether the plan succeeded, which it must unless the fake cloud injects failures.
func (r *driftRun) checkPlan(want driftOutcomes) bool {
	r.t.Helper()
	file := filepath.Join(r.tf.Dir(), "drift.tfplan")
	if res := r.tf.Run("plan", "-out="+file); res.ExitCode != 0 {
		if !r.chaos {
			r.t.Fatalf("%s: %s", r.replay, res)
		}
		r.t.Logf("plan failed: %s", errorSummaries(res.Output()))
		return false
	}
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Mode    string `json:"mode"`
			Change  struct {
				Actions []string `json:"actions"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	show := r.tf.MustRun("show", "-json", file)
	if err := json.Unmarshal([]byte(show.Stdout), &plan); err != nil {
		r.t.Fatalf("decoding the plan: %v\n%s", err, show.Stdout)
	}
	got := map[string]string{}
	for _, c := range plan.ResourceChanges {
		action := strings.Join(c.Change.Actions, ",")
		if action == "delete,create" || action == "create,delete" {
			action = "replace"
		}
		got[c.Address] = action
	}
	var wrong []string
	for _, addr := range slices.Sorted(maps.Keys(r.res)) {
		if want[addr].action != got[addr] {
			wrong = append(wrong, fmt.Sprintf("%s: planned %q, want %q", addr, got[addr], want[addr].action))
		}
		delete(got, addr)
	}
	for _, addr := range slices.Sorted(maps.Keys(got)) {
		wrong = append(wrong, fmt.Sprintf("%s: planned %q, want nothing", addr, got[addr]))
	}
	if len(wrong) > 0 {
		r.t.Fatalf("%s: the plan after the changes is not what the cloud calls for:\n  %s", r.replay, strings.Join(wrong, "\n  "))
	}
	r.t.Logf("the plan shows exactly the expected actions: %s", summarize(want))
	return true
}

// summarize counts the expected actions, for the log.
func summarize(want driftOutcomes) string {
	n := map[string]int{}
	for _, o := range want {
		if o.refreshErr == "" {
			n[o.action]++
		}
	}
	var parts []string
	for _, a := range slices.Sorted(maps.Keys(n)) {
		parts = append(parts, fmt.Sprintf("%d %s", n[a], a))
	}
	return strings.Join(parts, ", ")
}

// expectErrors runs a command that must fail with one error at each of the resources of want, holding the
// text want names, and no other error.
func (r *driftRun) expectErrors(want map[string]string, args ...string) {
	r.t.Helper()
	for attempt := 1; ; attempt++ {
		res := r.tf.Run(append(args, "-json")...)
		got := map[string]string{}
		var problems []string
		for _, d := range jsonDiagnostics(res.Stdout) {
			if d.Severity != "error" {
				continue
			}
			if d.Address == "" {
				problems = append(problems, fmt.Sprintf("an error at no resource: %s: %s", d.Summary, d.Detail))
				continue
			}
			got[d.Address] += d.Summary + ": " + d.Detail + "\n"
		}
		for _, addr := range slices.Sorted(maps.Keys(want)) {
			if !strings.Contains(got[addr], want[addr]) {
				problems = append(problems, fmt.Sprintf("%s: want an error holding %q, got %q", addr, want[addr], got[addr]))
			}
			delete(got, addr)
		}
		for _, addr := range slices.Sorted(maps.Keys(got)) {
			problems = append(problems, fmt.Sprintf("%s: unexpected error %q", addr, got[addr]))
		}
		if res.ExitCode == 0 {
			problems = append(problems, "the command succeeded")
		}
		if len(problems) == 0 {
			r.t.Logf("terraform %s failed as expected at %s", args[0], strings.Join(slices.Sorted(maps.Keys(want)), ", "))
			return
		}
		if attempt >= r.attempts() {
			r.t.Fatalf("%s: terraform %s, attempt %d:\n  %s", r.replay, args[0], attempt, strings.Join(problems, "\n  "))
		}
		r.t.Logf("terraform %s attempt %d: %s", args[0], attempt, strings.Join(problems, "; "))
	}
}

type tfDiagnostic struct {
	Severity, Summary, Detail, Address string
}

// jsonDiagnostics are the diagnostics of a command's machine-readable output (-json).
func jsonDiagnostics(stdout string) []tfDiagnostic {
	var out []tfDiagnostic
	for line := range strings.Lines(stdout) {
		var msg struct {
			Type       string       `json:"type"`
			Diagnostic tfDiagnostic `json:"diagnostic"`
		}
		if json.Unmarshal([]byte(line), &msg) == nil && msg.Type == "diagnostic" {
			out = append(out, msg.Diagnostic)
		}
	}
	return out
}

// checkConverged requires an empty plan; under chaos a plan that fails is repeated.
func (r *driftRun) checkConverged() {
	r.t.Helper()
	for attempt := 1; ; attempt++ {
		res := r.tf.Run("plan", "-detailed-exitcode")
		switch {
		case res.ExitCode == 0:
			return
		case res.ExitCode == 2:
			r.t.Fatalf("%s: the plan after the apply is not empty:\n%s", r.replay, res.Stdout)
		case attempt >= r.attempts():
			r.t.Fatalf("%s: %s", r.replay, res)
		}
	}
}

// checkCloud requires the cloud to hold exactly what the configuration says, as the state records it, plus
// every grant Terraform never owned, as it was after the changes (before).
func (r *driftRun) checkCloud(before cloudView, st acctest.State) {
	r.t.Helper()
	fail := func(format string, args ...any) { r.t.Errorf(r.replay+": "+format, args...) }
	after := viewCloud(r.fc)
	stateOf := map[string]acctest.StateResource{}
	for _, s := range st.Resources {
		stateOf[s.Address] = s
	}
	for _, addr := range slices.Sorted(maps.Keys(stateOf)) {
		if r.res[addr] == nil {
			fail("the state holds %s, which the configuration does not", addr)
		}
	}
	r.checkGateways(before, after, stateOf, fail)
	r.checkModelArts(before, after, fail)
	r.checkTickets(before, after, fail)
}

// checkGateways: each instance holds the grants and ACLs of the configured resources, with the record IDs the
// state holds, and the foreign ones as they were.
func (r *driftRun) checkGateways(before, after cloudView, stateOf map[string]acctest.StateResource, fail func(string, ...any)) {
	for inst, g := range after.gateways {
		if before.gateways[inst] == nil {
			fail("instance %s appeared", inst)
			continue
		}
		// Grants: those of the configured resources, with the record IDs the state holds, and the foreign ones.
		want := map[grantKey]string{}
		ownsKey, ownsApp := map[grantKey]bool{}, map[[2]string]bool{}
		for _, d := range r.owned {
			switch {
			case d.instance != inst:
			case d.kind == gatewaySingle:
				ownsKey[grantKey{d.env, d.app, d.api}] = true
			case d.kind == gatewaySet:
				ownsApp[[2]string{d.env, d.app}] = true
			}
		}
		for k, id := range before.gateways[inst].auths {
			if !ownsKey[k] && !ownsApp[[2]string{k.env, k.app}] {
				want[k] = id
			}
		}
		for _, addr := range slices.Sorted(maps.Keys(r.res)) {
			d, s := r.res[addr], stateOf[addr]
			switch {
			case d.instance != inst:
			case d.kind == gatewaySingle:
				want[grantKey{d.env, d.app, d.api}] = s.String("id")
			case d.kind == gatewaySet:
				ids, _ := s.Values["authorization_ids"].(map[string]any)
				for _, api := range d.apis {
					want[grantKey{d.env, d.app, api}], _ = ids[api].(string)
				}
			case d.kind == gatewayACL:
				if acl, ok := g.acls[d.app]; !ok || acl.Type != d.aclType || !sameSet(acl.Values, d.values) {
					fail("%s: the cloud holds %+v (exists: %t), want %s %v", addr, acl, ok, d.aclType, d.values)
				}
				delete(g.acls, d.app)
			}
		}
		for app, acl := range g.acls {
			if slices.ContainsFunc(slices.Collect(maps.Values(r.owned)), func(d *driftResource) bool { return d.kind == gatewayACL && d.app == app }) {
				fail("instance %s holds an ACL of app %s, which no resource configures any more: %+v", inst, app, acl)
			} else if was, ok := before.gateways[inst].acls[app]; !ok || was.Type != acl.Type || !sameSet(was.Values, acl.Values) {
				fail("instance %s holds the ACL %+v of app %s, which no resource manages; it was %+v (existed: %t)", inst, acl, app, was, ok)
			}
		}
		for app, was := range before.gateways[inst].acls {
			_, kept := after.gateways[inst].acls[app]
			if !kept && !slices.ContainsFunc(slices.Collect(maps.Values(r.owned)), func(d *driftResource) bool { return d.kind == gatewayACL && d.app == app }) {
				fail("instance %s lost the ACL %+v of app %s, which no resource manages", inst, was, app)
			}
		}
		for _, k := range slices.SortedFunc(maps.Keys(want), compareGrants) {
			if id, ok := g.auths[k]; !ok || id != want[k] {
				fail("instance %s: want the grant of app %s for API %s in %s as record %q; the cloud holds %q (exists: %t)", inst, k.app, k.api, k.env, want[k], id, ok)
			}
		}
		for _, k := range slices.SortedFunc(maps.Keys(g.auths), compareGrants) {
			if _, ok := want[k]; !ok {
				fail("instance %s holds a grant of app %s for API %s in %s (record %s) that is neither configured nor foreign", inst, k.app, k.api, k.env, g.auths[k])
			}
		}
	}

}

// checkModelArts: the configured authorizations and the foreign ones, these with their IDs unchanged.
func (r *driftRun) checkModelArts(before, after cloudView, fail func(string, ...any)) {
	foreign := maps.Clone(before.modelArts)
	for _, d := range r.owned {
		for k := range foreign {
			if (d.kind == modelArtsSingle && k == maGrant{d.maAPI, d.maApps[0]}) || (d.kind == modelArtsSet && k.api == d.maAPI) {
				delete(foreign, k)
			}
		}
	}
	want := slices.Collect(maps.Keys(foreign))
	for _, d := range r.res {
		if d.kind == modelArtsSingle || d.kind == modelArtsSet {
			for _, app := range d.maApps {
				want = append(want, maGrant{d.maAPI, app})
			}
		}
	}
	if got := slices.Collect(maps.Keys(after.modelArts)); !sameGrants(got, want) {
		fail("ModelArts holds %v, want %v", got, want)
	}
	for k, id := range foreign {
		if after.modelArts[k] != id {
			fail("the foreign ModelArts authorization of app %s for API %s was %s, is %q", k.app, k.api, id, after.modelArts[k])
		}
	}

}

// checkTickets: each configured decision stands with its window; every other request is as it was.
func (r *driftRun) checkTickets(before, after cloudView, fail func(string, ...any)) {
	for id, a := range after.tickets {
		var d *driftResource
		for _, x := range r.res {
			if x.kind == ticketDecision && x.ticket == id {
				d = x
			}
		}
		switch {
		case d == nil && a.Status != before.tickets[id].Status:
			fail("request %s, which no resource decides, went from status %d to %d", id, before.tickets[id].Status, a.Status)
		case d == nil:
		case expectOne(d, after, r.owned).action != "no-op":
			fail("%s: the cloud holds request %s in status %d, window %d–%d", d.addr, id, a.Status, a.AuthEffectiveTime, a.AuthExpireTime)
		}
	}
}

func compareGrants(a, b grantKey) int {
	return strings.Compare(a.env+a.app+a.api, b.env+b.app+b.api)
}

func sameGrants(a, b []maGrant) bool {
	key := func(g maGrant) string { return g.api + "/" + g.app }
	ka, kb := make([]string, len(a)), make([]string, len(b))
	for i, g := range a {
		ka[i] = key(g)
	}
	for i, g := range b {
		kb[i] = key(g)
	}
	return sameSet(ka, kb)
}
