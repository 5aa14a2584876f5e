package cloud_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	fakegateway "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
)

// pagedApp is a fake cloud whose app holds n authorizations, with one more published API it may be granted,
// behind a listener that runs between (when set) before every list call after the first page: another
// client changing the list while the provider pages through it.
type pagedApp struct {
	srv      *fakecloud.Server
	url      string
	spareAPI string

	mu      sync.Mutex
	between func(offset string)
	lists   int
}

func newPagedApp(t *testing.T, n int) *pagedApp {
	t.Helper()
	p := &pagedApp{srv: fakecloud.New(fakecloud.Options{})}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/app-auths/binded-apis") {
			p.mu.Lock()
			p.lists++
			between := p.between
			p.mu.Unlock()
			if offset := r.URL.Query().Get("offset"); between != nil && offset != "0" {
				between(offset)
			}
		}
		p.srv.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	p.url = ts.URL
	inst := fakegateway.InstanceFixture{ID: instanceID, Name: "gw", Flavor: fakegateway.FlavorAPIG, Apps: []fakegateway.App{{ID: appID, Name: "app_one"}}}
	// Lists are in the order of grant: whatever is granted during the test comes last.
	granted := time.Now().Add(-time.Hour)
	for i := range n + 1 {
		id := strings.Repeat("0", 28) + hex4(i)
		inst.APIs = append(inst.APIs, fakegateway.API{ID: id, Name: "api_" + hex4(i), ReqMethod: "GET", ReqURI: "/" + hex4(i), AuthType: "APP", PublishedEnvs: []string{releaseEnv}})
		if i < n {
			inst.AppAuths = append(inst.AppAuths, fakegateway.AppAuth{AppID: appID, APIID: id, EnvID: releaseEnv, AuthTime: granted})
		}
	}
	p.spareAPI = inst.APIs[n].ID
	if err := p.srv.Load(fakecloud.Fixture{Gateway: fakegateway.InProject(fakecloud.DefaultProjectID, inst)}); err != nil {
		t.Fatal(err)
	}
	return p
}

// call sends a request to the fake cloud as another client would, and fails the test unless it succeeds.
func (p *pagedApp) call(t *testing.T, method, suffix string, body any) {
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	req := httptest.NewRequest(method, "/v2/"+fakecloud.DefaultProjectID+"/apigw/instances/"+instanceID+suffix, bytes.NewReader(raw))
	req.Header.Set("X-Auth-Token", fakecloud.DefaultToken)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	p.srv.ServeHTTP(rec, req)
	if rec.Code >= 300 {
		t.Errorf("%s %s: %d %s", method, suffix, rec.Code, rec.Body)
	}
}

func (p *pagedApp) set(between func(offset string)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.between, p.lists = between, 0
}

func (p *pagedApp) listCalls() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lists
}

func (p *pagedApp) list(t *testing.T) ([]cloud.AppAuth, error) {
	t.Helper()
	return newClient(t, p.url, nil).Gateway(cloud.FlavorAPIG).ListBoundAPIs(context.Background(), instanceID, cloud.BoundAPIsFilter{AppID: appID})
}

func apiIDs(t *testing.T, auths []cloud.AppAuth) map[string]bool {
	t.Helper()
	ids := map[string]bool{}
	for _, a := range auths {
		if ids[a.APIID] {
			t.Fatalf("API %s listed twice", a.APIID)
		}
		ids[a.APIID] = true
	}
	return ids
}

func TestListFollowsEveryPage(t *testing.T) {
	const n = 999 // two pages of up to 500, the second starting on the last item of the first
	p := newPagedApp(t, n)
	p.set(nil)
	got, err := p.list(t)
	if err != nil {
		t.Fatal(err)
	}
	if ids := apiIDs(t, got); len(ids) != n {
		t.Fatalf("listed %d, want %d", len(ids), n)
	}
	if calls := p.listCalls(); calls != 2 {
		t.Errorf("%d list calls, want 2", calls)
	}
}

// A grant revoked near the start of the list and another made at its end, between two page reads, leave
// the total as it was but shift the second page by one: read naively, the first item of the second page is
// never seen, and a resource whose authorization still exists would be reported gone.
func TestListIsReadAgainWhenItShiftsBetweenPages(t *testing.T) {
	const n = 999
	p := newPagedApp(t, n)
	before, err := p.list(t)
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	p.set(func(string) {
		once.Do(func() {
			p.call(t, http.MethodDelete, "/app-auths/"+before[0].ID, nil)
			p.call(t, http.MethodPost, "/app-auths", map[string]any{"env_id": releaseEnv, "app_ids": []string{appID}, "api_ids": []string{p.spareAPI}})
		})
	})
	got, err := p.list(t)
	if err != nil {
		t.Fatal(err)
	}
	ids := apiIDs(t, got)
	want := map[string]bool{p.spareAPI: true}
	for _, a := range before[1:] {
		want[a.APIID] = true
	}
	if len(ids) != len(want) {
		t.Errorf("listed %d authorizations, want %d", len(ids), len(want))
	}
	for id := range want {
		if !ids[id] {
			t.Errorf("authorization of API %s missing from the list", id)
		}
	}
	if calls := p.listCalls(); calls != 4 {
		t.Errorf("%d list calls, want 4 (two reads of two pages)", calls)
	}
}

// A list that changes at every read is an error, never a wrong answer.
func TestListThatKeepsChangingFails(t *testing.T) {
	const n = 600
	p := newPagedApp(t, n)
	before, err := p.list(t)
	if err != nil {
		t.Fatal(err)
	}
	next := 0
	p.set(func(string) {
		p.call(t, http.MethodDelete, "/app-auths/"+before[next].ID, nil)
		next++
	})
	got, err := p.list(t)
	if err == nil || !strings.Contains(err.Error(), "changed while its pages were read, 3 times in a row") {
		t.Fatalf("got %d authorizations and error %v, want an error saying the list kept changing", len(got), err)
	}
	if calls := p.listCalls(); calls != 6 {
		t.Errorf("%d list calls, want 6 (three reads of two pages)", calls)
	}
}

// Pages after the first are read concurrently, at the size the server really serves.
func TestListPageSizes(t *testing.T) {
	for _, tc := range []struct {
		name      string
		n, size   int
		wantCalls int
	}{
		{"pages of 100", 999, 100, 11},               // 100, then 10 pages of 99 new items
		{"more than the server serves", 999, 700, 2}, // the gateways serve 500
		{"pages of 2", 9, 2, 8},                      // one new item per page
		{"pages of 1", 5, 1, 5},                      // nothing to overlap
		{"one page", 20, 500, 1},
		{"empty", 0, 500, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPagedApp(t, tc.n)
			p.set(nil)
			got, err := newClient(t, p.url, nil).Gateway(cloud.FlavorAPIG).ListBoundAPIsInPagesOf(context.Background(), instanceID, appID, tc.size)
			if err != nil {
				t.Fatal(err)
			}
			if ids := apiIDs(t, got); len(ids) != tc.n {
				t.Errorf("listed %d, want %d", len(ids), tc.n)
			}
			if calls := p.listCalls(); calls != tc.wantCalls {
				t.Errorf("%d list calls, want %d", calls, tc.wantCalls)
			}
		})
	}
}
