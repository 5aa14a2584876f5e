package core

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
)

// chaosFates sends GET requests for n distinct queries, each twice, and returns the statuses.
func chaosFates(t *testing.T, c *Chaos, n int) []int {
	t.Helper()
	s, f := startProbes(t, Options{})
	if err := s.SetChaos(c); err != nil {
		t.Fatal(err)
	}
	var got []int
	for i := range n {
		for range 2 {
			got = append(got, f.Do(http.MethodGet, fmt.Sprintf("%s?i=%d", projectCount, i), nil).Status)
		}
	}
	return got
}

// TestChaos: about Rate of the requests fail, in the ways listed that match them, and the same seed fails
// the same requests again while another seed fails others.
func TestChaos(t *testing.T) {
	t.Parallel()
	faults := []Fault{{Status: http.StatusServiceUnavailable}, {Status: http.StatusTooManyRequests, RetryAfter: "1"}, {Method: "POST", Status: http.StatusTeapot}}
	a := chaosFates(t, &Chaos{Seed: 7, Rate: 0.2, Faults: faults}, 500)
	failed := map[int]int{}
	for _, st := range a {
		if st != http.StatusOK {
			failed[st]++
		}
	}
	total := failed[503] + failed[429]
	if total < 140 || total > 260 || failed[503] == 0 || failed[429] == 0 || len(failed) != 2 {
		t.Errorf("rate 0.2 of 1000 requests failed %v, want about 200 split between 503 and 429 only", failed)
	}
	if b := chaosFates(t, &Chaos{Seed: 7, Rate: 0.2, Faults: faults}, 500); !slices.Equal(a, b) {
		t.Error("the same seed failed other requests")
	}
	if c := chaosFates(t, &Chaos{Seed: 8, Rate: 0.2, Faults: faults}, 500); slices.Equal(a, c) {
		t.Error("another seed failed the same requests")
	}
	// A repeated request has its own fate each time, so a retry can succeed.
	differ := false
	for i := 0; i < len(a); i += 2 {
		differ = differ || a[i] != a[i+1]
	}
	if !differ {
		t.Error("every repeated request met the same fate as the first")
	}
}

func TestChaosOffAndAll(t *testing.T) {
	t.Parallel()
	for _, st := range chaosFates(t, &Chaos{Rate: 0, Faults: []Fault{{}}}, 50) {
		if st != http.StatusOK {
			t.Fatalf("rate 0 failed a request with %d", st)
		}
	}
	for _, st := range chaosFates(t, &Chaos{Rate: 1, Faults: []Fault{{}}}, 50) {
		if st != http.StatusInternalServerError {
			t.Fatalf("rate 1 let a request through with %d", st)
		}
	}
	s := New(Options{})
	if err := s.SetChaos(&Chaos{Rate: 1.5}); err == nil {
		t.Error("rate 1.5 accepted")
	}
	if err := s.SetChaos(&Chaos{Rate: 0.5, Faults: []Fault{{PathRegexp: "("}}}); err == nil {
		t.Error("a bad path_regexp accepted")
	}
}
