package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRoute(t *testing.T) {
	for _, tc := range []struct{ method, path, want string }{
		{"GET", "/v2/0b5b0b8c5c0b4a6b9e8a6c4d2e1f0a9b/apigw/instances/b0000000000000000000000000000000/apps/a0000000000000000000000000000007/app-acl",
			"GET /v2/{project_id}/apigw/instances/{instance_id}/apps/{app_id}/app-acl"},
		{"DELETE", "/v1/0b5b0b8c5c0b4a6b9e8a6c4d2e1f0a9b/apic/instances/b0000000000000000000000000000000/app-auths/0123456789abcdef0123456789abcdef",
			"DELETE /v1/{project_id}/apic/instances/{instance_id}/app-auths/{app_auth_id}"},
		{"GET", "/v2/0b5b0b8c5c0b4a6b9e8a6c4d2e1f0a9b/apigw/instances/b0000000000000000000000000000000/app-auths/binded-apis",
			"GET /v2/{project_id}/apigw/instances/{instance_id}/app-auths/binded-apis"},
		{"POST", "/v3/auth/tokens", "POST /v3/auth/tokens"},
		{"GET", "/v1/services/123e4567-e89b-12d3-a456-426614174000", "GET /v1/services/{service_id}"},
	} {
		if got := route(tc.method, tc.path); got != tc.want {
			t.Errorf("route(%s %s) = %q, want %q", tc.method, tc.path, got, tc.want)
		}
	}
}

func TestCountRoutes(t *testing.T) {
	base := "/v2/0b5b0b8c5c0b4a6b9e8a6c4d2e1f0a9b/apigw/instances/b0000000000000000000000000000000/apps/"
	calls, failed := countRoutes([]request{
		{Method: "GET", Path: base + appID(1) + "/app-acl", Status: 200},
		{Method: "GET", Path: base + appID(2) + "/app-acl", Status: 404},
		{Method: "PUT", Path: base + appID(1) + "/app-acl", Status: 0},
	})
	want := map[string]int{
		"GET /v2/{project_id}/apigw/instances/{instance_id}/apps/{app_id}/app-acl": 2,
		"PUT /v2/{project_id}/apigw/instances/{instance_id}/apps/{app_id}/app-acl": 1,
	}
	if len(calls) != len(want) || calls[route("GET", base+appID(9)+"/app-acl")] != 2 || failed != 2 {
		t.Errorf("countRoutes = %v, %d failed; want %v, 2 failed", calls, failed, want)
	}
	for r, n := range want {
		if calls[r] != n {
			t.Errorf("calls[%q] = %d, want %d", r, calls[r], n)
		}
	}
}

