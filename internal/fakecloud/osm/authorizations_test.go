package osm

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

func TestList(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	all := []string{pendingID, approvalID, authorizedID, openID, rejectedID, initID} // newest first
	tests := []struct {
		query     string
		wantIDs   []string
		wantCount int
	}{
		{"", all, 6},
		{"?foo=bar&app_id=", all, 6}, // unknown parameters are ignored
		{"?status=0", []string{pendingID, approvalID}, 2},
		{"?status=1", []string{authorizedID, openID}, 2},
		{"?status=-1", []string{initID}, 1},
		{"?status=5", []string{}, 0},
		{"?incident_id=INC-1", []string{pendingID, authorizedID}, 2},
		{"?incident_id=INC", []string{}, 0}, // exact
		{"?group_id=g1", []string{pendingID, authorizedID}, 2},
		{"?simple_description=Disk", []string{pendingID, authorizedID}, 2}, // substring
		{"?sub_customer_name=Team", []string{pendingID, approvalID}, 2},
		{"?sub_customer_name=Red", []string{approvalID}, 1},
		{"?limit=2", all[:2], 6},
		{"?offset=2&limit=2", all[2:4], 6},
		{"?offset=5", all[5:], 6},
		{"?offset=10", []string{}, 6},
		{"?limit=100", all, 6},
		{"?limit=1", all[:1], 6},
		{"?status=1&offset=1&limit=1", []string{openID}, 2},
	}
	for _, tt := range tests {
		resp := f.Do(http.MethodGet, listPath+tt.query, nil)
		resp.ExpectStatus(t, http.StatusOK)
		var body listedBody
		resp.Decode(t, &body)
		var got []string
		for _, a := range body.Items {
			got = append(got, a.ID)
			if a.Details != nil || a.CustomerID != core.DefaultDomainID || a.CreateTime == 0 {
				t.Errorf("%s: item %+v", tt.query, a)
			}
		}
		if body.Items == nil || !slices.Equal(append([]string{}, got...), tt.wantIDs) || body.Count != tt.wantCount {
			t.Errorf("%s: got %v count %d, want %v count %d", tt.query, got, body.Count, tt.wantIDs, tt.wantCount)
		}
		if strings.Contains(string(resp.Body), "incident_auth_detail_list") || strings.Contains(string(resp.Body), "error_code") {
			t.Errorf("%s: %s", tt.query, resp.Body)
		}
	}

	// Bounds and malformed values are the parameter business error, answered as HTTP 200.
	for _, q := range []string{"?limit=0", "?limit=101", "?limit=-1", "?limit=x", "?offset=-1", "?offset=1.5",
		"?status=8", "?status=-2", "?status=pending", "?group_id=" + strings.Repeat("g", 65)} {
		expectFailure(t, f.Do(http.MethodGet, listPath+q, nil), "OSM.01010001")
	}
}

func TestListDefaultLimit(t *testing.T) {
	t.Parallel()
	f := start(t, Fixture{})
	for i := range 15 {
		if _, err := f.AddAuthorization("", Authorization{ID: fmt.Sprintf("a%02d", i), CreateTime: t0 + int64(i)}); err != nil {
			t.Fatal(err)
		}
	}
	var body listedBody
	f.Do(http.MethodGet, listPath, nil).Decode(t, &body)
	if body.Count != 15 || len(body.Items) != defaultLimit || body.Items[0].ID != "a14" {
		t.Errorf("count %d, %d items, first %s", body.Count, len(body.Items), body.Items[0].ID)
	}
	// An empty account answers an empty list, not null.
	empty := start(t, Fixture{})
	if got := strings.TrimSpace(string(empty.Do(http.MethodGet, listPath, nil).Body)); got != `{"count":0,"incident_auth_list":[]}` {
		t.Errorf("empty list %s", got)
	}
}

