package gctune

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestLimitFor(t *testing.T) {
	for _, tc := range []struct {
		live uint64
		want int64
	}{
		{0, baseLimit},
		{5 << 20, baseLimit},                       // a plan of a thousand resources holds a few MiB
		{58 << 20, baseLimit},                      // 1.5 × 58 + 32 = 119
		{100 << 20, 150<<20 + headroom},            // several thousand: the limit follows
		{math.MaxUint64, 1<<60 + 1<<59 + headroom}, // no overflow
	} {
		if got := limitFor(tc.live); got != tc.want {
			t.Errorf("limitFor(%d MiB) = %d MiB, want %d MiB", tc.live>>20, got>>20, tc.want>>20)
		}
	}
}

// restoreRuntime puts the collector's settings back after a test that changes them.
func restoreRuntime(t *testing.T) {
	percent := debug.SetGCPercent(100)
	debug.SetGCPercent(percent)
	limit := debug.SetMemoryLimit(-1)
	t.Cleanup(func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	})
}

func TestConfigureLeavesExplicitSettings(t *testing.T) {
	restoreRuntime(t)
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv("GOGC", "")
			t.Setenv("GOMEMLIMIT", "")
			t.Setenv(env, "150") // read by the runtime at start-up; here it only has to be set
			debug.SetGCPercent(100)
			debug.SetMemoryLimit(math.MaxInt64)
			if configured, stop := Configure(); configured {
				stop()
				t.Errorf("with %s set, Configure changed the collector's settings", env)
			}
			if got := debug.SetGCPercent(100); got != 100 {
				t.Errorf("GC percent became %d", got)
			}
			if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
				t.Errorf("memory limit became %d", got)
			}
		})
	}
}

// The limit never stays near what the process holds: once the live heap passes half of it, it follows.
func TestLimitFollowsTheLiveHeap(t *testing.T) {
	restoreRuntime(t)
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	configured, stop := Configure()
	t.Cleanup(stop)
	if !configured {
		t.Fatal("Configure changed nothing without GOGC or GOMEMLIMIT")
	}
	if got := debug.SetGCPercent(gcPercent); got != gcPercent {
		t.Errorf("GC percent %d, want %d", got, gcPercent)
	}
	const held = 100 << 20
	blocks := make([][]byte, held>>20)
	for i := range blocks {
		blocks[i] = make([]byte, 1<<20)
		blocks[i][0] = 1
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		time.Sleep(10 * time.Millisecond) // cleanups run on their own goroutine
		if got := debug.SetMemoryLimit(-1); got >= held+held/2+headroom {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("holding %d MiB, the memory limit is %d MiB, want at least %d MiB", held>>20, got>>20, (held+held/2+headroom)>>20)
		}
	}
	runtime.KeepAlive(blocks)
	blocks = nil
	for {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
		if got := debug.SetMemoryLimit(-1); got == baseLimit {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("holding little again, the memory limit is %d MiB, want %d MiB", got>>20, baseLimit>>20)
		}
	}
}
