package fakecloud

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/osm"
)

// TestConcurrentLoad: many clients reading and writing at once over real HTTP lose no update. Every worker
// mixes gateway app authorizations (on its own app and on one all of them share), its app's ACL, ModelArts
// authorizations and service-ticket decisions (all shared), and reads; a ledger keeps what each successful
// answer says happened. At the end the state must be exactly what the ledger implies: every record created
// and not cancelled listed once, nothing cancelled or revoked twice, every ACL its owner's last write,
// ticket statuses that follow the decisions that succeeded, counters that add up, and one log record per
// request.
func TestConcurrentLoad(t *testing.T) {
	const workers, perWorker = 16, 200
	if testing.Short() {
		t.Skip("load test")
	}
	s := New(Options{})
	if err := s.LoadFile(demoFixture); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	l := &loadClient{t: t, url: hs.URL, http: &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: workers},
		Timeout:   time.Minute,
	}}
	t.Cleanup(l.http.CloseIdleConnections)

	// Each worker owns an app on the APIG instance; the demo's billing_frontend is everybody's.
	ownApps := make([]string, workers)
	for w := range ownApps {
		var app struct {
			ID string `json:"id"`
		}
		l.mustDo(http.MethodPost, apigBase+"/apps", fmt.Sprintf(`{"name":"load_app_%02d"}`, w), http.StatusCreated, &app)
		ownApps[w] = app.ID
	}
	// Ten pending tickets, the demo's two among them.
	tickets := []string{osmPending, "Auth-20261123-0043"}
	for i := range 8 {
		id := fmt.Sprintf("Auth-load-%d", i)
		if _, err := s.OSM().AddAuthorization("", osm.Authorization{ID: id, Status: osm.StatusPending}); err != nil {
			t.Fatal(err)
		}
		tickets = append(tickets, id)
	}
	s.ResetRequests()
	l.sent.Store(0)
	l.succeeded.Store(0)

	lg := newLedger(workers)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lw := &loadWorker{loadClient: l, lg: lg, w: w, own: ownApps[w], tickets: tickets, rng: rand.New(rand.NewPCG(uint64(w), 7)), known: map[string]string{}}
			for range perWorker {
				lw.step()
			}
		}()
	}
	wg.Wait()
	t.Logf("%d requests from %d workers in %v", l.sent.Load(), workers, time.Since(start))
	if t.Failed() {
		return
	}

	lg.checkGateway(t, l, append(ownApps, appID))
	lg.checkACLs(t, s, ownApps)
	lg.checkModelArts(t, s, l)
	lg.checkTickets(t, s, tickets)

	// One record per request, each with the status its client saw.
	log := s.Requests()
	if int64(len(log)) != l.sent.Load() {
		t.Errorf("%d requests logged, %d sent", len(log), l.sent.Load())
	}
	var ok int64
	for _, rec := range log {
		if rec.Status >= 200 && rec.Status < 300 {
			ok++
		}
	}
	if ok != l.succeeded.Load() {
		t.Errorf("the log holds %d successes, the clients saw %d", ok, l.succeeded.Load())
	}
}

// loadClient sends requests with the default token, safely from many goroutines: failures are reported with
// Errorf, never Fatal.
type loadClient struct {
	t         *testing.T
	url       string
	http      *http.Client
	sent      atomic.Int64 // requests sent
	succeeded atomic.Int64 // of them answered 2xx
}

// do sends a request and returns the status and body; 0 when the request failed, which it reports.
func (l *loadClient) do(method, path, body string) (int, []byte) {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, l.url+path, r)
	if err != nil {
		l.t.Errorf("%s %s: %v", method, path, err)
		return 0, nil
	}
	token := DefaultToken
	if strings.HasPrefix(path, "/v2/servicerequest/") {
		token = DomainToken
	}
	req.Header.Set("X-Auth-Token", token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	}
	l.sent.Add(1)
	resp, err := l.http.Do(req)
	if err != nil {
		l.t.Errorf("%s %s: %v", method, path, err)
		return 0, nil
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		l.t.Errorf("%s %s: reading the answer: %v", method, path, err)
		return 0, nil
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		l.succeeded.Add(1)
	}
	return resp.StatusCode, b
}

// mustDo sends a request that must answer status, decoding the body into v (unless nil); false when it did not.
func (l *loadClient) mustDo(method, path, body string, status int, v any) bool {
	got, b := l.do(method, path, body)
	if got != status {
		if got != 0 {
			l.t.Errorf("%s %s: %d %s, want %d", method, path, got, b, status)
		}
		return false
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			l.t.Errorf("%s %s: decoding %s: %v", method, path, b, err)
			return false
		}
	}
	return true
}

