// Command benchharness times the authz provider with the real Terraform binary against the bundled fake cloud,
// next to a provider that does nothing (internal/bench/floorprovider) and to terraform_data; `make bench` runs it.
package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

type options struct {
	ns           []int
	latencies    []time.Duration
	scenarios    []scenario
	terraform    string
	repo         string
	fakecloudSrc string
	out          string
	profile      string
	profileOf    string
	work         string
	keep         bool
	repeat       int
	plans        int
	timeout      time.Duration
}

func main() {
	opts, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchharness:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, opts); err != nil {
		fmt.Fprintln(os.Stderr, "benchharness:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("benchharness", flag.ContinueOnError)
	ns := fs.String("n", "1,100,1000", "resource counts, comma-separated")
	latencies := fs.String("latency", "0,50ms", "fake cloud latencies per request, comma-separated")
	names := fs.String("scenarios", strings.Join(scenarioNames(), ","), "scenarios, comma-separated")
	fs.StringVar(&o.terraform, "terraform", cmp.Or(os.Getenv("TERRAFORM"), ".tools/bin/terraform"), "the Terraform binary")
	fs.StringVar(&o.repo, "repo", ".", "the repository to build the providers from")
	fs.StringVar(&o.fakecloudSrc, "fakecloud-src", "", "a checkout to build the fake cloud from (default: -repo)")
	fs.StringVar(&o.out, "out", "", "also write the markdown report to this file")
	fs.StringVar(&o.profile, "profile", "", "write CPU profiles of the largest plan of -profile-scenario to this directory and print the top functions")
	fs.StringVar(&o.profileOf, "profile-scenario", "app_acl", "the scenario whose plan -profile profiles")
	fs.StringVar(&o.work, "work", "", "working directory (default: a temporary one, removed afterwards)")
	fs.BoolVar(&o.keep, "keep", false, "keep the working directory (builds, configurations, Terraform logs)")
	fs.IntVar(&o.repeat, "repeat", 1, "run each scenario this many times and report the run of median wall time, per operation")
	fs.IntVar(&o.plans, "plans", 3, "run the no-change plan this many times in each run and report the one of median wall time")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Minute, "limit for each Terraform command")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	for _, f := range strings.Split(*ns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > maxCount {
			return o, fmt.Errorf("-n: %q is not a count from 1 to %d", f, maxCount)
		}
		o.ns = append(o.ns, n)
	}
	for _, f := range strings.Split(*latencies, ",") {
		f = strings.TrimSpace(f)
		if f == "0" {
			f = "0s"
		}
		d, err := time.ParseDuration(f)
		if err != nil || d < 0 {
			return o, fmt.Errorf("-latency: %q is not a duration", f)
		}
		o.latencies = append(o.latencies, d)
	}
	for _, name := range strings.Split(*names, ",") {
		i := slices.IndexFunc(scenarios, func(s scenario) bool { return s.name == strings.TrimSpace(name) })
		if i < 0 {
			return o, fmt.Errorf("-scenarios: unknown %q; known: %s", name, strings.Join(scenarioNames(), ", "))
		}
		o.scenarios = append(o.scenarios, scenarios[i])
	}
	if o.repeat < 1 || o.plans < 1 {
		return o, errors.New("-repeat and -plans must be at least 1")
	}
	o.fakecloudSrc = cmp.Or(o.fakecloudSrc, o.repo)
	return o, nil
}

// absolutePaths makes the paths Terraform and the provider use absolute: Terraform starts the provider in the
// configuration's directory. It clears old profiles.
func absolutePaths(o *options) error {
	var err error
	if o.terraform, err = filepath.Abs(o.terraform); err != nil {
		return err
	}
	if o.profile == "" {
		return nil
	}
	if o.profile, err = filepath.Abs(o.profile); err != nil {
		return err
	}
	return removeProfiles(o.profile)
}

