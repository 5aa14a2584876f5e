package osm

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

// Inspection and behind-the-back changes for tests: the engineer's side of a request, and the clock's. An
// accountID "" means core.DefaultDomainID. Statuses are as of the clock: an authorized request whose window
// has ended reads as expired. Unlike the API and snapshots, the accessors show passwords.

// Authorization returns a copy of an authorization.
func (s *Service) Authorization(accountID, id string) (Authorization, bool) {
	var out Authorization
	err := s.change(accountID, id, func(_ *account, a *Authorization) error {
		out = copyAuthorization(a)
		return nil
	})
	return out, err == nil
}

// Authorizations returns copies of an account's authorizations, sorted by ID.
func (s *Service) Authorizations(accountID string) []Authorization {
	now := s.now().UnixMilli()
	s.mu.Lock()
	defer s.mu.Unlock()
	acct := s.accounts[defaultAccount(accountID)]
	if acct == nil {
		return nil
	}
	acct.settle(now)
	out := make([]Authorization, 0, len(acct.auths))
	for _, a := range acct.auths {
		out = append(out, copyAuthorization(a))
	}
	slices.SortFunc(out, byID)
	return out
}

// AddAuthorization files a request as the engineer would, with the checks a fixture gets. It returns the
// stored request: detail IDs given where they were 0, the creation time where it was 0.
func (s *Service) AddAuthorization(accountID string, a Authorization) (Authorization, error) {
	accountID = defaultAccount(accountID)
	if accountID != core.DefaultDomainID { // the fake cloud's one account (core.Tenants.HasAccount)
		return Authorization{}, fmt.Errorf("fakecloud: unknown account %s", accountID)
	}
	now := s.now().UnixMilli()
	s.mu.Lock()
	defer s.mu.Unlock()
	staged := newAccount()
	if err := s.stage(accountID, staged, []Authorization{a}, now); err != nil {
		return Authorization{}, fmt.Errorf("fakecloud: %w", err)
	}
	rec := staged.auths[a.ID]
	s.account(accountID).add(rec)
	return copyAuthorization(rec), nil
}

// Withdraw is the engineer withdrawing a request: pending, authorized or in approval, it becomes withdrawn.
func (s *Service) Withdraw(accountID, id string) error {
	return s.change(accountID, id, func(_ *account, a *Authorization) error {
		if !moveWithdraw.allows(a) {
			return fmt.Errorf("authorization %s is in status %d, which cannot be withdrawn", id, a.Status)
		}
		a.Status = moveWithdraw.to
		return nil
	})
}

// SetStatus puts a request in any status, as the service's own processes do (initializing, approval
// granted or rejected).
func (s *Service) SetStatus(accountID, id string, status int) error {
	if !validStatus(status) {
		return fmt.Errorf("fakecloud: status %d is none of %d to %d", status, StatusInitializing, StatusApprovalRejected)
	}
	return s.change(accountID, id, func(_ *account, a *Authorization) error {
		a.Status = status
		return nil
	})
}

// SetWindow changes the window of an accepted request, in epoch milliseconds (expire 0: no end), as a
// console user changing it would.
func (s *Service) SetWindow(accountID, id string, effective, expire int64) error {
	return s.change(accountID, id, func(_ *account, a *Authorization) error {
		a.AuthEffectiveTime, a.AuthExpireTime = effective, expire
		return nil
	})
}

// RemoveAuthorization deletes a request behind the provider's back; the API then answers it does not exist.
func (s *Service) RemoveAuthorization(accountID, id string) error {
	return s.change(accountID, id, func(acct *account, _ *Authorization) error {
		acct.remove(id)
		return nil
	})
}

// change runs f on an authorization brought up to the clock.
func (s *Service) change(accountID, id string, f func(*account, *Authorization) error) error {
	accountID = defaultAccount(accountID)
	now := s.now().UnixMilli()
	s.mu.Lock()
	defer s.mu.Unlock()
	acct := s.accounts[accountID]
	var a *Authorization
	if acct != nil {
		a = acct.auths[id]
	}
	if a == nil {
		return fmt.Errorf("fakecloud: unknown authorization %s in account %s", id, accountID)
	}
	a.settle(now)
	if err := f(acct, a); err != nil {
		return fmt.Errorf("fakecloud: %w", err)
	}
	return nil
}

// adminWithdraw is POST /_fakecloud/osm/authorizations/{authorization_id}/withdraw[?account_id=]: Withdraw
// for scripts driving a standalone server.
func (s *Service) adminWithdraw(r *http.Request) error {
	return s.Withdraw(r.URL.Query().Get("account_id"), r.PathValue("authorization_id"))
}
