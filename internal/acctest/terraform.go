package acctest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/cloudauthz/terraform-provider-authz/internal/provider"
)

// Terraform runs the real Terraform binary in a working directory of its own against the provider served in
// the test process (so the race detector covers the provider), like terraform-plugin-testing, but it can also
// start a command in the background and interrupt it as Ctrl-C does. Every command gets a freshly served
// provider, as every real Terraform command gets a fresh provider process.
type Terraform struct {
	t       *testing.T
	bin     string
	dir     string
	env     []string
	others  []OtherProvider
	Timeout time.Duration // bound on one command; it is killed when it runs longer
}

// DefaultCommandTimeout bounds one Terraform command.
const DefaultCommandTimeout = 2 * time.Minute

// providerAddresses are the addresses the served provider answers to: hashicorp/authz is what a configuration
// without required_providers means (as in terraform-plugin-testing), cloudauthz/authz is the published one.
func providerAddresses() []string {
	host := ProviderHost()
	return []string{host + "/hashicorp/authz", host + "/cloudauthz/authz"}
}

// ProviderHost is the registry host the CLI fills in for a provider source without one: registry.terraform.io
// for Terraform, registry.opentofu.org for OpenTofu, chosen with TF_ACC_PROVIDER_HOST as terraform-plugin-testing
// does.
func ProviderHost() string {
	if host := os.Getenv("TF_ACC_PROVIDER_HOST"); host != "" {
		return host
	}
	return "registry.terraform.io"
}

// OtherProvider is a provider a test serves beside this one, under an address of its choosing (e.g.
// ProviderHost()+"/huaweicloud/huaweicloud"): a stand-in for a provider whose state the test moves, say. Each
// command gets a fresh instance of it, as of this provider.
type OtherProvider struct {
	Address string
	Server  func() tfprotov6.ProviderServer
}

// NewTerraform prepares a working directory holding config as main.tf and runs `terraform init` in it. It skips
// the test unless TF_ACC is set. TF_ACC_TERRAFORM_PATH names the binary (Terraform or OpenTofu). Terraform never
// reaches the network: the provider and the others given are reattached, and the CLI configuration installs
// any other provider only from an empty mirror.
func NewTerraform(t *testing.T, config string, others ...OtherProvider) *Terraform {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests run only with TF_ACC=1")
	}
	PreCheck(t)
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("terraform"); err != nil {
			t.Fatal("no Terraform binary: run `make tools` or set TF_ACC_TERRAFORM_PATH")
		}
	}
	root := t.TempDir()
	dir, mirror, cliConfig := filepath.Join(root, "work"), filepath.Join(root, "mirror"), filepath.Join(root, "terraformrc")
	for _, d := range []string{dir, mirror} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	rc := fmt.Sprintf("disable_checkpoint = true\n\nprovider_installation {\n  filesystem_mirror {\n    path = %q\n  }\n}\n", mirror)
	if err := os.WriteFile(cliConfig, []byte(rc), 0o644); err != nil {
		t.Fatal(err)
	}
	tf := &Terraform{t: t, bin: bin, dir: dir, others: others, Timeout: DefaultCommandTimeout,
		env: append(terraformEnv(), "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE="+cliConfig)}
	tf.SetConfig(config)
	tf.MustRun("init")
	return tf
}

// terraformEnv is the test's environment without the TF_* variables that would change what Terraform does;
// the TF_LOG* ones stay, for debugging.
func terraformEnv() []string {
	return slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "TF_") && !strings.HasPrefix(kv, "TF_LOG")
	})
}

// Dir is the working directory.
func (tf *Terraform) Dir() string { return tf.dir }

// SetConfig replaces main.tf.
func (tf *Terraform) SetConfig(config string) {
	tf.t.Helper()
	if err := os.WriteFile(filepath.Join(tf.dir, "main.tf"), []byte(config), 0o644); err != nil {
		tf.t.Fatal(err)
	}
}

// Run runs a Terraform command, e.g. Run("apply", "-auto-approve"), to its end; -no-color and, where the
// command accepts it, -input=false are added.
func (tf *Terraform) Run(args ...string) Result {
	tf.t.Helper()
	return tf.Start(args...).Wait()
}

// MustRun is Run failing the test unless the command succeeds.
func (tf *Terraform) MustRun(args ...string) Result {
	tf.t.Helper()
	r := tf.Run(args...)
	if r.ExitCode != 0 {
		tf.t.Fatal(r)
	}
	return r
}

