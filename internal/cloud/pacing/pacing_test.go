package pacing_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud/pacing"
)

// Concurrent readers of one key share one fetch; a write makes the next read fetch again, and a list
// fetched before the write is not kept.
func TestListCache(t *testing.T) {
	c := &pacing.ListCache[int]{TTL: time.Minute}
	var fetches atomic.Int32
	release := make(chan struct{})
	fetch := func(context.Context) ([]int, error) {
		fetches.Add(1)
		<-release
		return []int{int(fetches.Load())}, nil
	}
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Get(context.Background(), "k", fetch); err != nil {
				t.Error(err)
			}
		}()
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := fetches.Load(); n != 1 {
		t.Fatalf("50 concurrent reads made %d fetches, want 1", n)
	}
	if got, _ := c.Get(context.Background(), "k", fetch); len(got) != 1 || fetches.Load() != 1 {
		t.Fatalf("a fresh list was fetched again")
	}

	// A fetch that straddles a write is not kept.
	c.Invalidate("k")
	slow := make(chan struct{})
	go func() {
		_, _ = c.Get(context.Background(), "k", func(context.Context) ([]int, error) { <-slow; return []int{-1}, nil })
	}()
	time.Sleep(20 * time.Millisecond)
	c.Invalidate("k")
	close(slow)
	time.Sleep(20 * time.Millisecond)
	got, _ := c.Get(context.Background(), "k", func(context.Context) ([]int, error) { return []int{7}, nil })
	if len(got) != 1 || got[0] != 7 {
		t.Errorf("got %v: a list read before a write was kept", got)
	}
}

// Writes that arrive while one is in flight go out together in the next call, each caller getting its own
// result; the write's context outlives a caller that gave up, so its result still reaches it.
func TestBatcher(t *testing.T) {
	var b pacing.Batcher[int, int]
	var (
		mu    sync.Mutex
		calls [][]int
	)
	first := make(chan struct{})
	write := func(ctx context.Context, items []int) []int {
		mu.Lock()
		calls = append(calls, append([]int{}, items...))
		n := len(calls)
		mu.Unlock()
		if n == 1 {
			<-first
		}
		out := make([]int, len(items))
		for i, it := range items {
			out[i] = it * 10
		}
		return out
	}
	results := make([]int, 6)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); results[0] = b.Do(context.Background(), "app", 0, write) }()
	time.Sleep(20 * time.Millisecond) // the first write is in flight
	cancelled, cancel := context.WithCancel(context.Background())
	for i := 1; i < 6; i++ {
		ctx := context.Background()
		if i == 3 {
			ctx = cancelled
		}
		wg.Add(1)
		go func() { defer wg.Done(); results[i] = b.Do(ctx, "app", i, write) }()
	}
	time.Sleep(20 * time.Millisecond)
	cancel()
	close(first)
	wg.Wait()
	if len(calls) != 2 || len(calls[0]) != 1 || len(calls[1]) != 5 {
		t.Fatalf("calls %v, want one of 1 item then one of 5", calls)
	}
	for i, r := range results {
		if r != i*10 {
			t.Errorf("caller %d got %d", i, r)
		}
	}
}

// A write that finds its key idle waits for the writes about to follow and goes out with them: up to the
// most it may wait for the first batch of a key, only until the batch is as large as the key's largest after
// that; a write nothing follows goes out once the most it may wait has passed. Quiet times of an hour make
// every step that would wait for them hang the test instead of passing by chance.
func TestBatcherGathers(t *testing.T) {
	var calls [][]int
	var mu sync.Mutex
	write := func(_ context.Context, items []int) []int {
		mu.Lock()
		calls = append(calls, append([]int{}, items...))
		mu.Unlock()
		return items
	}
	run := func(b *pacing.Batcher[int, int], key string, n int) {
		t.Helper()
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() { defer wg.Done(); b.Do(context.Background(), key, i, write) }()
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(time.Minute):
			t.Fatalf("%d writes of %s still waiting after a minute", n, key)
		}
	}
	b := &pacing.Batcher[int, int]{GatherQuiet: time.Hour, GatherMax: 500 * time.Millisecond}
	run(b, "app", 5)
	b.GatherMax = time.Hour // from now on only the width of the first batch lets the next go
	run(b, "app", 5)
	if len(calls) != 2 || len(calls[0]) != 5 || len(calls[1]) != 5 {
		t.Fatalf("calls %v, want two of 5 items", calls)
	}
	lone := &pacing.Batcher[int, int]{GatherQuiet: time.Hour, GatherMax: 50 * time.Millisecond}
	run(lone, "other", 1)
	if len(calls) != 3 || len(calls[2]) != 1 {
		t.Fatalf("calls %v, want a third of 1 item", calls)
	}
}
