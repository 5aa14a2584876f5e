// Package osm is the fake cloud's service tickets (OSM): the authorization requests support engineers file,
// which the tenant accepts, rejects or cancels, with their routes, state, error table, quirks and fixture section.
package osm

import (
	"sync"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

// Options configure the service tickets; the zero value answers in the SDK's shapes.
type Options struct {
	// EpochTimes answers the list's and the detail's times as epoch milliseconds instead of date-time strings
	// (the quirk osm-epoch-times).
	EpochTimes bool
}

// Service is the service tickets plugged into the fake cloud's core (core.Service). It is safe for concurrent
// use.
type Service struct {
	opts Options
	now  func() time.Time

	mu sync.Mutex // guards everything below; every call holds it from decoding its body to encoding its answer
	// accounts holds the authorizations of each account by ID; an account is added on its first call and left
	// out of snapshots while it holds nothing.
	accounts map[string]*account
	// nextDetailID is the next authorization detail ID to hand out; detail IDs are never reused.
	nextDetailID int64
}

// New returns the service holding nothing; now is the service clock (core.Server.Now), which also decides
// when an authorization expires.
func New(opts Options, now func() time.Time) *Service {
	return &Service{opts: opts, now: now, accounts: map[string]*account{}, nextDetailID: firstDetailID}
}

func (s *Service) Name() string               { return "osm" }
func (s *Service) Scope() core.Scope          { return core.ScopeAccount }
func (s *Service) Errors() core.ServiceErrors { return serviceErrors }

// LoggedHeaders implements core.HeaderLogger: the optional headers every call takes show in the request log.
func (s *Service) LoggedHeaders() []string {
	return []string{headerSite, headerLanguage, headerTimeZone}
}

const basePath = "/v2/servicerequest/authorizations"

// Routes registers the calls, claims their path family so that an unknown call there answers in OSM's
// codes, and adds the admin endpoint through which a script plays the engineer withdrawing a request.
func (s *Service) Routes(r *core.Routes) {
	// Only the calls' own subtree: a wider claim such as /v2/servicerequest/ would overlap the project-scoped
	// /v2/{project_id}/... paths of the gateways, which the router refuses.
	r.Claim(basePath + "/")
	r.Claim(basePath)
	handle := func(method, path string, h handler) { r.Handle(method, basePath+path, s.enter(h)) }
	handle("GET", "", listAuthorizations)
	handle("GET", "/{authorization_id}", showAuthorization)
	handle("PUT", "/{authorization_id}", acceptAuthorization)
	handle("PUT", "/{authorization_id}/action", actOnAuthorization)
	handle("POST", "/authorization-details/{authorization_detail_id}/verify-host", verifyHost)
	r.Admin("POST", s.Name()+"/authorizations/{authorization_id}/withdraw", s.adminWithdraw)
}

// call is one OSM request: the core has authenticated the caller and allowed it in the account.
type call struct {
	*core.Call
	acct  *account
	now   int64      // the service clock in epoch milliseconds, the unit of the API's times
	times timeFormat // how the answer writes times
}

// handler is the shape of every OSM call: it decodes, validates, changes state and says what to answer,
// holding Service.mu throughout.
type handler func(c *call) (core.Reply, *core.Error)

// enter checks the optional headers, brings every authorization of the account up to the clock (expiry) and
// runs h.
func (s *Service) enter(h handler) core.Handler {
	return func(c *core.Call) (core.Reply, *core.Error) {
		zone, err := validateHeaders(c)
		if err != nil {
			return core.Fail(err)
		}
		now := s.now().UnixMilli()
		s.mu.Lock()
		defer s.mu.Unlock()
		acct := s.account(c.AccountID)
		acct.settle(now)
		return h(&call{Call: c, acct: acct, now: now, times: timeFormat{epoch: s.opts.EpochTimes, zone: zone}})
	}
}

// account returns an account's state, adding it empty on first use; s.mu must be held.
func (s *Service) account(id string) *account {
	a := s.accounts[id]
	if a == nil {
		a = newAccount()
		s.accounts[id] = a
	}
	return a
}
