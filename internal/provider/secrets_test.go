package provider_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/osm"
)

// wrongHostPassword is a wrong password for the request's host: a secret too, which the failed verification
// must not show.
const wrongHostPassword = `wrongpw-Mm4Tt8Rr1-end/P@ss w0rd&"<y>%+=`

// Wrong credentials, secrets too.
const (
	wrongToken     = "wrongtoken-Qq1Ww2Ee3Rr4"
	wrongSecretKey = "wrongsk-Aa9Ss8Dd7Ff6"
	wrongPassword  = "wrongpw-Zz5Xx4Cc3Vv2"
)

// TestAccSecrets applies, plans, shows and destroys every resource type, with every data source, with TRACE
// logs on, in each credential mode, with a call that fails, wrong credentials and conflicting ones on the
// way, and asserts that no secret shows up in Terraform's output (plans and errors included) or in the log
// file Terraform and the provider write.
func TestAccSecrets(t *testing.T) {
	for _, mode := range []credentialMode{withToken, withAccessKey, withSecurityToken, withPassword} {
		t.Run(string(mode), func(t *testing.T) {
			logPath := acctest.CaptureLogs(t)
			w := newWorld(t)
			var output strings.Builder // everything Terraform printed
			record := func(r acctest.Result) acctest.Result {
				output.WriteString(r.String() + "\n")
				return r
			}
			expect := func(r acctest.Result, exitCode int, pattern string) acctest.Result {
				t.Helper()
				record(r)
				if r.ExitCode != exitCode || !acctest.ExpectError(pattern).MatchString(r.Output()) {
					t.Errorf("%s exited %d, want %d and output matching %q:\n%s", r.Command, r.ExitCode, exitCode, pattern, r.Output())
				}
				return r
			}
			wrong := map[credentialMode]map[string]string{
				withToken:         {"token": q(wrongToken)},
				withAccessKey:     {"secret_key": q(wrongSecretKey)},
				withSecurityToken: {"secret_key": q(wrongSecretKey)},
				withPassword:      {"password": q(wrongPassword)},
			}[mode]
			c := w.f.Creds
			// Every credential mode at once, each with its secret: refused before any call.
			conflicting := map[string]string{"token": q(c.Token), "access_key": q(c.AccessKey), "secret_key": q(c.SecretKey),
				"user_name": q(c.UserName), "password": q(c.Password), "domain_name": q(c.DomainName)}
			wrongHost := map[string]map[string]string{"authz_service_request_authorization": {"host_credentials": w.hostCredentials(wrongHostPassword)}}

			// In token mode the account-level blocks are a configuration of their own.
			for i, cfg := range w.configs(mode, nil) {
				accountLevel := strings.Contains(cfg, `resource "authz_service_request_authorization"`)
				tf := acctest.NewTerraform(t, w.configs(mode, wrongHost)[i])
				if accountLevel {
					// A call that fails: the host refuses the password, before anything is accepted. The plan
					// printed first shows the password as sensitive.
					r := expect(tf.Run("apply", "-auto-approve"), 1,
						regexp.QuoteMeta("verifying the credentials of host detail "+strconv.FormatInt(w.host.detailID, 10)))
					if !regexp.MustCompile(`\+ password\s+= \(sensitive value\)`).MatchString(r.Stdout) {
						t.Errorf("the plan of %s does not show the host password as sensitive:\n%s", r.Command, r.Stdout)
					}
				}
				tf.SetConfig(cfg)
				record(tf.MustRun("apply", "-auto-approve"))
				checkApplied(t, w, cfg, true)
				expect(tf.Run("plan", "-detailed-exitcode"), 0, "No changes")
				if show := record(tf.MustRun("show")); accountLevel && !strings.Contains(show.Stdout, "(sensitive value)") {
					t.Errorf("terraform show does not mark the host password sensitive:\n%s", show.Stdout)
				}
				// Wrong credentials: refreshing fails with the cloud's answer.
				tf.SetConfig(w.configs(mode, map[string]map[string]string{"provider": wrong})[i])
				expect(tf.Run("plan"), 1, regexp.QuoteMeta("(HTTP 401"))
				// Conflicting credentials: refused when the provider is configured.
				tf.SetConfig(w.configs(mode, map[string]map[string]string{"provider": conflicting})[i])
				expect(tf.Run("plan"), 1, regexp.QuoteMeta("conflicting credentials: token and access_key/secret_key and user_name/password/domain_name are all set"))
				tf.SetConfig(cfg)
				record(tf.MustRun("destroy", "-auto-approve"))
				checkApplied(t, w, cfg, false)
			}

			logs := acctest.ReadLogs(t, logPath)
			checkLogEvidence(t, logs, mode)
			checkNoSecrets(t, w, map[string]string{"Terraform's output": output.String(), "the logs": logs})
		})
	}

	// terraform-plugin-testing serves the provider and runs Terraform its own way; CaptureLogs works for it too.
	t.Run("terraform-plugin-testing", func(t *testing.T) {
		logPath := acctest.CaptureLogs(t)
		w := newWorld(t)
		cfg := w.configs(withPassword, nil)[0]
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { acctest.PreCheck(t) },
			ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
			CheckDestroy:             func(*terraform.State) error { checkApplied(t, w, cfg, false); return nil },
			Steps: []resource.TestStep{
				{Config: w.config(withPassword, []string{"authz_service_request_authorization"}, map[string]map[string]string{
					"provider": {"password": q(wrongPassword)}}), ExpectError: acctest.ExpectError(`obtaining an IAM token .*HTTP 401`)},
				{Config: cfg, Check: func(*terraform.State) error { checkApplied(t, w, cfg, true); return nil }},
			},
		})
		// The harness logs each configuration it writes, secrets included; no user's Terraform runs it.
		logs := withoutLogger(acctest.ReadLogs(t, logPath), "sdk.helper_resource")
		if !strings.Contains(logs, "sdk.proto") {
			t.Error("the captured logs hold nothing of terraform-plugin-go")
		}
		checkLogEvidence(t, logs, withPassword)
		checkNoSecrets(t, w, map[string]string{"the logs": logs})
	})
}

