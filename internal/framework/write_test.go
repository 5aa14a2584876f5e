package framework_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/cloud/pacing"
	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
)

// record is the result type of the fake write: an item's key, its record ID and what the answer said of it.
type record struct{ Key, ID, Status string }

// store is a fake cloud holding records by key. It counts what the write asks of it, and remembers which
// records the write made, so that a test can check that none is made twice or left unreported.
type store struct {
	mu        sync.Mutex
	records   map[string]string // key → record ID
	made      map[string]int    // key → how often a call of the write created it
	sends     [][]string
	lists     int
	completed []string
}

func newStore(existing ...string) *store {
	s := &store{records: map[string]string{}, made: map[string]int{}}
	for _, k := range existing {
		s.records[k] = "old-" + k
	}
	return s
}

// create makes the record of k unless it exists, as the cloud does, and answers the item.
func (s *store) create(k string) record {
	if id, ok := s.records[k]; ok {
		return record{Key: k, ID: id, Status: "skipped"}
	}
	s.made[k]++
	s.records[k] = fmt.Sprintf("new-%s-%d", k, s.made[k])
	return record{Key: k, ID: s.records[k], Status: "made"}
}

func (s *store) createAll(keys []string) []record {
	var out []record
	for _, k := range keys {
		out = append(out, s.create(k))
	}
	return out
}

var (
	errLost    = &cloud.APIError{StatusCode: 500, Code: "SYS.0500", Message: "lost"}        // may have been applied
	errBad     = &cloud.APIError{StatusCode: 400, Code: "SYS.0400", Message: "bad request"} // not applied
	errExists  = &cloud.APIError{StatusCode: 409, Code: "SYS.0409", Message: "some exist"}  // refused because some exist
	errListing = errors.New("listing failed")
)

// sendFunc is one case's cloud: what call n (from 0) of the write does with keys.
type sendFunc func(s *store, n int, keys []string) ([]record, error)

// listFunc is what list call n (from 0) answers; nil lists what the store holds.
type listFunc func(s *store, n int) (map[string]record, error)

// answer makes what does not exist and answers every item.
func answer(s *store, _ int, keys []string) ([]record, error) { return s.createAll(keys), nil }

// then answers the first call with first and every later one with later.
func then(first, later sendFunc) sendFunc {
	return func(s *store, n int, keys []string) ([]record, error) {
		if n == 0 {
			return first(s, n, keys)
		}
		return later(s, n, keys)
	}
}

// loseAnswer makes the items, then loses the answer with err.
func loseAnswer(err error) sendFunc {
	return func(s *store, _ int, keys []string) ([]record, error) {
		s.createAll(keys)
		return nil, err
	}
}

// fail makes nothing and fails the call with err.
func fail(err error) sendFunc {
	return func(*store, int, []string) ([]record, error) { return nil, err }
}

// answerAs answers every item with status, making nothing.
func answerAs(status string) sendFunc {
	return func(_ *store, _ int, keys []string) ([]record, error) {
		var out []record
		for _, k := range keys {
			out = append(out, record{Key: k, Status: status})
		}
		return out, nil
	}
}

// withoutIDs makes the items but leaves their IDs out of the answer.
func withoutIDs(s *store, _ int, keys []string) ([]record, error) {
	out := s.createAll(keys)
	for i := range out {
		out[i].ID = ""
	}
	return out, nil
}

// listAfter lists what the store holds only from list call n on, an empty list before: a write still in
// flight, or a stale read.
func listAfter(n int) listFunc {
	return func(s *store, call int) (map[string]record, error) {
		if call < n {
			return map[string]record{}, nil
		}
		return nil, nil
	}
}

func failingList(*store, int) (map[string]record, error) { return nil, errListing }

