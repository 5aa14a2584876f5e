// Command rsswrap measures a Terraform provider's peak memory and CPU time. Installed in a dev_overrides
// directory under the provider's binary name, it runs the real provider (same name, in $RSSWRAP_DIR) as its
// child with the same stdin, stdout (go-plugin's handshake), stderr, environment and arguments, then appends
// "<peak RSS in KiB> <binary> <user+system CPU in ms>" to $RSSWRAP_OUT.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
	"time"
)

func main() {
	code, err := run()
	if err != nil {
		fmt.Fprintln(os.Stderr, "rsswrap:", err)
	}
	os.Exit(code)
}

func run() (int, error) {
	dir := os.Getenv("RSSWRAP_DIR")
	if dir == "" {
		return 1, errors.New("RSSWRAP_DIR must name the directory holding the real provider binary")
	}
	self, err := os.Executable()
	if err != nil {
		return 1, err
	}
	cmd := exec.Command(filepath.Join(dir, filepath.Base(self)), os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = childAttr()
	// Pdeathsig fires when the thread that started the child ends: keep this goroutine on its thread.
	runtime.LockOSThread()

	// Terraform may signal the plugin (Ctrl-C reaches the whole process group; go-plugin kills on timeout):
	// pass every such signal on instead of dying before the child.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	if err := cmd.Start(); err != nil {
		return 1, err
	}
	go func() {
		for sig := range sigs {
			_ = cmd.Process.Signal(sig)
		}
	}()
	waitErr := cmd.Wait()
	signal.Stop(sigs)

	if out := os.Getenv("RSSWRAP_OUT"); out != "" {
		if err := appendLine(out, fmt.Sprintf("%d %s %d\n", maxRSSKiB(cmd.ProcessState), filepath.Base(self), cpuTime(cmd.ProcessState).Milliseconds())); err != nil {
			fmt.Fprintln(os.Stderr, "rsswrap:", err)
		}
	}
	var exit *exec.ExitError
	if errors.As(waitErr, &exit) {
		return exit.ExitCode(), nil
	}
	if waitErr != nil {
		return 1, waitErr
	}
	return 0, nil
}

// cpuTime is the user and system CPU time the process used.
func cpuTime(ps *os.ProcessState) time.Duration { return ps.UserTime() + ps.SystemTime() }

// appendLine appends one short line; O_APPEND keeps lines of concurrent provider processes whole.
func appendLine(path, line string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(line); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
