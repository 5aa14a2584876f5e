package gateway

import (
	"encoding/json"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/fakecloudtest"
)

type response = fakecloudtest.Response

// Instances of the standard test fixture, one per flavour, in DefaultProjectID.
const (
	apigID = "apig-instance-1"
	romaID = "roma-instance-1"

	apigBase   = "/v2/" + core.DefaultProjectID + "/apigw/instances/" + apigID
	romaV1Base = "/v1/" + core.DefaultProjectID + "/apic/instances/" + romaID
	romaV2Base = "/v2/" + core.DefaultProjectID + "/apic/instances/" + romaID
)

// standardInstance has two apps, a TEST environment besides RELEASE, and APIs covering every authorization
// outcome: api-app (APP, published in RELEASE and TEST), api-two (APP, RELEASE only), api-none (NONE auth,
// RELEASE) and api-draft (APP, unpublished).
func standardInstance(id string, flavor Flavor) InstanceFixture {
	return InstanceFixture{
		ID: id, Name: "gateway_" + string(flavor), Flavor: flavor,
		Apps: []App{{ID: "app1", Name: "app_one", Remark: "first"}, {ID: "app2", Name: "app_two", RomaAppType: "integration"}},
		Envs: []Env{{ID: "env-test", Name: "TEST"}},
		APIs: []API{
			{ID: "api-app", Name: "api_app", GroupID: "g1", GroupName: "group_one", ReqMethod: "GET", ReqURI: "/a", AuthType: "APP", Remark: "app api", PublishedEnvs: []string{releaseEnvID, "env-test"}},
			{ID: "api-two", Name: "api_two", GroupID: "g2", GroupName: "group_two", ReqMethod: "POST", ReqURI: "/b", AuthType: "APP", Type: 2, PublishedEnvs: []string{releaseEnvID}},
			{ID: "api-none", Name: "api_none", GroupID: "g1", GroupName: "group_one", ReqMethod: "GET", ReqURI: "/n", PublishedEnvs: []string{releaseEnvID}},
			{ID: "api-draft", Name: "api_draft", GroupID: "g1", GroupName: "group_one", ReqMethod: "GET", ReqURI: "/d", AuthType: "APP"},
		},
	}
}

func standardFixture() Fixture {
	return InProject(core.DefaultProjectID, standardInstance(apigID, FlavorAPIG), standardInstance(romaID, FlavorROMA))
}

// fake is the gateways plugged into a core of their own, behind a real HTTP listener, as the provider meets
// them.
type fake struct {
	*Service
	*fakecloudtest.Client
	core *core.Server
}

// newFake plugs the gateways into a core as the fake cloud's assembly does, without serving them.
func newFake(opts Options, coreOpts ...core.Options) (*core.Server, *Service) {
	c := core.New(append(coreOpts, core.Options{})[0])
	g := New(opts, c.Now)
	c.Register(g)
	c.SetFrontDoor(g)
	return c, g
}

func start(t *testing.T, opts Options, fixture Fixture, coreOpts ...core.Options) *fake {
	t.Helper()
	c, g := newFake(opts, coreOpts...)
	if err := load(c, fixture); err != nil {
		t.Fatalf("Load: %v", err)
	}
	return &fake{Service: g, Client: fakecloudtest.Start(t, c, core.DefaultToken), core: c}
}

// load loads a gateway section through the core, as the assembly does.
func load(c *core.Server, f Fixture) error {
	raw, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return c.LoadFixture(core.Fixture{Sections: map[string]json.RawMessage{"gateway": raw}})
}

// startStandard starts a server with the standard fixture.
func startStandard(t *testing.T, opts Options, coreOpts ...core.Options) *fake {
	t.Helper()
	return start(t, opts, standardFixture(), coreOpts...)
}

// holdNextWrite makes the next write that takes its apps busy keep them busy until release is called, so that
// other writes overlap it however they are scheduled; entered is closed once it holds them. Writes take apps
// busy only when the server has a WriteDelay.
func (f *fake) holdNextWrite() (entered <-chan struct{}, release func()) {
	in, out := make(chan struct{}), make(chan struct{})
	var taken atomic.Bool
	f.setWriteHeld(func() {
		if taken.CompareAndSwap(false, true) {
			close(in)
			<-out
		}
	})
	release = sync.OnceFunc(func() {
		f.setWriteHeld(nil)
		close(out)
	})
	f.T.Cleanup(release) // a held request would keep the test server from closing
	return in, release
}

func (f *fake) setWriteHeld(h func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writeHeld = h
}

// holding sends write in the background and returns once the server holds its apps busy: every write for
// those apps sent before finish meets them busy. finish lets the write complete and returns its answer.
func (f *fake) holding(write func() response) (finish func() response) {
	f.T.Helper()
	entered, release := f.holdNextWrite()
	answer := make(chan response, 1)
	go func() { answer <- write() }()
	await(f.T, entered)
	return func() response {
		f.T.Helper()
		release()
		return await(f.T, answer)
	}
}

// concurrently sends the writes at once and returns their answers in the order given. Whichever write the
// server takes first holds its apps busy until every other one has been answered.
func (f *fake) concurrently(writes ...func() response) []response {
	f.T.Helper()
	entered, release := f.holdNextWrite()
	answers := make([]response, len(writes))
	done := make(chan struct{}, len(writes))
	for i, write := range writes {
		go func() {
			answers[i] = write()
			done <- struct{}{}
		}()
	}
	await(f.T, entered)
	for range len(writes) - 1 {
		await(f.T, done)
	}
	release()
	await(f.T, done)
	return answers
}

// await receives from ch, failing the test if nothing comes: a request that failed its test in a goroutine
// never answers.
func await[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("timed out waiting for a request")
		panic("unreachable")
	}
}
