package cloud

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/time/rate"
)

// The clouds' API front door limits each credential (and each source address) to a number of requests per
// window and answers the rest 429, e.g. APIGW.0308 "The throttling threshold has been reached: policy user over
// ratelimit,limit:100,time:1 minute", without Retry-After. Terraform runs ten operations at once; backing off
// per request, they would keep running into the limit together. So every request to an endpoint goes through
// the one pacer of that endpoint (the client holds one credential), which every resource shares, and which
// holds requests instead of sending them into a 429:
//
//   - A throttling answer that names its policy teaches it: from then on no more than its limit of requests
//     leave in any span of its window (plus a margin for the way to the front door), counting those sent just
//     before. A window log does that, not a token bucket: a bucket's burst comes on top of its rate, and a
//     policy counts the burst. A 429 of that policy all the same (another client shares the quota) lowers the
//     share of the limit used by a tenth; each window without one raises it back by one request. Policies of
//     other names (per user, per source address) are kept beside it, each one's limit kept to.
//   - A throttling answer that names none slows the pace (a token bucket, golang.org/x/time/rate) to 0.7 of
//     the rate requests were leaving at, once 429s come in runs (a policy refuses everything over its limit;
//     a lone 429 is only retried), and every second without one speeds it up by a quarter again.
//   - requests_per_second, when configured, caps the pace from the first request on.
//
// A request held back or answered 429 is retried (retry.go) until its operation's deadline: throttling
// makes an operation slower, and fails it only when its time is up, with the cloud's answer.
type pacer struct {
	endpoint string
	now      func() time.Time

	mu sync.Mutex
	// ceiling is the configured rate, rate.Inf when none; limiter paces at it, or lower while throttling
	// answers without a policy come in runs. Its burst is 1: it spaces requests.
	ceiling rate.Limit
	limiter *rate.Limiter
	// policies are those throttling answers named, one per name.
	policies []*policyState
	// sent are the times requests left or are booked to leave, oldest first: what counts against a policy.
	sent []time.Time
	// epoch counts slow-downs: a request booked before one is booked again, and its 429 is not news.
	epoch int
	// changed is when the pace last changed; recent are the last answers, true for a 429.
	changed time.Time
	recent  [8]bool
	next    int
	// last is the last throttling answer, for the error of a request held back until its deadline.
	last *APIError
}

// policyState is a policy the pacer keeps to: allowed is the share of its limit used now, changed when that
// last changed.
type policyState struct {
	throttlePolicy
	allowed int
	changed time.Time
}

// span is how far apart a request and the allowed-th after it must leave.
func (ps *policyState) span() time.Duration {
	return ps.Window + max(minMargin, time.Duration(float64(ps.Window)*windowMargin))
}

// throttlePolicy is what a throttling answer says: Name (user, ip) allows Limit requests per Window.
type throttlePolicy struct {
	Name   string
	Limit  int
	Window time.Duration
}

func (p throttlePolicy) String() string {
	return fmt.Sprintf("policy %s: %d requests per %s", p.Name, p.Limit, p.Window)
}

// policyPattern finds the policy in a throttling answer's message: "policy user over ratelimit,limit:100,time:1
// minute" (the unit also as s, sec, min, h, plural or not).
var policyPattern = regexp.MustCompile(`(?i)(?:policy\s+(\S+)\s+over\s+ratelimit\s*,\s*)?limit\s*:\s*(\d+)\s*,\s*time\s*:\s*(\d+)\s*([a-z]+)`)

// parsePolicy reads the policy a throttling message names; ok is false when it names none.
func parsePolicy(msg string) (throttlePolicy, bool) {
	m := policyPattern.FindStringSubmatch(msg)
	if m == nil {
		return throttlePolicy{}, false
	}
	limit, err1 := strconv.Atoi(m[2])
	n, err2 := strconv.Atoi(m[3])
	if err1 != nil || err2 != nil || limit < 1 || n < 1 {
		return throttlePolicy{}, false
	}
	var unit time.Duration
	switch u := m[4]; {
	case u == "ms" || u == "millisecond" || u == "milliseconds":
		unit = time.Millisecond
	case u[0] == 's' || u[0] == 'S':
		unit = time.Second
	case u[0] == 'm' || u[0] == 'M':
		unit = time.Minute
	case u[0] == 'h' || u[0] == 'H':
		unit = time.Hour
	case u[0] == 'd' || u[0] == 'D':
		unit = 24 * time.Hour
	default:
		return throttlePolicy{}, false
	}
	name := m[1]
	if name == "" {
		name = "unnamed"
	}
	return throttlePolicy{Name: name, Limit: limit, Window: time.Duration(n) * unit}, true
}

