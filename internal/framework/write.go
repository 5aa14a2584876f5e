package framework

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/cloud/pacing"
)

// Verdict is what the answer to a write says about one of its items.
type Verdict int

const (
	// Applied: the write made the item.
	Applied Verdict = iota
	// ExistedBefore: the item existed before the write, which left it alone.
	ExistedBefore
	// Refused: the cloud refused the item; its error says why.
	Refused
	// Unclear: the answer does not tell. What a list shows does: listed, the item existed before the write;
	// not listed, the write failed for it with its error.
	Unclear
)

// Write is a create of many items in few calls, with the provider's core guarantee: every item ends up
// reported as made or as failed, none is made twice, and none is made without being reported. A service
// supplies its calls (Send, List) and how it reads their answers (Key, Judge, RefusedAsExisting,
// AlreadyExists); Run sends, classifies the answer, reads back with a fresh context when the outcome is
// unknown, adopts what exists, and repeats the call only for what is still missing.
type Write[K comparable, R any] struct {
	// Send makes one write call for keys.
	Send func(ctx context.Context, keys []K) ([]R, error)
	// Key tells which item an answered result is about; ok is false for a result about none of ours.
	Key func(r R) (k K, ok bool)
	// Judge classifies the answer for one key; answered is false when the answer left it out. Refused and
	// Unclear come with the error to report for it.
	Judge func(k K, r R, answered bool) (Verdict, error)
	// List reads what exists among keys, each as the result a create would have answered.
	List func(ctx context.Context, keys []K) (map[K]R, error)
	// RefusedAsExisting, when set, tells a call error that refuses the whole call because some items
	// exist (the gateways' APIG.3316): nothing was made, what the list shows existed before, and the call
	// is repeated for the rest.
	RefusedAsExisting func(err error) bool
	// AlreadyExists is the failure of an item that existed before the write and is not adopted.
	AlreadyExists func(existing R) error
	// AdoptExisting reports items that existed before as made: an authoritative set owns everything of
	// its parent. Without it they fail with AlreadyExists — unless an earlier attempt of the same run had an
	// unknown outcome, for the item may then be that attempt's own.
	AdoptExisting bool
	// MaxRetries bounds the repetitions of a call that failed on a transient error.
	MaxRetries int
	// MaxPerCall is how many items one call takes; 0 is all. A run stops at the first call whose outcome
	// stays unknown.
	MaxPerCall int
	// Incomplete, when set, tells a made item whose result lacks what only another call tells (a record
	// ID the answer left out), and Complete fills those of keys in made. When Complete fails, the items it
	// left incomplete are not reported as made and the outcome is unknown; a service that can do without
	// what is missing returns nil.
	Incomplete func(r R) bool
	Complete   func(ctx context.Context, keys []K, made map[K]R) error
}

// Outcome says, per key, what a Write achieved.
type Outcome[K comparable, R any] struct {
	Granted map[K]R     // made or adopted
	Failed  map[K]error // refused, or still missing when the retries ran out
	// Unknown is set when what exists could not be established; Granted may then be incomplete.
	Unknown error
}

// Succeeded reports whether the write made or adopted every item.
func (o Outcome[K, R]) Succeeded() bool { return o.Unknown == nil && len(o.Failed) == 0 }

// Run writes the items of keys.
func (w *Write[K, R]) Run(ctx context.Context, keys []K) Outcome[K, R] {
	out := Outcome[K, R]{Granted: map[K]R{}, Failed: map[K]error{}}
	size := w.MaxPerCall
	if size <= 0 {
		size = max(len(keys), 1)
	}
	for chunk := range slices.Chunk(keys, size) {
		run := writeRun[K, R]{w: w, out: &out, attempts: Attempts{MaxRetries: w.MaxRetries}}
		for pending := slices.Clone(chunk); len(pending) > 0; {
			pending = run.attempt(ctx, pending)
		}
		w.complete(ctx, chunk, &out)
		if out.Unknown != nil {
			break
		}
	}
	return out
}

