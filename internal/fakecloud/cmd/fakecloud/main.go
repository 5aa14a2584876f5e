// Command fakecloud serves the bundled fake cloud on a local port, for trying the provider by hand and for
// scripts; tests start their own in-process servers instead.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
)

// version is set at build time (-ldflags "-X main.version=..." by goreleaser and the GNUmakefile); a plain
// `go run` or `go build` reports dev.
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "fakecloud:", err)
		os.Exit(1)
	}
}

// config is what the command line asks for.
type config struct {
	listen, fixture, urlFile string
	showVersion              bool
	opts                     fakecloud.Options
}

func parseFlags(args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("fakecloud", flag.ContinueOnError)
	// Only loopback by default: the fake accepts well-known credentials, so exposing it takes an explicit -listen.
	fs.StringVar(&c.listen, "listen", "127.0.0.1:8780", "address to listen on; 127.0.0.1:0 picks a free port")
	fs.StringVar(&c.fixture, "fixture", "", "JSON fixture file to load at start")
	fs.BoolVar(&c.opts.Admin, "admin", true, "serve the /_fakecloud/ admin endpoints")
	fs.StringVar(&c.urlFile, "url-file", "", "after listening, write the base URL to this file (atomically)")
	fs.DurationVar(&c.opts.Latency, "latency", 0, "how long every cloud API request is held before it is served, e.g. 50ms for a real cloud's round trip")
	fs.DurationVar(&c.opts.Gateway.WriteDelay, "write-delay", 0, "how long a gateway write keeps its app busy (APIG.3500 window)")
	fs.BoolVar(&c.opts.Gateway.DuplicateAuthError, "duplicate-auth-error", false,
		"fail a create app-auths naming an authorized (app, API, env) with 400 APIG.3316 instead of answering it SKIPPED")
	fs.BoolVar(&c.opts.Gateway.ConflictAfterWrite, "conflict-after-write", false,
		"apply a write that meets its app busy before answering it 500 APIG.3500, instead of changing nothing")
	fs.BoolVar(&c.showVersion, "version", false, "print the version and exit")
	err := fs.Parse(args)
	return c, err
}

// run serves until ctx is cancelled, then shuts down gracefully.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	c, err := parseFlags(args)
	if err != nil {
		return err
	}
	if c.showVersion {
		_, err := fmt.Fprintln(stdout, "fakecloud", version)
		return err
	}

	srv := fakecloud.New(c.opts)
	if c.fixture != "" {
		if err := srv.LoadFile(c.fixture); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", c.listen)
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String()
	printBanner(stdout, version, url, srv.Credentials())
	if c.urlFile != "" {
		if err := writeFileAtomic(c.urlFile, url+"\n"); err != nil {
			ln.Close()
			return err
		}
	}

	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func printBanner(w io.Writer, version, url string, c fakecloud.Credentials) {
	fmt.Fprintf(w, `fakecloud %[13]s (terraform-provider-authz's bundled fake cloud) listening on %[1]s
  project id:   %[2]s (name %[3]s); second project %[4]s (name %[5]s)
  domain:       %[6]s
  user:         %[7]s
  password:     %[8]s
  access key:   %[9]s
  secret key:   %[10]s
  token:        %[11]s
Point the provider at it with:
  endpoints = { apig = %[12]q, roma = %[12]q, modelarts = %[12]q, osm = %[12]q, iam = %[12]q }
`, url, c.ProjectID, c.ProjectName, c.OtherProjectID, c.OtherProjectName, c.DomainName, c.UserName,
		c.Password, c.AccessKey, c.SecretKey, c.Token, url, version)
}

// writeFileAtomic writes via a temporary file and a rename, so a script polling for path never reads half a URL.
func writeFileAtomic(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".fakecloud-url-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