func TestRatio(t *testing.T) {
	for _, tc := range []struct {
		a, b float64
		want string
	}{{3, 2, "1.50×"}, {1, 1, "1.00×"}, {1, 0, "—"}, {0, 1, "—"}} {
		if got := ratio(tc.a, tc.b); got != tc.want {
			t.Errorf("ratio(%v, %v) = %q, want %q", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestTable(t *testing.T) {
	aclRoute := "GET /v2/{project_id}/apigw/instances/{instance_id}/apps/{app_id}/app-acl"
	results := []result{
		{Scenario: "app_acl", N: 100, Op: "plan", Wall: 3 * time.Second, CPU: 4 * time.Second, ProviderCPU: 1500 * time.Millisecond, RSSKiB: 30 * 1024, Calls: map[string]int{aclRoute: 100}},
		{Scenario: floorScenario, N: 100, Op: "plan", Wall: 2 * time.Second, CPU: 3 * time.Second, ProviderCPU: time.Second, RSSKiB: 20 * 1024, Calls: map[string]int{}},
		{Scenario: "app_acl", N: 100, Latency: 50 * time.Millisecond, Op: "plan", Wall: 9 * time.Second, Calls: map[string]int{aclRoute: 100}, Failed: 1},
		{Scenario: "terraform_data", N: 100, Op: "plan", Wall: time.Second, CPU: time.Second, Calls: map[string]int{}},
	}
	lines := strings.Split(strings.TrimSpace(table(results)), "\n")
	want := []string{
		lines[0], lines[1], // header
		"| app_acl | 100 | 0 | plan | 3.00 s | 1.50× | 4.00 s | 1.50 s | 1.50× | 30 MiB | 1.50× | 100 | 1.00 | `GET …/apps/{app_id}/app-acl` 100 |",
		"| floor_thing | 100 | 0 | plan | 2.00 s | 1.00× | 3.00 s | 1.00 s | 1.00× | 20 MiB | 1.00× | 0 | — |  |",
		"| terraform_data | 100 | 0 | plan | 1.00 s | 0.50× | 1.00 s | — | — | — | — | 0 | — |  |",
		// no floor at 50 ms: no ratios
		"| app_acl | 100 | 50ms | plan | 9.00 s | — | 0.00 s | — | — | — | — | 100 | 1.00 | `GET …/apps/{app_id}/app-acl` 100 (1 failed) |",
	}
	if !slices.Equal(lines, want) {
		t.Errorf("table:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

func TestMedianRun(t *testing.T) {
	runs := [][]result{
		{{Op: "apply", Wall: 3 * time.Second}, {Op: "plan", Wall: 1 * time.Second}},
		{{Op: "apply", Wall: 1 * time.Second}, {Op: "plan", Wall: 2 * time.Second}},
		{{Op: "apply", Wall: 2 * time.Second}, {Op: "plan", Wall: 3 * time.Second}},
	}
	got := medianRun(runs)
	if len(got) != 2 || got[0].Wall != 2*time.Second || got[1].Wall != 2*time.Second {
		t.Errorf("medianRun = %+v, want the 2 s apply and the 2 s plan", got)
	}
}

func TestProviderUsage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rss")
	if err := os.WriteFile(path, []byte("24204 terraform-provider-authz 120\n27900 terraform-provider-authz 1500\n25516 terraform-provider-authz 30\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if kib, cpu, err := providerUsage(path); err != nil || kib != 27900 || cpu != 1650*time.Millisecond {
		t.Errorf("providerUsage = %d KiB, %v, %v; want the largest RSS, 27900 KiB, and the sum of the CPU times, 1.65 s", kib, cpu, err)
	}
	if kib, cpu, err := providerUsage(path + ".missing"); err != nil || kib != 0 || cpu != 0 {
		t.Errorf("providerUsage of a missing file = %d, %v, %v; want 0, 0, nil", kib, cpu, err)
	}
	if err := os.WriteFile(path, []byte("24204 terraform-provider-authz\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := providerUsage(path); err == nil {
		t.Error("a line without the CPU time was accepted")
	}
}

// TestFixturesMatchDemo guards against the fixture format moving on: every field the harness writes must
// appear at the same place in examples/demo/fixture.json, which the fake cloud's own tests keep loadable.
func TestFixturesMatchDemo(t *testing.T) {
	demo, err := os.ReadFile("../../../../examples/demo/fixture.json")
	if err != nil {
		t.Fatal(err)
	}
	known := fieldPaths(t, demo)
	for name, f := range map[string]*fixture{"acl": aclFixture(60), "auth": authFixture(3)} {
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		for p := range fieldPaths(t, b) {
			if !known[p] {
				t.Errorf("%s fixture: field %s is not in examples/demo/fixture.json", name, p)
			}
		}
	}
	if got := len(aclFixture(101).Gateway.Projects[0].Instances); got != 3 {
		t.Errorf("101 apps in %d instances, want 3 (50 apps per instance)", got)
	}
}

// fieldPaths lists the object keys of a JSON document as paths such as gateway.projects[].instances[].id.
func fieldPaths(t *testing.T, doc []byte) map[string]bool {
	t.Helper()
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatal(err)
	}
	paths := map[string]bool{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, child := range v {
				p := strings.TrimPrefix(prefix+"."+k, ".")
				paths[p] = true
				walk(p, child)
			}
		case []any:
			for _, child := range v {
				walk(prefix+"[]", child)
			}
		}
	}
	walk("", v)
	return paths
}

// Targets are checked for the authz provider's scenarios only; floor_wide is set beside app_authorization.
func TestTargets(t *testing.T) {
	ms50 := 50 * time.Millisecond
	results := []result{
		{Scenario: "app_authorization", N: 1000, Latency: ms50, Op: "plan", Wall: 3 * time.Second, ProviderCPU: 1100 * time.Millisecond, RSSKiB: 150 * 1024, Calls: map[string]int{"GET x": 2}},
		{Scenario: floorScenario, N: 1000, Latency: ms50, Op: "plan", Wall: 2 * time.Second, ProviderCPU: 500 * time.Millisecond, RSSKiB: 100 * 1024},
		{Scenario: wideScenario, N: 1000, Latency: ms50, Op: "plan", Wall: 3 * time.Second, ProviderCPU: time.Second, RSSKiB: 140 * 1024},
		// N = 1: the target at latency 0; with latency, the round trip is reported.
		{Scenario: "app_acl", N: 1, Op: "plan", Wall: 260 * time.Millisecond, Calls: map[string]int{"GET x": 1}},
		{Scenario: floorScenario, N: 1, Op: "plan", Wall: 250 * time.Millisecond},
		{Scenario: "app_acl", N: 1, Latency: ms50, Op: "plan", Wall: 300 * time.Millisecond, Calls: map[string]int{"GET x": 1}},
		{Scenario: floorScenario, N: 1, Latency: ms50, Op: "plan", Wall: 240 * time.Millisecond},
	}
	got := targets(results)
	want := []string{
		"- met: app_authorization plan, N=1000, latency 50ms: 2 API calls (target ≤ 5)",
		"- MISSED: app_authorization plan, N=1000, latency 50ms: 1.50× the floor (target ≤ 1.2×)",
		"- MISSED: app_authorization plan, N=1000, latency 50ms: peak RSS 1.50× the floor (target ≤ 1.3×)",
		"- for reference: app_authorization plan, N=1000, latency 50ms: 1.00× the time, 1.10× the provider CPU and 1.07× the peak RSS of floor_wide, " +
			"which does nothing with the same schema, identity and state size (floor_wide itself: 1.50×, 2.00× and 1.40× the floor)",
		"- met: app_acl plan, N=1, latency 0: 1.04× the floor (target ≤ 1.1×)",
		"- for reference: app_acl plan, N=1, latency 50ms: 1.25× the floor, 0.06 s over it with 1 API calls of 50ms each (the target, 1.1×, is at latency 0)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("targets:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// The ideal time of a throttled run counts the calls answered beyond the first window's budget at the policy's
// rate; the target adds a sixth and a half to it and the time of the same work unthrottled.
func TestThrottleTargets(t *testing.T) {
	calls := map[string]int{"PUT /x": 400, "GET /y": 25}
	throttled := result{Scenario: throttledScenario, N: throttledN, Op: "apply", Wall: 24 * time.Second, Calls: calls, Throttled: 10}
	free := result{Scenario: unthrottledScenario, N: throttledN, Op: "apply", Wall: 3 * time.Second, Calls: map[string]int{"PUT /x": 415}}
	if got, want := idealTime(throttled, benchThrottle), 19750*time.Millisecond; got != want {
		t.Errorf("ideal %v, want %v", got, want)
	}
	target, ok := throttleTarget(throttled, unthrottledResults([]result{free}))
	if want := time.Duration(1.15*19.75*float64(time.Second)) + 3*time.Second; !ok || target != want {
		t.Errorf("target %v, %v; want %v", target, ok, want)
	}
	lines := strings.Join(targets([]result{throttled, free}), "\n")
	for _, want := range []string{"met: throttled apply, 2×200 resources, latency 0: 24.00 s", "met: throttled apply, 2×200 resources, latency 0: 2.4 % of 425 requests answered 429"} {
		if !strings.Contains(lines, want) {
			t.Errorf("targets lack %q:\n%s", want, lines)
		}
	}
	if table := throttleTable([]result{throttled, free}); !strings.Contains(table, "| throttled | 20/1s | 400 | 0 | apply | 24.00 s | 415 | 10 (2.4 %) | 19.75 s | 3.00 s | 25.71 s |") {
		t.Errorf("table:\n%s", table)
	}
}
