package osm

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	one := func(change func(*Authorization)) Fixture {
		a := Authorization{ID: "a1", Details: []Detail{{ID: 1, Type: DetailHost, Port: 22, Account: "root", Password: "pw"}}}
		change(&a)
		return InAccount("", a)
	}
	tests := []struct {
		name    string
		fixture Fixture
		wantErr string
	}{
		{"unknown account", InAccount("11111111111111111111111111111111", Authorization{ID: "a1"}), "not known"},
		{"authorization twice", InAccount("", Authorization{ID: "a1"}, Authorization{ID: "a1"}), "already exists"},
		{"empty ID", one(func(a *Authorization) { a.ID = "" }), "ID is not"},
		{"ID too long", one(func(a *Authorization) { a.ID = strings.Repeat("a", 33) }), "ID is not"},
		{"ID with a dot", one(func(a *Authorization) { a.ID = "a.1" }), "ID is not"},
		{"unknown status", one(func(a *Authorization) { a.Status = 8 }), "status 8"},
		{"negative time", one(func(a *Authorization) { a.AuthExpireTime = -5 }), "negative time"},
		{"group too long", one(func(a *Authorization) { a.GroupID = strings.Repeat("g", 65) }), "group_id"},
		{"unknown detail type", one(func(a *Authorization) { a.Details[0].Type = 2 }), "type 2"},
		{"port too large", one(func(a *Authorization) { a.Details[0].Port = 70000 }), "port"},
		{"granted port negative", one(func(a *Authorization) { a.Details[0].Granted = &Credential{Port: -1} }), "port"},
		{"password too long", one(func(a *Authorization) { a.Details[0].Password = strings.Repeat("p", 1025) }), "password"},
		{"detail twice", one(func(a *Authorization) { a.Details = append(a.Details, Detail{ID: 1}) }), "repeated"},
		{"negative detail ID", one(func(a *Authorization) { a.Details[0].ID = -1 }), "negative"},
		{"detail ID of another authorization", InAccount("",
			Authorization{ID: "a1", Details: []Detail{{ID: 7}}}, Authorization{ID: "a2", Details: []Detail{{ID: 7}}}), "detail ID 7 is taken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, s, _ := newFake(core.Options{})
			before := c.SnapshotFixture()
			err := load(c, tt.fixture)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("load error %v, want one containing %q", err, tt.wantErr)
			}
			if after := c.SnapshotFixture(); !reflect.DeepEqual(before, after) || len(s.Snapshot().Accounts) != 0 {
				t.Errorf("a failed load changed the state: %+v", after)
			}
		})
	}

	// What exists cannot be loaded again, and unknown fields are typos.
	c, s, _ := newFake(core.Options{})
	if err := load(c, standardFixture()); err != nil {
		t.Fatal(err)
	}
	if err := load(c, InAccount("", Authorization{ID: pendingID})); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("loading an authorization again: %v", err)
	}
	if err := load(c, InAccount("", Authorization{ID: "new", Details: []Detail{{ID: 101}}})); err == nil || !strings.Contains(err.Error(), "detail ID 101 is taken") {
		t.Errorf("loading a detail ID again: %v", err)
	}
	if _, err := s.AddAuthorization("", Authorization{ID: pendingID}); err == nil {
		t.Error("adding an authorization again")
	}
	if _, err := s.AddAuthorization("11111111111111111111111111111111", Authorization{ID: "x"}); err == nil {
		t.Error("adding to an unknown account")
	}
	err := c.LoadFixture(core.Fixture{Sections: map[string]json.RawMessage{"osm": json.RawMessage(`{"accounts":[{"id":"` + core.DefaultDomainID + `","authorizations":[{"id":"x","stauts":1}]}]}`)}})
	if err == nil || !strings.Contains(err.Error(), "stauts") {
		t.Errorf("unknown field: %v", err)
	}
}

