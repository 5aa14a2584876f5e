package pacing

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Batcher gathers the writes for one key that arrive while an earlier write for it is in flight and sends
// them as one call. Services whose create takes many items at once but refuses concurrent writes for one
// object (the gateways, per app) then need one call per batch instead of one per resource, and resources
// created in parallel stop queueing behind each other's round trips.
//
// A write that finds its key idle waits a moment for the writes about to follow: Terraform starts its
// operations (ten at a time) as others end, so after a batch comes back the next writes arrive a few
// milliseconds apart, and the first of them would otherwise go out alone, halving the batches. It waits until
// no write has joined for GatherQuiet, or the batch is as large as the key's largest so far, and never longer
// than GatherMax: a write that nothing follows is sent GatherQuiet late.
type Batcher[I, R any] struct {
	// GatherQuiet and GatherMax override DefaultGatherQuiet and DefaultGatherMax; a negative GatherMax sends
	// a write that finds its key idle at once.
	GatherQuiet, GatherMax time.Duration

	mu      sync.Mutex
	pending map[string]*batch[I, R] // accepting items
	last    map[string]*batch[I, R] // the newest batch of the key that has started
	widest  map[string]int          // the largest batch of the key so far: how many writes Terraform runs at once
}

// The gathering of writes that find their key idle; see Batcher.
const (
	DefaultGatherQuiet = 5 * time.Millisecond
	DefaultGatherMax   = 20 * time.Millisecond
)

type batch[I, R any] struct {
	items   []I
	ctxs    []context.Context
	prev    *batch[I, R]
	done    chan struct{}
	results []R
	joined  chan struct{} // a write joined while the leader gathers
}

// Do adds item to the open batch of key and returns its own result once the batch is written. The first
// caller of a batch writes it, after the key's previous batch has finished, or after gathering when the key was
// idle; write gets every item of the batch and returns one result per item, in order. Its context ends only when every caller's has ended, and
// every caller waits for the batch, even after its own context ended, so that what a write created is
// always reported to the resource it belongs to.
func (b *Batcher[I, R]) Do(ctx context.Context, key string, item I, write func(ctx context.Context, items []I) []R) R {
	b.mu.Lock()
	if b.pending == nil {
		b.pending, b.last, b.widest = map[string]*batch[I, R]{}, map[string]*batch[I, R]{}, map[string]int{}
	}
	bt, leader := b.pending[key], false
	if bt == nil {
		bt, leader = &batch[I, R]{done: make(chan struct{}), prev: b.last[key], joined: make(chan struct{}, 1)}, true
		b.pending[key] = bt
	}
	index := len(bt.items)
	bt.items = append(bt.items, item)
	bt.ctxs = append(bt.ctxs, ctx)
	b.mu.Unlock()
	if !leader {
		select {
		case bt.joined <- struct{}{}:
		default:
		}
	}

	if leader {
		if bt.prev != nil {
			<-bt.prev.done
			bt.prev = nil // so that a key's batches do not hold each other until the last one ends
		} else {
			b.gather(ctx, key, bt)
		}
		b.mu.Lock()
		delete(b.pending, key) // closed: later callers start the next batch
		b.last[key] = bt
		items, ctxs := bt.items, bt.ctxs
		bt.ctxs = nil
		b.widest[key] = max(b.widest[key], len(items))
		b.mu.Unlock()

		wctx, stop := allDone(ctxs)
		bt.results = write(wctx, items)
		stop()

		b.mu.Lock()
		if b.last[key] == bt {
			delete(b.last, key)
		}
		b.mu.Unlock()
		close(bt.done)
	}
	<-bt.done
	return bt.results[index]
}

// gather holds the leader of a batch for an idle key until the writes about to follow have joined it: until
// none has joined for the quiet time, the batch is as large as the key's largest, the most it may wait has
// passed, or ctx ends.
func (b *Batcher[I, R]) gather(ctx context.Context, key string, bt *batch[I, R]) {
	quiet, most := b.GatherQuiet, b.GatherMax
	if quiet <= 0 {
		quiet = DefaultGatherQuiet
	}
	if most == 0 {
		most = DefaultGatherMax
	}
	if most < 0 {
		return
	}
	limit := time.NewTimer(most)
	defer limit.Stop()
	idle := time.NewTimer(quiet)
	defer idle.Stop()
	for {
		b.mu.Lock()
		full := b.widest[key] > 1 && len(bt.items) >= b.widest[key]
		b.mu.Unlock()
		if full {
			return
		}
		select {
		case <-bt.joined:
			idle.Reset(quiet)
		case <-idle.C:
			return
		case <-limit.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

// allDone is a context that keeps the first context's values and ends when every one of ctxs has ended,
// for the reason the last one ended (context.Cause tells a timeout from Ctrl-C).
func allDone(ctxs []context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.WithoutCancel(ctxs[0]))
	remaining := int64(len(ctxs))
	stops := make([]func() bool, 0, len(ctxs))
	for _, c := range ctxs {
		stops = append(stops, context.AfterFunc(c, func() {
			if atomic.AddInt64(&remaining, -1) == 0 {
				cancel(context.Cause(c))
			}
		}))
	}
	return ctx, func() {
		for _, s := range stops {
			s()
		}
		cancel(context.Canceled)
	}
}