// checkApplied asserts that what the configuration's blocks grant exists in the fake cloud (applied) or has
// been taken back.
func checkApplied(t *testing.T, w world, cfg string, applied bool) {
	t.Helper()
	check := func(what string, got, whenApplied int) {
		t.Helper()
		want := 0
		if applied {
			want = whenApplied
		}
		if got != want {
			t.Errorf("the fake cloud holds %d %s, want %d", got, what, want)
		}
	}
	count := func(b bool) int {
		if b {
			return 1
		}
		return 0
	}
	if strings.Contains(cfg, `resource "authz_apig_app_authorization"`) {
		for flavor, g := range w.gateways {
			check(string(flavor)+" authorizations", len(w.f.Gateway().AppAuths("", g.InstanceID)), 3)
			_, hasACL := w.f.Gateway().AppACL("", g.InstanceID, g.AppIDs[0])
			check(string(flavor)+" ACLs", count(hasACL), 1)
		}
		check("ModelArts authorizations", len(w.f.ModelArts().Authorizations("")), 3)
	}
	if strings.Contains(cfg, `resource "authz_service_request_authorization"`) {
		a, _ := w.f.OSM().Authorization("", w.request)
		check("accepted service-ticket requests", count(a.Status == osm.StatusAuthorized), 1)
	}
}

// withoutLogger returns the logs without the entries of one logger; an entry is its line and the indented
// lines of its multi-line values that follow.
func withoutLogger(logs, logger string) string {
	entry := regexp.MustCompile(`^\d{4}-\d\d-\d\dT[^ ]+ \[[A-Z]+\]\s+([^:]*):`)
	var kept strings.Builder
	skip := false
	for line := range strings.Lines(logs) {
		if m := entry.FindStringSubmatch(line); m != nil {
			skip = m[1] == logger
		}
		if !skip {
			kept.WriteString(line)
		}
	}
	return kept.String()
}

// checkLogEvidence asserts that the logs hold what the test looks for secrets in: Terraform's own TRACE lines
// and the provider's HTTP exchanges with the fake cloud, headers and bodies included, with the credentials of
// the mode in them, masked. Without these, finding no secret would prove nothing.
func checkLogEvidence(t *testing.T, logs string, mode credentialMode) {
	t.Helper()
	evidence := map[string]string{
		"Terraform's own logs":                  `\[INFO\]\s+(Terraform|OpenTofu) version: `,
		"Terraform's TRACE logs":                `\[TRACE\] vertex "`,
		"the provider's requests at TRACE":      `\[TRACE\] authz: cloud request: .*headers="map\[`,
		"the provider's answers at DEBUG":       `\[DEBUG\] authz: cloud response: .*status=20[01]`,
		"the provider's answer bodies at TRACE": `\[TRACE\] authz: cloud response body: .*\n\s+body=\n\s+\| \{`,
		"the service-ticket calls":              `cloud request: .*url="?http://127\.0\.0\.1:\d+/v2/servicerequest/authorizations`,
		"the host password masked in a body":    `\\"password\\":\\"\*\*\*\\"`,
		"the ModelArts app secrets masked":      `"app_secret":"\*\*\*"`,
		"the credentials of this mode, masked": map[credentialMode]string{
			withToken: `X-Auth-Token:\*\*\*`, withAccessKey: `Signature=\*\*\*`,
			withSecurityToken: `X-Security-Token:\*\*\*`, withPassword: `X-Subject-Token:\*\*\*`,
		}[mode],
	}
	for what, pattern := range evidence {
		if !regexp.MustCompile(pattern).MatchString(logs) {
			t.Errorf("the captured logs hold no sign of %s (pattern %s)", what, pattern)
		}
	}
}

