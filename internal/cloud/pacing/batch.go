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
// A batch waits a moment for the writes about to follow before it goes out: Terraform starts its operations
// (ten at a time) as others end, so the next writes arrive one after another, as fast as Terraform gets through
// its own work between them, and a batch sent as soon as it may would often go out with one or two. It waits
// until the batch is as large as the key's largest so far (what Terraform runs at once), or no write has joined
// for twice the key's usual gap between writes (at least GatherQuiet), and never longer than GatherMax: a write
// that nothing follows is sent at most GatherMax late. When Terraform is busy, the writes waiting cost it
// nothing (it works on the others meanwhile) and save calls; when it is quick, batches fill at once.
type Batcher[I, R any] struct {
	// GatherQuiet and GatherMax override DefaultGatherQuiet and DefaultGatherMax; a negative GatherMax sends
	// a write that finds its key idle at once.
	GatherQuiet, GatherMax time.Duration

	mu      sync.Mutex
	pending map[string]*batch[I, R] // accepting items
	last    map[string]*batch[I, R] // the newest batch of the key that has started
	keys    map[string]*keyPace     // how the writes of each key arrive
}

// keyPace is how the writes of one key arrive: the largest batch so far (how many writes Terraform runs at
// once) and the usual gap between two writes.
type keyPace struct {
	widest  int
	arrived time.Time
	gap     time.Duration // moving average of the gaps under a second
}

// The gathering of writes that find their key idle; see Batcher.
const (
	DefaultGatherQuiet = 5 * time.Millisecond
	DefaultGatherMax   = 100 * time.Millisecond
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
		b.pending, b.last, b.keys = map[string]*batch[I, R]{}, map[string]*batch[I, R]{}, map[string]*keyPace{}
	}
	kp := b.keys[key]
	if kp == nil {
		kp = &keyPace{}
		b.keys[key] = kp
	}
	now := time.Now()
	if gap := now.Sub(kp.arrived); gap < time.Second {
		kp.gap = (3*kp.gap + gap) / 4
	}
	kp.arrived = now
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
		}
		b.gather(ctx, key, bt)
		b.mu.Lock()
		delete(b.pending, key) // closed: later callers start the next batch
		b.last[key] = bt
		items, ctxs := bt.items, bt.ctxs
		bt.ctxs = nil
		kp.widest = max(kp.widest, len(items))
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

// gather holds the leader of a batch until the writes about to follow have joined it: until the batch is as
// large as the key's largest, none has joined for the quiet time, the most it may wait has passed, or ctx ends.
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
	b.mu.Lock()
	kp := b.keys[key]
	quiet = min(max(quiet, 2*kp.gap), most)
	b.mu.Unlock()
	limit := time.NewTimer(most)
	defer limit.Stop()
	idle := time.NewTimer(quiet)
	defer idle.Stop()
	for {
		b.mu.Lock()
		full := kp.widest > 1 && len(bt.items) >= kp.widest
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