func run(ctx context.Context, o options) error {
	err := absolutePaths(&o)
	if err != nil {
		return err
	}
	work := o.work
	if work == "" {
		if work, err = os.MkdirTemp("", "authz-bench-"); err != nil {
			return err
		}
		if !o.keep {
			defer os.RemoveAll(work)
		}
	}
	if work, err = filepath.Abs(work); err != nil {
		return err
	}
	logf("building the providers, the RSS wrapper and the fake cloud into %s", work)
	bins, err := build(ctx, o.repo, o.fakecloudSrc, work)
	if err != nil {
		return err
	}
	cliConfig := filepath.Join(work, "terraformrc")
	if err := os.WriteFile(cliConfig, []byte(bins.cliConfig()), 0o644); err != nil {
		return err
	}
	tf := terraform{
		bin:     o.terraform,
		timeout: o.timeout,
		env: []string{"TF_CLI_CONFIG_FILE=" + cliConfig, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1",
			"RSSWRAP_DIR=" + bins.realDir},
	}

	var notes []string
	latencies := o.latencies
	if slices.ContainsFunc(latencies, func(d time.Duration) bool { return d > 0 }) {
		if err := probeLatency(bins.fakecloud, work); errors.Is(err, errLatencyUnsupported) {
			note := "the fake cloud has no -latency flag yet: ran at latency 0 only"
			logf("NOTE: %s", note)
			notes = append(notes, note)
			latencies = []time.Duration{0}
		} else if err != nil {
			return err
		}
	}
	results, skipped, runErr := runScenarios(ctx, o, tf, bins, work, latencies)
	notes = append(notes, skipped...)
	if runErr != nil {
		notes = append(notes, "stopped early: "+runErr.Error())
	}

	report := header(ctx, o.terraform) + "\n" + table(results)
	if t := throttleTable(results); t != "" {
		report += "\n" + t
	}
	if lines := targets(results); len(lines) > 0 {
		report += "\nTargets (issues 10 and 23):\n\n" + strings.Join(lines, "\n") + "\n"
	}
	if len(notes) > 0 {
		report += "\nNotes:\n\n- " + strings.Join(notes, "\n- ") + "\n"
	}
	fmt.Print("\n" + report)
	if o.out != "" {
		if err := os.WriteFile(o.out, []byte(report), 0o644); err != nil {
			return err
		}
	}
	if o.profile != "" && runErr == nil {
		if err := printProfile(ctx, bins.provider("authz"), o.profile); err != nil {
			return err
		}
	}
	if o.keep {
		logf("kept %s", work)
	}
	return runErr
}

// runScenarios runs every scenario at every N and latency, o.repeat times each, and returns the median runs,
// notes of the scenarios skipped, and the error that stopped it early, if any (with what ran before it).
func runScenarios(ctx context.Context, o options, tf terraform, bins binaries, work string, latencies []time.Duration) ([]result, []string, error) {
	profileN, profileLatency := slices.Max(o.ns), slices.Min(latencies)
	var results []result
	var notes []string
	for _, latency := range latencies {
		for _, n := range allNs(o.ns, o.scenarios) {
			// Repetitions go round the scenarios, so that a provider and the floor it is compared with
			// run minutes apart at most, whatever the machine's load does over a long run.
			runs := make([][][]result, len(o.scenarios))
			for _, sc := range o.scenarios {
				if !sc.fits(n) && latency == latencies[0] && slices.Contains(sc.ns(o.ns), n) {
					notes = append(notes, fmt.Sprintf("%s skipped at N=%d: the fake cloud holds at most %d authorizations per app", sc.name, n, sc.maxN))
				}
			}
			for i := range o.repeat {
				for j, sc := range o.scenarios {
					if err := ctx.Err(); err != nil {
						return results, notes, err
					}
					if !sc.fits(n) || !slices.Contains(sc.ns(o.ns), n) {
						continue
					}
					profile := ""
					if o.profile != "" && sc.name == o.profileOf && n == profileN && latency == profileLatency && i == 0 {
						profile = o.profile
					}
					dir := filepath.Join(work, "runs", fmt.Sprintf("%s-%d-%s-%d", sc.name, n, latencyString(latency), i+1))
					rs, err := runScenario(ctx, tf, bins, dir, sc, n, latency, o.plans, profile)
					if err != nil {
						return results, notes, fmt.Errorf("%s, N=%d, latency %s: %w", sc.name, n, latencyString(latency), err)
					}
					runs[j] = append(runs[j], rs)
				}
			}
			for _, r := range runs {
				results = append(results, medianRun(r)...)
			}
		}
	}
	return results, notes, nil
}