// checkNoSecrets asserts that none of the texts holds a secret of the world in any form.
func checkNoSecrets(t *testing.T, w world, texts map[string]string) {
	t.Helper()
	c := w.f.Creds
	secrets := map[string]string{
		"token": c.Token, "account token": c.DomainToken, "secret key": c.SecretKey, "security token": securityToken,
		"password": c.Password, "host password": hostPassword, "wrong host password": wrongHostPassword,
		"wrong token": wrongToken, "wrong secret key": wrongSecretKey, "wrong password": wrongPassword,
	}
	// Their runs of letters and digits betray them in quoted forms secretForms does not foresee.
	secrets["host password's letters"], _, _ = strings.Cut(hostPassword, "/")
	secrets["wrong host password's letters"], _, _ = strings.Cut(wrongHostPassword, "/")
	for i := range w.ma.AppIDs {
		secrets[fmt.Sprintf("secret of app %d", i)] = fmt.Sprintf("%s%d", w.appSecret, i)
	}
	// Every token the fake cloud issues begins so: password logins get fresh ones.
	issuedToken := regexp.MustCompile(`fake-token-[0-9a-z-]+`)
	for place, text := range texts {
		for name, secret := range secrets {
			for s, form := range secretForms(secret) {
				if strings.Contains(text, s) {
					t.Errorf("%s hold the %s (%s: %q)", place, name, form, s)
				}
			}
		}
		if m := issuedToken.FindString(text); m != "" {
			t.Errorf("%s hold an IAM token: %s", place, m)
		}
	}
}

// secretForms are the ways a secret could show up, each distinct one once with the name of the way: as
// written, quoted in Go or JSON (once, or inside another JSON string), URL-encoded, and base64-encoded.
func secretForms(s string) map[string]string {
	jsonQuoted := func(s string) string {
		b, _ := json.Marshal(s)
		return string(b[1 : len(b)-1])
	}
	forms := map[string]string{}
	for _, f := range []struct{ name, value string }{
		{"raw", s}, {"Go-quoted", strings.Trim(strconv.Quote(s), `"`)}, {"JSON", jsonQuoted(s)}, {"JSON in JSON", jsonQuoted(jsonQuoted(s))},
		{"query-escaped", url.QueryEscape(s)}, {"path-escaped", url.PathEscape(s)},
		{"base64", base64.StdEncoding.EncodeToString([]byte(s))}, {"base64url", base64.RawURLEncoding.EncodeToString([]byte(s))},
	} {
		if _, dup := forms[f.value]; !dup {
			forms[f.value] = f.name
		}
	}
	return forms
}

