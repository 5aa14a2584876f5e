package main

import (
	"slices"
	"strings"
	"testing"
)

func TestParseFlagsCounts(t *testing.T) {
	o, err := parseFlags([]string{"-n", "1, 4000,10000"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(o.ns, []int{1, 4000, 10000}) {
		t.Errorf("counts %v", o.ns)
	}
	for _, bad := range []string{"0", "10001", "x", "100,"} {
		if _, err := parseFlags([]string{"-n", bad}); err == nil || !strings.Contains(err.Error(), "-n:") {
			t.Errorf("-n %s: %v", bad, err)
		}
	}
}

// Scenarios of one app stop at the fake cloud's quota of authorizations per app; the others scale.
func TestScenariosFit(t *testing.T) {
	for _, sc := range scenarios {
		one := strings.HasPrefix(sc.name, "app_authorization")
		if !sc.fits(authsPerApp) {
			t.Errorf("%s does not fit N=%d", sc.name, authsPerApp)
		}
		if got := sc.fits(authsPerApp + 1); got == one {
			t.Errorf("%s fits N=%d: %v", sc.name, authsPerApp+1, got)
		}
	}
}

// The throttled scenarios run at their own N, when -n goes that high.
func TestOnlyN(t *testing.T) {
	sc := scenario{name: throttledScenario, onlyN: throttledN}
	if got := sc.ns([]int{1, 100, 1000}); !slices.Equal(got, []int{throttledN}) {
		t.Errorf("ns(1,100,1000) = %v", got)
	}
	if got := sc.ns([]int{1, 100}); got != nil {
		t.Errorf("ns(1,100) = %v, want none (make bench-quick)", got)
	}
	if got := allNs([]int{1000}, []scenario{sc, {name: floorScenario}}); !slices.Equal(got, []int{throttledN, 1000}) {
		t.Errorf("allNs = %v", got)
	}
}