// allNs are the counts every scenario runs at: those asked for, and the fixed ones, in order.
func allNs(asked []int, scs []scenario) []int {
	var ns []int
	for _, sc := range scs {
		for _, n := range sc.ns(asked) {
			if !slices.Contains(ns, n) {
				ns = append(ns, n)
			}
		}
	}
	slices.Sort(ns)
	return ns
}

// probeLatency starts the fake cloud once with -latency to learn whether it knows the flag.
func probeLatency(bin, work string) error {
	dir := filepath.Join(work, "probe")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	fc, err := startFakeCloud(bin, dir, "", time.Millisecond)
	if err != nil {
		return err
	}
	fc.stop()
	return nil
}

// runScenario applies, re-plans and destroys one scenario against a fresh fake cloud in a fresh directory.
func runScenario(ctx context.Context, tf terraform, bins binaries, dir string, sc scenario, n int, latency time.Duration, plans int, profile string) ([]result, error) {
	cfgDir := filepath.Join(dir, "config")
	if err := os.MkdirAll(cfgDir, 0o755); err != nil {
		return nil, err
	}
	fixtureFile := ""
	if sc.fixture != nil {
		fixtureFile = filepath.Join(dir, "fixture.json")
		b, err := json.MarshalIndent(sc.fixture(n), "", "  ")
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(fixtureFile, b, 0o644); err != nil {
			return nil, err
		}
	}
	fc, err := startFakeCloud(bins.fakecloud, dir, fixtureFile, latency, sc.fakeArgs...)
	if err != nil {
		return nil, err
	}
	defer fc.stop()
	if err := os.WriteFile(filepath.Join(cfgDir, "main.tf"), []byte(sc.config(n, fc.url)), 0o644); err != nil {
		return nil, err
	}
	initLog := filepath.Join(dir, "init.log")
	if _, _, code, err := tf.run(ctx, cfgDir, initLog, nil, "init", "-input=false", "-no-color"); err != nil || code != 0 {
		return nil, fmt.Errorf("terraform init failed (%v, exit %d):\n%s", err, code, tail(initLog, 30))
	}

	var results []result
	for _, op := range operations {
		times := 1
		if op == "plan" {
			times = plans
		}
		var runs [][]result
		for i := range times {
			r, code, err := runOperation(ctx, tf, fc, dir, cfgDir, sc, n, latency, op, i, profile)
			if err != nil {
				return nil, err
			}
			if code != 0 && op == "apply" {
				// Nothing to plan or destroy reliably; the fake cloud goes with the process.
				return append(results, r), nil
			}
			runs = append(runs, []result{r})
		}
		results = append(results, medianRun(runs)...)
	}
	return results, nil
}

