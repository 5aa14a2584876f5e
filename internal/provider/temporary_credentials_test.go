package provider_test

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	fakegateway "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
)

// The temporary credential modes (issue 25), each a provider block of the world's fake cloud.
const (
	withAssumeRole            credentialMode = "assume_role"
	withRoleChain             credentialMode = "assume_role_chain"
	withOTCAgency             credentialMode = "otc_delegated_project"
	withOIDC                  credentialMode = "oidc"
	withOIDCAgency            credentialMode = "oidc_agency"
	withProfile               credentialMode = "profile"
	withMetadata              credentialMode = "instance_metadata"
	ciIDToken                                = "eyJhbGciOiJSUzI1NiJ9.ci-Vv3Ww5Xx7Yy9.sig"
	ciExpiredIDToken                         = "eyJhbGciOiJSUzI1NiJ9.ci-expired-Qq2.sig"
	shortKeySeconds                          = 1 // the lifetime of the keys in the mode whose apply outlives them
	temporaryAgencyAdmin                     = "authz-admin"
	temporaryAgencyMember                    = "authz-member"
	temporaryIdentityProvider                = "ci-pipeline"
)

// temporaryIAM is the fake cloud's iam section for the modes: admin trusts the account's user, member (limited
// to the default project) trusts admin and the CI's identity provider; the metadata service hands out admin's
// keys.
func temporaryIAM(projectID string, seconds int) *fakecloud.IAMFixture {
	return &fakecloud.IAMFixture{
		CredentialSeconds: seconds,
		Agencies: []fakecloud.AgencyFixture{
			{Name: temporaryAgencyAdmin, Trusted: []string{"user"}},
			{Name: temporaryAgencyMember, Trusted: []string{"agency:" + temporaryAgencyAdmin, "idp:" + temporaryIdentityProvider}, Projects: []string{projectID}},
		},
		IdentityProviders: []fakecloud.IdentityProviderFixture{{ID: temporaryIdentityProvider, IDTokens: []fakecloud.IDTokenFixture{
			{Value: ciIDToken, ExpiresAt: time.Now().Add(time.Hour)}, {Value: ciExpiredIDToken, ExpiresAt: time.Now().Add(-time.Minute)},
		}}},
		MetadataAgency: temporaryAgencyAdmin,
	}
}

// temporaryWorld is the world of every resource type on a fake cloud with temporary credentials; the chain's
// keys live shortKeySeconds and every request takes 200 ms, so that its apply outlives the first keys.
func temporaryWorld(t *testing.T, mode credentialMode) world {
	t.Helper()
	opts := fakecloud.Options{Gateway: fakegateway.Options{WriteDelay: acctest.DefaultWriteDelay}}
	seconds := 0
	if mode == withRoleChain {
		opts.Latency, seconds = 200*time.Millisecond, shortKeySeconds
	}
	w := newWorldOn(t, acctest.NewFakeCloudWith(t, opts))
	if err := w.f.Load(fakecloud.Fixture{IAM: temporaryIAM(w.f.Creds.ProjectID, seconds)}); err != nil {
		t.Fatal(err)
	}
	return w
}

