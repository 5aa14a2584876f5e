package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// binaries are what the harness built: the real providers, the RSS wrappers Terraform starts in their
// place, and the fake cloud.
type binaries struct {
	realDir   string // terraform-provider-authz, terraform-provider-floor
	wrapDir   string // the same names, each an rsswrap (the dev_overrides directory)
	mirrorDir string // a filesystem mirror, so that `terraform init` resolves the providers offline
	fakecloud string
}

func (b binaries) provider(name string) string {
	return filepath.Join(b.realDir, "terraform-provider-"+name)
}

// build compiles everything into dir/bin, the fake cloud from fakecloudSrc (a checkout of this repository).
func build(ctx context.Context, repo, fakecloudSrc, dir string) (binaries, error) {
	b := binaries{
		realDir:   filepath.Join(dir, "bin", "real"),
		wrapDir:   filepath.Join(dir, "bin", "wrap"),
		mirrorDir: filepath.Join(dir, "mirror"),
		fakecloud: filepath.Join(dir, "bin", "fakecloud"),
	}
	steps := []struct{ src, pkg, out string }{
		{repo, ".", b.provider("authz")},
		{repo, "./internal/bench/floorprovider", b.provider("floor")},
		{repo, "./internal/bench/rsswrap", filepath.Join(b.wrapDir, "terraform-provider-authz")},
		{repo, "./internal/bench/rsswrap", filepath.Join(b.wrapDir, "terraform-provider-floor")},
		{fakecloudSrc, "./internal/fakecloud/cmd/fakecloud", b.fakecloud},
	}
	for _, s := range steps {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", s.out, s.pkg)
		cmd.Dir = s.src
		if out, err := cmd.CombinedOutput(); err != nil {
			return b, fmt.Errorf("go build %s (in %s): %v\n%s", s.pkg, s.src, err, out)
		}
	}
	platform := runtime.GOOS + "_" + runtime.GOARCH
	for _, name := range []string{"authz", "floor"} {
		dst := filepath.Join(b.mirrorDir, "registry.terraform.io", "cloudauthz", name, "0.0.1", platform,
			"terraform-provider-"+name+"_v0.0.1")
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return b, err
		}
		if err := os.Symlink(b.provider(name), dst); err != nil {
			return b, err
		}
	}
	return b, nil
}

// cliConfig runs the providers through their RSS wrappers (dev_overrides); the mirror serves `terraform init`.
func (b binaries) cliConfig() string {
	return fmt.Sprintf(`provider_installation {
  dev_overrides {
    "cloudauthz/authz" = %[1]q
    "cloudauthz/floor" = %[1]q
  }
  filesystem_mirror {
    path    = %[2]q
    include = ["registry.terraform.io/cloudauthz/*"]
  }
  direct {
    exclude = ["registry.terraform.io/cloudauthz/*"]
  }
}
`, b.wrapDir, b.mirrorDir)
}

// errLatencyUnsupported means the fake cloud has no -latency flag.
var errLatencyUnsupported = errors.New("the fake cloud rejects -latency")

// fakeCloud is a running fake cloud process.
type fakeCloud struct {
	url  string
	cmd  *exec.Cmd
	done chan error
	log  string
}

