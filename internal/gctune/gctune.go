// Package gctune paces the provider's garbage collector for Terraform's bursts of short requests: a plan
// allocates hundreds of MB in seconds while holding only a few, so collections should come further apart.
package gctune

import (
	"os"
	"runtime/debug"
)

// gcPercent is GOGC. What make bench measured (the README's memory section): in a no-change plan of 1000
// single authorizations at 50 ms, which ends with about 5 MB live, Go's default of 100 spends about 40 % of
// the provider's CPU collecting; 200 takes a sixth less provider CPU for a few MB more peak RSS (42 MB against
// 36; the floor provider: 100 to 120 MB), and 400 saves little more but puts plans of 100 resources at 1.5×
// the floor's RSS. No measured workload holds enough (4000 app ACLs: under 50 MB of RSS) for a memory limit
// to change anything, so none is set.
const gcPercent = 200

// Configure sets gcPercent unless GOGC or GOMEMLIMIT is set, which the runtime has then read and which win. It
// reports whether it changed anything.
func Configure() bool {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return false
	}
	debug.SetGCPercent(gcPercent)
	return true
}
