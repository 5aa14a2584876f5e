package framework

import (
	"context"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
)

const (
	// readBackTimeout bounds the read that finds out what a failed, timed-out or interrupted write left
	// behind. It runs on a fresh context: the operation's own may have ended, and what the write did must
	// still be found out, or it would be left in the cloud unknown to Terraform.
	readBackTimeout = 30 * time.Second
	// readBackAttempts is how often a failing read-back is tried before the outcome is declared unknown.
	readBackAttempts = 4
	// settleWindow is how long a write whose answer was not awaited (timeout, Ctrl-C) is looked for: the
	// cloud may still be carrying it out after the provider stopped waiting.
	settleWindow = 5 * time.Second
)

// ReadBack finds out what a write whose outcome is unknown left behind. It runs find with a fresh, short
// context independent of ctx, retrying failures. When the write may still be in flight (cloud.InFlight),
// find is repeated until it reports settled or the settle window has passed.
func ReadBack[T any](ctx context.Context, outcome cloud.Outcome, find func(context.Context) (T, bool, error)) (T, error) {
	rctx, cancel := Fresh(ctx)
	defer cancel()
	deadline := time.Now().Add(settleWindow)
	var (
		last    T
		lastErr error
	)
	for failures := 0; failures < readBackAttempts; {
		v, settled, err := find(rctx)
		switch {
		case err != nil:
			failures++
			lastErr = err
		case settled || outcome != cloud.InFlight || time.Now().After(deadline):
			return v, nil
		default:
			last, lastErr = v, nil
		}
		if Sleep(rctx, min(RetryDelay(failures), time.Second)) != nil {
			break
		}
	}
	if lastErr == nil && rctx.Err() != nil {
		return last, nil
	}
	return last, lastErr
}

// ReadBackKeys is ReadBack of a list of keyed items, settled once it lists every one of keys.
func ReadBackKeys[K comparable, V any](ctx context.Context, outcome cloud.Outcome, keys []K, list func(context.Context, []K) (map[K]V, error)) (map[K]V, error) {
	return ReadBack(ctx, outcome, func(ctx context.Context) (map[K]V, bool, error) {
		found, err := list(ctx, keys)
		if err != nil {
			return nil, false, err
		}
		for _, k := range keys {
			if _, ok := found[k]; !ok {
				return found, false, nil
			}
		}
		return found, true, nil
	})
}

// Fresh is a short context that keeps ctx's values but not its end: for finding out, or taking back, what
// an operation that ran out of time or was interrupted did.
func Fresh(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), readBackTimeout)
}

// RetryDelay is the pause before the next attempt: 1 s, 2 s, 4 s… at most 30 s.
func RetryDelay(attempt int) time.Duration {
	return min(time.Second<<min(attempt, 5), 30*time.Second)
}

// Sleep waits d, or less when ctx ends first.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-t.C:
		return nil
	}
}
