package cloud

import (
	"container/heap"
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// The pacer against a model of the front door, in simulated time: no clock is read and nothing sleeps, so the
// figures are the same on any machine. The front door counts fixed windows of the clock, as the fake cloud's
// (internal/fakecloud/core/throttle.go); Terraform's ten workers each send a request, wait for its answer
// (a 50 ms round trip) and send the next, retrying a 429 at once (no backoff: the worst case for a storm).

type simDoor struct {
	limit  int
	window time.Duration
	named  bool // the 429's message names the policy
	counts map[time.Time]int
	// foreign takes this many requests of every window before ours, until foreignUntil: another client
	// sharing the quota.
	foreign      int
	foreignUntil time.Time
}

func (d *simDoor) admit(at time.Time) (int, *APIError) {
	start := at.Truncate(d.window)
	if d.counts == nil {
		d.counts = map[time.Time]int{}
	}
	if _, seen := d.counts[start]; !seen && at.Before(d.foreignUntil) {
		d.counts[start] = d.foreign
	}
	if d.counts[start] >= d.limit {
		return d.refuse()
	}
	d.counts[start]++
	return http.StatusOK, nil
}

// refuse is the 429 of the policy; a policy of a window longer than a second is the address's.
func (d *simDoor) refuse() (int, *APIError) {
	msg := "Too many requests"
	if d.named {
		name := "user"
		if d.window > time.Second {
			name = "ip"
		}
		msg = fmt.Sprintf("The throttling threshold has been reached: policy %s over ratelimit,limit:%d,time:%s", name, d.limit, windowWords(d.window))
	}
	return http.StatusTooManyRequests, &APIError{StatusCode: http.StatusTooManyRequests, Code: "APIGW.0308", Message: msg}
}

func windowWords(w time.Duration) string {
	if w%time.Minute == 0 {
		return fmt.Sprintf("%d minute", w/time.Minute)
	}
	return fmt.Sprintf("%d second", w/time.Second)
}

type simEvent struct {
	at     time.Time
	worker int
	t      *ticket // nil: book; else: leave (when ready) or, with answered, take the answer
	status int
	err    *APIError
}

type simQueue []simEvent

func (q simQueue) Len() int           { return len(q) }
func (q simQueue) Less(i, j int) bool { return q[i].at.Before(q[j].at) }
func (q simQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *simQueue) Push(x any)        { *q = append(*q, x.(simEvent)) }
func (q *simQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// simResult is what the front door saw of our requests, per window.
type simResult struct {
	admitted, throttled []int // per window of the front door
}

func (r simResult) sum(from, to int, of []int) int {
	n := 0
	for i := from; i < to && i < len(of); i++ {
		n += of[i]
	}
	return n
}

const (
	simWorkers = 10
	simRTT     = 50 * time.Millisecond
	simToDoor  = time.Millisecond // from leaving to being counted
)

// frontDoor answers a request arriving at a time.
type frontDoor interface {
	admit(at time.Time) (int, *APIError)
}

func simulate(p *pacer, door frontDoor, start time.Time, windows int) simResult {
	window := time.Second
	if d, ok := door.(*simDoor); ok {
		window = d.window
	}
	res := simResult{admitted: make([]int, windows), throttled: make([]int, windows)}
	end := start.Add(time.Duration(windows) * window)
	q := &simQueue{}
	for w := range simWorkers {
		heap.Push(q, simEvent{at: start, worker: w})
	}
	ctx := context.Background()
	for q.Len() > 0 {
		e := heap.Pop(q).(simEvent)
		if !e.at.Before(end) {
			continue
		}
		switch {
		case e.t == nil: // book
			t := p.reserve(e.at)
			heap.Push(q, simEvent{at: t.at, worker: e.worker, t: t})
		case e.status == 0: // booked time reached
			if !p.ready(e.t, e.at) {
				heap.Push(q, simEvent{at: e.at, worker: e.worker})
				continue
			}
			arrival := e.at.Add(simToDoor)
			status, apiErr := door.admit(arrival)
			i := int(arrival.Sub(start) / window)
			if i < windows {
				if status == http.StatusOK {
					res.admitted[i]++
				} else {
					res.throttled[i]++
				}
			}
			heap.Push(q, simEvent{at: e.at.Add(simRTT), worker: e.worker, t: e.t, status: status, err: apiErr})
		default: // answered: observe, then the next request (or the same again)
			p.observe(ctx, e.t, e.at, e.status, e.err)
			heap.Push(q, simEvent{at: e.at, worker: e.worker})
		}
	}
	return res
}

// simStart is a moment half-way into a window of the clock, so our windows and the front door's differ.
var simStart = time.Date(2026, 1, 1, 12, 0, 0, 500_000_000, time.UTC)

// TestPacerConvergesFromAbove: ten unpaced workers meet a policy of 20 requests per second whose answers name
// it. After the first window's 429s, which teach it, the pacer keeps to the policy: no more 429s, and within
// 5 % of its rate.
func TestPacerConvergesFromAbove(t *testing.T) {
	t.Parallel()
	for _, window := range []time.Duration{time.Second, time.Minute} {
		t.Run(window.String(), func(t *testing.T) {
			t.Parallel()
			door := &simDoor{limit: 20, window: window, named: true}
			p := newPacer("sim", 0, nil)
			r := simulate(p, door, simStart, 40)
			if n := r.sum(0, 2, r.throttled); n > 2*simWorkers {
				t.Errorf("%d 429s while learning the policy, want at most %d (one round of the workers)", n, 2*simWorkers)
			}
			if n := r.sum(2, 40, r.throttled); n > 0 {
				t.Errorf("%d 429s once the policy was known, want none", n)
			}
			if got, want := r.sum(2, 40, r.admitted), 38*20; float64(got) < 0.95*float64(want) {
				t.Errorf("%d requests admitted in windows 2-39, want at least 95%% of the policy's %d", got, want)
			}
		})
	}
}

// TestPacerConvergesFromBelow: while another client takes half of every window, the pacer learns to use
// less of the policy; once it stops, the pacer climbs back to the policy's rate, with few 429s on the way.
func TestPacerConvergesFromBelow(t *testing.T) {
	t.Parallel()
	door := &simDoor{limit: 20, window: time.Second, named: true, foreign: 10, foreignUntil: simStart.Add(10 * time.Second)}
	p := newPacer("sim", 0, nil)
	r := simulate(p, door, simStart, 60)
	admitted, throttled := r.sum(0, 60, r.admitted), r.sum(0, 60, r.throttled)
	if share := float64(throttled) / float64(admitted+throttled); share > 0.05 {
		t.Errorf("%d of %d requests answered 429 (%.0f%%), want at most 5%%", throttled, admitted+throttled, 100*share)
	}
	if n := r.sum(30, 60, r.throttled); n > 2 {
		t.Errorf("%d 429s in the last 30 windows, want at most 2", n)
	}
	if got := r.sum(50, 60, r.admitted); got < 190 {
		t.Errorf("%d requests admitted in the last 10 windows, want at least 190 of 200: the pacer did not climb back", got)
	}
	if ps := p.policy("user"); ps == nil || ps.allowed < 19 {
		t.Errorf("the pacer keeps to %+v, want 19 or 20 of the policy's 20", ps)
	}
}

// TestPacerKeepsToTwoPolicies: a policy per user and a tighter one per address, each named by its own 429s:
// the pacer keeps to both, the tighter one binding, with no 429 once both are known.
func TestPacerKeepsToTwoPolicies(t *testing.T) {
	t.Parallel()
	user := &simDoor{limit: 30, window: time.Second, named: true}
	ip := &simDoor{limit: 40, window: 2 * time.Second, named: true}
	p := newPacer("sim", 0, nil)
	r := simulate(p, &twoDoors{user, ip}, simStart, 40)
	if n := r.sum(6, 40, r.throttled); n > 0 {
		t.Errorf("%d 429s once both policies were known, want none", n)
	}
	// The address's 40 per 2 s binds: 20 per second.
	if got := r.sum(6, 40, r.admitted); got < 34*20*95/100 || got > 34*20 {
		t.Errorf("%d requests admitted in 34 s, want 95 to 100%% of the address policy's 680", got)
	}
}

// twoDoors is a front door with two policies: a request counts against both, refused by the first it is over.
type twoDoors [2]*simDoor

func (d *twoDoors) admit(at time.Time) (int, *APIError) {
	for _, door := range d {
		start := at.Truncate(door.window)
		if door.counts == nil {
			door.counts = map[time.Time]int{}
		}
		if door.counts[start] >= door.limit {
			return door.refuse()
		}
	}
	for _, door := range d {
		door.counts[at.Truncate(door.window)]++
	}
	return http.StatusOK, nil
}

// TestPacerAdaptsWithoutAPolicy: answers that name no policy slow the pacer down when they come in runs and
// let it speed up again: from above (unpaced) and from below (an earlier slow-down far under the policy), it
// settles between half the policy's rate and the policy's rate, with few 429s.
func TestPacerAdaptsWithoutAPolicy(t *testing.T) {
	t.Parallel()
	for name, startRate := range map[string]rate.Limit{"from above": rate.Inf, "from below": 1} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			door := &simDoor{limit: 20, window: time.Second}
			p := newPacer("sim", 0, nil)
			p.limiter.SetLimitAt(simStart, startRate)
			p.changed = simStart
			r := simulate(p, door, simStart, 120)
			admitted, throttled := r.sum(20, 120, r.admitted), r.sum(20, 120, r.throttled)
			if share := float64(throttled) / float64(admitted+throttled); share > 0.1 {
				t.Errorf("%d of %d requests answered 429 after 20 s (%.0f%%), want at most 10%%", throttled, admitted+throttled, 100*share)
			}
			if perSecond := float64(admitted) / 100; perSecond < 10 || perSecond > 20 {
				t.Errorf("%.1f requests per second admitted after 20 s, want between half the policy's rate and its rate (10 to 20)", perSecond)
			}
		})
	}
}

