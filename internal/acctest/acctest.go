// Package acctest is the acceptance-test harness: it starts a bundled fake cloud per test, seeds it, and
// gives terraform-plugin-testing the provider factories and the provider configuration that reaches it.
package acctest

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	fakegateway "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
	"github.com/cloudauthz/terraform-provider-authz/internal/provider"
)

// ProtoV6ProviderFactories serve the provider in-process to the real Terraform binary.
var ProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"authz": func() (tfprotov6.ProviderServer, error) { return provider.NewServer("test")(), nil },
}

func init() {
	_, file, _, _ := runtime.Caller(0)
	// A CLI configuration of the tests' own, whatever the environment names: a machine may name one that does
	// not exist, about which Terraform warns on stderr and OpenTofu where terraform-plugin-testing reads its
	// version, failing every test. Terraform runs started by NewTerraform get one of their own per test.
	_ = os.Setenv("TF_CLI_CONFIG_FILE", filepath.Join(filepath.Dir(file), "testdata", "terraformrc"))
	// Let `TF_ACC=1 go test` work without extra setup once `make tools` has installed Terraform.
	if os.Getenv("TF_ACC_TERRAFORM_PATH") != "" {
		return
	}
	tf := filepath.Join(filepath.Dir(file), "..", "..", ".tools", "bin", "terraform")
	if _, err := os.Stat(tf); err == nil {
		_ = os.Setenv("TF_ACC_TERRAFORM_PATH", tf)
	}
}

// PreCheck fails early with a clear message when no Terraform binary is configured.
func PreCheck(t *testing.T) {
	t.Helper()
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("TF_ACC_TERRAFORM_PATH=%s: %v (run `make tools`)", p, err)
		}
	}
}

// FakeCloud is one bundled fake cloud serving one test.
type FakeCloud struct {
	*fakecloud.Server
	URL   string
	Creds fakecloud.Credentials
	// caFile is the PEM file of the certificate a fake cloud served over HTTPS presents.
	caFile string
}

// DefaultWriteDelay makes every gateway write hold its app briefly, so overlapping writes for the same app
// fail in the fake cloud as they do in the real one, and tests notice when the provider does not serialise them.
const DefaultWriteDelay = 20 * time.Millisecond

// NewFakeCloud starts a fake cloud for the test and stops it when the test ends.
func NewFakeCloud(t testing.TB) *FakeCloud {
	t.Helper()
	return NewFakeCloudWith(t, fakecloud.Options{Gateway: fakegateway.Options{WriteDelay: DefaultWriteDelay}})
}

// NewFakeCloudWith starts a fake cloud with the given options (switches for the documented alternatives,
// longer write delays) and stops it when the test ends.
func NewFakeCloudWith(t testing.TB, opts fakecloud.Options) *FakeCloud {
	t.Helper()
	srv := fakecloud.New(opts)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &FakeCloud{Server: srv, URL: ts.URL, Creds: srv.Credentials()}
}

// Credentials selects the credential mode of a generated provider block.
type Credentials int

const (
	WithToken Credentials = iota
	WithAccessKey
	WithPassword
	// WithAssumedRole signs with the access key's temporary keys of the agency AssumedRoleAgency (assume_role).
	WithAssumedRole
)

// AssumedRoleAgency is the agency WithAssumedRole assumes; the provider block adds it to the fake cloud.
const AssumedRoleAgency = "authz-acctest"

// ProviderConfig is a provider block reaching the fake cloud with a token, followed by extra HCL.
func (f *FakeCloud) ProviderConfig(extra ...string) string {
	return f.ProviderConfigWith(WithToken, extra...)
}