// temporaryProvider is the provider block of a temporary mode.
func (w world) temporaryProvider(t *testing.T, mode credentialMode) hclBlock {
	t.Helper()
	c := w.f.Creds
	p := w.provider(withAccessKey)
	agency := func(name string) map[string]string {
		return map[string]string{"agency_name": q(name), "domain_name": q(c.DomainName)}
	}
	withoutKeys := map[string]string{"access_key": unset, "secret_key": unset}
	switch mode {
	case withAssumeRole:
		return p.with(map[string]string{"assume_role": nested(agency(temporaryAgencyAdmin))})
	case withRoleChain:
		return w.provider(withPassword).with(map[string]string{"assume_role": nested(agency(temporaryAgencyAdmin), agency(temporaryAgencyMember))})
	case withOTCAgency:
		return w.provider(withPassword).with(map[string]string{"cloud": q("otc"), "project_name": unset, "agency_name": q(temporaryAgencyAdmin),
			"agency_domain_name": q(c.DomainName), "delegated_project": q(c.ProjectName)})
	case withOIDC:
		file := filepath.Join(t.TempDir(), "id-token")
		if err := os.WriteFile(file, []byte(ciIDToken+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p.with(withoutKeys).with(map[string]string{"assume_role_with_oidc": nested(map[string]string{
			"idp_id": q(temporaryIdentityProvider), "id_token_file": q(file)})})
	case withOIDCAgency:
		body := agency(temporaryAgencyMember)
		maps.Copy(body, map[string]string{"idp_id": q(temporaryIdentityProvider), "id_token": q(ciIDToken)})
		return p.with(withoutKeys).with(map[string]string{"assume_role_with_oidc": nested(body)})
	case withProfile:
		file := filepath.Join(t.TempDir(), "config.json")
		profiles := map[string]any{"current": "default", "profiles": []map[string]string{
			{"name": "default", "mode": "AKSK", "accessKeyId": "NOTTHISONE", "secretAccessKey": "not-this-one"},
			{"name": "ci", "mode": "AKSK", "accessKeyId": c.AccessKey, "secretAccessKey": c.SecretKey, "region": c.ProjectName, "projectId": c.ProjectID},
		}}
		data, _ := json.Marshal(profiles)
		if err := os.WriteFile(file, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p.with(withoutKeys).with(map[string]string{"project_id": unset, "shared_config_file": q(file), "profile": q("ci")})
	case withMetadata:
		return p.with(withoutKeys).with(map[string]string{"use_instance_metadata": "true", "metadata_url": q(w.f.URL)})
	}
	panic("no temporary mode " + mode)
}

// temporaryConfig is the world's configuration of every block in a temporary mode.
func (w world) temporaryConfig(t *testing.T, mode credentialMode, changes map[string]map[string]string) string {
	cfg := w.configs(withAccessKey, changes)[0]
	provider := w.provider(withAccessKey).with(changes["provider"]).String()
	if !strings.HasPrefix(cfg, provider) {
		t.Fatal("the configuration does not begin with the provider block")
	}
	return w.temporaryProvider(t, mode).with(changes["provider"]).String() + strings.TrimPrefix(cfg, provider)
}

// issuedSecret matches what the fake cloud issues in the temporary modes: temporary secret keys and security
// tokens, federated and agency tokens.
var issuedSecret = regexp.MustCompile(`tmpsk-[0-9a-f]+|tmpst-[0-9a-f]+|fake-federated-[0-9a-f]+|fake-agency-[0-9a-f]+`)

// TestAccSecrets_temporaryCredentials applies, plans, shows and destroys every resource type, with every data
// source, with TRACE logs on, in each temporary credential mode; the chain's apply outlives its first keys.
// No secret (keys, security tokens, ID tokens, IAM tokens) shows up in Terraform's output, the logs or the
// state.
func TestAccSecrets_temporaryCredentials(t *testing.T) {
	for _, mode := range []credentialMode{withAssumeRole, withRoleChain, withOTCAgency, withOIDC, withOIDCAgency, withProfile, withMetadata} {
		t.Run(string(mode), func(t *testing.T) {
			logPath := acctest.CaptureLogs(t)
			w := temporaryWorld(t, mode)
			var output strings.Builder
			record := func(r acctest.Result) acctest.Result {
				output.WriteString(r.String() + "\n")
				return r
			}
			cfg := w.temporaryConfig(t, mode, nil)
			tf := acctest.NewTerraform(t, cfg)
			start, before := time.Now(), countRequests(w.f, securityTokensPath)
			record(tf.MustRun("apply", "-auto-approve"))
			if mode == withRoleChain {
				// Two provider processes (plan, apply) configured, each exchanging the chain (two calls) once at
				// first: any more calls are refreshes of keys that were about to expire.
				took, exchanges := time.Since(start), countRequests(w.f, securityTokensPath)-before
				t.Logf("the apply took %v with %d s keys: %d key calls", took, shortKeySeconds, exchanges)
				if took < 2*shortKeySeconds*time.Second || exchanges <= 4 {
					t.Errorf("the apply took %v and made %d key calls: it proves no refresh of its %d s keys", took, exchanges, shortKeySeconds)
				}
			}
			checkApplied(t, w, cfg, true)
			if r := record(tf.Run("plan", "-detailed-exitcode")); r.ExitCode != 0 {
				t.Errorf("the plan after apply: exit %d\n%s", r.ExitCode, r)
			}
			record(tf.MustRun("show"))
			state, err := os.ReadFile(filepath.Join(tf.Dir(), "terraform.tfstate"))
			if err != nil {
				t.Fatal(err)
			}
			record(tf.MustRun("destroy", "-auto-approve"))
			checkApplied(t, w, cfg, false)

			logs := acctest.ReadLogs(t, logPath)
			evidence := map[credentialMode]string{
				withAssumeRole: `"securitytoken":"\*\*\*"`, withRoleChain: `"securitytoken":"\*\*\*"`, withOTCAgency: `X-Subject-Token:\*\*\*`,
				withOIDC: `\\"id_token\\":\{\\"id\\":\\"\*\*\*\\"\}`, withOIDCAgency: `\\"id_token\\":\{\\"id\\":\\"\*\*\*\\"\}`,
				withProfile: `Signature=\*\*\*`, withMetadata: `"securitytoken":"\*\*\*"`,
			}[mode]
			if !regexp.MustCompile(evidence).MatchString(logs) {
				t.Errorf("the logs hold no sign of the mode's credentials, masked (pattern %s)", evidence)
			}
			// The state holds the host password of the service-ticket decision (password, for old clients; see
			// TestAccSecrets_writeOnlyHostPassword), and nothing of the provider's credentials.
			checkNoSecrets(t, w, map[string]string{"Terraform's output": output.String(), "the logs": logs})
			texts := map[string]string{"Terraform's output": output.String(), "the logs": logs, "the state": string(state)}
			for _, secret := range []string{w.f.Creds.SecretKey, w.f.Creds.Password} {
				if strings.Contains(string(state), secret) {
					t.Error("the state holds a secret of the provider's credentials")
				}
			}
			for place, text := range texts {
				if m := issuedSecret.FindString(text); m != "" {
					t.Errorf("%s hold a temporary credential: %s", place, m)
				}
				if strings.Contains(text, ciIDToken) || strings.Contains(text, "ci-Vv3Ww5Xx7Yy9") {
					t.Errorf("%s hold the ID token", place)
				}
			}
		})
	}
}

const securityTokensPath = "/v3.0/OS-CREDENTIAL/securitytokens"

func countRequests(f *acctest.FakeCloud, path string) int {
	n := 0
	for _, r := range f.Requests() {
		if r.Path == path {
			n++
		}
	}
	return n
}

// TestAccTemporaryCredentials_refused: a wrong agency, an untrusted identity provider or an expired ID token
// fail the plan at the first call, naming the argument and IAM's code, and no call follows it; conflicting
// or incomplete settings fail before any call, naming the arguments.
func TestAccTemporaryCredentials_refused(t *testing.T) {
	t.Parallel()
	w := temporaryWorld(t, withAssumeRole)
	c := w.f.Creds
	cases := []struct {
		name    string
		mode    credentialMode
		changes map[string]string
		want    string
		calls   int // requests the fake cloud may see
	}{
		{"wrong agency", withAssumeRole, map[string]string{"assume_role": nested(map[string]string{"agency_name": q("nobody"), "domain_name": q(c.DomainName)})},
			`assume_role\[0\]: assuming agency "nobody" .*IAM\.0020`, 1},
		{"untrusted identity provider", withOIDCAgency, map[string]string{"assume_role_with_oidc": nested(map[string]string{"idp_id": q("elsewhere"), "id_token": q(ciIDToken)})},
			`assume_role_with_oidc\.id_token \(identity provider assume_role_with_oidc\.idp_id "elsewhere"\).*IAM\.0021`, 1},
		{"expired ID token", withOIDCAgency, map[string]string{"assume_role_with_oidc": nested(map[string]string{"idp_id": q(temporaryIdentityProvider), "id_token": q(ciExpiredIDToken)})},
			`assume_role_with_oidc\.id_token .*IAM\.0023: The id_token has expired`, 1},
		{"agency without its account", withAssumeRole, map[string]string{"assume_role": nested(map[string]string{"agency_name": q("x")})},
			`assume_role\[0\]: set exactly one of domain_name and domain_id`, 0},
		{"OIDC with a key", withOIDC, map[string]string{"access_key": q(c.AccessKey), "secret_key": q(c.SecretKey)},
			`access_key/secret_key and assume_role_with_oidc are all set`, 0},
		{"profile with a key", withProfile, map[string]string{"access_key": q(c.AccessKey), "secret_key": q(c.SecretKey)},
			`shared_config_file/profile conflicts with the other credentials`, 0},
		{"OTC agency without its account", withOTCAgency, map[string]string{"agency_domain_name": unset},
			`Attribute "agency_domain_name" must be specified when "agency_name" is specified`, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w.f.ResetRequests()
			tf := acctest.NewTerraform(t, w.temporaryConfig(t, tc.mode, map[string]map[string]string{"provider": tc.changes}))
			r := tf.Run("plan")
			if r.ExitCode != 1 || !acctest.ExpectError(tc.want).MatchString(r.Output()) {
				t.Fatalf("plan exited %d, want 1 and an error matching %q:\n%s", r.ExitCode, tc.want, r.Output())
			}
			if strings.Contains(r.Output(), ciIDToken) || strings.Contains(r.Output(), ciExpiredIDToken) {
				t.Error("the error shows the ID token")
			}
			if got := len(w.f.Requests()); got > tc.calls {
				var calls []string
				for _, req := range w.f.Requests() {
					calls = append(calls, req.Method+" "+req.Path)
				}
				t.Errorf("the fake cloud saw %d requests, want at most %d: %s", got, tc.calls, strings.Join(calls, ", "))
			}
		})
	}
}
