// Package gctune paces the provider's garbage collector for Terraform's bursts of short requests: collections
// far apart while the live heap is small, and a soft memory limit that the live heap can never outgrow.
package gctune

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

const (
	// gcPercent is GOGC. A plan of a thousand resources allocates some 600 MB in two seconds while holding
	// only a few MB (once provider.NewServer keeps the framework from holding every request's context), and
	// Go's default (100) then collects every few MB: about 40 % of the provider's CPU in such a plan. At 200,
	// a no-change plan of 1000 single authorizations takes about a sixth less provider CPU and peaks at about
	// 42 MB of RSS instead of 36 (the floor provider of make bench: 100 to 120 MB). 400 saves a little more
	// CPU but raises the peak of small plans (100 resources) to 1.5× the floor's, since its smallest heap
	// target is four times Go's 4 MB.
	gcPercent = 200
	// baseLimit bounds the heap that gcPercent allows once the live heap grows: past 40 MB held, the limit
	// rather than GOGC sets when the runtime collects.
	baseLimit = 120 << 20
	// headroom is what the process needs beside its heap: stacks, the runtime's own memory.
	headroom = 32 << 20
)

// limitFor is the soft memory limit for a live heap of live bytes: the base limit, or one and a half times the
// live heap and some headroom once that is more. A soft limit close to what the process must hold makes the
// runtime collect back to back (up to half the CPU): with a fixed 120 MiB, while the framework still held
// every request's context, a plan of 4000 app ACLs cost the provider four times the CPU. Following the live
// heap, collections come as often as with GOGC=50 at worst, never back to back.
func limitFor(live uint64) int64 {
	l := int64(min(live, 1<<60))
	return max(baseLimit, l+l/2+headroom)
}

// Configure sets gcPercent and this limit unless GOGC or GOMEMLIMIT is set, which the runtime has then read
// and which win. The limit follows the live heap after every collection until stop is called. configured
// reports whether anything was changed.
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
