package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	fakegateway "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
)

func authorization(g acctest.Gateway) string {
	return fmt.Sprintf(`
resource "authz_apig_app_authorization" "test" {
  instance_id = %q
  env_id      = %q
  app_id      = %q
  api_id      = %q
}
`, g.InstanceID, acctest.ReleaseEnvID, g.AppIDs[0], g.APIIDs[0])
}

func TestAccProvider_credentialModes(t *testing.T) {
	modes := map[string]acctest.Credentials{
		"token":    acctest.WithToken,
		"AK/SK":    acctest.WithAccessKey,
		"password": acctest.WithPassword,
	}
	for name, mode := range modes {
		t.Run(name, func(t *testing.T) {
			f := acctest.NewFakeCloud(t)
			g := f.SeedGateway(t, fakegateway.FlavorAPIG)
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				CheckDestroy:             f.CheckNoAppAuths(g),
				Steps: []resource.TestStep{{
					Config: f.ProviderConfigWith(mode, authorization(g)),
					Check:  f.CheckAppAuthCount(g, 1),
				}},
			})
		})
	}
}

func TestAccProvider_passwordLoginOncePerProvider(t *testing.T) {
	f := acctest.NewFakeCloud(t)
	g := f.SeedGateway(t, fakegateway.FlavorAPIG)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: f.ResetRequests,
			Config:    f.ProviderConfigWith(acctest.WithPassword, authorization(g)),
			Check: func(*terraform.State) error {
				// One apply configures the provider once; within it the token is reused for every call.
				logins := 0
				for _, r := range f.Requests() {
					if r.Method == "POST" && r.Path == "/v3/auth/tokens" {
						logins++
					}
				}
				if logins != 1 {
					return fmt.Errorf("%d password logins during one apply, want 1", logins)
				}
				return nil
			},
		}},
	})
}

func TestAccProvider_wrongCredentials(t *testing.T) {
	f := acctest.NewFakeCloud(t)
	g := f.SeedGateway(t, fakegateway.FlavorAPIG)
	cases := map[string]struct {
		body string
		want string
	}{
		"token":           {`token = "not-a-token"` + "\n" + fmt.Sprintf("project_id = %q\n", f.Creds.ProjectID), `APIG\.1002: Incorrect token or token resolution failed`},
		"other project":   {fmt.Sprintf("token = %q\nproject_id = %q\n", f.Creds.OtherProjectToken, f.Creds.ProjectID), `APIG\.1005: No permissions to request this method`},
		"secret key":      {fmt.Sprintf("access_key = %q\nsecret_key = \"wrong-secret\"\nproject_id = %q\n", f.Creds.AccessKey, f.Creds.ProjectID), `HTTP 401`},
		"password":        {fmt.Sprintf("user_name = %q\npassword = \"wrong\"\ndomain_name = %q\n", f.Creds.UserName, f.Creds.DomainName), `obtaining an IAM token for user "` + f.Creds.UserName + `".*HTTP 401`},
		"unknown project": {fmt.Sprintf("token = %q\nproject_name = \"nowhere\"\n", f.Creds.Token), `resolving project "nowhere": no project with that name`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      f.ProviderBlock(tc.body) + authorization(g),
					ExpectError: acctest.ExpectError(tc.want),
				}},
			})
		})
	}
	if left := f.Gateway().AppAuths("", g.InstanceID); len(left) != 0 {
		t.Errorf("%d authorization(s) created with wrong credentials", len(left))
	}
}

func TestAccProvider_configurationErrors(t *testing.T) {
	f := acctest.NewFakeCloud(t)
	g := f.SeedGateway(t, fakegateway.FlavorAPIG)
	noCert := filepath.Join(t.TempDir(), "not-a-bundle.pem")
	if err := os.WriteFile(noCert, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		body string
		want string
	}{
		"two modes":           {fmt.Sprintf("token = %q\naccess_key = \"ak\"\nsecret_key = \"sk\"\n", f.Creds.Token), `conflicting credentials: token and access_key/secret_key are all set`},
		"half an AK/SK":       {"access_key = \"ak\"\n", `access_key and secret_key must be set together`},
		"password no domain":  {"user_name = \"u\"\npassword = \"p\"\n", `password authentication needs user_name, password and domain_name`},
		"bad cloud":           {fmt.Sprintf("token = %q\ncloud = \"aws\"\n", f.Creds.Token), `value must be one of`},
		"unknown service":     {fmt.Sprintf("token = %q\nendpoints = { s3 = \"http://x\" }\n", f.Creds.Token), `value must be one of`},
		"project id and name": {fmt.Sprintf("token = %q\nproject_id = \"a\"\nproject_name = \"b\"\n", f.Creds.Token), `Invalid Attribute Combination`},
		"unreadable CA file":  {fmt.Sprintf("token = %q\ncacert_file = \"/nonexistent/ca.pem\"\n", f.Creds.Token), `cacert_file: cannot read CA certificates from "/nonexistent/ca\.pem": no such file or directory`},
		"no cert in CA file":  {fmt.Sprintf("token = %q\ncacert_file = %q\n", f.Creds.Token, noCert), `cacert_file: "` + regexp.QuoteMeta(noCert) + `" holds no PEM-encoded certificate`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					// A provider block that does not go through ProviderBlock, so its settings are exactly these.
					Config:      fmt.Sprintf("provider \"authz\" {\n  region = \"eu-de\"\n%s}\n", tc.body) + authorization(g),
					PlanOnly:    true,
					ExpectError: acctest.ExpectError(tc.want),
				}},
			})
		})
	}
	f.CheckNoRequests(t)
}

