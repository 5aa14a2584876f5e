// Command fakecloud serves the bundled fake cloud on a local port, for trying the provider by hand and for
// scripts; tests start their own in-process servers instead.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
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
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "fakecloud:", err)
		os.Exit(1)
	}
}

// config is what the command line asks for.
type config struct {
	listen, fixture, urlFile, caFile string
	tls, showVersion, listQuirks     bool
	opts                             fakecloud.Options
}

const usageHeader = `Usage: fakecloud [flags]

Serves terraform-provider-authz's bundled fake cloud (APIG, ROMA Connect, ModelArts, service tickets and IAM)
until interrupted. It accepts the well-known credentials it prints, so it listens on the loopback interface
unless -listen says otherwise. The /_fakecloud/ admin endpoints (request log, state, fixture, faults), which
need no credentials at all, are served only with -admin.

Flags:
`

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("fakecloud", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageHeader)
		fs.PrintDefaults()
	}
	// Only loopback by default: the fake accepts well-known credentials, so exposing it takes an explicit -listen.
	fs.StringVar(&c.listen, "listen", "127.0.0.1:8780", "address to listen on; 127.0.0.1:0 picks a free port. Any other than a loopback address exposes the fake's well-known credentials")
	fs.StringVar(&c.fixture, "fixture", "", "JSON fixture file to load at start")
	fs.BoolVar(&c.opts.Admin, "admin", false, "serve the /_fakecloud/ admin endpoints (request log, state, fixture, faults), which need no credentials")
	fs.StringVar(&c.urlFile, "url-file", "", "after listening, write the base URL to this file (atomically)")
	fs.BoolVar(&c.tls, "tls", false, "serve HTTPS with a certificate made at start-up for 127.0.0.1, ::1, localhost and the -listen host, signed by a one-off CA")
	fs.StringVar(&c.caFile, "ca-file", "", "with -tls, write the PEM of the CA clients must trust to this file (atomically, before -url-file)")
	fs.DurationVar(&c.opts.Latency, "latency", 0, "how long every cloud API request is held before it is served, e.g. 50ms for a real cloud's round trip")
	fs.DurationVar(&c.opts.Gateway.WriteDelay, "write-delay", 0, "how long a gateway write keeps its app busy (APIG.3500 window)")
	fs.BoolVar(&c.opts.Gateway.DuplicateAuthError, "duplicate-auth-error", false,
		"fail a create app-auths naming an authorized (app, API, env) with 400 APIG.3316 instead of answering it SKIPPED")
	fs.BoolVar(&c.opts.Gateway.ConflictAfterWrite, "conflict-after-write", false,
		"apply a write that meets its app busy before answering it 500 APIG.3500, instead of changing nothing")
	fs.Func("quirk", "answer in a documented alternative form instead of the SDK's shapes; repeat or separate with commas ("+
		strings.Join(fakecloud.QuirkNames(), ", ")+"; see -quirks)", func(v string) error {
		names := strings.Split(v, ",")
		if err := fakecloud.CheckQuirks(names); err != nil {
			return err
		}
		c.opts.Quirks = append(c.opts.Quirks, names...)
		return nil
	})
	throttle := func(dst *fakecloud.Throttle) func(string) error {
		return func(v string) error {
			t, err := fakecloud.ParseThrottle(v)
			*dst = t
			return err
		}
	}
	fs.Func("throttle-user", "throttling policy per credential, N/WINDOW (e.g. 20/1s, 600/1m): beyond N requests in a window of the clock, "+
		"429 APIGW.0308 naming the policy, limit and window, without Retry-After. Counts by access key, by the IAM user of a token "+
		"issued at a login, or by the token; not the IAM login itself, which carries no credential (only -throttle-ip counts it), "+
		"nor the admin endpoints", throttle(&c.opts.Throttles.User))
	fs.Func("throttle-ip", "throttling policy per source address, N/WINDOW, like -throttle-user; counts every cloud API request, IAM included, "+
		"not the admin endpoints", throttle(&c.opts.Throttles.IP))
	fs.BoolVar(&c.listQuirks, "quirks", false, "list the quirks, what each changes and where each form is documented, and exit")
	fs.BoolVar(&c.showVersion, "version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q (flags only; see -h)", fs.Arg(0))
	}
	if c.caFile != "" && !c.tls {
		return c, errors.New("-ca-file needs -tls")
	}
	return c, nil
}

