package cloud_test

import (
	"context"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	fakegateway "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
)

// listUnbound is one harmless GET against the seeded gateway.
func listUnbound(c *cloud.Client, g acctest.Gateway) error {
	_, err := c.Gateway(cloud.FlavorAPIG).ListUnboundAPIs(context.Background(), g.InstanceID, g.AppIDs[0], acctest.ReleaseEnvID)
	return err
}

func TestCACertFile(t *testing.T) {
	t.Parallel()
	f, caFile := acctest.NewFakeCloudTLS(t)
	g := f.SeedGateway(t, fakegateway.FlavorAPIG)
	_, otherCA := acctest.NewFakeCloudTLS(t)
	tests := map[string]struct {
		mutate  func(*cloud.Config)
		wantErr string
	}{
		"trusted through cacert_file": {mutate: func(c *cloud.Config) { c.CACertFile = caFile }},
		"untrusted without it": {
			wantErr: "certificate signed by unknown authority; if a private CA or a TLS-inspecting proxy signed this certificate, trust it with cacert_file",
		},
		"untrusted with another CA": {
			mutate:  func(c *cloud.Config) { c.CACertFile = otherCA },
			wantErr: "certificate signed by unknown authority",
		},
		"insecure needs no CA": {mutate: func(c *cloud.Config) { c.Insecure = true }},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := newClient(t, f.URL, func(c *cloud.Config) {
				c.MaxRetries = 0
				if tc.mutate != nil {
					tc.mutate(c)
				}
			})
			err := listUnbound(c, g)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want it to contain %q", err, tc.wantErr)
			}
			if !errors.As(err, &x509.UnknownAuthorityError{}) {
				t.Errorf("error %v does not wrap x509.UnknownAuthorityError", err)
			}
			// The handshake failed before the request left: a write must not be taken as maybe done.
			if got := cloud.OutcomeOf(err); got != cloud.NotApplied {
				t.Errorf("outcome %v, want NotApplied", got)
			}
		})
	}
}

func TestCACertFileIsCheckedWhenTheClientIsBuilt(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	noCert := filepath.Join(dir, "key-only.pem")
	if err := os.WriteFile(noCert, []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pem")
	tests := map[string]struct {
		file, from string
		want       string
	}{
		"missing file":        {file: missing, want: `cacert_file: cannot read CA certificates from "` + missing + `": no such file or directory`},
		"a directory":         {file: dir, want: `cacert_file: cannot read CA certificates from "` + dir + `": is a directory`},
		"no certificate":      {file: noCert, want: `cacert_file: "` + noCert + `" holds no PEM-encoded certificate (-----BEGIN CERTIFICATE-----)`},
		"named after its env": {file: noCert, from: "HW_CACERT_FILE", want: `HW_CACERT_FILE: "` + noCert + `" holds no PEM-encoded certificate (-----BEGIN CERTIFICATE-----)`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cfg := cloud.Config{Cloud: cloud.CloudHuawei, Token: "t", CACertFile: tc.file, CACertFileFrom: tc.from}
			_, err := cloud.New(cfg)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if err := cfg.Validate(); err == nil || err.Error() != tc.want {
				t.Errorf("Validate: error %v, want %q", err, tc.want)
			}
		})
	}
}

// setProxyEnv sets the proxy variables in both spellings Go reads, so the machine's own settings cannot leak in.
func setProxyEnv(t *testing.T, httpProxy, httpsProxy, noProxy string) {
	t.Helper()
	for name, v := range map[string]string{"HTTP_PROXY": httpProxy, "HTTPS_PROXY": httpsProxy, "NO_PROXY": noProxy} {
		t.Setenv(name, v)
		t.Setenv(strings.ToLower(name), v)
	}
}

func relayedTo(p *acctest.Proxy, host string) int {
	n := 0
	for _, r := range p.Relayed() {
		if strings.Contains(r, host) {
			n++
		}
	}
	return n
}

