package gctune

import (
	"runtime/debug"
	"testing"
)

func TestConfigureSetsGOGC(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	if !Configure() {
		t.Fatal("Configure changed nothing without GOGC or GOMEMLIMIT")
	}
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Errorf("GC percent %d, want %d", got, gcPercent)
	}
}

func TestConfigureLeavesExplicitSettings(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv("GOGC", "")
			t.Setenv("GOMEMLIMIT", "")
			t.Setenv(env, "150") // read by the runtime at start-up; here it only has to be set
			debug.SetGCPercent(100)
			if Configure() {
				t.Errorf("with %s set, Configure changed the collector's settings", env)
			}
			if got := debug.SetGCPercent(100); got != 100 {
				t.Errorf("GC percent became %d", got)
			}
		})
	}
}