// write is the Write of a case against s: answered items are judged by their status, and an item the answer
// leaves out is unclear, as ModelArts's are.
func (s *store) write(send sendFunc, list listFunc, adopt bool) *framework.Write[string, record] {
	return &framework.Write[string, record]{
		Send: func(_ context.Context, keys []string) ([]record, error) {
			s.mu.Lock()
			defer s.mu.Unlock()
			n := len(s.sends)
			s.sends = append(s.sends, slices.Clone(keys))
			return send(s, n, keys)
		},
		Key: func(r record) (string, bool) { return r.Key, r.Key != "" },
		Judge: func(k string, r record, answered bool) (framework.Verdict, error) {
			switch {
			case !answered:
				return framework.Unclear, fmt.Errorf("no result for %s", k)
			case r.Status == "made":
				return framework.Applied, nil
			case r.Status == "skipped":
				return framework.ExistedBefore, nil
			case r.Status == "unclear":
				return framework.Unclear, fmt.Errorf("%s failed", k)
			}
			return framework.Refused, fmt.Errorf("%s refused", k)
		},
		List: func(_ context.Context, keys []string) (map[string]record, error) {
			s.mu.Lock()
			defer s.mu.Unlock()
			n := s.lists
			s.lists++
			if list != nil {
				if found, err := list(s, n); found != nil || err != nil {
					return found, err
				}
			}
			found := map[string]record{}
			for k, id := range s.records {
				found[k] = record{Key: k, ID: id, Status: "listed"}
			}
			return found, nil
		},
		RefusedAsExisting: func(err error) bool { return cloud.HasCode(err, errExists.Code) },
		AlreadyExists:     func(r record) error { return fmt.Errorf("%s already exists as %s", r.Key, r.ID) },
		AdoptExisting:     adopt,
		MaxRetries:        2,
		Incomplete:        func(r record) bool { return r.ID == "" },
		Complete: func(_ context.Context, keys []string, made map[string]record) error {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.completed = append(s.completed, keys...)
			for _, k := range keys {
				if id := s.records[k]; id != "" && !strings.HasPrefix(k, "hidden") {
					r := made[k]
					r.ID = id
					made[k] = r
				}
			}
			if slices.ContainsFunc(keys, func(k string) bool { return strings.HasPrefix(k, "hidden") }) {
				return errors.New("the list does not show them")
			}
			return nil
		},
	}
}