// TestPacerKeepsToTheConfiguredRate: requests_per_second below the policy: not a single 429.
func TestPacerKeepsToTheConfiguredRate(t *testing.T) {
	t.Parallel()
	door := &simDoor{limit: 20, window: time.Second, named: true}
	p := newPacer("sim", 15, nil)
	r := simulate(p, door, simStart, 20)
	if n := r.sum(0, 20, r.throttled); n > 0 {
		t.Errorf("%d 429s under a configured rate below the policy", n)
	}
	if got := r.sum(1, 20, r.admitted); got < 19*15-2 || got > 19*15+2 {
		t.Errorf("%d requests admitted in 19 s at 15 per second", got)
	}
}

func TestParsePolicy(t *testing.T) {
	t.Parallel()
	for msg, want := range map[string]throttlePolicy{
		"The throttling threshold has been reached: policy user over ratelimit,limit:100,time:1 minute": {"user", 100, time.Minute},
		"The throttling threshold has been reached: policy ip over ratelimit,limit:20,time:1 second":    {"ip", 20, time.Second},
		"The throttling threshold has been reached: policy api over ratelimit,limit:5,time:10 seconds":  {"api", 5, 10 * time.Second},
		"policy app over ratelimit,limit:3000,time:1 hour":                                              {"app", 3000, time.Hour},
		"limit:7,time:2 min": {"unnamed", 7, 2 * time.Minute},
	} {
		if got, ok := parsePolicy(msg); !ok || got != want {
			t.Errorf("parsePolicy(%q) = %v, %v; want %v", msg, got, ok, want)
		}
	}
	for _, msg := range []string{"", "The throttling threshold has been reached", "limit:0,time:1 second", "limit:5,time:1 fortnight"} {
		if got, ok := parsePolicy(msg); ok {
			t.Errorf("parsePolicy(%q) = %v, want none", msg, got)
		}
	}
}
