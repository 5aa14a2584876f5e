package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
)

// syncBuffer is a bytes.Buffer that run may write while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	fixture, err := json.Marshal(fakecloud.Fixture{Gateway: gateway.InProject(fakecloud.DefaultProjectID, gateway.InstanceFixture{
		ID: "gw1", Name: "gateway", Flavor: gateway.FlavorAPIG,
		Apps:     []gateway.App{{ID: "app1", Name: "app_one"}},
		APIs:     []gateway.API{{ID: "api1", Name: "api_one", ReqMethod: "GET", ReqURI: "/a", AuthType: "APP", PublishedEnvs: []string{releaseEnvID}}},
		AppAuths: []gateway.AppAuth{{AppID: "app1", APIID: "api1", EnvID: releaseEnvID}},
	})})
	if err != nil {
		t.Fatal(err)
	}
	fixturePath := filepath.Join(dir, "fixture.json")
	if err := os.WriteFile(fixturePath, fixture, 0o600); err != nil {
		t.Fatal(err)
	}
	urlFile := filepath.Join(dir, "url")

	out, errOut, url, stop := start(t, "-listen", "127.0.0.1:0", "-fixture", fixturePath, "-url-file", urlFile, "-duplicate-auth-error")
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("url %q", url)
	}
	for _, want := range []string{"fakecloud " + version + " ", url, fakecloud.DefaultProjectID, fakecloud.DefaultAccessKey, fakecloud.DefaultSecretKey,
		fakecloud.DefaultToken, fakecloud.DefaultPassword, `apig = "` + url + `"`, `modelarts = "` + url + `"`, "start with -admin"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, out.String())
		}
	}

	base := url + "/v2/" + fakecloud.DefaultProjectID + "/apigw/instances/gw1"
	if status, _ := send(t, http.MethodGet, base, ""); status != http.StatusOK {
		t.Errorf("instance from the fixture: %d", status)
	}
	// -duplicate-auth-error: the fixture's pair again fails the whole request.
	status, body := send(t, http.MethodPost, base+"/app-auths", `{"env_id":"`+releaseEnvID+`","app_ids":["app1"],"api_ids":["api1"]}`)
	if status != http.StatusBadRequest || !strings.Contains(body, `"APIG.3316"`) {
		t.Errorf("duplicate create: %d %s", status, body)
	}
	// The admin endpoints are off by default: the path is nobody's, and the gateways' front door answers it.
	if status, body := send(t, http.MethodGet, url+"/_fakecloud/requests", ""); status != http.StatusNotFound || !strings.Contains(body, `"APIG.0101"`) {
		t.Errorf("admin endpoint without -admin: %d %s", status, body)
	}
	if status, body := send(t, http.MethodPost, url+"/_fakecloud/fixture", `{"projects":[{"id":"11111111111111111111111111111111","name":"eu-ch2"}]}`); status != http.StatusNotFound {
		t.Errorf("admin fixture load without -admin: %d %s", status, body)
	}
	// Limits of the HTTP server: a header block over 64 KiB is refused before any handler runs.
	req, err := http.NewRequest(http.MethodGet, base, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", fakecloud.DefaultToken)
	req.Header.Set("X-Padding", strings.Repeat("p", 100<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("100 KiB of headers: %d", resp.StatusCode)
	}

	stop()
	if errOut.String() != "" {
		t.Errorf("stderr on loopback:\n%s", errOut.String())
	}
}

// TestRunAdmin: -admin serves the admin endpoints, and the banner says where.
func TestRunAdmin(t *testing.T) {
	out, _, url, stop := start(t, "-listen", "127.0.0.1:0", "-admin")
	defer stop()
	if status, body := send(t, http.MethodGet, url+"/_fakecloud/requests", ""); status != http.StatusOK {
		t.Errorf("admin endpoint with -admin: %d %s", status, body)
	}
	if want := url + "/_fakecloud/requests"; !strings.Contains(out.String(), want) {
		t.Errorf("banner lacks %q:\n%s", want, out.String())
	}
}

// TestRunTLS: -tls serves HTTPS under a certificate that verifies against the CA -ca-file holds, written before
// the URL file, and against nothing else.
func TestRunTLS(t *testing.T) {
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	out, _, url, stop := start(t, "-listen", "127.0.0.1:0", "-tls", "-ca-file", caFile, "-url-file", filepath.Join(dir, "url"))
	defer stop()
	if !strings.HasPrefix(url, "https://127.0.0.1:") {
		t.Fatalf("url %q", url)
	}
	caPEM, err := os.ReadFile(caFile) // the URL file exists, so the CA file must too
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{url, `cacert_file = "` + caFile + `"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, out.String())
		}
	}

	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		t.Fatalf("%s holds no certificate:\n%s", caFile, caPEM)
	}
	trusting := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	defer trusting.CloseIdleConnections()
	req, err := http.NewRequest(http.MethodGet, url+"/v3/projects", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", fakecloud.DefaultToken)
	resp, err := trusting.Do(req)
	if err != nil {
		t.Fatalf("client trusting the CA: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /v3/projects over TLS: %d", resp.StatusCode)
	}
	// localhost is in the certificate too.
	if resp, err := trusting.Get(strings.Replace(url, "127.0.0.1", "localhost", 1) + "/v3/projects"); err != nil {
		t.Errorf("https://localhost: %v", err)
	} else {
		resp.Body.Close()
	}

	_, err = (&http.Client{Transport: &http.Transport{}}).Get(url + "/v3/projects")
	var unknown x509.UnknownAuthorityError
	if !errors.As(err, &unknown) {
		t.Errorf("client trusting the system roots only: %v, want a certificate signed by an unknown authority", err)
	}
}

// TestRunTLSPrintsTheCA: without -ca-file, the banner holds the CA, so the certificate can still be trusted.
func TestRunTLSPrintsTheCA(t *testing.T) {
	out, _, _, stop := start(t, "-listen", "127.0.0.1:0", "-tls")
	defer stop()
	if !strings.Contains(out.String(), "-----BEGIN CERTIFICATE-----") {
		t.Errorf("banner lacks the CA:\n%s", out.String())
	}
}

// TestRunWarnsWhenExposed: beyond the loopback interface, stderr says that the credentials are well known.
// The server stops at once, so it is exposed for no longer than it takes to start.
func TestRunWarnsWhenExposed(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"-listen", "0.0.0.0:0", "-admin"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"WARNING", "not a loopback address", "well-known credentials", "-admin"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
		}
	}
}

// start runs the command with args until the test ends, and returns its output and URL; stop ends it early.
func start(t *testing.T, args ...string) (out, errOut *syncBuffer, url string, stop func()) {
	t.Helper()
	urlFile := ""
	for i, a := range args {
		if a == "-url-file" {
			urlFile = args[i+1]
		}
	}
	if urlFile == "" {
		urlFile = filepath.Join(t.TempDir(), "url")
		args = append(args, "-url-file", urlFile)
	}
	ctx, cancel := context.WithCancel(context.Background())
	out, errOut = &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, out, errOut) }()
	url = waitForURL(t, urlFile, done)
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("run: %v", err)
				}
			case <-time.After(15 * time.Second):
				t.Error("run did not stop")
			}
		})
	}
	t.Cleanup(stop)
	return out, errOut, url, stop
}

const releaseEnvID = "DEFAULT_ENVIRONMENT_RELEASE_ID"

// send makes a request with the default token and returns the status and body.
func send(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", fakecloud.DefaultToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func waitForURL(t *testing.T, path string, done <-chan error) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil {
			if !bytes.HasSuffix(b, []byte("\n")) {
				t.Fatalf("url file %q lacks its newline", b)
			}
			return strings.TrimSpace(string(b))
		}
		select {
		case err := <-done:
			t.Fatalf("run ended early: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatal("url file never appeared")
	return ""
}

func TestParseFlags(t *testing.T) {
	c, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	// Admin endpoints off, plain HTTP.
	want := config{listen: "127.0.0.1:8780"}
	if !reflect.DeepEqual(c, want) { // Options holds a func, so == cannot compare it
		t.Errorf("defaults %+v, want %+v", c, want)
	}

	c, err = parseFlags([]string{"-listen", ":9000", "-fixture", "f.json", "-url-file", "u", "-admin", "-tls", "-ca-file", "ca.pem",
		"-write-delay", "250ms", "-duplicate-auth-error", "-conflict-after-write", "-latency", "50ms"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want = config{listen: ":9000", fixture: "f.json", urlFile: "u", tls: true, caFile: "ca.pem", opts: fakecloud.Options{Admin: true, Latency: 50 * time.Millisecond, Gateway: gateway.Options{
		WriteDelay: 250 * time.Millisecond, DuplicateAuthError: true, ConflictAfterWrite: true,
	}}}
	if !reflect.DeepEqual(c, want) { // Options holds a func, so == cannot compare it
		t.Errorf("got %+v, want %+v", c, want)
	}
}

func TestRunErrors(t *testing.T) {
	var out bytes.Buffer
	for _, args := range [][]string{
		{"-no-such-flag"},
		{"-listen", "127.0.0.1:0", "-fixture", filepath.Join(t.TempDir(), "missing.json")},
		{"-listen", "not an address"},
		{"-listen", "127.0.0.1:0", "-ca-file", filepath.Join(t.TempDir(), "ca.pem")}, // without -tls
		{"-listen", "127.0.0.1:0", "admin"},                                          // a flag without its dash
		{"-listen", "127.0.0.1:0", "-tls", "-ca-file", filepath.Join(t.TempDir(), "no-such-dir", "ca.pem")},
	} {
		if err := run(context.Background(), args, &out, &out); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
}

// TestUsage: -h prints what the flags do, the admin endpoints' default included, and is not an error.
func TestUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"-h"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Usage: fakecloud", "served only with -admin", "-admin", "-tls", "-ca-file", "-listen"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("usage lacks %q:\n%s", want, errOut.String())
		}
	}
}

func TestVersion(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-version"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "fakecloud "+version+"\n"; got != want {
		t.Errorf("-version printed %q, want %q", got, want)
	}
}

// The throttling flags set the policies; a policy the fake cannot serve is refused with the form it wants.
func TestThrottleFlags(t *testing.T) {
	c, err := parseFlags([]string{"-throttle-user", "20/1s", "-throttle-ip", "600/1m"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := fakecloud.Throttles{User: fakecloud.Throttle{Limit: 20, Window: time.Second}, IP: fakecloud.Throttle{Limit: 600, Window: time.Minute}}
	if c.opts.Throttles != want {
		t.Errorf("throttles %+v, want %+v", c.opts.Throttles, want)
	}
	if _, err := parseFlags([]string{"-throttle-user", "20/500ms"}, io.Discard); err == nil || !strings.Contains(err.Error(), "whole number of seconds") {
		t.Errorf("-throttle-user 20/500ms: %v", err)
	}
}
