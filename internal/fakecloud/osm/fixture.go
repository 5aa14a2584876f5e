package osm

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

// Fixture is the service tickets' section of a fixture ("osm"): the authorization requests of each account.
// There is no tenant call that creates one: a fixture (or a test, AddAuthorization) plays the engineer.
type Fixture struct {
	Accounts []AccountFixture `json:"accounts"`
}

// AccountFixture holds the authorizations of one account (core.DefaultDomainID, the fake cloud's one).
type AccountFixture struct {
	ID             string          `json:"id"`
	Authorizations []Authorization `json:"authorizations"`
}

// InAccount is a section holding authorizations of one account, the common case of a test; "" is the
// default account.
func InAccount(accountID string, auths ...Authorization) Fixture {
	return Fixture{Accounts: []AccountFixture{{ID: defaultAccount(accountID), Authorizations: auths}}}
}

// LoadSection implements core.Service: it checks a Fixture and returns the change that adds its
// authorizations. Authorizations that already exist cannot be loaded again. Detail IDs it hands out are not
// handed out again, also when the load fails.
func (s *Service) LoadSection(section json.RawMessage, tenants core.Tenants) (apply func(), err error) {
	var f Fixture
	if err := core.DecodeStrict(bytes.NewReader(section), &f); err != nil {
		return nil, err
	}
	now := s.now().UnixMilli()
	s.mu.Lock()
	defer s.mu.Unlock()
	staged := map[string]*account{}
	for _, af := range f.Accounts {
		if !tenants.HasAccount(af.ID) {
			return nil, fmt.Errorf("account %q is not known: the fake cloud's one account is %s", af.ID, core.DefaultDomainID)
		}
		if staged[af.ID] == nil {
			staged[af.ID] = newAccount()
		}
		if err := s.stage(af.ID, staged[af.ID], af.Authorizations, now); err != nil {
			return nil, fmt.Errorf("account %s: %w", af.ID, err)
		}
	}
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		for id, st := range staged {
			acct := s.account(id)
			for _, a := range st.auths {
				acct.add(a)
			}
		}
	}, nil
}

// stage checks authorizations as a fixture or a test adds them to an account and adds them, completed, to
// into: generated detail IDs, the creation time. Explicit detail IDs are taken first, so a generated one
// never meets one given later. s.mu must be held.
func (s *Service) stage(accountID string, into *account, auths []Authorization, now int64) error {
	existing := cmp.Or(s.accounts[accountID], newAccount())
	detailTaken := func(id int64) bool { _, a := existing.details[id]; _, b := into.details[id]; return a || b }
	recs := make([]*Authorization, 0, len(auths))
	for _, a := range auths {
		rec := copyAuthorization(&a)
		if err := checkAuthorization(&rec); err != nil {
			return fmt.Errorf("authorization %q: %w", a.ID, err)
		}
		if existing.auths[rec.ID] != nil || into.auths[rec.ID] != nil || slices.ContainsFunc(recs, func(r *Authorization) bool { return r.ID == rec.ID }) {
			return fmt.Errorf("authorization %s already exists", rec.ID)
		}
		for _, d := range rec.Details {
			if d.ID != 0 && detailTaken(d.ID) {
				return fmt.Errorf("authorization %s: detail ID %d is taken", rec.ID, d.ID)
			}
			if d.ID != 0 {
				into.details[d.ID] = rec.ID
				s.nextDetailID = max(s.nextDetailID, d.ID+1)
			}
		}
		rec.CreateTime = cmp.Or(rec.CreateTime, now)
		recs = append(recs, &rec)
	}
	for _, rec := range recs {
		for i := range rec.Details {
			if rec.Details[i].ID == 0 {
				rec.Details[i].ID = s.nextDetailID
				s.nextDetailID++
			}
		}
		into.add(rec)
	}
	return nil
}

// checkAuthorization checks an authorization's own fields.
func checkAuthorization(a *Authorization) error {
	switch {
	case !idPattern.MatchString(a.ID):
		return fmt.Errorf("ID is not 1-%d letters, digits, hyphens or underscores", maxIDLength)
	case !validStatus(a.Status):
		return fmt.Errorf("status %d is none of %d to %d", a.Status, StatusInitializing, StatusApprovalRejected)
	case a.CreateTime < 0 || a.AuthEffectiveTime < 0 || a.AuthExpireTime < 0:
		return fmt.Errorf("negative time")
	case utf8.RuneCountInString(a.GroupID) > maxGroupID:
		return fmt.Errorf("group_id is longer than %d characters", maxGroupID)
	}
	seen := map[int64]bool{}
	for _, d := range a.Details {
		logins := []Credential{{Port: d.Port, Account: d.Account, Password: d.Password}}
		if d.Granted != nil {
			logins = append(logins, *d.Granted)
		}
		switch {
		case d.ID < 0 || (d.ID != 0 && seen[d.ID]):
			return fmt.Errorf("detail ID %d is negative or repeated", d.ID)
		case d.Type != DetailConsole && d.Type != DetailHost:
			return fmt.Errorf("detail %d: type %d is neither %d (console) nor %d (host)", d.ID, d.Type, DetailConsole, DetailHost)
		case slices.ContainsFunc(logins, func(l Credential) bool { return !validLogin(l) }):
			return fmt.Errorf("detail %d: a port beyond 0-%d, an account longer than %d or a password longer than %d characters", d.ID, maxPort, maxAccount, maxPassword)
		}
		seen[d.ID] = true
	}
	return nil
}

func validLogin(l Credential) bool {
	return l.Port >= 0 && l.Port <= maxPort && utf8.RuneCountInString(l.Account) <= maxAccount && utf8.RuneCountInString(l.Password) <= maxPassword
}

// SnapshotSection implements core.Service.
func (s *Service) SnapshotSection() any {
	if f := s.Snapshot(); len(f.Accounts) > 0 {
		return f
	}
	return nil
}

// Snapshot returns every authorization as a fixture section, sorted, with statuses as of the clock and
// without any password; accounts without authorizations are left out.
func (s *Service) Snapshot() Fixture {
	now := s.now().UnixMilli()
	s.mu.Lock()
	defer s.mu.Unlock()
	var f Fixture
	for id, acct := range s.accounts {
		if len(acct.auths) == 0 {
			continue
		}
		acct.settle(now)
		af := AccountFixture{ID: id}
		for _, a := range acct.auths {
			af.Authorizations = append(af.Authorizations, withoutPasswords(a))
		}
		slices.SortFunc(af.Authorizations, byID)
		f.Accounts = append(f.Accounts, af)
	}
	slices.SortFunc(f.Accounts, func(a, b AccountFixture) int { return strings.Compare(a.ID, b.ID) })
	return f
}