// run serves until ctx is cancelled, then shuts down gracefully.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil // -h: the usage is printed
	}
	if err != nil {
		return err
	}
	if c.showVersion {
		_, err := fmt.Fprintln(stdout, "fakecloud", version)
		return err
	}
	if c.listQuirks {
		return printQuirks(stdout)
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
	defer ln.Close() // after Serve, a second close is harmless
	addr := ln.Addr().(*net.TCPAddr)
	if !addr.IP.IsLoopback() {
		warnExposed(stderr, addr.String(), c.opts.Admin)
	}

	hs := newHTTPServer(srv, stderr)
	scheme := "http"
	var caPEM []byte
	if c.tls {
		if caPEM, err = serveTLS(hs, &c); err != nil {
			return err
		}
		scheme = "https"
	}
	url := scheme + "://" + addr.String()
	printBanner(stdout, banner{version: version, url: url, creds: srv.Credentials(), admin: c.opts.Admin, tls: c.tls, caFile: c.caFile, caPEM: caPEM})
	if c.urlFile != "" {
		if err := writeFileAtomic(c.urlFile, url+"\n"); err != nil {
			return err
		}
	}

	served := make(chan error, 1)
	go func() {
		if c.tls {
			served <- hs.ServeTLS(ln, "", "") // the certificate is in TLSConfig
		} else {
			served <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// serveTLS gives hs a certificate made now for the -listen host and the loopback names, and writes the PEM
// of its CA to -ca-file, made absolute there since Terraform may run in another directory.
func serveTLS(hs *http.Server, c *config) (caPEM []byte, err error) {
	cert, caPEM, err := fakecloud.SelfSignedCert(certHosts(c.listen)...)
	if err != nil {
		return nil, err
	}
	hs.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if c.caFile != "" {
		if err := writeFileAtomic(c.caFile, string(caPEM)); err != nil {
			return nil, err
		}
		if abs, err := filepath.Abs(c.caFile); err == nil {
			c.caFile = abs
		}
	}
	return caPEM, nil
}

// The limits of the HTTP server: a client that is slow or sends too much ties up a goroutine and memory, not
// the server. There is no write timeout: -latency and -write-delay hold answers back on purpose.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = time.Minute      // the whole request; bodies are at most fakecloud.Options.MaxBodyBytes
	idleTimeout       = 2 * time.Minute  // a kept-alive connection with no request
	maxHeaderBytes    = 64 << 10         // IAM tokens of the real clouds are a few KiB; net/http allows 1 MiB
	shutdownTimeout   = 10 * time.Second // for requests in flight at Ctrl-C
)

func newHTTPServer(h http.Handler, stderr io.Writer) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          log.New(stderr, "fakecloud: ", log.LstdFlags),
	}
}

// certHosts are the names the certificate must hold besides the loopback ones: the -listen host when it
// names one (an unspecified address such as :8780 names none).
func certHosts(listen string) []string {
	host, _, err := net.SplitHostPort(listen)
	if err != nil || host == "" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		return nil
	}
	return []string{host}
}

// warnExposed says, on stderr, what listening beyond the loopback interface means.
func warnExposed(w io.Writer, addr string, admin bool) {
	fmt.Fprintf(w, "fakecloud: WARNING: listening on %s, which is not a loopback address. The fake cloud accepts the\n"+
		"fakecloud: WARNING: well-known credentials it prints below, so anyone who can reach this address can use it.\n", addr)
	if admin {
		fmt.Fprintln(w, "fakecloud: WARNING: -admin: anyone who can reach it can also read and replace its whole state without credentials.")
	}
}

// banner is what the server prints at start-up.
type banner struct {
	version, url string
	creds        fakecloud.Credentials
	admin, tls   bool
	caFile       string
	caPEM        []byte
}

func printBanner(w io.Writer, b banner) {
	c := b.creds
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
`, b.url, c.ProjectID, c.ProjectName, c.OtherProjectID, c.OtherProjectName, c.DomainName, c.UserName,
		c.Password, c.AccessKey, c.SecretKey, c.Token, b.url, b.version)
	switch {
	case b.tls && b.caFile != "":
		fmt.Fprintf(w, "  cacert_file = %q  (or HW_CACERT_FILE): the one-off CA of its certificate\n", b.caFile)
	case b.tls:
		fmt.Fprintf(w, "and trust the one-off CA of its certificate (save it and set cacert_file, or start with -ca-file PATH):\n%s", b.caPEM)
	}
	if b.admin {
		fmt.Fprintf(w, "Admin endpoints (no credentials): %s/_fakecloud/requests, state, fixture, faults\n", b.url)
	} else {
		fmt.Fprintln(w, "Admin endpoints (/_fakecloud/...): off; start with -admin to serve them")
	}
}

// writeFileAtomic writes via a temporary file and a rename, so a script polling for path never reads half of it.
func writeFileAtomic(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".fakecloud-*")
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

// printQuirks describes every quirk (-quirks).
func printQuirks(w io.Writer) error {
	for _, q := range fakecloud.Quirks() {
		if _, err := fmt.Fprintf(w, "%s (%s)\n  default:     %s\n  with quirk:  %s\n  source:      %s\n",
			q.Name, q.Service, q.Default, q.Alternative, q.Source); err != nil {
			return err
		}
	}
	return nil
}