// TestSnapshot: a snapshot is the fixture as loaded, completed (generated detail IDs, creation times) and
// brought up to the clock, without any password; loading it into a new server reproduces the state.
func TestSnapshot(t *testing.T) {
	t.Parallel()
	c, s, clk := newFake(core.Options{})
	fixture := standardFixture()
	fixture.Accounts[0].Authorizations = append(fixture.Accounts[0].Authorizations,
		Authorization{ID: "generated", Details: []Detail{{Type: DetailConsole}, {ID: firstDetailID, Type: DetailHost}, {Type: DetailHost}}})
	if err := load(c, fixture); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour) // auth-authorized expires

	snap := s.Snapshot()
	raw, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{hostPassword, "pw-201", "pw-301", "handed-over", `"password"`} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("snapshot holds %s: %s", secret, raw)
		}
	}
	if len(snap.Accounts) != 1 || snap.Accounts[0].ID != core.DefaultDomainID || len(snap.Accounts[0].Authorizations) != 7 {
		t.Fatalf("snapshot %s", raw)
	}
	byID := map[string]Authorization{}
	for _, a := range snap.Accounts[0].Authorizations {
		byID[a.ID] = a
	}
	if got := byID[authorizedID]; got.Status != StatusExpired || got.Details[0].Granted == nil || got.Details[0].Granted.Account != "ops" {
		t.Errorf("expired one %+v", got)
	}
	gen := byID["generated"]
	if gen.CreateTime != t0 || gen.Details[0].ID != firstDetailID+1 || gen.Details[1].ID != firstDetailID || gen.Details[2].ID != firstDetailID+2 {
		t.Errorf("generated %+v", gen)
	}
	if got := byID[pendingID]; got.Details[0].Port != 22 || got.Details[0].Account != "root" || got.Details[0].Password != "" {
		t.Errorf("pending %+v", got)
	}

	// The accessors keep the passwords.
	if a, _ := s.Authorization("", pendingID); a.Details[0].Password != hostPassword {
		t.Errorf("accessor %+v", a)
	}

	// The whole fake cloud's snapshot holds the section, and reloads.
	whole := c.SnapshotFixture()
	c2, s2, _ := newFake(core.Options{})
	if err := c2.LoadFixture(whole); err != nil {
		t.Fatal(err)
	}
	if again := s2.Snapshot(); !reflect.DeepEqual(again, snap) {
		t.Errorf("reloaded snapshot differs:\n%+v\n%+v", again, snap)
	}

	// An empty service has no section.
	if empty, _, _ := newFake(core.Options{}); empty.SnapshotFixture().Sections != nil {
		t.Errorf("empty snapshot %+v", empty.SnapshotFixture())
	}
}

// TestAddAuthorization: a test files a request as the engineer would; it is served at once.
func TestAddAuthorization(t *testing.T) {
	t.Parallel()
	f := start(t, Fixture{})
	a, err := f.AddAuthorization("", Authorization{ID: "new-1", IncidentID: "INC-9", Details: []Detail{{Type: DetailHost, Port: 22, Account: "root", Password: "pw"}}})
	if err != nil {
		t.Fatal(err)
	}
	if a.CreateTime != t0 || a.Details[0].ID != firstDetailID || a.Status != StatusPending {
		t.Errorf("added %+v", a)
	}
	expectSuccess(t, f.Do(http.MethodPost, verifyPath+"1000001/verify-host", map[string]any{"port": 22, "account": "root", "password": "pw"}))
	var body listedBody
	f.Do(http.MethodGet, listPath+"?status=0", nil).Decode(t, &body)
	if body.Count != 1 || body.Items[0].IncidentID != "INC-9" {
		t.Errorf("list %+v", body)
	}
	// The returned copy is the test's own.
	a.Details[0].Port = 1
	if got, _ := f.Authorization("", "new-1"); got.Details[0].Port != 22 {
		t.Errorf("stored changed through a copy: %+v", got)
	}
	if _, err := f.AddAuthorization("", Authorization{ID: "bad id"}); err == nil {
		t.Error("bad ID added")
	}
}