// TestAccSecrets_writeOnlyHostPassword accepts a service-ticket request with the host password write-only
// (password_wo), with TRACE logs on: the password reaches the verify-host and accept calls (a wrong one is
// refused), and neither the state file, nor Terraform's output, nor the logs hold it. A changed
// password_wo alone plans nothing; a changed password_wo_version is refused, the access untouched.
func TestAccSecrets_writeOnlyHostPassword(t *testing.T) {
	acctest.SkipBelow(t, "1.11.0", "write-only arguments")
	logPath := acctest.CaptureLogs(t)
	w := newWorld(t)
	config := func(password string, version int) string {
		creds := fmt.Sprintf("[{ detail_id = %d, port = %d, account = %q, password_wo = %q, password_wo_version = %d }]",
			w.host.detailID, w.host.port, w.host.account, password, version)
		return w.config(withAccessKey, []string{"authz_service_request_authorization"},
			map[string]map[string]string{"authz_service_request_authorization": {"host_credentials": creds}})
	}
	var output strings.Builder
	record := func(r acctest.Result) acctest.Result { output.WriteString(r.String() + "\n"); return r }
	tf := acctest.NewTerraform(t, config(wrongHostPassword, 1))
	r := record(tf.Run("apply", "-auto-approve"))
	if r.ExitCode != 1 || !acctest.ExpectError("verifying the credentials of host detail").MatchString(r.Output()) {
		t.Fatalf("a wrong write-only password was not refused by the host's verification (exit %d):\n%s", r.ExitCode, r)
	}
	tf.SetConfig(config(hostPassword, 1))
	record(tf.MustRun("apply", "-auto-approve"))
	a, _ := w.f.OSM().Authorization("", w.request)
	if a.Status != osm.StatusAuthorized {
		t.Fatalf("the request is %d after the apply, want authorized", a.Status)
	}
	stateFile, err := os.ReadFile(filepath.Join(tf.Dir(), "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	creds := tf.State().OfType("authz_service_request_authorization")
	if len(creds) != 1 || !strings.Contains(string(stateFile), `"password_wo_version": 1`) || !strings.Contains(string(stateFile), `"password_wo": null`) {
		t.Errorf("the state records no null password_wo beside its version:\n%s", stateFile)
	}
	// Another write-only password alone changes nothing: only its version tells a change.
	tf.SetConfig(config(wrongHostPassword, 1))
	if r := record(tf.Run("plan", "-detailed-exitcode")); r.ExitCode != 0 {
		t.Errorf("a changed password_wo alone planned a change:\n%s", r)
	}
	// A changed version shows in the plan, with a warning, and the apply refuses it without a call: the service
	// takes a password only with the decision, and replacing the decision would cancel the access and then fail.
	tf.SetConfig(config(hostPassword, 2))
	if r := record(tf.Run("plan", "-detailed-exitcode")); r.ExitCode != 2 || !acctest.ExpectError(`Warning: A decided request cannot be decided again.*host_credentials`).MatchString(r.Output()) {
		t.Errorf("a changed password_wo_version planned no change, or no warning:\n%s", r)
	}
	if r := record(tf.Run("apply", "-auto-approve")); r.ExitCode != 1 || !acctest.ExpectError(`Error: A decided request cannot be decided again.*Nothing was changed`).MatchString(r.Output()) {
		t.Errorf("a changed password_wo_version was not refused by the apply:\n%s", r)
	}
	if a, _ := w.f.OSM().Authorization("", w.request); a.Status != osm.StatusAuthorized {
		t.Errorf("the request is %d after the refused change, want authorized", a.Status)
	}
	record(tf.MustRun("destroy", "-auto-approve"))

	logs := acctest.ReadLogs(t, logPath)
	for what, pattern := range map[string]string{
		"the service-ticket calls":           `cloud request: .*url="?http://127\.0\.0\.1:\d+/v2/servicerequest/authorizations`,
		"the host password masked in a body": `\\"password\\":\\"\*\*\*\\"`,
	} {
		if !regexp.MustCompile(pattern).MatchString(logs) {
			t.Errorf("the captured logs hold no sign of %s (pattern %s)", what, pattern)
		}
	}
	checkNoSecrets(t, w, map[string]string{"Terraform's output": output.String(), "the logs": logs, "the state file": string(stateFile)})
}

// TestAccSecrets_writeOnlyNeedsTerraform111: before Terraform 1.11 a write-only password is refused at plan
// time with the reason, and nothing is decided.
func TestAccSecrets_writeOnlyNeedsTerraform111(t *testing.T) {
	if c := acctest.TerraformCLI(t); !c.Version.LessThan(version.Must(version.NewVersion("1.11.0"))) {
		t.Skipf("%s takes write-only arguments", c)
	}
	w := newWorld(t)
	creds := fmt.Sprintf("[{ detail_id = %d, account = %q, password_wo = %q }]", w.host.detailID, w.host.account, hostPassword)
	tf := acctest.NewTerraform(t, w.config(withAccessKey, []string{"authz_service_request_authorization"},
		map[string]map[string]string{"authz_service_request_authorization": {"host_credentials": creds}}))
	r := tf.Run("apply", "-auto-approve")
	if r.ExitCode != 1 || !acctest.ExpectError("Write-only attributes are only supported in Terraform 1.11 and later").MatchString(r.Output()) {
		t.Errorf("a write-only password on %s was not refused with the reason:\n%s", acctest.TerraformCLI(t), r)
	}
	if a, _ := w.f.OSM().Authorization("", w.request); a.Status != osm.StatusPending {
		t.Errorf("the request is %d, want still pending", a.Status)
	}
	checkNoSecrets(t, w, map[string]string{"Terraform's output": r.String()})
}
