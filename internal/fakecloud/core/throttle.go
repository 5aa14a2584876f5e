package core

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Throttling, as the clouds' API front door does it: a policy allows Limit requests per Window to each caller
// it counts by, and answers the rest 429 APIGW.0308, naming the policy, its limit and its window, without
// Retry-After.
//
// Choices where the clouds do not document the behaviour, kept here:
//   - Windows are fixed and aligned to the clock (a 1-minute window is a minute of the clock), as "limit:100,
//     time:1 minute" reads; only admitted requests count, so a caller that keeps knocking gets in again when the
//     next window starts.
//   - The user policy counts a request by the credential it carries: the access key of a signed request, the IAM
//     user of a token the fake issued at a login (logging in again does not reset the count), the token itself for
//     the pre-issued ones. A request without any (the IAM login POST /v3/auth/tokens, which carries the password in
//     its body) is counted by the IP policy only: a front door cannot tell whose it is before IAM has answered.
//   - The IP policy counts every cloud API request by its source address, IAM calls included.
//   - The admin endpoints (/_fakecloud/) are not the cloud's: no policy counts or refuses them.
//   - The policies count at arrival, before -latency holds the request; a refused request is answered after the
//     latency like any other, and logged with its 429.

// Throttle is one throttling policy: at most Limit requests per Window for each caller it counts by.
type Throttle struct {
	Limit  int           `json:"limit"`
	Window time.Duration `json:"window"`
}

// Throttles are the policies of a server; a zero Throttle is no policy.
type Throttles struct {
	User Throttle `json:"user,omitzero"` // per credential
	IP   Throttle `json:"ip,omitzero"`   // per source address
}

func (t Throttle) IsZero() bool { return t.Limit == 0 }

// ParseThrottle reads a policy written N/WINDOW, e.g. 20/1s or 600/1m: N requests per WINDOW, a whole number of
// seconds (1s, 1m, 1h; the unit may be left out of a single one: 20/s, 600/m).
func ParseThrottle(s string) (Throttle, error) {
	n, w, ok := strings.Cut(strings.TrimSpace(s), "/")
	limit, err := strconv.Atoi(n)
	if !ok || err != nil || limit < 1 {
		return Throttle{}, fmt.Errorf("throttle %q: want N/WINDOW with N a positive number, e.g. 20/1s or 600/1m", s)
	}
	if w == "s" || w == "m" || w == "h" {
		w = "1" + w
	}
	window, err := time.ParseDuration(w)
	if err != nil || window < time.Second || window%time.Second != 0 {
		return Throttle{}, fmt.Errorf("throttle %q: the window must be a whole number of seconds, e.g. 1s, 10s, 1m", s)
	}
	return Throttle{Limit: limit, Window: window}, nil
}

// String is the N/WINDOW form ParseThrottle reads.
func (t Throttle) String() string {
	if t.IsZero() {
		return ""
	}
	w := fmt.Sprintf("%ds", t.Window/time.Second)
	switch {
	case t.Window%time.Hour == 0:
		w = fmt.Sprintf("%dh", t.Window/time.Hour)
	case t.Window%time.Minute == 0:
		w = fmt.Sprintf("%dm", t.Window/time.Minute)
	}
	return fmt.Sprintf("%d/%s", t.Limit, w)
}

func (t Throttle) check() error {
	switch {
	case t.IsZero():
		return nil
	case t.Limit < 0:
		return fmt.Errorf("fakecloud: throttle limit %d is negative", t.Limit)
	case t.Window < time.Second || t.Window%time.Second != 0:
		return fmt.Errorf("fakecloud: throttle window %s is not a whole number of seconds", t.Window)
	}
	return nil
}

// windowText renders the window as the front door's message does: "1 second", "10 seconds", "1 minute".
func windowText(w time.Duration) string {
	unit, n := "second", int64(w/time.Second)
	switch {
	case w%time.Hour == 0:
		unit, n = "hour", int64(w/time.Hour)
	case w%time.Minute == 0:
		unit, n = "minute", int64(w/time.Minute)
	}
	if n != 1 {
		unit += "s"
	}
	return fmt.Sprintf("%d %s", n, unit)
}

// The policy names in the front door's message.
const (
	policyUser = "user"
	policyIP   = "ip"
)

// throttler counts the requests of the current window per policy and caller.
type throttler struct {
	mu       sync.Mutex
	policies Throttles
	counts   map[string]*windowCount // policy + "\x00" + caller
}

type windowCount struct {
	start time.Time
	n     int
}

// SetThrottles replaces the server's throttling policies (zero Throttles: none) and forgets the counts so far.
func (s *Server) SetThrottles(t Throttles) error {
	if err := errors.Join(t.User.check(), t.IP.check()); err != nil {
		return err
	}
	s.throttle.mu.Lock()
	defer s.throttle.mu.Unlock()
	s.throttle.policies, s.throttle.counts = t, nil
	return nil
}

// Throttles returns the policies in force.
func (s *Server) Throttles() Throttles {
	s.throttle.mu.Lock()
	defer s.throttle.mu.Unlock()
	return s.throttle.policies
}

// throttled counts r against every policy that applies to it and returns the answer of the first policy it is
// over, or nil when it may go on (and counts it then, in every policy).
func (s *Server) throttled(r *http.Request) *Error {
	t := &s.throttle
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.policies.User.IsZero() && t.policies.IP.IsZero() {
		return nil
	}
	type hit struct {
		name   string
		policy Throttle
		key    string
	}
	var hits []hit
	if p := t.policies.User; !p.IsZero() {
		if who := s.credentialOf(r); who != "" {
			hits = append(hits, hit{policyUser, p, policyUser + "\x00" + who})
		}
	}
	if p := t.policies.IP; !p.IsZero() {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		hits = append(hits, hit{policyIP, p, policyIP + "\x00" + host})
	}
	now := s.opts.Now()
	if t.counts == nil {
		t.counts = map[string]*windowCount{}
	}
	for _, h := range hits {
		start := now.Truncate(h.policy.Window)
		c := t.counts[h.key]
		if c == nil || !c.start.Equal(start) {
			c = &windowCount{start: start}
			t.counts[h.key] = c
		}
		if c.n >= h.policy.Limit {
			return errThrottled.With(h.name, h.policy.Limit, windowText(h.policy.Window))
		}
	}
	for _, h := range hits {
		t.counts[h.key].n++
	}
	return nil
}

// credentialOf names the credential a request carries for the user policy, "" when it carries none. It only
// reads headers: whether the credential is valid is the service's to say, after the front door let it through.
func (s *Server) credentialOf(r *http.Request) string {
	if tok := r.Header.Get("X-Auth-Token"); tok != "" {
		s.mu.Lock()
		t, known := s.id.tokens[tok]
		s.mu.Unlock()
		if known && t.user != "" {
			return "iam-user:" + t.user
		}
		return "token:" + tok
	}
	if auth := r.Header.Get("Authorization"); auth != "" {
		if _, rest, ok := strings.Cut(auth, "Access="); ok {
			ak, _, _ := strings.Cut(rest, ",")
			return "access-key:" + strings.TrimSpace(ak)
		}
		return "authorization:" + auth
	}
	return ""
}