// withSubcommand are the commands that take a subcommand before their flags.
var withSubcommand = []string{"providers", "state", "workspace"}

// takesInput are the commands that accept -input.
var takesInput = []string{"apply", "destroy", "import", "init", "plan", "refresh"}

// Start starts a Terraform command in the background, like Run. The command is killed if it is still
// running when the test ends.
func (tf *Terraform) Start(args ...string) *Process {
	tf.t.Helper()
	if len(args) == 0 {
		tf.t.Fatal("acctest: no Terraform command")
	}
	// The flags go after the command, and after the subcommand of those that have one (state rm, ...).
	n := 1
	if slices.Contains(withSubcommand, args[0]) && len(args) > 1 {
		n = 2
	}
	argv := append(slices.Clone(args[:n]), "-no-color")
	if slices.Contains(takesInput, args[0]) {
		argv = append(argv, "-input=false")
	}
	argv = append(argv, args[n:]...)

	reattach, stopProvider := serveProviders(tf.t, tf.others)
	ctx, cancel := context.WithTimeout(context.Background(), tf.Timeout)
	cmd := exec.CommandContext(ctx, tf.bin, argv...)
	cmd.Dir = tf.dir
	cmd.Env = append(slices.Clone(tf.env), "TF_REATTACH_PROVIDERS="+reattach)
	cmd.WaitDelay = 5 * time.Second // when killed, do not wait forever for its output pipes
	p := &Process{t: tf.t, cmd: cmd, command: "terraform " + strings.Join(argv, " "), done: make(chan struct{})}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		cancel()
		_ = stopProvider()
		tf.t.Fatalf("starting %s: %v", p.command, err)
	}
	go func() {
		err := cmd.Wait()
		timedOut := ctx.Err() == context.DeadlineExceeded
		cancel()
		p.result.Command = p.command
		p.result.ExitCode = cmd.ProcessState.ExitCode()
		p.result.Stdout, p.result.Stderr = stdout.String(), stderr.String()
		var exitErr *exec.ExitError
		if err != nil && !errors.As(err, &exitErr) {
			p.result.Err = err
		}
		if timedOut {
			p.result.Err = errors.Join(p.result.Err, fmt.Errorf("killed after %s", tf.Timeout))
		}
		p.result.Err = errors.Join(p.result.Err, stopProvider())
		close(p.done)
	}()
	tf.t.Cleanup(func() {
		if !p.Exited() {
			_ = cmd.Process.Kill()
		}
		<-p.done
	})
	return p
}

// Process is a Terraform command started in the background.
type Process struct {
	t       *testing.T
	cmd     *exec.Cmd
	command string
	done    chan struct{} // closed once the command has exited and its provider has stopped
	result  Result        // set before done is closed
}

// Interrupt sends the command SIGINT, as pressing Ctrl-C once does: Terraform stops the provider (which
// cancels the requests in flight), waits for the operations under way and writes the state.
func (p *Process) Interrupt() {
	p.t.Helper()
	if runtime.GOOS == "windows" {
		p.t.Skip("Terraform cannot be sent Ctrl-C on Windows")
	}
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil && !errors.Is(err, os.ErrProcessDone) {
		p.t.Fatalf("interrupting %s: %v", p.command, err)
	}
}

// Exited reports whether the command has ended.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Wait waits for the command to end (at most the Terraform's Timeout) and returns its result.
func (p *Process) Wait() Result {
	<-p.done
	if p.result.Err != nil {
		p.t.Errorf("%s: %v", p.result.Command, p.result.Err)
	}
	return p.result
}

// Result is what a Terraform command did.
type Result struct {
	Command        string
	ExitCode       int // -1 when it was killed
	Stdout, Stderr string
	Err            error // the command could not be run or waited for, or its provider did not stop
}

func (r Result) String() string {
	return fmt.Sprintf("%s exited %d\n--- stdout:\n%s\n--- stderr:\n%s", r.Command, r.ExitCode, r.Stdout, r.Stderr)
}

// Output is stdout followed by stderr.
func (r Result) Output() string { return r.Stdout + r.Stderr }

// State is the state Terraform has recorded, as `terraform show -json` describes it.
type State struct {
	Resources []StateResource // of every module
}

