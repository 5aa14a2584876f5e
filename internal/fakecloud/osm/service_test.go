package osm

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/fakecloudtest"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
)

// TestRouting: unknown calls under OSM's paths answer OSM's 404, injected faults its 500.
func TestRouting(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	f.Do(http.MethodGet, authPath(pendingID)+"/details", nil).ExpectError(t, http.StatusNotFound, "OSM.0005")
	f.Do(http.MethodGet, verifyPath+"101", nil).ExpectError(t, http.StatusNotFound, "OSM.0005")
	f.Do(http.MethodDelete, authPath(pendingID), nil).ExpectError(t, http.StatusNotFound, "OSM.0005")
	f.Do(http.MethodPost, listPath, map[string]string{}).ExpectError(t, http.StatusNotFound, "OSM.0005")
	// Answered at once, not redirected to the subtree.
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequest(http.MethodDelete, f.URL+listPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	fakecloudtest.Read(t, resp).ExpectError(t, http.StatusNotFound, "OSM.0005")
	f.Do(http.MethodGet, verifyPath+"101/verify-host", nil).ExpectError(t, http.StatusNotFound, "OSM.0005")
	f.Do(http.MethodGet, "/v9/elsewhere", nil).ExpectError(t, http.StatusNotFound, "FAKECLOUD.0404") // not OSM's
	f.Do(http.MethodGet, "/v2/servicerequest/orders", nil).ExpectError(t, http.StatusNotFound, "FAKECLOUD.0404")

	f.core.InjectFault(core.Fault{PathRegexp: "/action$", Times: 1})
	f.Do(http.MethodPut, actionPath(pendingID)+"?action_id=reject", map[string]string{"reject_reason": "x"}).
		ExpectError(t, http.StatusInternalServerError, "OSM.0004")
	if st := f.status(pendingID); st != StatusPending {
		t.Errorf("a fault before the handler changed the status to %d", st)
	}
}

// TestBesideTheGateways: OSM's paths share /v2/ with the gateways' /v2/{project_id}/...; registered in one
// core, as the assembly does, each answers its own.
func TestBesideTheGateways(t *testing.T) {
	t.Parallel()
	c := core.New(core.Options{})
	c.Register(gateway.New(gateway.Options{}, c.Now))
	c.Register(New(Options{}, c.Now))
	f := fakecloudtest.Start(t, c, core.DomainToken)
	f.Do(http.MethodGet, listPath, nil).ExpectStatus(t, http.StatusOK)
	f.Do(http.MethodGet, authPath("x")+"/y", nil).ExpectError(t, http.StatusNotFound, "OSM.0005")
	f.Do(http.MethodGet, "/v2/"+core.DefaultProjectID+"/apigw/instances/i1/nothing", nil, "X-Auth-Token", core.DefaultToken).
		ExpectError(t, http.StatusNotFound, "APIG.0101")
}

// TestHeaders: X-Site, X-Language and X-Time-Zone are checked and show in the request log.
func TestHeaders(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	f.Do(http.MethodGet, listPath, nil, "X-Site", "1", "X-Language", "en-us", "X-Time-Zone", "GMT+1").ExpectStatus(t, http.StatusOK)
	f.Do(http.MethodGet, listPath, nil).ExpectStatus(t, http.StatusOK)
	f.Do(http.MethodGet, listPath, nil, "X-Site", "0").ExpectStatus(t, http.StatusOK)

	recs := f.core.Requests()
	want := core.MakeHeaders(map[string]string{"X-Site": "1", "X-Language": "en-us", "X-Time-Zone": "GMT+1"})
	if len(recs) != 3 || recs[0].Headers != want || !recs[1].Headers.IsZero() || recs[2].Headers.Get("X-Site") != "0" {
		t.Errorf("log %+v", recs)
	}
	// The credentials are never logged.
	if strings.Contains(recs[0].Headers.String(), core.DomainToken) {
		t.Errorf("token logged: %v", recs[0].Headers)
	}

	for _, h := range [][2]string{{"X-Site", "2"}, {"X-Site", "international"}, {"X-Language", strings.Repeat("l", 33)}, {"X-Time-Zone", strings.Repeat("z", 33)}} {
		resp := f.Do(http.MethodGet, authPath(pendingID), nil, h[0], h[1])
		expectFailure(t, resp, "OSM.01010001")
		if got := f.core.Requests(); got[len(got)-1].Headers.Get(h[0]) != h[1] {
			t.Errorf("%s not logged", h[0])
		}
	}
	expectFailure(t, f.Do(http.MethodPut, actionPath(pendingID)+"?action_id=reject", map[string]string{"reject_reason": "x"}, "X-Site", "9"), "OSM.01010001")
	if st := f.status(pendingID); st != StatusPending {
		t.Errorf("a refused call changed the status to %d", st)
	}
}

// TestWithdraw: the engineer withdraws a pending, authorized or in-approval request through the accessor
// or the admin endpoint; nothing else can be withdrawn.
func TestWithdraw(t *testing.T) {
	t.Parallel()
	f := startStandard(t, core.Options{Admin: true})
	if err := f.Withdraw("", pendingID); err != nil {
		t.Fatal(err)
	}
	if st := f.status(pendingID); st != StatusWithdrawn {
		t.Errorf("status %d", st)
	}
	if err := f.SetStatus("", approvalID, StatusApprovalPending); err != nil {
		t.Fatal(err)
	}
	if err := f.Withdraw(core.DefaultDomainID, approvalID); err != nil {
		t.Fatal(err)
	}
	f.Do(http.MethodPost, "/_fakecloud/osm/authorizations/"+authorizedID+"/withdraw", nil, "X-Auth-Token", "").ExpectStatus(t, http.StatusNoContent)
	for _, id := range []string{approvalID, authorizedID} {
		if st := f.status(id); st != StatusWithdrawn {
			t.Errorf("%s: status %d", id, st)
		}
	}
	// A withdrawn request can no longer be decided.
	expectFailure(t, f.Do(http.MethodPut, actionPath(authorizedID)+"?action_id=cancel", nil), "OSM.01010014")

	for _, id := range []string{rejectedID, initID, pendingID} {
		if err := f.Withdraw("", id); err == nil {
			t.Errorf("%s withdrawn", id)
		}
	}
	if err := f.Withdraw("", "nope"); err == nil {
		t.Error("unknown authorization withdrawn")
	}
	if msg := f.Do(http.MethodPost, "/_fakecloud/osm/authorizations/"+rejectedID+"/withdraw", nil).ExpectError(t, http.StatusBadRequest, "FAKECLOUD.0400"); !strings.Contains(msg, rejectedID) {
		t.Errorf("message %q", msg)
	}
	f.Do(http.MethodPost, "/_fakecloud/osm/authorizations/nope/withdraw", nil).ExpectError(t, http.StatusBadRequest, "FAKECLOUD.0400")
	f.Do(http.MethodPost, "/_fakecloud/osm/authorizations/"+openID+"/withdraw?account_id=00000000000000000000000000000000", nil).
		ExpectError(t, http.StatusBadRequest, "FAKECLOUD.0400")
	if recs := f.core.Requests(); len(recs) != 4 { // the API calls above; admin calls are not logged
		t.Errorf("%d records", len(recs))
	}

	// An expired request cannot be withdrawn any more.
	g := startStandard(t)
	g.clock.Advance(2 * time.Hour)
	if err := g.Withdraw("", authorizedID); err == nil {
		t.Error("expired request withdrawn")
	}
	// Without -admin there is no admin endpoint.
	g.Do(http.MethodPost, "/_fakecloud/osm/authorizations/"+openID+"/withdraw", nil).ExpectError(t, http.StatusNotFound, "FAKECLOUD.0404")
	if st := g.status(openID); st != StatusAuthorized {
		t.Errorf("status %d", st)
	}
}

func TestSetAndRemove(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	if err := f.SetStatus("", pendingID, StatusApprovalRejected); err != nil {
		t.Fatal(err)
	}
	if st := f.status(pendingID); st != StatusApprovalRejected {
		t.Errorf("status %d", st)
	}
	for _, st := range []int{-2, 8} {
		if err := f.SetStatus("", pendingID, st); err == nil {
			t.Errorf("status %d set", st)
		}
	}
	if err := f.SetStatus("", "nope", StatusPending); err == nil {
		t.Error("unknown authorization changed")
	}
	if err := f.RemoveAuthorization("", pendingID); err != nil {
		t.Fatal(err)
	}
	expectFailure(t, f.Do(http.MethodGet, authPath(pendingID), nil), "OSM.01010004")
	expectFailure(t, f.Do(http.MethodPost, verifyPath+"101/verify-host", map[string]any{"port": 22, "account": "root", "password": hostPassword}), "OSM.01010004")
	if err := f.RemoveAuthorization("", pendingID); err == nil {
		t.Error("removed twice")
	}
	if _, found := f.Authorization("", pendingID); found {
		t.Error("still found")
	}
	if got := f.Authorizations(""); len(got) != 5 || got[0].ID != approvalID {
		t.Errorf("left %+v", got)
	}
}