// Provider arguments that come from other resources are unknown while planning; plan and apply must work.
func TestAccProvider_unknownConfigurationAtPlan(t *testing.T) {
	f := acctest.NewFakeCloud(t)
	g := f.SeedGateway(t, fakegateway.FlavorAPIG)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             f.CheckNoAppAuths(g),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "terraform_data" "creds" {
  input = %q
}
`, f.Creds.Token) + f.ProviderBlock(fmt.Sprintf("  token = terraform_data.creds.output\n  project_id = %q\n", f.Creds.ProjectID)) + authorization(g),
			Check: f.CheckAppAuthCount(g, 1),
		}},
	})
}

// tokenBody is the inside of a provider block reaching the fake cloud with a token, plus extra lines.
func tokenBody(f *acctest.FakeCloud, extra ...string) string {
	return fmt.Sprintf("  token      = %q\n  project_id = %q\n", f.Creds.Token, f.Creds.ProjectID) + strings.Join(extra, "")
}

// A cloud whose certificate a private CA signed is reached once cacert_file names that CA, and refused
// with an error that says so, and what to do, when it does not.
func TestAccProvider_cacertFile(t *testing.T) {
	t.Run("trusted", func(t *testing.T) {
		f, caFile := acctest.NewFakeCloudTLS(t)
		g := f.SeedGateway(t, fakegateway.FlavorAPIG)
		resource.ParallelTest(t, resource.TestCase{
			PreCheck:                 func() { acctest.PreCheck(t) },
			ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
			CheckDestroy:             f.CheckNoAppAuths(g),
			Steps: []resource.TestStep{{
				Config: f.ProviderBlock(tokenBody(f, fmt.Sprintf("  cacert_file = %q\n", caFile))) + authorization(g),
				Check:  f.CheckAppAuthCount(g, 1),
			}},
		})
	})
	t.Run("untrusted", func(t *testing.T) {
		f, _ := acctest.NewFakeCloudTLS(t)
		g := f.SeedGateway(t, fakegateway.FlavorAPIG)
		resource.ParallelTest(t, resource.TestCase{
			PreCheck:                 func() { acctest.PreCheck(t) },
			ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      f.ProviderBlock(tokenBody(f)) + authorization(g),
				ExpectError: acctest.ExpectError(`x509: certificate signed by unknown authority; if a private CA or a TLS-inspecting proxy signed this certificate, trust it with cacert_file`),
			}},
		})
		// The TLS handshake failed, so not one request reached the cloud.
		f.CheckNoRequests(t)
	})
}

// HTTPS_PROXY is honoured: a cloud reachable only through the proxy is managed through it, end to end over
// TLS with the CA from HW_CACERT_FILE. Not parallel: it sets the environment, which the provider reads
// whenever it is configured.
func TestAccProvider_proxyFromEnvironment(t *testing.T) {
	f, caFile := acctest.NewFakeCloudTLS(t)
	g := f.SeedGateway(t, fakegateway.FlavorAPIG)
	proxy := acctest.NewProxy(t)
	// Both spellings, so that whatever the machine has set cannot interfere.
	for name, v := range map[string]string{"HTTPS_PROXY": proxy.URL, "HTTP_PROXY": "", "NO_PROXY": ""} {
		t.Setenv(name, v)
		t.Setenv(strings.ToLower(name), v)
	}
	t.Setenv("HW_CACERT_FILE", caFile)
	named := f.WithHost(acctest.FakeCloudHost) // resolves nowhere: reachable only through the proxy
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             f.CheckNoAppAuths(g),
		Steps: []resource.TestStep{{
			PreConfig: f.ResetRequests,
			Config:    named.ProviderConfig(authorization(g)),
			Check: resource.ComposeTestCheckFunc(
				f.CheckAppAuthCount(g, 1),
				func(*terraform.State) error {
					tunnels := 0
					for _, r := range proxy.Relayed() {
						if !strings.HasPrefix(r, "CONNECT "+acctest.FakeCloudHost+":") {
							return fmt.Errorf("the proxy relayed %q, want only tunnels to %s", r, acctest.FakeCloudHost)
						}
						tunnels++
					}
					if tunnels == 0 || len(f.Requests()) == 0 {
						return fmt.Errorf("%d tunnel(s) through the proxy, %d request(s) at the fake cloud; want both", tunnels, len(f.Requests()))
					}
					return nil
				},
			),
		}},
	})
}