// Tuning of the pacer; see pacer.
const (
	// windowMargin is the share of a policy's window added to it, for the time a request takes from leaving
	// to being counted by the front door.
	windowMargin = 0.02
	minMargin    = 10 * time.Millisecond
	// keepSent bounds the log of send times: what a policy of the longest window needs.
	keepSentFor = time.Hour
	keepSentMax = 4096
	// slowDown and speedUp are the steps of the pace when the answers name no policy; a slow-down needs
	// runOf of the last len(recent) answers to be 429s.
	slowDown = 0.7
	speedUp  = 1.25
	runOf    = 2
	minRate  = 0.1 // requests per second; the pace never stops
)

// newPacer returns the pacer of one endpoint; perSecond caps its pace when positive.
func newPacer(endpoint string, perSecond float64, now func() time.Time) *pacer {
	ceiling := rate.Inf
	if perSecond > 0 {
		ceiling = rate.Limit(perSecond)
	}
	return &pacer{endpoint: endpoint, now: now, ceiling: ceiling, limiter: rate.NewLimiter(ceiling, 1)}
}

// ticket is one request's booking with the pacer.
type ticket struct {
	at    time.Time
	epoch int
	res   *rate.Reservation
}

// reserve books the earliest time a request may leave at or after now.
func (p *pacer) reserve(now time.Time) *ticket {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.prune(now)
	at := now
	for _, ps := range p.policies {
		if len(p.sent) >= ps.allowed {
			at = later(at, p.sent[len(p.sent)-ps.allowed].Add(ps.span()))
		}
	}
	res := p.limiter.ReserveN(at, 1)
	at = at.Add(res.DelayFrom(at))
	i, _ := slices.BinarySearchFunc(p.sent, at, func(a, b time.Time) int { return a.Compare(b) })
	p.sent = slices.Insert(p.sent, i, at)
	return &ticket{at: at, epoch: p.epoch, res: res}
}