// TestWrite runs the write algorithm over every outcome a call can have. Each case checks what is reported
// per key, what was sent (only what is missing is ever sent again) and the guarantee: nothing made twice,
// nothing made that the outcome does not report as granted unless it says the outcome is unknown.
func TestWrite(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		keys     []string
		existing []string
		adopt    bool
		send     sendFunc
		list     listFunc
		granted  map[string]string // key → record ID
		failed   map[string]string // key → part of the error
		unknown  string            // part of the unknown error; "" for none
		sends    [][]string
		lists    int
	}{
		"applied": {
			keys: []string{"a", "b"}, send: answer,
			granted: map[string]string{"a": "new-a-1", "b": "new-b-1"}, sends: [][]string{{"a", "b"}},
		},
		"not applied": {
			keys: []string{"a", "b"}, send: fail(errBad),
			failed: map[string]string{"a": "SYS.0400", "b": "SYS.0400"}, sends: [][]string{{"a", "b"}},
		},
		"lost answer, applied: adopted, not sent again": {
			keys: []string{"a", "b"}, send: loseAnswer(errLost),
			granted: map[string]string{"a": "new-a-1", "b": "new-b-1"}, sends: [][]string{{"a", "b"}}, lists: 1,
		},
		"lost answer, applied in part: only the missing item is sent again": {
			keys:    []string{"a", "b"},
			send:    then(func(s *store, _ int, _ []string) ([]record, error) { s.create("a"); return nil, errLost }, answer),
			granted: map[string]string{"a": "new-a-1", "b": "new-b-1"}, sends: [][]string{{"a", "b"}, {"b"}}, lists: 1,
		},
		"in flight: the read-back waits for the write to show": {
			keys: []string{"a"}, send: loseAnswer(context.DeadlineExceeded), list: listAfter(2),
			granted: map[string]string{"a": "new-a-1"}, sends: [][]string{{"a"}}, lists: 3,
		},
		"lost answer and a failing read-back: unknown": {
			keys: []string{"a"}, send: loseAnswer(errLost), list: failingList,
			unknown: "SYS.0500: lost (HTTP 500); reading back what exists failed too: listing failed", sends: [][]string{{"a"}}, lists: 4,
		},
		"per-item failure": {
			keys: []string{"a", "b"},
			send: func(s *store, _ int, _ []string) ([]record, error) {
				return []record{s.create("a"), {Key: "b", Status: "refused"}}, nil
			},
			granted: map[string]string{"a": "new-a-1"}, failed: map[string]string{"b": "b refused"}, sends: [][]string{{"a", "b"}},
		},
		"already exists, not adopted": {
			keys: []string{"a", "b"}, existing: []string{"a"}, send: answer,
			granted: map[string]string{"b": "new-b-1"}, failed: map[string]string{"a": "a already exists as old-a"}, sends: [][]string{{"a", "b"}},
		},
		"already exists, adopted": {
			keys: []string{"a", "b"}, existing: []string{"a"}, adopt: true, send: answer,
			granted: map[string]string{"a": "old-a", "b": "new-b-1"}, sends: [][]string{{"a", "b"}},
		},
		"existed because an earlier attempt made it: adopted": {
			keys: []string{"a"}, send: then(loseAnswer(errLost), answer), list: listAfter(5),
			granted: map[string]string{"a": "new-a-1"}, sends: [][]string{{"a"}, {"a"}}, lists: 1,
		},
		"call refused because some exist, not adopted: the rest is sent again": {
			keys: []string{"a", "b"}, existing: []string{"a"}, send: then(fail(errExists), answer),
			granted: map[string]string{"b": "new-b-1"}, failed: map[string]string{"a": "a already exists as old-a"},
			sends: [][]string{{"a", "b"}, {"b"}}, lists: 1,
		},
		"call refused because some exist, adopted": {
			keys: []string{"a", "b"}, existing: []string{"a"}, adopt: true, send: then(fail(errExists), answer),
			granted: map[string]string{"a": "old-a", "b": "new-b-1"}, sends: [][]string{{"a", "b"}, {"b"}}, lists: 1,
		},
		"unclear item: listed, it existed before": {
			keys: []string{"a"}, existing: []string{"a"}, send: answerAs("unclear"),
			failed: map[string]string{"a": "a already exists as "}, sends: [][]string{{"a"}}, lists: 1,
		},
		"unclear item: listed, adopted": {
			keys: []string{"a"}, existing: []string{"a"}, adopt: true, send: answerAs("unclear"),
			granted: map[string]string{"a": "old-a"}, sends: [][]string{{"a"}}, lists: 1,
		},
		"unclear item: not listed, it failed": {
			keys: []string{"a"}, send: answerAs("unclear"),
			failed: map[string]string{"a": "a failed"}, sends: [][]string{{"a"}}, lists: 1,
		},
		"item left out of the answer: not listed, it failed": {
			keys:    []string{"a", "b"},
			send:    func(s *store, _ int, _ []string) ([]record, error) { return []record{s.create("a")}, nil },
			granted: map[string]string{"a": "new-a-1"}, failed: map[string]string{"b": "no result for b"}, sends: [][]string{{"a", "b"}}, lists: 1,
		},
		"unclear items and a failing read-back: unknown, with the items' failures": {
			keys: []string{"a", "b"}, send: answerAs("unclear"), list: failingList,
			unknown: "a failed\nb failed; reading back what exists failed too: listing failed", sends: [][]string{{"a", "b"}}, lists: 4,
		},
		"retries exhausted": {
			keys: []string{"a"}, send: fail(errLost),
			failed: map[string]string{"a": "SYS.0500"}, sends: [][]string{{"a"}, {"a"}, {"a"}}, lists: 3,
		},
		"item without ID: the post-step looks it up": {
			keys: []string{"a", "b"}, send: withoutIDs,
			granted: map[string]string{"a": "new-a-1", "b": "new-b-1"}, sends: [][]string{{"a", "b"}},
		},
		"item without ID that the post-step cannot find: unknown, not granted": {
			keys: []string{"a", "hidden"}, send: withoutIDs,
			granted: map[string]string{"a": "new-a-1"}, unknown: "the list does not show them", sends: [][]string{{"a", "hidden"}},
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newStore(tc.existing...)
			out := s.write(tc.send, tc.list, tc.adopt).Run(context.Background(), tc.keys)

			granted := map[string]string{}
			for k, r := range out.Granted {
				granted[k] = r.ID
			}
			if !maps.Equal(granted, orEmpty(tc.granted)) {
				t.Errorf("granted %v, want %v", granted, tc.granted)
			}
			if len(out.Failed) != len(tc.failed) {
				t.Errorf("failed %v, want %v", out.Failed, tc.failed)
			}
			for k, want := range tc.failed {
				if err := out.Failed[k]; err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("failure of %s is %v, want one containing %q", k, err, want)
				}
			}
			if (out.Unknown == nil) != (tc.unknown == "") || (out.Unknown != nil && !strings.Contains(out.Unknown.Error(), tc.unknown)) {
				t.Errorf("unknown %v, want %q", out.Unknown, tc.unknown)
			}
			if !slices.EqualFunc(s.sends, tc.sends, slices.Equal) {
				t.Errorf("sent %v, want %v", s.sends, tc.sends)
			}
			if s.lists != tc.lists {
				t.Errorf("listed %d times, want %d", s.lists, tc.lists)
			}
			for k, n := range s.made {
				if n > 1 {
					t.Errorf("%s was made %d times", k, n)
				}
				if _, ok := out.Granted[k]; !ok && out.Unknown == nil {
					t.Errorf("%s was made but is not reported as granted, and the outcome is not unknown", k)
				}
			}
		})
	}
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// A call takes at most MaxPerCall items, and a run stops at the first call whose outcome stays unknown:
// what it did is not known, so nothing more is sent.
func TestWriteMaxPerCall(t *testing.T) {
	t.Parallel()
	s := newStore()
	w := s.write(answer, nil, false)
	w.MaxPerCall = 2
	out := w.Run(context.Background(), []string{"a", "b", "c"})
	if len(out.Granted) != 3 || !slices.EqualFunc(s.sends, [][]string{{"a", "b"}, {"c"}}, slices.Equal) {
		t.Fatalf("granted %v, sent %v; want all three in calls of two", out.Granted, s.sends)
	}

	s = newStore()
	w = s.write(loseAnswer(errLost), failingList, false)
	w.MaxPerCall = 2
	out = w.Run(context.Background(), []string{"a", "b", "c"})
	if out.Unknown == nil || !slices.EqualFunc(s.sends, [][]string{{"a", "b"}}, slices.Equal) {
		t.Fatalf("unknown %v, sent %v; want the outcome unknown after the first call, and no second call", out.Unknown, s.sends)
	}
}