// The proxy comes from the environment as it is when a client is built, not as it was when the process first
// asked (http.ProxyFromEnvironment): each provider run gets what its environment says. Not parallel: it sets
// the environment.
func TestProxyFromTheEnvironment(t *testing.T) {
	f := acctest.NewFakeCloud(t)
	g := f.SeedGateway(t, fakegateway.FlavorAPIG)
	named := f.WithHost(acctest.FakeCloudHost) // resolves nowhere: reachable only through the proxy
	proxy := acctest.NewProxy(t)

	setProxyEnv(t, proxy.URL, "", "")
	proxied := newClient(t, named.URL, func(c *cloud.Config) { c.MaxRetries = 0 })
	if err := listUnbound(proxied, g); err != nil {
		t.Fatalf("through the proxy: %v", err)
	}
	if n := relayedTo(proxy, acctest.FakeCloudHost); n != 1 {
		t.Fatalf("the proxy relayed %d request(s) to %s, want 1: %q", n, acctest.FakeCloudHost, proxy.Relayed())
	}

	// Go never proxies loopback addresses, whatever the environment says.
	loopback := newClient(t, f.URL, func(c *cloud.Config) { c.MaxRetries = 0 })
	if err := listUnbound(loopback, g); err != nil {
		t.Fatalf("to 127.0.0.1: %v", err)
	}
	if got := len(proxy.Relayed()); got != 1 {
		t.Fatalf("a call to 127.0.0.1 went through the proxy: %q", proxy.Relayed())
	}

	setProxyEnv(t, proxy.URL, "", acctest.FakeCloudHost)
	direct := newClient(t, named.URL, func(c *cloud.Config) { c.MaxRetries = 0 })
	err := listUnbound(direct, g)
	var dnsErr *net.DNSError
	if !errors.As(err, &dnsErr) || dnsErr.Name != acctest.FakeCloudHost {
		t.Fatalf("with NO_PROXY=%s: error %v, want the lookup of %s to fail as the call goes direct", acctest.FakeCloudHost, err, acctest.FakeCloudHost)
	}
	if got := len(proxy.Relayed()); got != 1 {
		t.Fatalf("NO_PROXY did not keep the call from the proxy: %q", proxy.Relayed())
	}

	// The first client keeps the environment it was built with.
	if err := listUnbound(proxied, g); err != nil {
		t.Fatalf("through the proxy again: %v", err)
	}
	if n := relayedTo(proxy, acctest.FakeCloudHost); n != 2 {
		t.Fatalf("the proxy relayed %d request(s) to %s, want 2: %q", n, acctest.FakeCloudHost, proxy.Relayed())
	}
}

// HTTPS goes through the proxy as a CONNECT tunnel, and the certificate is still checked end to end.
func TestProxyTunnelsHTTPS(t *testing.T) {
	f, caFile := acctest.NewFakeCloudTLS(t)
	g := f.SeedGateway(t, fakegateway.FlavorAPIG)
	proxy := acctest.NewProxy(t)
	setProxyEnv(t, "", proxy.URL, "")
	c := newClient(t, f.WithHost(acctest.FakeCloudHost).URL, func(c *cloud.Config) { c.MaxRetries = 0; c.CACertFile = caFile })
	if err := listUnbound(c, g); err != nil {
		t.Fatal(err)
	}
	if got := proxy.Relayed(); len(got) != 1 || !strings.HasPrefix(got[0], "CONNECT "+acctest.FakeCloudHost+":") {
		t.Fatalf("relayed %q, want one CONNECT to %s", got, acctest.FakeCloudHost)
	}
}

// Terraform runs ten operations at once: the connections of one burst of calls serve the next bursts, instead
// of all but a few being closed and opened again.
func TestConnectionsAreReusedAcrossBursts(t *testing.T) {
	t.Parallel()
	srv := fakecloud.New(fakecloud.Options{})
	var opened atomic.Int32
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(20 * time.Millisecond) // every call of a burst is in flight at once
		srv.ServeHTTP(w, r)
	}))
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	ts.Start()
	t.Cleanup(ts.Close)
	f := &acctest.FakeCloud{Server: srv, URL: ts.URL, Creds: srv.Credentials()}
	g := f.SeedGateway(t, fakegateway.FlavorAPIG)
	c := newClient(t, ts.URL, nil)
	const burst = 16
	for range 3 {
		var wg sync.WaitGroup
		for range burst {
			wg.Go(func() {
				if err := listUnbound(c, g); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	if n := opened.Load(); n > burst {
		t.Errorf("3 bursts of %d calls opened %d connections, want at most %d", burst, n, burst)
	}
}
