package pacing

import (
	"context"
	"sync"
	"sync/atomic"
)

// Batcher gathers the writes for one key that arrive while an earlier write for it is in flight and sends
// them as one call. Services whose create takes many items at once but refuses concurrent writes for one
// object (the gateways, per app) then need one call per batch instead of one per resource, and resources
// created in parallel stop queueing behind each other's round trips.
type Batcher[I, R any] struct {
	mu      sync.Mutex
	pending map[string]*batch[I, R] // accepting items
	last    map[string]*batch[I, R] // the newest batch of the key that has started
}

type batch[I, R any] struct {
	items   []I
	ctxs    []context.Context
	prev    *batch[I, R]
	done    chan struct{}
	results []R
}

// Do adds item to the open batch of key and returns its own result once the batch is written. The first
// caller of a batch writes it, after the key's previous batch has finished; write gets every item of the
// batch and returns one result per item, in order. Its context ends only when every caller's has ended, and
// every caller waits for the batch, even after its own context ended, so that what a write created is
// always reported to the resource it belongs to.
func (b *Batcher[I, R]) Do(ctx context.Context, key string, item I, write func(ctx context.Context, items []I) []R) R {
	b.mu.Lock()
	if b.pending == nil {
		b.pending, b.last = map[string]*batch[I, R]{}, map[string]*batch[I, R]{}
	}
	bt, leader := b.pending[key], false
	if bt == nil {
		bt, leader = &batch[I, R]{done: make(chan struct{}), prev: b.last[key]}, true
		b.pending[key] = bt
	}
	index := len(bt.items)
	bt.items = append(bt.items, item)
	bt.ctxs = append(bt.ctxs, ctx)
	b.mu.Unlock()

	if leader {
		if bt.prev != nil {
			<-bt.prev.done
			bt.prev = nil // so that a key's batches do not hold each other until the last one ends
		}
		b.mu.Lock()
		delete(b.pending, key) // closed: later callers start the next batch
		b.last[key] = bt
		items, ctxs := bt.items, bt.ctxs
		bt.ctxs = nil
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