// Items batched together get their own outcomes from one call; of two items for one key, the second fails
// as existing; a Judge that refuses without a reason does not pass for success.
func TestWriteBatched(t *testing.T) {
	t.Parallel()
	s := newStore()
	var b pacing.Batcher[string, framework.ItemOutcome[record]]
	release := make(chan struct{})
	write := func(items []string) (*framework.Write[string, record], []string) {
		send := answer
		if items[0] == "first" {
			send = func(s *store, n int, keys []string) ([]record, error) { <-release; return answer(s, n, keys) }
		}
		w := s.write(send, nil, false)
		judge := w.Judge
		w.Judge = func(k string, r record, answered bool) (framework.Verdict, error) {
			if k == "mute" {
				return framework.Refused, nil
			}
			return judge(k, r, answered)
		}
		return w, items
	}
	outs := make([]framework.ItemOutcome[record], 4)
	var wg sync.WaitGroup
	for i, k := range []string{"first", "a", "a", "mute"} {
		wg.Add(1)
		go func() { defer wg.Done(); outs[i] = framework.WriteBatched(context.Background(), &b, "app", k, write) }()
		time.Sleep(20 * time.Millisecond) // the first write is in flight; the others join the next batch
	}
	close(release)
	wg.Wait()

	if len(s.sends) != 2 || !slices.Equal(s.sends[1], []string{"a", "mute"}) {
		t.Fatalf("sent %v; want the first item alone, then the others' distinct keys in one call", s.sends)
	}
	if o := outs[0]; !o.Granted || o.Result.ID != "new-first-1" {
		t.Errorf("first: %+v", o)
	}
	if o := outs[1]; !o.Granted || o.Result.ID != "new-a-1" {
		t.Errorf("the first item of a: %+v; want it granted", o)
	}
	if o := outs[2]; o.Granted || o.Failed == nil || !strings.Contains(o.Failed.Error(), "a already exists as new-a-1") {
		t.Errorf("the second item of a: %+v; want it failing as existing", o)
	}
	if o := outs[3]; o.Granted || o.Failed == nil {
		t.Errorf("mute: %+v; want a failure", o)
	}
}
