package provider

import (
	"context"
	"errors"
	"testing"
	"time"
)

type valueKey struct{}

func TestServePassesTheRequestContextThrough(t *testing.T) {
	deadline := time.Now().Add(time.Hour)
	base, cancelBase := context.WithDeadline(context.WithValue(context.Background(), valueKey{}, "v"), deadline)
	ctx, cancel := context.WithCancelCause(base)
	defer cancelBase()
	stop := errors.New("Ctrl-C")

	var seen context.Context
	_, _ = serve(ctx, "request", func(rc context.Context, _ string) (struct{}, error) {
		seen = rc
		if rc.Value(valueKey{}) != "v" {
			t.Errorf("value %v", rc.Value(valueKey{}))
		}
		if d, ok := rc.Deadline(); !ok || !d.Equal(deadline) {
			t.Errorf("deadline %v %v", d, ok)
		}
		// A context the framework derives while the request runs ends with the request's.
		child, cancelChild := context.WithCancel(rc)
		defer cancelChild()
		after := make(chan struct{})
		context.AfterFunc(rc, func() { close(after) })
		if rc.Err() != nil || child.Err() != nil {
			t.Errorf("ended early: %v %v", rc.Err(), child.Err())
		}
		cancel(stop)
		<-child.Done()
		<-after
		if !errors.Is(context.Cause(child), stop) || !errors.Is(rc.Err(), context.Canceled) {
			t.Errorf("cause %v, err %v", context.Cause(child), rc.Err())
		}
		return struct{}{}, nil
	})

	// Answered: nothing of the request is reachable through it, and it reads as ended.
	if seen.Value(valueKey{}) != nil || !errors.Is(seen.Err(), context.Canceled) {
		t.Errorf("after the answer: value %v, err %v", seen.Value(valueKey{}), seen.Err())
	}
	if _, ok := seen.Deadline(); ok {
		t.Error("after the answer: still has the request's deadline")
	}
	select {
	case <-seen.Done():
	default:
		t.Error("after the answer: Done is open")
	}
	child, cancelChild := context.WithCancel(seen)
	defer cancelChild()
	if child.Err() == nil {
		t.Error("a context derived after the answer is live")
	}
}