// gwCombo is what a gateway authorization record is for.
type gwCombo struct{ app, api, env string }

// maPair is what a ModelArts authorization is for.
type maPair struct{ app, api string }

// ledger is what the successful answers said happened.
type ledger struct {
	mu          sync.Mutex
	gwCreated   map[string]gwCombo // record ID → combo, from SUCCESS items
	gwSkipped   map[string]gwCombo // record IDs SKIPPED items named: each must have been created
	gwCancelled map[string]bool    // record IDs a DELETE answered 204
	maGranted   map[string]maPair  // auth IDs of POST and PUT successes
	maPosted    map[string]bool    // auth IDs of POST successes: each is new
	maRevoked   map[string]maPair  // auth IDs of DELETE successes
	osm         map[string]*ticketOutcome
	acls        [][]string // per worker, the values of its app's ACL as its last successful write left it (nil: none)
}

type ticketOutcome struct{ accepted, rejected, canceled int }

func newLedger(workers int) *ledger {
	return &ledger{
		gwCreated: map[string]gwCombo{}, gwSkipped: map[string]gwCombo{}, gwCancelled: map[string]bool{},
		maGranted: map[string]maPair{}, maPosted: map[string]bool{}, maRevoked: map[string]maPair{},
		osm: map[string]*ticketOutcome{}, acls: make([][]string, workers),
	}
}

// The demo's objects the workers act on.
var (
	gwCombos = []struct{ api, env string }{ // every pair an app can be authorized for on the APIG instance
		{apiID, releaseEnv}, {apiID, stagingEnv}, {createAPIID, releaseEnv}, {createAPIID, stagingEnv}, {"abf4e1c7f1de4c3e8d2d0c6a55a2b6f0", releaseEnv},
	}
	maApps = []string{maAppID, "5b7d9f1c3e5a4b7d9f1c3e5a7b9d1f2c", "6c8e0a2d4f6b4c8e0a2d4f6b8c0e2a3d"}
	maAPIs = []string{maAPIID, "8e4a0c2f6b3d4f7a9c1e3b5d7f9a1c2e"} // the two APIs using app authentication
)

// loadWorker is one client of the load: its own app, the record IDs it knows of, its random choices.
type loadWorker struct {
	*loadClient
	lg      *ledger
	w       int
	own     string
	tickets []string
	rng     *rand.Rand
	known   map[string]string // record ID → app, of records this worker created or was told exist
	n       int               // steps so far
}

// step makes one request, chosen at random, and enters what its answer says into the ledger.
func (lw *loadWorker) step() {
	lw.n++
	switch op := lw.rng.IntN(100); {
	case op < 22:
		lw.authorize()
	case op < 36:
		lw.cancel()
	case op < 48:
		lw.acl()
	case op < 68:
		lw.modelArts()
	case op < 82:
		lw.ticket()
	default:
		lw.read()
	}
}

func (lw *loadWorker) authorize() {
	app := lw.own
	if lw.rng.IntN(10) < 3 {
		app = appID // the shared app
	}
	c := gwCombos[lw.rng.IntN(len(gwCombos))]
	var body struct {
		Auths []authItemView `json:"auths"`
	}
	req := fmt.Sprintf(`{"env_id":%q,"app_ids":[%q],"api_ids":[%q]}`, c.env, app, c.api)
	if !lw.mustDo(http.MethodPost, apigBase+"/app-auths", req, http.StatusCreated, &body) {
		return
	}
	if len(body.Auths) != 1 {
		lw.t.Errorf("authorize %s: %d items", req, len(body.Auths))
		return
	}
	item := body.Auths[0]
	combo := gwCombo{app, c.api, c.env}
	if item.AppID != app || item.APIID != c.api {
		lw.t.Errorf("authorize %s answered %+v", req, item)
	}
	lw.lg.mu.Lock()
	defer lw.lg.mu.Unlock()
	switch item.AuthResult.Status {
	case "SUCCESS":
		if prev, dup := lw.lg.gwCreated[item.ID]; dup {
			lw.t.Errorf("record %s created twice: %+v and %+v", item.ID, prev, combo)
		}
		lw.lg.gwCreated[item.ID] = combo
	case "SKIPPED":
		lw.lg.gwSkipped[item.ID] = combo
	default:
		lw.t.Errorf("authorize %s: item %+v", req, item)
		return
	}
	lw.known[item.ID] = app
}