// ProviderConfigWith is a provider block reaching the fake cloud in the given credential mode.
func (f *FakeCloud) ProviderConfigWith(mode Credentials, extra ...string) string {
	var creds string
	switch mode {
	case WithToken:
		creds = fmt.Sprintf("  token      = %q\n  project_id = %q\n", f.Creds.Token, f.Creds.ProjectID)
	case WithAccessKey:
		creds = fmt.Sprintf("  access_key = %q\n  secret_key = %q\n  project_id = %q\n", f.Creds.AccessKey, f.Creds.SecretKey, f.Creds.ProjectID)
	case WithPassword:
		creds = fmt.Sprintf("  user_name    = %q\n  password     = %q\n  domain_name  = %q\n  project_name = %q\n", f.Creds.UserName, f.Creds.Password, f.Creds.DomainName, f.Creds.ProjectName)
	case WithAssumedRole:
		// The block is useless without the agency in the fake cloud: add it (trusting the account's user).
		iam := &fakecloud.IAMFixture{Agencies: []fakecloud.AgencyFixture{{Name: AssumedRoleAgency, Trusted: []string{"user"}}}}
		if err := f.Load(fakecloud.Fixture{IAM: iam}); err != nil {
			panic(err) // a constant fixture
		}
		creds = fmt.Sprintf("  access_key = %q\n  secret_key = %q\n  project_id = %q\n  assume_role {\n    agency_name = %q\n    domain_name = %q\n  }\n",
			f.Creds.AccessKey, f.Creds.SecretKey, f.Creds.ProjectID, AssumedRoleAgency, f.Creds.DomainName)
	}
	return f.providerBlock(creds) + strings.Join(extra, "\n")
}

func (f *FakeCloud) providerBlock(body string) string {
	return fmt.Sprintf("provider \"authz\" {\n  region      = %q\n  max_retries = 1\n  endpoints   = %s\n%s}\n\n", f.Creds.ProjectName, f.Endpoints(), body)
}

// ProviderBlock is a provider block reaching the fake cloud with the given body (credentials and more).
func (f *FakeCloud) ProviderBlock(body string) string { return f.providerBlock(body) }

// Endpoints is the HCL map pointing every service at the fake cloud.
func (f *FakeCloud) Endpoints() string {
	names := make([]string, 0, len(cloud.Services))
	for _, s := range cloud.Services {
		names = append(names, fmt.Sprintf("%s = %q", s, f.URL))
	}
	sort.Strings(names)
	return "{ " + strings.Join(names, ", ") + " }"
}

