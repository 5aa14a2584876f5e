package provider

import (
	"context"
	"errors"
	"iter"
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

type stream struct{ items iter.Seq[int] }

// TestServeStreamLetsGoWhenTheStreamIsRead: the request's context lasts while the stream is read, which is when
// the framework does the work, and no longer.
func TestServeStreamLetsGoWhenTheStreamIsRead(t *testing.T) {
	ctx := context.WithValue(context.Background(), valueKey{}, "v")
	live := func(c context.Context) bool { return c.Value(valueKey{}) == "v" && c.Err() == nil }
	items := func(seen *context.Context) func(context.Context, string) (*stream, error) {
		return func(rc context.Context, _ string) (*stream, error) {
			*seen = rc
			return &stream{items: func(yield func(int) bool) {
				for i := range 3 {
					if !live(rc) {
						t.Errorf("item %d: the request's context has gone while the stream is read", i)
					}
					if !yield(i) {
						return
					}
				}
			}}, nil
		}
	}
	itemsOf := func(s *stream) *iter.Seq[int] { return &s.items }

	for name, read := range map[string]func(iter.Seq[int]){
		"to the end": func(seq iter.Seq[int]) {
			for range seq {
			}
		},
		"stopped early": func(seq iter.Seq[int]) {
			for range seq {
				break
			}
		},
	} {
		var seen context.Context
		resp, err := serveStream(ctx, "request", items(&seen), itemsOf)
		if err != nil {
			t.Fatal(err)
		}
		if !live(seen) {
			t.Errorf("%s: the request's context has gone before the stream is read", name)
		}
		read(resp.items)
		if seen.Value(valueKey{}) != nil || !errors.Is(seen.Err(), context.Canceled) {
			t.Errorf("%s: after the stream is read: value %v, err %v", name, seen.Value(valueKey{}), seen.Err())
		}
	}

	// No stream to read: let go at once.
	for name, rpc := range map[string]func(context.Context, string) (*stream, error){
		"error":     func(context.Context, string) (*stream, error) { return nil, errors.New("failed") },
		"no stream": func(context.Context, string) (*stream, error) { return &stream{}, nil },
	} {
		var seen context.Context
		_, _ = serveStream(ctx, "request", func(rc context.Context, req string) (*stream, error) {
			seen = rc
			return rpc(rc, req)
		}, itemsOf)
		if seen.Value(valueKey{}) != nil {
			t.Errorf("%s: the request's context is still held", name)
		}
	}
}