// policy returns the state of the policy named name, nil when none is known.
func (p *pacer) policy(name string) *policyState {
	for _, ps := range p.policies {
		if ps.Name == name {
			return ps
		}
	}
	return nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// prune forgets send times no policy can count any more.
func (p *pacer) prune(now time.Time) {
	cut := 0
	for cut < len(p.sent) && (now.Sub(p.sent[cut]) > keepSentFor || len(p.sent)-cut > keepSentMax) {
		cut++
	}
	p.sent = p.sent[cut:]
}

// ready tells whether a request may leave at its booked time: not when the pace slowed down since it was
// booked, in which case its booking is dropped and it books again.
func (p *pacer) ready(t *ticket, now time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if t.epoch == p.epoch {
		return true
	}
	p.unbook(t, now)
	return false
}

// cancel drops the booking of a request that will not leave.
func (p *pacer) cancel(t *ticket, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.unbook(t, now)
}

func (p *pacer) unbook(t *ticket, now time.Time) {
	if i := slices.IndexFunc(p.sent, t.at.Equal); i >= 0 {
		p.sent = slices.Delete(p.sent, i, i+1)
	}
	t.res.CancelAt(now)
}

// observe learns from the answer to a request that left with ticket t: status is its HTTP status (0 when
// none came), apiErr its decoded error answer.
func (p *pacer) observe(ctx context.Context, t *ticket, now time.Time, status int, apiErr *APIError) {
	p.mu.Lock()
	defer p.mu.Unlock()
	throttled := status == http.StatusTooManyRequests
	p.recent[p.next] = throttled
	p.next = (p.next + 1) % len(p.recent)
	if !throttled {
		p.speedUp(ctx, now)
		return
	}
	p.last = apiErr
	// The front door did not count a refused request.
	if i := slices.IndexFunc(p.sent, t.at.Equal); i >= 0 {
		p.sent = slices.Delete(p.sent, i, i+1)
	}
	msg := ""
	if apiErr != nil {
		msg = apiErr.Message
	}
	named, ok := parsePolicy(msg)
	ps := p.policy(named.Name)
	switch {
	case ok && (ps == nil || ps.throttlePolicy != named):
		if ps == nil {
			ps = &policyState{}
			p.policies = append(p.policies, ps)
		}
		*ps = policyState{throttlePolicy: named, allowed: named.Limit, changed: now}
		p.slowed(now)
		tflog.Info(ctx, "the cloud throttles: pacing its requests to its policy", map[string]any{"endpoint": p.endpoint, "policy": named.String()})
	case t.epoch != p.epoch:
		// Booked before the last slow-down: the pace since then has not been tried yet.
	case ok:
		// Within our count of the policy, refused all the same: someone else shares the quota.
		ps.allowed = max(1, ps.allowed-max(1, ps.allowed/10))
		ps.changed = now
		p.slowed(now)
		tflog.Info(ctx, "the cloud throttles within its policy: using less of it", map[string]any{"endpoint": p.endpoint, "policy": named.String(), "allowed": ps.allowed})
	case p.throttledRun():
		r := min(p.limiter.Limit(), p.recentRate(now)) * slowDown
		p.limiter.SetLimitAt(now, max(r, minRate))
		p.slowed(now)
		tflog.Info(ctx, "the cloud throttles without naming a policy: slowing down", map[string]any{"endpoint": p.endpoint, "requests_per_second": float64(p.limiter.Limit())})
	}
}

func (p *pacer) slowed(now time.Time) {
	p.epoch++
	p.changed = now
}

// speedUp raises the share of each policy used after a window of it without a 429, and the pace without a
// policy after a second.
func (p *pacer) speedUp(ctx context.Context, now time.Time) {
	for _, ps := range p.policies {
		if ps.allowed < ps.Limit && now.Sub(ps.changed) >= ps.span() {
			ps.allowed++
			ps.changed = now
		}
	}
	if p.limiter.Limit() < p.ceiling && now.Sub(p.changed) >= time.Second {
		r := p.limiter.Limit() * speedUp
		if r >= p.ceiling || r > 1e6 {
			r = p.ceiling
		}
		p.limiter.SetLimitAt(now, r)
		p.changed = now
		tflog.Debug(ctx, "no throttling for a second: speeding up", map[string]any{"endpoint": p.endpoint, "requests_per_second": float64(r)})
	}
}

// throttledRun reports whether 429s come in a run: runOf of the last answers.
func (p *pacer) throttledRun() bool {
	n := 0
	for _, t := range p.recent {
		if t {
			n++
		}
	}
	return n >= runOf
}

// recentRate is how many requests per second left over the last second (at least one).
func (p *pacer) recentRate(now time.Time) rate.Limit {
	n := 0
	for _, at := range p.sent {
		if !at.After(now) && now.Sub(at) <= time.Second {
			n++
		}
	}
	return rate.Limit(max(n, 1))
}

// lastThrottle is the last throttling answer, nil when none came.
func (p *pacer) lastThrottle() *APIError {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last
}

// wait holds the caller until its request may leave, or ctx ends.
func (p *pacer) wait(ctx context.Context) (*ticket, error) {
	for {
		t := p.reserve(p.now())
		if d := t.at.Sub(p.now()); d > 0 {
			timer := time.NewTimer(d)
			select {
			case <-timer.C:
			case <-ctx.Done():
				timer.Stop()
				p.cancel(t, p.now())
				return nil, context.Cause(ctx)
			}
		}
		if p.ready(t, p.now()) {
			return t, nil
		}
	}
}

// pacers are a client's pacers, one per endpoint.
type pacers struct {
	perSecond float64
	mu        sync.Mutex
	byURL     map[string]*pacer
}

func (ps *pacers) of(endpoint string) *pacer {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if p, ok := ps.byURL[endpoint]; ok {
		return p
	}
	if ps.byURL == nil {
		ps.byURL = map[string]*pacer{}
	}
	p := newPacer(endpoint, ps.perSecond, time.Now)
	ps.byURL[endpoint] = p
	return p
}

// pacingTransport sends every attempt of a call through its endpoint's pacer and tells the pacer the answer.
type pacingTransport struct{ next http.RoundTripper }

func (t pacingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	info, _ := ctx.Value(callKey{}).(callInfo)
	p := info.pacer
	if p == nil {
		return t.next.RoundTrip(req)
	}
	tk, err := p.wait(ctx)
	if err != nil {
		// Held back until the call's time was up: its error tells what the cloud said when it throttled.
		if info.last != nil && info.last.get() == nil {
			if last := p.lastThrottle(); last != nil {
				info.last.set(last)
			}
		}
		return nil, err
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		p.observe(ctx, tk, p.now(), 0, nil)
		return nil, err
	}
	var apiErr *APIError
	if resp.StatusCode == http.StatusTooManyRequests {
		data, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(data))
		apiErr = decodeError(resp.StatusCode, resp.Header, data)
	}
	p.observe(ctx, tk, p.now(), resp.StatusCode, apiErr)
	return resp, nil
}