type authItemView struct {
	ID         string `json:"id"`
	APIID      string `json:"api_id"`
	AppID      string `json:"app_id"`
	AuthResult struct {
		Status string `json:"status"`
	} `json:"auth_result"`
}

func (lw *loadWorker) cancel() {
	ids := slices.Sorted(func(yield func(string) bool) {
		for id := range lw.known {
			if !yield(id) {
				return
			}
		}
	})
	if len(ids) == 0 {
		lw.read()
		return
	}
	id := ids[lw.rng.IntN(len(ids))]
	delete(lw.known, id)
	status, b := lw.do(http.MethodDelete, apigBase+"/app-auths/"+id, "")
	switch {
	case status == http.StatusNoContent:
		lw.lg.mu.Lock()
		defer lw.lg.mu.Unlock()
		if lw.lg.gwCancelled[id] {
			lw.t.Errorf("record %s cancelled twice", id)
		}
		lw.lg.gwCancelled[id] = true
	case status == http.StatusNotFound && bytes.Contains(b, []byte(`"APIG.3009"`)):
		// Another worker cancelled it first (the shared app).
	case status != 0:
		lw.t.Errorf("cancel %s: %d %s", id, status, b)
	}
}

func (lw *loadWorker) acl() {
	path := apigBase + "/apps/" + lw.own + "/app-acl"
	switch r := lw.rng.IntN(10); {
	case r < 5:
		values := []string{fmt.Sprintf("10.%d.%d.1", lw.w, lw.n), fmt.Sprintf("192.168.%d.0/24", lw.n%256)}
		raw, _ := json.Marshal(map[string]any{"app_acl_type": "PERMIT", "app_acl_values": values})
		if lw.mustDo(http.MethodPut, path, string(raw), http.StatusCreated, nil) {
			lw.lg.acls[lw.w] = values // this worker's slot: no other goroutine touches it
		}
	case r < 7:
		if lw.mustDo(http.MethodDelete, path, "", http.StatusNoContent, nil) {
			lw.lg.acls[lw.w] = nil
		}
	default:
		// Read your writes: nobody else writes this app's ACL.
		var got struct {
			Values []string `json:"app_acl_values"`
		}
		if lw.mustDo(http.MethodGet, path, "", http.StatusOK, &got) && !slices.Equal(got.Values, lw.lg.acls[lw.w]) {
			lw.t.Errorf("worker %d reads ACL %v after writing %v", lw.w, got.Values, lw.lg.acls[lw.w])
		}
	}
}

func (lw *loadWorker) modelArts() {
	pair := maPair{maApps[lw.rng.IntN(len(maApps))], maAPIs[lw.rng.IntN(len(maAPIs))]}
	path := modelArtsBase + "/services/" + maServiceID + "/app-auth-apis/" + pair.api + "/app-auth-api"
	body := fmt.Sprintf(`{"apps":[{"app_id":%q}],"workspace_id":"0"}`, pair.app)
	var res struct {
		Auth   []maResult `json:"auth_result"`
		Unauth []maResult `json:"unauth_result"`
	}
	switch r := lw.rng.IntN(10); {
	case r < 5:
		method := http.MethodPost
		if r == 4 { // update: a success whether or not the app was authorized
			method = http.MethodPut
		}
		if !lw.mustDo(method, path, body, http.StatusOK, &res) || len(res.Auth) != 1 {
			return
		}
		item := res.Auth[0]
		if !item.Success {
			if method == http.MethodPut || !strings.Contains(item.Reason, "already authorized") {
				lw.t.Errorf("%s %v: %+v", method, pair, item)
			}
			return
		}
		lw.lg.mu.Lock()
		defer lw.lg.mu.Unlock()
		if method == http.MethodPost {
			if lw.lg.maPosted[item.AuthID] {
				lw.t.Errorf("authorization %s granted twice", item.AuthID)
			}
			lw.lg.maPosted[item.AuthID] = true
		}
		lw.lg.maGranted[item.AuthID] = pair
	case r < 8:
		if !lw.mustDo(http.MethodDelete, path, body, http.StatusOK, &res) || len(res.Unauth) != 1 {
			return
		}
		item := res.Unauth[0]
		if !item.Success {
			if !strings.Contains(item.Reason, "not authorized") {
				lw.t.Errorf("revoke %v: %+v", pair, item)
			}
			return
		}
		lw.lg.mu.Lock()
		defer lw.lg.mu.Unlock()
		if _, twice := lw.lg.maRevoked[item.AuthID]; twice {
			lw.t.Errorf("authorization %s revoked twice", item.AuthID)
		}
		lw.lg.maRevoked[item.AuthID] = pair
	default:
		lw.mustDo(http.MethodGet, modelArtsBase+"/services/"+maServiceID+"/app-auth-apis/"+pair.api+"/api-auths?show_only=AUTH", "", http.StatusOK, nil)
	}
}