// runOperation runs one Terraform command of a scenario (the i-th of its kind in the run) and measures it.
func runOperation(ctx context.Context, tf terraform, fc *fakeCloud, dir, cfgDir string, sc scenario, n int, latency time.Duration, op string, i int, profile string) (result, int, error) {
	args := map[string][]string{
		"apply":   {"apply", "-input=false", "-auto-approve", "-no-color"},
		"plan":    {"plan", "-input=false", "-no-color", "-detailed-exitcode"},
		"destroy": {"destroy", "-input=false", "-auto-approve", "-no-color"},
	}[op]
	name := op
	if i > 0 {
		name = fmt.Sprintf("%s-%d", op, i+1)
	}
	rssFile := filepath.Join(dir, name+".rss")
	env := append([]string{"RSSWRAP_OUT=" + rssFile}, sc.env...)
	if op == "plan" && profile != "" && i == 0 {
		if err := os.MkdirAll(profile, 0o755); err != nil {
			return result{}, 0, err
		}
		env = append(env, "AUTHZ_CPUPROFILE="+profile, "AUTHZ_MEMPROFILE="+profile)
	}
	if err := fc.resetRequests(ctx); err != nil {
		return result{}, 0, err
	}
	logFile := filepath.Join(dir, name+".log")
	wall, cpu, code, err := tf.run(ctx, cfgDir, logFile, env, args...)
	if err != nil {
		return result{}, 0, fmt.Errorf("terraform %s: %w", op, err)
	}
	r := result{Scenario: sc.name, N: n, Latency: latency, Op: op, Wall: wall, CPU: cpu}
	switch {
	case op == "plan" && code == 2:
		r.Note = "plan not empty"
	case code != 0:
		r.Note = fmt.Sprintf("exit %d", code)
		logf("terraform %s failed (exit %d), log %s:\n%s", op, code, logFile, tail(logFile, 20))
	}
	reqs, err := fc.requests(ctx)
	if err != nil {
		return result{}, 0, err
	}
	r.Calls, r.Failed = countRoutes(reqs)
	r.Throttled = count429(reqs)
	if sc.provider != "" {
		if r.RSSKiB, r.ProviderCPU, err = providerUsage(rssFile); err != nil {
			return result{}, 0, err
		}
		if r.RSSKiB == 0 {
			r.Note = strings.TrimSpace(r.Note + " no RSS recorded")
		}
	}
	logf("%-22s N=%-4d latency %-5s %-7s %7.2f s  CPU %6.2f s (provider %6.2f s)  %6d calls  %4.0f MiB %s", sc.name, n, latencyString(latency), op,
		wall.Seconds(), cpu.Seconds(), r.ProviderCPU.Seconds(), r.totalCalls(), float64(r.RSSKiB)/1024, r.Note)
	return r, code, nil
}

// header names the machine and the tools, since the figures mean little without them.
func header(ctx context.Context, terraformBin string) string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	tfVersion := "Terraform ?"
	if out, err := exec.CommandContext(ctx, terraformBin, "version").Output(); err == nil {
		tfVersion, _, _ = strings.Cut(string(out), "\n")
	}
	return fmt.Sprintf("Machine: %d × %s (%s/%s), %s, %s, %s.\n", runtime.NumCPU(), model, runtime.GOOS, runtime.GOARCH,
		tfVersion, runtime.Version(), time.Now().UTC().Format("2006-01-02"))
}

// removeProfiles removes the profiles of an earlier run, which would otherwise be merged into this one's.
func removeProfiles(dir string) error {
	old, err := filepath.Glob(filepath.Join(dir, "authz-*.*.pprof"))
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	return err
}

// printProfile prints the top functions of the CPU profiles the provider processes wrote, merged.
func printProfile(ctx context.Context, binary, dir string) error {
	profiles, err := filepath.Glob(filepath.Join(dir, "authz-*.cpu.pprof"))
	if err != nil {
		return err
	}
	if len(profiles) == 0 {
		logf("no CPU profiles in %s: app_acl was not among the scenarios", dir)
		return nil
	}
	var report []byte
	// By own time, then by time including callees, which shows where the time above the floor goes.
	for _, sort := range []string{"-flat", "-cum"} {
		args := append([]string{"tool", "pprof", "-top", sort, "-nodecount=25", binary}, profiles...)
		out, err := exec.CommandContext(ctx, "go", args...).Output()
		if err != nil {
			return fmt.Errorf("go tool pprof %s: %w", strings.Join(args[2:], " "), err)
		}
		report = append(report, out...)
		report = append(report, '\n')
	}
	top := filepath.Join(dir, "top.txt")
	if err := os.WriteFile(top, report, 0o644); err != nil {
		return err
	}
	fmt.Printf("\nCPU profile of the app_acl plan (%d provider processes, merged; also in %s):\n\n%s", len(profiles), top, report)
	return nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}