// startFakeCloud starts the fake cloud with its admin endpoints, the fixture (if any), the latency (if any) and
// extra flags.
func startFakeCloud(bin, dir string, fixtureFile string, latency time.Duration, extra ...string) (*fakeCloud, error) {
	urlFile := filepath.Join(dir, "fakecloud.url")
	args := append([]string{"-listen", "127.0.0.1:0", "-url-file", urlFile, "-admin"}, extra...)
	if fixtureFile != "" {
		args = append(args, "-fixture", fixtureFile)
	}
	if latency > 0 {
		args = append(args, "-latency", latency.String())
	}
	fc := &fakeCloud{log: filepath.Join(dir, "fakecloud.log"), done: make(chan error, 1)}
	logFile, err := os.Create(fc.log)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	fc.cmd = exec.Command(bin, args...)
	fc.cmd.Stdout, fc.cmd.Stderr = logFile, logFile
	if err := fc.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { fc.done <- fc.cmd.Wait() }()
	deadline := time.After(30 * time.Second)
	for {
		if b, err := os.ReadFile(urlFile); err == nil && len(b) > 0 {
			fc.url = strings.TrimSpace(string(b))
			return fc, nil
		}
		select {
		case err := <-fc.done:
			out, _ := os.ReadFile(fc.log)
			if strings.Contains(string(out), "flag provided but not defined: -latency") {
				return nil, errLatencyUnsupported
			}
			return nil, fmt.Errorf("the fake cloud exited (%v):\n%s", err, out)
		case <-deadline:
			fc.stop()
			return nil, errors.New("the fake cloud did not report its URL within 30 s")
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (fc *fakeCloud) stop() {
	_ = fc.cmd.Process.Signal(os.Interrupt)
	select {
	case <-fc.done:
	case <-time.After(10 * time.Second):
		_ = fc.cmd.Process.Kill()
		<-fc.done
	}
}

func (fc *fakeCloud) resetRequests(ctx context.Context) error {
	return fc.admin(ctx, http.MethodDelete, "requests", nil)
}

func (fc *fakeCloud) requests(ctx context.Context) ([]request, error) {
	var reqs []request
	err := fc.admin(ctx, http.MethodGet, "requests", &reqs)
	return reqs, err
}

func (fc *fakeCloud) admin(ctx context.Context, method, path string, into any) error {
	req, err := http.NewRequestWithContext(ctx, method, fc.url+"/_fakecloud/"+path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s /_fakecloud/%s: %s", method, path, resp.Status)
	}
	if into == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(into)
}

// terraform runs one Terraform command in a working directory with the harness's CLI configuration.
type terraform struct {
	bin     string
	env     []string // added to the harness's environment
	timeout time.Duration
}

// run runs `terraform args...` in dir, its output going to logFile, and returns the wall time, the CPU time of
// Terraform and the plugins it ran (the kernel counts a process's reaped children in its own usage), and
// the exit code.
func (tf terraform) run(ctx context.Context, dir, logFile string, extraEnv []string, args ...string) (wall, cpu time.Duration, code int, err error) {
	ctx, cancel := context.WithTimeout(ctx, tf.timeout)
	defer cancel()
	out, err := os.Create(logFile)
	if err != nil {
		return 0, 0, -1, err
	}
	defer out.Close()
	cmd := exec.CommandContext(ctx, tf.bin, append([]string{"-chdir=" + dir}, args...)...)
	cmd.Env = append(append(os.Environ(), tf.env...), extraEnv...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	err = cmd.Run()
	wall = time.Since(start)
	if cmd.ProcessState != nil {
		cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return wall, cpu, exit.ExitCode(), nil
	}
	if err != nil {
		return wall, cpu, -1, err
	}
	return wall, cpu, 0, nil
}

// providerUsage reads the lines rsswrap appended ("<KiB> <binary> <CPU ms>", one per provider process) and
// returns the largest peak RSS and the CPU time of them all.
func providerUsage(path string) (peakKiB int64, cpu time.Duration, err error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 3 {
			return 0, 0, fmt.Errorf("%s: %q is not \"<KiB> <binary> <CPU ms>\"", path, sc.Text())
		}
		kib, err1 := strconv.ParseInt(fields[0], 10, 64)
		ms, err2 := strconv.ParseInt(fields[2], 10, 64)
		if err := errors.Join(err1, err2); err != nil {
			return 0, 0, fmt.Errorf("%s: %q: %w", path, sc.Text(), err)
		}
		peakKiB = max(peakKiB, kib)
		cpu += time.Duration(ms) * time.Millisecond
	}
	return peakKiB, cpu, sc.Err()
}

// tail returns the last lines of a log, for error messages.
func tail(path string, lines int) string {
	b, _ := os.ReadFile(path)
	all := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(all[max(0, len(all)-lines):], "\n")
}