// StateResource is one resource instance in the state.
type StateResource struct {
	Address string         `json:"address"`
	Mode    string         `json:"mode"` // managed or data
	Type    string         `json:"type"`
	Name    string         `json:"name"`
	Values  map[string]any `json:"values"`
}

// OfType returns the managed resources of a type.
func (s State) OfType(typ string) []StateResource {
	var out []StateResource
	for _, r := range s.Resources {
		if r.Mode == "managed" && r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// String is the value of a string attribute, "" when it is not a string.
func (r StateResource) String(attr string) string {
	s, _ := r.Values[attr].(string)
	return s
}

type stateModule struct {
	Resources    []StateResource `json:"resources"`
	ChildModules []stateModule   `json:"child_modules"`
}

// State reads the state with `terraform show -json`.
func (tf *Terraform) State() State {
	tf.t.Helper()
	r := tf.MustRun("show", "-json")
	var doc struct {
		Values *struct {
			RootModule stateModule `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil {
		tf.t.Fatalf("decoding the output of %s: %v\n%s", r.Command, err, r.Stdout)
	}
	var s State
	if doc.Values != nil {
		var walk func(m stateModule)
		walk = func(m stateModule) {
			s.Resources = append(s.Resources, m.Resources...)
			for _, c := range m.ChildModules {
				walk(c)
			}
		}
		walk(doc.Values.RootModule)
	}
	return s
}

// reattachConfig is the JSON shape Terraform reads from TF_REATTACH_PROVIDERS for one provider
// (terraform-exec's ReattachConfig).
type reattachConfig struct {
	Protocol        string
	ProtocolVersion int
	Pid             int
	Test            bool
	Addr            struct{ Network, String string }
}

// serveProviders serves a new instance of the provider, and of each other one, in this process through
// go-plugin's debug mode and returns the TF_REATTACH_PROVIDERS value that lets Terraform use them, and a
// function stopping them.
func serveProviders(t *testing.T, others []OtherProvider) (reattach string, stop func() error) {
	t.Helper()
	all := map[string]reattachConfig{}
	var stops []func() error
	stopAll := func() error {
		var errs []error
		for _, stop := range stops {
			errs = append(errs, stop())
		}
		return errors.Join(errs...)
	}
	served := false
	defer func() {
		if !served { // a server failed to start and the test is ending: stop those that did
			_ = stopAll()
		}
	}()
	addresses := providerAddresses()
	rc, stop := serveProvider(t, addresses[0], provider.NewServer("test"))
	stops = append(stops, stop)
	for _, a := range addresses {
		all[a] = rc
	}
	for _, o := range others {
		rc, stop := serveProvider(t, o.Address, o.Server)
		stops = append(stops, stop)
		all[o.Address] = rc
	}
	b, err := json.Marshal(all)
	if err != nil {
		t.Fatal(err)
	}
	served = true
	return string(b), stopAll
}

// serveProvider serves one provider server through go-plugin's debug mode and returns its reattach
// configuration and a function stopping it.
func serveProvider(t *testing.T, name string, server func() tfprotov6.ProviderServer) (reattachConfig, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	configCh := make(chan *plugin.ReattachConfig)
	closeCh := make(chan struct{})
	errCh := make(chan error, 1)
	go func() {
		errCh <- tf6server.Serve(name, server,
			tf6server.WithDebug(ctx, configCh, closeCh),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
			tf6server.WithoutLogStderrOverride(),
			tf6server.WithLoggingSink(t),
		)
	}()
	var cfg *plugin.ReattachConfig
	select {
	case cfg = <-configCh:
	case err := <-errCh:
		cancel()
		t.Fatalf("serving %s: %v", name, err)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatalf("serving %s: no reattach configuration after 10s", name)
	}
	rc := reattachConfig{Protocol: string(cfg.Protocol), ProtocolVersion: cfg.ProtocolVersion, Pid: cfg.Pid, Test: cfg.Test}
	rc.Addr.Network, rc.Addr.String = cfg.Addr.Network(), cfg.Addr.String()
	return rc, func() error {
		cancel()
		select {
		case <-closeCh:
			return nil
		case <-time.After(10 * time.Second):
			return fmt.Errorf("the server of %s did not stop within 10s", name)
		}
	}
}

// WaitFor polls cond until it holds, failing the test when it still does not after timeout.
func WaitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting after %s for %s", timeout, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