// writeRun is the state of one call's items across its attempts.
type writeRun[K comparable, R any] struct {
	w        *Write[K, R]
	out      *Outcome[K, R]
	attempts Attempts
	// mayHaveWritten is set once an attempt's outcome was unknown: an item found after it may be its own.
	mayHaveWritten bool
}

// attempt sends one call for pending and sorts out what became of each item; it returns the items to send
// again.
func (r *writeRun[K, R]) attempt(ctx context.Context, pending []K) []K {
	results, err := r.w.Send(ctx, pending)
	err = r.attempts.Observe(err)
	outcome := cloud.OutcomeOf(err)
	existing := err != nil && r.w.RefusedAsExisting != nil && r.w.RefusedAsExisting(err)
	var unclear map[K]error // what a list settles, with the error to report when it does not show the item
	switch {
	case err == nil:
		unclear = r.judge(pending, results)
	case outcome == cloud.NotApplied && !existing:
		r.fail(pending, err)
		return nil
	default:
		unclear = make(map[K]error, len(pending))
		for _, k := range pending {
			unclear[k] = nil
		}
	}
	keys := slices.DeleteFunc(slices.Clone(pending), func(k K) bool { _, ok := unclear[k]; return !ok })
	if len(keys) == 0 {
		return nil
	}
	// A write still in flight is waited for, until every item shows up or the settle window has passed.
	found, rbErr := ReadBackKeys(ctx, outcome, keys, r.w.List)
	if rbErr != nil {
		r.out.Unknown = readBackFailed(err, keys, unclear, rbErr)
		return nil
	}
	rest := r.settle(keys, found, unclear, err == nil, existing)
	r.mayHaveWritten = r.mayHaveWritten || outcome != cloud.NotApplied
	if len(rest) == 0 {
		return nil
	}
	if outcome == cloud.InFlight {
		// The provider stopped waiting (timeout, Ctrl-C) and the items have not shown yet: the cloud may still
		// make them. They are neither made nor failed.
		r.out.Unknown = StillInFlight(err)
		return nil
	}
	if again, final := r.attempts.Again(ctx, err, cloud.Transient(err) || existing); !again {
		r.fail(rest, final)
		return nil
	}
	return rest
}

// judge records what an answered call says about each pending item and returns those it leaves unclear.
func (r *writeRun[K, R]) judge(pending []K, results []R) map[K]error {
	asked := make(map[K]bool, len(pending))
	for _, k := range pending {
		asked[k] = true
	}
	answers := make(map[K]R, len(results))
	for _, res := range results {
		if k, ok := r.w.Key(res); ok && asked[k] {
			answers[k] = res
		}
	}
	unclear := map[K]error{}
	for _, k := range pending {
		res, answered := answers[k]
		switch verdict, err := r.w.Judge(k, res, answered); verdict {
		case Applied:
			r.out.Granted[k] = res
		case ExistedBefore:
			r.existed(k, res)
		case Refused:
			r.out.Failed[k] = err
		default:
			unclear[k] = err
		}
	}
	return unclear
}

// settle decides the items of keys by what the list found and returns those to send again. After a call
// that was answered, or refused as existing, what the list shows was there before the call; after a call
// whose outcome is unknown, it may be the call's own.
func (r *writeRun[K, R]) settle(keys []K, found map[K]R, unclear map[K]error, answered, refusedAsExisting bool) (rest []K) {
	for _, k := range keys {
		res, listed := found[k]
		switch {
		case listed && (answered || refusedAsExisting):
			r.existed(k, res)
		case listed:
			r.out.Granted[k] = res
		case answered:
			r.out.Failed[k] = unclear[k]
		default:
			rest = append(rest, k)
		}
	}
	return rest
}

// existed records an item that existed before the call: adopted, or failed as existing.
func (r *writeRun[K, R]) existed(k K, res R) {
	if r.w.AdoptExisting || r.mayHaveWritten {
		r.out.Granted[k] = res
		return
	}
	r.out.Failed[k] = r.w.AlreadyExists(res)
}

func (r *writeRun[K, R]) fail(keys []K, err error) {
	for _, k := range keys {
		r.out.Failed[k] = err
	}
}