type maResult struct {
	AuthID  string `json:"auth_id"`
	Reason  string `json:"reason"`
	Success bool   `json:"success"`
}

func (lw *loadWorker) ticket() {
	id := lw.tickets[lw.rng.IntN(len(lw.tickets))]
	path := "/v2/servicerequest/authorizations/" + id
	var method, body string
	var count func(*ticketOutcome)
	switch r := lw.rng.IntN(10); {
	case r < 3:
		method, body, count = http.MethodPut, `{}`, func(o *ticketOutcome) { o.accepted++ }
	case r < 5:
		method, body, count = http.MethodPut, `{"reject_reason":"not now"}`, func(o *ticketOutcome) { o.rejected++ }
		path += "/action?action_id=reject"
	case r < 7:
		method, body, count = http.MethodPut, `{}`, func(o *ticketOutcome) { o.canceled++ }
		path += "/action?action_id=cancel"
	default:
		lw.mustDo(http.MethodGet, path, "", http.StatusOK, nil)
		return
	}
	var res struct {
		Code string `json:"error_code"`
	}
	if !lw.mustDo(method, path, body, http.StatusOK, &res) {
		return
	}
	switch res.Code {
	case "":
		lw.lg.mu.Lock()
		defer lw.lg.mu.Unlock()
		o := lw.lg.osm[id]
		if o == nil {
			o = &ticketOutcome{}
			lw.lg.osm[id] = o
		}
		count(o)
	case "OSM.01010014": // the status no longer allows it: someone decided first
	default:
		lw.t.Errorf("%s %s: error_code %s", method, path, res.Code)
	}
}

func (lw *loadWorker) read() {
	switch lw.rng.IntN(4) {
	case 0:
		lw.mustDo(http.MethodGet, apigBase+"/apps?limit=100", "", http.StatusOK, nil)
	case 1:
		lw.mustDo(http.MethodGet, apigBase+"/app-auths/binded-apis?app_id="+lw.own, "", http.StatusOK, nil)
	case 2:
		lw.mustDo(http.MethodGet, modelArtsBase+"/app-auth/apps", "", http.StatusOK, nil)
	default:
		lw.mustDo(http.MethodGet, "/v2/servicerequest/authorizations?limit=100", "", http.StatusOK, nil)
	}
}

// checkGateway: every record created and not cancelled is listed exactly once, under its app, and nothing
// else is; no two of them are for the same (app, API, environment); every record cancelled or named SKIPPED had been created; the apps' bind_num add up.
func (lg *ledger) checkGateway(t *testing.T, l *loadClient, apps []string) {
	t.Helper()
	for id := range lg.gwCancelled {
		if _, ok := lg.gwCreated[id]; !ok {
			t.Errorf("record %s was cancelled but never created", id)
		}
	}
	for id, combo := range lg.gwSkipped {
		if created, ok := lg.gwCreated[id]; !ok || created != combo {
			t.Errorf("SKIPPED named record %s for %+v, created as %+v (%v)", id, combo, created, ok)
		}
	}
	want := map[string]gwCombo{}
	perApp := map[string]int{}
	live := map[gwCombo]string{}
	for id, combo := range lg.gwCreated {
		if !lg.gwCancelled[id] {
			want[id] = combo
			perApp[combo.app]++
			if other, dup := live[combo]; dup {
				t.Errorf("records %s and %s are both for %+v: one record per (app, API, environment)", id, other, combo)
			}
			live[combo] = id
		}
	}
	got := map[string]gwCombo{}
	for _, app := range apps {
		var list struct {
			Total int `json:"total"`
			Auths []struct {
				ID    string `json:"id"`
				APIID string `json:"api_id"`
				EnvID string `json:"env_id"`
				AppID string `json:"app_id"`
			} `json:"auths"`
		}
		l.mustDo(http.MethodGet, apigBase+"/app-auths/binded-apis?limit=500&app_id="+app, "", http.StatusOK, &list)
		if list.Total != len(list.Auths) {
			t.Errorf("app %s: total %d, %d listed", app, list.Total, len(list.Auths))
		}
		for _, a := range list.Auths {
			if _, twice := got[a.ID]; twice {
				t.Errorf("record %s listed twice", a.ID)
			}
			got[a.ID] = gwCombo{a.AppID, a.APIID, a.EnvID}
		}
	}
	for id, combo := range want {
		if g, ok := got[id]; !ok || g != combo {
			t.Errorf("record %s for %+v: listed as %+v (%v)", id, combo, g, ok)
		}
	}
	for id, combo := range got {
		if _, ok := want[id]; !ok {
			t.Errorf("record %s for %+v is listed, but was cancelled or never created", id, combo)
		}
	}
	var appList struct {
		Apps []struct {
			ID      string `json:"id"`
			BindNum int    `json:"bind_num"`
		} `json:"apps"`
	}
	l.mustDo(http.MethodGet, apigBase+"/apps?limit=100", "", http.StatusOK, &appList)
	for _, a := range appList.Apps {
		if a.BindNum != perApp[a.ID] {
			t.Errorf("app %s: bind_num %d, %d records", a.ID, a.BindNum, perApp[a.ID])
		}
	}
	t.Logf("gateway: %d records created, %d cancelled, %d left", len(lg.gwCreated), len(lg.gwCancelled), len(want))
}