func TestShow(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	resp := f.Do(http.MethodGet, authPath(pendingID), nil)
	resp.ExpectStatus(t, http.StatusOK)
	var got authorizationView
	resp.Decode(t, &got)
	want := authorizationView{
		ID: pendingID, Status: StatusPending, IncidentID: "INC-1", SimpleDescription: "Disk full on web-1", AuthDescribe: "Log in to web-1 to clean /var",
		ResourceTypeID: "ecs", ResourceTypeName: "ECS", VisitTypeID: "host", VisitTypeName: "Host login",
		ContentTypeID: "ops", ContentTypeName: "Operations", CustomerName: "Team Blue", // no create_time, no customer_id: list only
		Details: &[]detailView{
			{ID: 101, Type: DetailHost, InstanceID: "ecs-1", InstanceName: "web-1", RegionID: "eu-de"}, // the host's login is not shown
			{ID: 102, Type: DetailConsole, InstanceID: "console"},
		},
	}
	if !equalViews(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if strings.Contains(string(resp.Body), hostPassword) || strings.Contains(string(resp.Body), "password") {
		t.Errorf("password answered: %s", resp.Body)
	}

	// A granted login shows as the detail's port and account, never its password.
	resp = f.Do(http.MethodGet, authPath(authorizedID), nil)
	if d := f.show(authorizedID).Details; d == nil || len(*d) != 1 || (*d)[0].Port != 2222 || (*d)[0].Account != "ops" {
		t.Errorf("granted detail %s", resp.Body)
	}
	if strings.Contains(string(resp.Body), "handed-over") || strings.Contains(string(resp.Body), "pw-301") {
		t.Errorf("password answered: %s", resp.Body)
	}
	// Without details the list is there, empty.
	if body := string(f.Do(http.MethodGet, authPath(openID), nil).Body); !strings.Contains(body, `"incident_auth_detail_list":[]`) {
		t.Errorf("no empty detail list: %s", body)
	}

	f.Do(http.MethodGet, authPath(pendingID)+"?group_id=g1", nil).ExpectStatus(t, http.StatusOK)
	expectFailure(t, f.Do(http.MethodGet, authPath(pendingID)+"?group_id=g2", nil), "OSM.01010002")
	expectFailure(t, f.Do(http.MethodGet, authPath(openID)+"?group_id=g1", nil), "OSM.01010002") // it has no group
	expectFailure(t, f.Do(http.MethodGet, authPath("nope"), nil), "OSM.01010004")
	expectFailure(t, f.Do(http.MethodGet, authPath(strings.Repeat("a", 33)), nil), "OSM.01010001")
	expectFailure(t, f.Do(http.MethodGet, authPath("bad.id"), nil), "OSM.01010001")
}

func equalViews(a, b authorizationView) bool {
	ad, bd := a.Details, b.Details
	a.Details, b.Details = nil, nil
	return a == b && (ad == nil) == (bd == nil) && (ad == nil || slices.Equal(*ad, *bd))
}

func TestAccept(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	start, end := t0+ms(time.Minute), t0+ms(24*time.Hour)
	body := map[string]any{
		"auth_detail_list":    []map[string]any{{"auth_detail_id": 101, "port": 22, "account": "root", "password": hostPassword}},
		"auth_effective_time": start, "auth_expire_time": end, "group_id": "g1", "agency_id": "agency-1",
	}
	expectSuccess(t, f.Do(http.MethodPut, authPath(pendingID), body, "Content-Type", "application/json;charset=UTF-8"))

	got := f.show(pendingID)
	if got.Status != StatusAuthorized || got.AuthEffectiveTime != start || got.AuthExpireTime != end || got.AuthHandlerName != core.DefaultUserName {
		t.Errorf("accepted %+v", got)
	}
	if d := *got.Details; d[0].Port != 22 || d[0].Account != "root" || d[1].Account != "" {
		t.Errorf("details %+v", d)
	}
	a, _ := f.Authorization("", pendingID)
	if g := a.Details[0].Granted; g == nil || *g != (Credential{Port: 22, Account: "root", Password: hostPassword}) || a.AgencyID != "agency-1" {
		t.Errorf("stored %+v", a)
	}
	// Accepted once: a second accept is an invalid transition.
	expectFailure(t, f.Do(http.MethodPut, authPath(pendingID), body), "OSM.01010014")

	// A request that needs approval waits for it.
	expectSuccess(t, f.Do(http.MethodPut, authPath(approvalID), map[string]any{"auth_expire_time": end}))
	if st := f.status(approvalID); st != StatusApprovalPending {
		t.Errorf("needs approval: status %d", st)
	}
}

func TestAcceptWindowDefaults(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	expectSuccess(t, f.Do(http.MethodPut, authPath(pendingID), nil)) // no body: now, with no end
	got := f.show(pendingID)
	if got.Status != StatusAuthorized || got.AuthEffectiveTime != t0 || got.AuthExpireTime != 0 {
		t.Errorf("accepted %+v", got)
	}
	f.clock.Advance(365 * 24 * time.Hour)
	if st := f.status(pendingID); st != StatusAuthorized {
		t.Errorf("an access without end expired: %d", st)
	}
}

func TestAcceptInvalid(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	window := func(extra map[string]any) map[string]any {
		b := map[string]any{"auth_effective_time": t0, "auth_expire_time": t0 + ms(time.Hour)}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}
	cred := func(id int64) map[string]any {
		return map[string]any{"auth_detail_id": id, "port": 22, "account": "root", "password": "x"}
	}
	creds := func(list ...map[string]any) map[string]any { return window(map[string]any{"auth_detail_list": list}) }
	seven := make([]map[string]any, 7)
	for i := range seven {
		seven[i] = cred(101)
	}
	tests := []struct {
		name string
		id   string
		body any
		code string
	}{
		{"expire before effective", pendingID, map[string]any{"auth_effective_time": t0 + ms(2*time.Hour), "auth_expire_time": t0 + ms(time.Hour)}, "OSM.01010001"},
		{"expire equals effective", pendingID, map[string]any{"auth_effective_time": t0 + ms(time.Hour), "auth_expire_time": t0 + ms(time.Hour)}, "OSM.01010001"},
		{"expire in the past", pendingID, map[string]any{"auth_effective_time": t0 - ms(2*time.Hour), "auth_expire_time": t0 - ms(time.Hour)}, "OSM.01010001"},
		{"expire now", pendingID, map[string]any{"auth_expire_time": t0}, "OSM.01010001"},
		{"negative time", pendingID, map[string]any{"auth_effective_time": -1}, "OSM.01010001"},
		{"seven credentials", pendingID, window(map[string]any{"auth_detail_list": seven}), "OSM.01010001"},
		{"credential without detail", pendingID, creds(map[string]any{"account": "root"}), "OSM.01010001"},
		{"detail named twice", pendingID, creds(cred(101), cred(101)), "OSM.01010001"},
		{"detail of another authorization", pendingID, creds(cred(201)), "OSM.01010001"},
		{"unknown detail", pendingID, creds(cred(999)), "OSM.01010001"},
		{"port too large", pendingID, creds(map[string]any{"auth_detail_id": 101, "port": 65536}), "OSM.01010001"},
		{"account too long", pendingID, creds(map[string]any{"auth_detail_id": 101, "account": strings.Repeat("a", 65)}), "OSM.01010001"},
		{"password too long", pendingID, creds(map[string]any{"auth_detail_id": 101, "password": strings.Repeat("p", 1025)}), "OSM.01010001"},
		{"group too long", pendingID, window(map[string]any{"group_id": strings.Repeat("g", 65)}), "OSM.01010001"},
		{"other group", pendingID, window(map[string]any{"group_id": "g2"}), "OSM.01010002"},
		{"unknown authorization", "nope", window(nil), "OSM.01010004"},
		{"malformed ID", strings.Repeat("x", 33), window(nil), "OSM.01010001"},
		{"already authorized", authorizedID, window(nil), "OSM.01010014"},
		{"in approval", "approval-pending", window(nil), "OSM.01010014"},
		{"rejected", rejectedID, window(nil), "OSM.01010014"},
		{"initializing", initID, window(nil), "OSM.01010014"},
	}
	if _, err := f.AddAuthorization("", Authorization{ID: "approval-pending", Status: StatusApprovalPending}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		resp := f.Do(http.MethodPut, authPath(tt.id), tt.body)
		if resp.Status != http.StatusOK {
			t.Errorf("%s: HTTP %d", tt.name, resp.Status)
		}
		expectFailure(t, resp, tt.code)
	}
	// Every other status refuses too.
	for _, st := range []int{StatusExpired, StatusWithdrawn, StatusCanceled, StatusApprovalRejected} {
		id := fmt.Sprintf("st%d", st)
		if _, err := f.AddAuthorization("", Authorization{ID: id, Status: st}); err != nil {
			t.Fatal(err)
		}
		expectFailure(t, f.Do(http.MethodPut, authPath(id), window(nil)), "OSM.01010014")
	}
	if st := f.status(pendingID); st != StatusPending {
		t.Errorf("a refused accept changed the status to %d", st)
	}
	f.Do(http.MethodPut, authPath(pendingID), `{"auth_expire_time":`).ExpectError(t, http.StatusBadRequest, "OSM.0001")
	f.Do(http.MethodPut, authPath(pendingID), `{"auth_expire_time":"tomorrow"}`).ExpectError(t, http.StatusBadRequest, "OSM.0001")
}

// TestActions tries reject and cancel on every status: reject acts on pending, cancel on authorized and in
// approval; everything else is "Operation failed." and changes nothing.
func TestActions(t *testing.T) {
	t.Parallel()
	for _, action := range []string{actionReject, actionCancel} {
		for st := StatusInitializing; st <= StatusApprovalRejected; st++ {
			t.Run(fmt.Sprintf("%s from %d", action, st), func(t *testing.T) {
				t.Parallel()
				f := start(t, InAccount("", Authorization{ID: "a1", Status: st, GroupID: "g1"}))
				resp := f.Do(http.MethodPut, actionPath("a1")+"?action_id="+action, map[string]string{"reject_reason": "not needed", "group_id": "g1"})
				want := map[string]map[int]int{
					actionReject: {StatusPending: StatusRejected},
					actionCancel: {StatusAuthorized: StatusCanceled, StatusApprovalPending: StatusCanceled},
				}[action]
				to, allowed := want[st]
				if !allowed {
					expectFailure(t, resp, "OSM.01010014")
					to = st
				} else {
					expectSuccess(t, resp)
				}
				a, _ := f.Authorization("", "a1")
				if a.Status != to {
					t.Errorf("status %d, want %d", a.Status, to)
				}
				if allowed && (a.AuthHandlerName != core.DefaultUserName || (action == actionReject) != (a.RejectReason == "not needed")) {
					t.Errorf("decided %+v", a)
				}
			})
		}
	}
}

func TestActionInvalid(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	reason := map[string]string{"reject_reason": "no"}
	tests := []struct {
		name, id, query string
		body            any
		code            string
	}{
		{"reject without reason", pendingID, "?action_id=reject", map[string]string{}, "OSM.01010001"},
		{"reject without body", pendingID, "?action_id=reject", nil, "OSM.01010001"},
		{"reason too long", pendingID, "?action_id=reject", map[string]string{"reject_reason": strings.Repeat("r", 301)}, "OSM.01010001"},
		{"group too long", pendingID, "?action_id=reject", map[string]string{"reject_reason": "no", "group_id": strings.Repeat("g", 65)}, "OSM.01010001"},
		{"no action", pendingID, "", reason, "OSM.01010001"},
		{"unknown action", pendingID, "?action_id=approve", reason, "OSM.01010001"},
		{"other group", pendingID, "?action_id=reject", map[string]string{"reject_reason": "no", "group_id": "g2"}, "OSM.01010002"},
		{"unknown authorization", "nope", "?action_id=reject", reason, "OSM.01010004"},
		{"cancel a pending one", pendingID, "?action_id=cancel", nil, "OSM.01010014"},
		{"reject an authorized one", authorizedID, "?action_id=reject", reason, "OSM.01010014"},
	}
	for _, tt := range tests {
		resp := f.Do(http.MethodPut, actionPath(tt.id)+tt.query, tt.body)
		if resp.Status != http.StatusOK {
			t.Errorf("%s: HTTP %d", tt.name, resp.Status)
		}
		expectFailure(t, resp, tt.code)
	}
	f.Do(http.MethodPut, actionPath(pendingID)+"?action_id=reject", `{"reject_reason":`).ExpectError(t, http.StatusBadRequest, "OSM.0001")
	if st := f.status(pendingID); st != StatusPending {
		t.Errorf("status %d after refused actions", st)
	}
	// A reason of exactly 300 characters, and a cancel without body, are fine.
	expectSuccess(t, f.Do(http.MethodPut, actionPath(pendingID)+"?action_id=reject", map[string]string{"reject_reason": strings.Repeat("r", 300)}))
	expectSuccess(t, f.Do(http.MethodPut, actionPath(authorizedID)+"?action_id=cancel", nil))
	if got := f.show(pendingID); got.Status != StatusRejected || got.RejectReason != strings.Repeat("r", 300) {
		t.Errorf("rejected %+v", got)
	}
}

// TestExpiry: an authorized request reads as expired once the server clock reaches its end, in every read
// and before every write.
func TestExpiry(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	f.clock.Advance(time.Hour - time.Second)
	if st := f.status(authorizedID); st != StatusAuthorized {
		t.Fatalf("a second before the end: status %d", st)
	}
	f.clock.Advance(time.Second) // at the end
	if st := f.status(authorizedID); st != StatusExpired {
		t.Errorf("at the end: status %d", st)
	}
	var body listedBody
	f.Do(http.MethodGet, listPath+"?status=3", nil).Decode(t, &body)
	if body.Count != 1 || body.Items[0].ID != authorizedID {
		t.Errorf("expired list %+v", body)
	}
	expectFailure(t, f.Do(http.MethodPut, actionPath(authorizedID)+"?action_id=cancel", nil), "OSM.01010014")
	if a, _ := f.Authorization("", authorizedID); a.Status != StatusExpired {
		t.Errorf("accessor status %d", a.Status)
	}
	// One without an end stays authorized.
	if st := f.status(openID); st != StatusAuthorized {
		t.Errorf("without an end: status %d", st)
	}

	// An accepted window expires the same way.
	expectSuccess(t, f.Do(http.MethodPut, authPath(pendingID), map[string]any{"auth_expire_time": f.clock.Now().Add(time.Minute).UnixMilli()}))
	f.clock.Advance(time.Minute)
	expectFailure(t, f.Do(http.MethodPut, actionPath(pendingID)+"?action_id=cancel", nil), "OSM.01010014")
	if st := f.status(pendingID); st != StatusExpired {
		t.Errorf("accepted window: status %d", st)
	}
	// One in approval keeps its status.
	expectSuccess(t, f.Do(http.MethodPut, authPath(approvalID), map[string]any{"auth_expire_time": f.clock.Now().Add(time.Minute).UnixMilli()}))
	f.clock.Advance(time.Hour)
	if st := f.status(approvalID); st != StatusApprovalPending {
		t.Errorf("in approval: status %d", st)
	}
}

func TestVerifyHost(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	login := func(port int, account, password string) map[string]any {
		return map[string]any{"port": port, "account": account, "password": password}
	}
	expectSuccess(t, f.Do(http.MethodPost, verifyPath+"101/verify-host", login(22, "root", hostPassword)))
	expectSuccess(t, f.Do(http.MethodPost, verifyPath+"101/verify-host", map[string]any{"port": 22, "account": "root", "password": hostPassword, "group_id": "g1"}))
	tests := []struct {
		name, detail string
		body         any
		code         string
	}{
		{"wrong password", "101", login(22, "root", "guess"), "OSM.01010003"},
		{"wrong account", "101", login(22, "admin", hostPassword), "OSM.01010003"},
		{"wrong port", "101", login(2222, "root", hostPassword), "OSM.01010003"},
		{"another host's login", "201", login(22, "root", hostPassword), "OSM.01010003"},
		{"console detail", "102", login(22, "root", hostPassword), "OSM.01010001"},
		{"unknown detail", "999", login(22, "root", hostPassword), "OSM.01010004"},
		{"detail ID not a number", "abc", login(22, "root", hostPassword), "OSM.01010001"},
		{"port 0", "101", login(0, "root", hostPassword), "OSM.01010001"},
		{"port too large", "101", login(65536, "root", hostPassword), "OSM.01010001"},
		{"no account", "101", login(22, "", hostPassword), "OSM.01010001"},
		{"account too long", "101", login(22, strings.Repeat("a", 65), hostPassword), "OSM.01010001"},
		{"no password", "101", login(22, "root", ""), "OSM.01010001"},
		{"password too long", "101", login(22, "root", strings.Repeat("p", 1025)), "OSM.01010001"},
		{"no body", "101", nil, "OSM.01010001"},
		{"other group", "101", map[string]any{"port": 22, "account": "root", "password": hostPassword, "group_id": "g2"}, "OSM.01010002"},
	}
	for _, tt := range tests {
		resp := f.Do(http.MethodPost, verifyPath+tt.detail+"/verify-host", tt.body)
		if resp.Status != http.StatusOK {
			t.Errorf("%s: HTTP %d", tt.name, resp.Status)
		}
		expectFailure(t, resp, tt.code)
	}
	f.Do(http.MethodPost, verifyPath+"101/verify-host", `{"port":"22"}`).ExpectError(t, http.StatusBadRequest, "OSM.0001")

	// A host seeded without a password (a reloaded snapshot) matches no login.
	if _, err := f.AddAuthorization("", Authorization{ID: "no-pw", Details: []Detail{{ID: 501, Type: DetailHost, Port: 22, Account: "root"}}}); err != nil {
		t.Fatal(err)
	}
	expectFailure(t, f.Do(http.MethodPost, verifyPath+"501/verify-host", login(22, "root", "anything")), "OSM.01010003")
	// Checking changes nothing, whatever the status.
	if st := f.status(pendingID); st != StatusPending {
		t.Errorf("status %d", st)
	}
	expectSuccess(t, f.Do(http.MethodPost, verifyPath+"301/verify-host", login(22, "root", "pw-301")))
}