// ExpectError compiles a pattern for TestStep.ExpectError that matches across the line breaks Terraform
// inserts when it wraps a diagnostic: each space in the pattern matches any run of white space.
func ExpectError(pattern string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)` + strings.ReplaceAll(pattern, " ", `\s+`))
}

// Client is a cloud client reaching the fake cloud with a token: tests use it to change things behind
// Terraform's back through the same HTTP API a console would use.
func (f *FakeCloud) Client(t *testing.T) *cloud.Client {
	t.Helper()
	return f.client(t, cloud.Config{Token: f.Creds.Token})
}

// AccountClient is Client signing with the access key instead, which also reaches the account-level service
// tickets (a token is scoped either to a project or to the account).
func (f *FakeCloud) AccountClient(t *testing.T) *cloud.Client {
	t.Helper()
	return f.client(t, cloud.Config{AccessKey: f.Creds.AccessKey, SecretKey: f.Creds.SecretKey})
}

// client is a cloud client reaching every service of the fake cloud with the credentials of cfg.
func (f *FakeCloud) client(t *testing.T, cfg cloud.Config) *cloud.Client {
	t.Helper()
	cfg.Cloud, cfg.Region, cfg.ProjectID, cfg.CACertFile = cloud.CloudHuawei, f.Creds.ProjectName, f.Creds.ProjectID, f.caFile
	cfg.Endpoints = map[cloud.Service]string{}
	for _, s := range cloud.Services {
		cfg.Endpoints[s] = f.URL
	}
	c, err := cloud.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// FakeCloudHost is a made-up host name for the fake cloud. It resolves nowhere, so a call to it arrives only
// through a Proxy, which reaches every host at 127.0.0.1; and unlike 127.0.0.1 it is not exempt from proxying.
const FakeCloudHost = "fakecloud.test"

// NewFakeCloudTLS starts a fake cloud served over HTTPS with a certificate of its own, valid for 127.0.0.1,
// localhost and FakeCloudHost, and stops it when the test ends. It also returns the path of a PEM file holding
// that certificate: what cacert_file needs to trust the fake cloud.
func NewFakeCloudTLS(t *testing.T) (*FakeCloud, string) {
	t.Helper()
	cert, certPEM, err := fakecloud.SelfSignedCert(FakeCloudHost)
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(t.TempDir(), "fakecloud-ca.pem")
	if err := os.WriteFile(caFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	srv := fakecloud.New(fakecloud.Options{Gateway: fakegateway.Options{WriteDelay: DefaultWriteDelay}})
	ts := httptest.NewUnstartedServer(srv)
	ts.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	ts.StartTLS()
	t.Cleanup(ts.Close)
	return &FakeCloud{Server: srv, URL: ts.URL, Creds: srv.Credentials(), caFile: caFile}, caFile
}

// WithHost is the same fake cloud addressed by another host name on the same port, e.g. FakeCloudHost reached
// through a Proxy.
func (f *FakeCloud) WithHost(host string) *FakeCloud {
	u, err := url.Parse(f.URL)
	if err != nil {
		panic(err) // httptest always gives a valid URL
	}
	g := *f
	g.URL = u.Scheme + "://" + net.JoinHostPort(host, u.Port())
	return &g
}

// Proxy is a forward HTTP proxy for tests. It relays plain requests and CONNECT tunnels, records what it
// relayed, and reaches every host name at 127.0.0.1 on the port asked for, so that FakeCloudHost leads to a
// local fake cloud through it and nowhere without it.
type Proxy struct {
	URL string

	mu      sync.Mutex
	relayed []string
	conns   []net.Conn
}

// NewProxy starts a proxy and stops it, with every tunnel it holds open, when the test ends.
func NewProxy(t *testing.T) *Proxy {
	t.Helper()
	p := &Proxy{}
	upstream := &http.Transport{DialContext: p.dial}
	rp := &httputil.ReverseProxy{
		// A proxy request carries the absolute URL; forward it as it came, Host header included (AK/SK signs it).
		Rewrite:   func(*httputil.ProxyRequest) {},
		Transport: upstream,
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodConnect {
			p.record("CONNECT " + r.Host)
			p.tunnel(w, r)
			return
		}
		p.record(r.Method + " " + r.URL.String())
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		p.mu.Lock()
		for _, c := range p.conns {
			_ = c.Close()
		}
		p.mu.Unlock()
		ts.Close()
		upstream.CloseIdleConnections()
	})
	p.URL = ts.URL
	return p
}

// Relayed lists what the proxy relayed so far: "CONNECT host:port" for a tunnel, "METHOD URL" for a plain request.
func (p *Proxy) Relayed() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.relayed...)
}

func (p *Proxy) record(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.relayed = append(p.relayed, s)
}

func (p *Proxy) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	return d.DialContext(ctx, network, net.JoinHostPort("127.0.0.1", port))
}

func (p *Proxy) tunnel(w http.ResponseWriter, r *http.Request) {
	up, err := p.dial(r.Context(), "tcp", r.Host)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	down, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		_ = up.Close()
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	p.mu.Lock()
	p.conns = append(p.conns, up, down)
	p.mu.Unlock()
	if _, err := down.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n")); err != nil {
		_, _ = up.Close(), down.Close()
		return
	}
	pipe := func(dst net.Conn, src io.Reader) {
		_, _ = io.Copy(dst, src)
		_, _ = up.Close(), down.Close()
	}
	go pipe(up, buf) // buf holds whatever the client sent after the CONNECT request
	go pipe(down, up)
}