// ErrMayStillLand marks the unknown outcome of a write the provider stopped waiting for (a timeout, Ctrl-C)
// whose result had not shown when the settle window ended: the cloud may still carry it out. What exists is
// then recorded as it may be (the next refresh reads it), never reported failed or taken back.
var ErrMayStillLand = errors.New("the provider stopped waiting, and the cloud may still carry the write out")

// StillInFlight is the unknown outcome of a write whose answer was not awaited and whose result has not shown.
func StillInFlight(err error) error {
	return fmt.Errorf("%w; it had not shown after %s: %w", err, settleWindow, ErrMayStillLand)
}

// readBackFailed is the unknown outcome of a call whose read-back failed: the call's error, or the items'
// failures when it answered. Those are flattened into the text, so that Describe renders all of them.
func readBackFailed[K comparable](callErr error, keys []K, unclear map[K]error, rbErr error) error {
	if callErr != nil {
		return fmt.Errorf("%w; reading back what exists failed too: %w", callErr, rbErr)
	}
	var errs []error
	for _, k := range keys {
		errs = append(errs, unclear[k])
	}
	return fmt.Errorf("%v; reading back what exists failed too: %w", errors.Join(errs...), rbErr)
}

// complete has Complete fill in the made items of keys that lack something; what stays incomplete after
// it failed is taken back out of Granted and leaves the outcome unknown.
func (w *Write[K, R]) complete(ctx context.Context, keys []K, out *Outcome[K, R]) {
	if w.Incomplete == nil || w.Complete == nil {
		return
	}
	var incomplete []K
	for _, k := range keys {
		if res, ok := out.Granted[k]; ok && w.Incomplete(res) {
			incomplete = append(incomplete, k)
		}
	}
	if len(incomplete) == 0 {
		return
	}
	err := w.Complete(ctx, incomplete, out.Granted)
	if err == nil {
		return
	}
	for _, k := range incomplete {
		if w.Incomplete(out.Granted[k]) {
			delete(out.Granted, k)
		}
	}
	if out.Unknown == nil {
		out.Unknown = err
	}
}

// ItemOutcome is what became of one item of a batched write.
type ItemOutcome[R any] struct {
	Result  R
	Granted bool
	Failed  error
	Unknown error
}

// WriteBatched writes item together with the other items that arrive for batchKey while a write for it is
// in flight, or, when the key is idle, within a few milliseconds of it (see pacing.Batcher), and returns the
// item's own outcome. write gives the Write of a batch's items and
// the key of each item; the Write runs once, over the distinct keys in the order they came. Of two items
// with one key — two resources for one object — the second fails as existing.
func WriteBatched[I any, K comparable, R any](ctx context.Context, b *pacing.Batcher[I, ItemOutcome[R]], batchKey string, item I, write func(items []I) (*Write[K, R], []K)) ItemOutcome[R] {
	return b.Do(ctx, batchKey, item, func(ctx context.Context, items []I) []ItemOutcome[R] {
		w, keys := write(items)
		var distinct []K
		seen := make(map[K]bool, len(keys))
		for _, k := range keys {
			if !seen[k] {
				seen[k] = true
				distinct = append(distinct, k)
			}
		}
		out := w.Run(ctx, distinct)
		results := make([]ItemOutcome[R], len(items))
		claimed := map[K]bool{}
		for i, k := range keys {
			res, granted := out.Granted[k]
			switch {
			case claimed[k]:
				results[i] = ItemOutcome[R]{Failed: w.AlreadyExists(res)}
			case granted:
				results[i] = ItemOutcome[R]{Result: res, Granted: true}
			case out.Failed[k] == nil && out.Unknown == nil:
				// Run reports every key; a Judge that refuses without a reason must not pass for success.
				results[i] = ItemOutcome[R]{Failed: fmt.Errorf("the cloud answered without a result for %v", k)}
			default:
				results[i] = ItemOutcome[R]{Failed: out.Failed[k], Unknown: out.Unknown}
			}
			claimed[k] = true
		}
		return results
	})
}
