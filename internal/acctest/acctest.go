// Package acctest is the acceptance-test harness: it starts a bundled fake cloud per test, seeds it, and
// gives terraform-plugin-testing the provider factories and the provider configuration that reaches it.
package acctest

import (
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	fakegateway "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
	"github.com/cloudauthz/terraform-provider-authz/internal/provider"
)

// ProtoV6ProviderFactories serve the provider in-process to the real Terraform binary.
var ProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"authz": providerserver.NewProtocol6WithError(provider.New("test")()),
}

func init() {
	// Let `TF_ACC=1 go test` work without extra setup once `make tools` has installed Terraform.
	if os.Getenv("TF_ACC_TERRAFORM_PATH") != "" {
		return
	}
	_, file, _, _ := runtime.Caller(0)
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
}

// DefaultWriteDelay makes every gateway write hold its app briefly, so overlapping writes for the same app
// fail in the fake cloud as they do in the real one, and tests notice when the provider does not serialise them.
const DefaultWriteDelay = 20 * time.Millisecond

// NewFakeCloud starts a fake cloud for the test and stops it when the test ends.
func NewFakeCloud(t *testing.T) *FakeCloud {
	t.Helper()
	return NewFakeCloudWith(t, fakecloud.Options{Gateway: fakegateway.Options{WriteDelay: DefaultWriteDelay}})
}

// NewFakeCloudWith starts a fake cloud with the given options (switches for the documented alternatives,
// longer write delays) and stops it when the test ends.
func NewFakeCloudWith(t *testing.T, opts fakecloud.Options) *FakeCloud {
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
)

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
	eps := map[cloud.Service]string{}
	for _, s := range cloud.Services {
		eps[s] = f.URL
	}
	c, err := cloud.New(cloud.Config{Cloud: cloud.CloudHuawei, Region: f.Creds.ProjectName, ProjectID: f.Creds.ProjectID, Endpoints: eps, Token: f.Creds.Token})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
