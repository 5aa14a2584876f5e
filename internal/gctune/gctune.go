// Package gctune caps the provider's heap for Terraform's bursts of short requests with a soft memory limit
// that the live heap can never outgrow.
package gctune

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

const (
	// baseLimit trims the peaks Go's default pacing (GOGC=100) leaves: a plan of a thousand resources
	// allocates some 600 MB in a few seconds while holding 40 to 60 MB, and without the limit the process
	// peaks at 150 to 165 MB; with it, at about 135 MB, in the same time (make bench). A larger GOGC saved
	// CPU but filled the limit in applies, which hold less.
	baseLimit = 120 << 20
	// headroom is what the process needs beside its heap: stacks, the runtime's own memory.
	headroom = 32 << 20
)

// limitFor is the soft memory limit for a live heap of live bytes: the base limit, or one and a half times the
// live heap and some headroom once that is more. A soft limit below what the process must hold makes the
// runtime collect back to back (up to half the CPU): Terraform plugins hold on to tens of kilobytes per
// request served, so the live heap of a plan of several thousand resources passes any fixed limit that
// would matter for a thousand (with 120 MiB, a plan of 4000 app ACLs cost the provider four times the CPU).
// Following the live heap, collections come as often as with GOGC=50 at worst, never back to back.
func limitFor(live uint64) int64 {
	l := int64(min(live, 1<<60))
	return max(baseLimit, l+l/2+headroom)
}

// Configure sets this limit unless GOGC or GOMEMLIMIT is set, which the runtime has then read and which win.
// The limit follows the live heap after every collection until stop is called. configured reports whether
// anything was changed.
func Configure() (configured bool, stop func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return false, func() {}
	}
	debug.SetMemoryLimit(baseLimit)
	var stopped atomic.Bool
	afterEveryGC(&stopped, func() {
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			debug.SetMemoryLimit(limitFor(sample[0].Value.Uint64()))
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
