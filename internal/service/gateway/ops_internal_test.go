package gateway

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	fakegateway "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
)

const (
	testInstance = "0123456789abcdef0123456789abcd01"
	testApp      = "0123456789abcdef0123456789abcd02"
	testEnv      = "0123456789abcdef0123456789abcd0e"
	releaseEnv   = "DEFAULT_ENVIRONMENT_RELEASE_ID"
)

var testAPIs = []string{"0123456789abcdef0123456789abcda1", "0123456789abcdef0123456789abcda2", "0123456789abcdef0123456789abcda3"}

func newTestCloud(t *testing.T, opts fakegateway.Options) (*fakecloud.Server, string) {
	t.Helper()
	srv := fakecloud.New(fakecloud.Options{Gateway: opts})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	inst := fakegateway.InstanceFixture{ID: testInstance, Name: "gw", Flavor: fakegateway.FlavorAPIG,
		Envs: []fakegateway.Env{{ID: testEnv, Name: "staging"}}, Apps: []fakegateway.App{{ID: testApp, Name: "app_one"}}}
	for i, id := range testAPIs {
		inst.APIs = append(inst.APIs, fakegateway.API{ID: id, Name: "api_" + string(rune('a'+i)) + "x", GroupID: "g1", GroupName: "group",
			ReqMethod: "GET", ReqURI: "/x", AuthType: "APP", PublishedEnvs: []string{releaseEnv, testEnv}})
	}
	if err := srv.Load(fakecloud.Fixture{Gateway: fakegateway.InProject(fakecloud.DefaultProjectID, inst)}); err != nil {
		t.Fatal(err)
	}
	return srv, ts.URL
}

// newTestClient is one provider's client: each has its own write locks, as two provider processes do.
func newTestClient(t *testing.T, url string) *cloud.Client {
	t.Helper()
	c, err := cloud.New(cloud.Config{
		Cloud: cloud.CloudHuawei, ProjectID: fakecloud.DefaultProjectID, Token: fakecloud.DefaultToken, MaxRetries: 6,
		Endpoints: map[cloud.Service]string{cloud.ServiceAPIG: url}, RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Two provider processes write for the same app: they share no lock, so the gateway answers one of them
// APIG.3500 — by default before writing, with ConflictAfterWrite after it. Either way each grant reports
// exactly the records that exist, each created once.
func TestGrantWithConcurrentWriters(t *testing.T) {
	for name, opts := range map[string]fakegateway.Options{
		"rejected": {WriteDelay: 200 * time.Millisecond},
		"applied":  {WriteDelay: 200 * time.Millisecond, ConflictAfterWrite: true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, url := newTestCloud(t, opts)
			outs := make([]grantOutcome, 2)
			var (
				wg sync.WaitGroup
				mu sync.Mutex
			)
			for i, env := range []string{releaseEnv, testEnv} {
				c := newTestClient(t, url)
				for _, api := range testAPIs {
					wg.Add(1)
					go func() {
						defer wg.Done()
						out := grant(context.Background(), c, cloud.FlavorAPIG, grantRequest{InstanceID: testInstance, EnvID: env, AppID: testApp, APIIDs: []string{api}})
						if len(out.Failed) > 0 || out.Unknown != nil {
							t.Errorf("grant of %s in %s: failed %v, unknown %v", api, env, out.Failed, out.Unknown)
						}
						mu.Lock()
						defer mu.Unlock()
						if outs[i].Granted == nil {
							outs[i].Granted = map[string]cloud.AppAuthResult{}
						}
						for k, v := range out.Granted {
							outs[i].Granted[env+"/"+k] = v
						}
					}()
				}
			}
			wg.Wait()

			conflicts := 0
			for _, r := range srv.Requests() {
				if r.Status == 500 {
					conflicts++
				}
			}
			if conflicts == 0 {
				t.Fatal("the two writers never met a write conflict; the test proves nothing")
			}
			records := srv.Gateway().AppAuths("", testInstance)
			if len(records) != 6 {
				t.Fatalf("the fake cloud holds %d records, want 6", len(records))
			}
			reported := map[string]string{}
			for _, o := range outs {
				for k, r := range o.Granted {
					reported[k] = r.ID
				}
			}
			for _, a := range records {
				if id := reported[a.EnvID+"/"+a.APIID]; id != a.ID {
					t.Errorf("record %s (%s in %s) was reported as %q", a.ID, a.APIID, a.EnvID, id)
				}
			}
		})
	}
}

// A SKIPPED item may come without the record's id (quirk skipped-without-id): the grant looks the ID up
// through binded-apis before reporting the authorization granted, and when the look-up cannot find it,
// reports the outcome unknown rather than an empty ID that a later cancel would send as .../app-auths/.
func TestGrantLooksUpSkippedWithoutID(t *testing.T) {
	t.Parallel()
	srv, url := newTestCloud(t, fakegateway.Options{SkippedWithoutID: true})
	existing, err := srv.Gateway().AddAppAuth("", testInstance, fakegateway.AppAuth{AppID: testApp, APIID: testAPIs[0], EnvID: releaseEnv})
	if err != nil {
		t.Fatal(err)
	}
	req := grantRequest{InstanceID: testInstance, EnvID: releaseEnv, AppID: testApp, APIIDs: testAPIs[:2], AdoptExisting: true}

	out := grant(context.Background(), newTestClient(t, url), cloud.FlavorAPIG, req)
	if len(out.Failed) > 0 || out.Unknown != nil {
		t.Fatalf("failed %v, unknown %v", out.Failed, out.Unknown)
	}
	for _, a := range srv.Gateway().AppAuths("", testInstance) {
		if got := out.Granted[a.APIID].ID; got != a.ID {
			t.Errorf("API %s granted as record %q, want %q", a.APIID, got, a.ID)
		}
	}
	if out.Granted[testAPIs[0]].ID != existing.ID {
		t.Errorf("the adopted record is %q, want %q", out.Granted[testAPIs[0]].ID, existing.ID)
	}

	// binded-apis does not list the record (a stale read): nothing is granted with an empty ID.
	srv.InjectFault(fakecloud.Fault{Method: "GET", PathRegexp: `/binded-apis$`, Status: 200})
	srv.ResetRequests()
	out = grant(context.Background(), newTestClient(t, url), cloud.FlavorAPIG, req)
	if out.Unknown == nil || len(out.Granted) != 0 {
		t.Errorf("granted %+v, unknown %v; want the outcome unknown and nothing granted", out.Granted, out.Unknown)
	}
	looked := false
	for _, r := range srv.Requests() {
		looked = looked || (r.Method == "GET" && strings.HasSuffix(r.Path, "/binded-apis"))
	}
	if !looked {
		t.Error("the record ID was not looked up through binded-apis")
	}
}
