package cloud

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

type callKey struct{}

// callInfo travels in the request context so the retry policy and transports know what kind of call it is.
type callInfo struct {
	service    Service
	idempotent bool
	noAuth     bool
	// last receives the error answer of every failed attempt, so a call that ends in a timeout can still
	// tell what the cloud said before.
	last *lastAnswer
	// pacer is the endpoint's (pacer.go); nil sends at once.
	pacer *pacer
	// maxRetries bounds the retries of failures other than throttling, counted in retries; throttling is
	// retried until the call's deadline, or for maxThrottledWait when it has none.
	maxRetries int
	retries    *atomic.Int64
	start      time.Time
	// creds authenticate the call instead of the client's when set (call.creds).
	creds credentials
}

type lastAnswer struct {
	mu  sync.Mutex
	err *APIError
}

func (l *lastAnswer) set(e *APIError) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.err = e
}

func (l *lastAnswer) get() *APIError {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// remember keeps a failed attempt's answer; the body stays readable for whoever reads it next.
func (info callInfo) remember(resp *http.Response) {
	if info.last == nil || resp == nil || resp.StatusCode < 400 {
		return
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	info.last.set(decodeError(resp.StatusCode, resp.Header, data))
}

// maxRetryAfter caps how long one Retry-After may make us wait; the request context bounds the total.
const maxRetryAfter = 5 * time.Minute

// maxThrottledWait bounds how long a call without a deadline of its own (a refresh) keeps retrying throttling.
const maxThrottledWait = 10 * time.Minute

// maxAttempts is what the retrying client is told; checkRetry decides.
const maxAttempts = 1 << 20

// checkRetry retries throttling (429), server errors (5xx) and connection errors, never refused credentials. A POST is retried only
// when the server cannot have acted on it: a 429, or a connection that was never established. Otherwise the
// caller re-reads to find out what happened. Throttling is retried until the call's deadline (the pacer holds
// the retry until the policy allows it); everything else at most maxRetries times.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	info, _ := ctx.Value(callKey{}).(callInfo)
	info.remember(resp)
	if ctx.Err() != nil {
		return false, context.Cause(ctx)
	}
	var retry bool
	var refused *refusal
	switch {
	case errors.As(err, &refused):
		return false, nil // the credentials were refused: asking again gives the same answer
	case err != nil && !info.idempotent:
		var opErr *net.OpError
		retry = errors.As(err, &opErr) && opErr.Op == "dial"
	case err != nil:
		var policyErr error
		if retry, policyErr = retryablehttp.DefaultRetryPolicy(ctx, resp, err); policyErr != nil {
			return false, policyErr
		}
	case resp.StatusCode == http.StatusTooManyRequests:
		_, hasDeadline := ctx.Deadline()
		return hasDeadline || time.Since(info.start) < maxThrottledWait, nil
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented:
		retry = info.idempotent
	}
	if !retry || info.retries == nil {
		return retry, nil
	}
	return info.retries.Add(1) <= int64(info.maxRetries), nil
}

// backoff waits what the server asked for in Retry-After, else an exponentially growing delay with jitter.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(d, maxRetryAfter)
		}
	}
	d := maxWait
	if attempt < 30 {
		d = min(minWait<<attempt, maxWait)
	}
	// Full jitter in [d/2, d] keeps clients that failed together from retrying together.
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1))
}

// retryAfter parses a Retry-After value: seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
