// Package gctune paces the provider's garbage collector for Terraform's bursts of short requests: fewer
// collections while the heap is small, a cap on the peaks they leave, and no cap that the heap outgrows.
package gctune

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

const (
	// gcPercent lets the heap grow to three times what the last collection kept, instead of Go's two:
	// a plan of a thousand resources allocates some 600 MB in a few seconds, and a fifth of the provider's
	// CPU went to collecting it (make bench).
	gcPercent = 200
	// baseLimit caps the heap those collections leave while the provider holds little, so the larger
	// gcPercent costs no memory: a plan of a thousand single authorizations peaks at about 135 MB.
	baseLimit = 120 << 20
	// headroom is what the process needs beside its heap: stacks, the runtime's own memory.
	headroom = 32 << 20
)

// LimitFor is the soft memory limit for a live heap of live bytes: the base limit, or one and a half times the
// live heap and some headroom once that is more. A soft limit below what the process must hold makes the
// runtime collect back to back (up to half the CPU): Terraform plugins hold on to tens of kilobytes per
// request served, so the live heap of a plan of several thousand resources passes any fixed limit that
// would matter for a thousand (with 120 MiB, a plan of 4000 app ACLs cost the provider four times the CPU).
// Following the live heap, collections come as often as with GOGC=50 at worst, never back to back.
func LimitFor(live uint64) int64 {
	l := int64(min(live, 1<<60))
	return max(baseLimit, l+l/2+headroom)
}

// Configure sets this pacing unless GOGC or GOMEMLIMIT is set, which the runtime has then read and which win.
// The limit follows the live heap after every collection until stop is called. configured reports whether
// anything was changed.
func Configure() (configured bool, stop func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return false, func() {}
	}
	debug.SetGCPercent(gcPercent)
	debug.SetMemoryLimit(baseLimit)
	var stopped atomic.Bool
	afterEveryGC(&stopped, func() {
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			debug.SetMemoryLimit(LimitFor(sample[0].Value.Uint64()))
		}
	})
	return true, func() { stopped.Store(true) }
}

// sentinel is garbage from birth: the collection after its allocation runs its cleanup. It holds a pointer
// so that it is not batched with other tiny objects, which would keep it alive.
type sentinel struct{ _ *byte }

// afterEveryGC runs f on the runtime's cleanup goroutine after every collection, until stopped is set.
func afterEveryGC(stopped *atomic.Bool, f func()) {
	runtime.AddCleanup(&sentinel{}, func(struct{}) {
		if stopped.Load() {
			return
		}
		f()
		afterEveryGC(stopped, f)
	}, struct{}{})
}