// checkACLs: each worker's app holds the ACL its last successful write left.
func (lg *ledger) checkACLs(t *testing.T, s *Server, apps []string) {
	t.Helper()
	for w, app := range apps {
		acl, found := s.Gateway().AppACL("", apigID, app)
		if want := lg.acls[w]; found != (want != nil) || !slices.Equal(acl.Values, want) {
			t.Errorf("worker %d's app ACL %v (%v), want %v", w, acl.Values, found, want)
		}
	}
}

// checkModelArts: the authorizations are those granted and not revoked; nothing revoked was not granted; the
// apps' bounded_api_count add up.
func (lg *ledger) checkModelArts(t *testing.T, s *Server, l *loadClient) {
	t.Helper()
	want := map[string]maPair{}
	for id, pair := range lg.maGranted {
		if _, revoked := lg.maRevoked[id]; !revoked {
			want[id] = pair
		}
	}
	for id, pair := range lg.maRevoked {
		if granted, ok := lg.maGranted[id]; !ok || granted != pair {
			t.Errorf("authorization %s for %+v revoked, granted as %+v (%v)", id, pair, granted, ok)
		}
	}
	got := s.ModelArts().Authorizations("")
	perApp := map[string]int{}
	for _, a := range got {
		pair := maPair{a.AppID, a.APIID}
		if want[a.AuthID] != pair {
			t.Errorf("authorization %s for %+v exists, but the ledger says %+v", a.AuthID, pair, want[a.AuthID])
		}
		perApp[a.AppID]++
	}
	if len(got) != len(want) {
		t.Errorf("%d authorizations, the ledger says %d", len(got), len(want))
	}
	var apps struct {
		Apps []struct {
			ID    string `json:"app_id"`
			Count int    `json:"bounded_api_count"`
		} `json:"apps"`
	}
	l.mustDo(http.MethodGet, modelArtsBase+"/app-auth/apps", "", http.StatusOK, &apps)
	for _, a := range apps.Apps {
		if a.Count != perApp[a.ID] {
			t.Errorf("app %s: bounded_api_count %d, %d authorizations", a.ID, a.Count, perApp[a.ID])
		}
	}
	t.Logf("modelarts: %d granted, %d revoked, %d left", len(lg.maGranted), len(lg.maRevoked), len(want))
}

// checkTickets: each ticket took at most one decision while pending, was cancelled at most once and only
// after being accepted, and its status is where those decisions lead.
func (lg *ledger) checkTickets(t *testing.T, s *Server, tickets []string) {
	t.Helper()
	for _, id := range tickets {
		o := lg.osm[id]
		if o == nil {
			o = &ticketOutcome{}
		}
		want := osm.StatusPending
		switch {
		case o.accepted+o.rejected > 1 || o.canceled > o.accepted:
			t.Errorf("ticket %s: decisions %+v cannot all have succeeded", id, *o)
			continue
		case o.canceled == 1:
			want = osm.StatusCanceled
		case o.accepted == 1:
			want = osm.StatusAuthorized
		case o.rejected == 1:
			want = osm.StatusRejected
		}
		if a, ok := s.OSM().Authorization("", id); !ok || a.Status != want {
			t.Errorf("ticket %s: status %d, decisions %+v lead to %d", id, a.Status, *o, want)
		}
	}
}
