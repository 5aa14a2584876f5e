package servicerequest_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
)

const addr = "authz_service_request_authorization.test"

// seeded starts a fake cloud with an engineer's access requests; the provider signs with an access key,
// so every call must name the account in X-Domain-Id.
func seeded(t *testing.T, opts ...fakecloud.Options) (*acctest.FakeCloud, acctest.ServiceRequests) {
	t.Helper()
	f := acctest.NewFakeCloud(t)
	if len(opts) > 0 {
		f = acctest.NewFakeCloudWith(t, opts[0])
	}
	return f, f.SeedServiceRequests(t)
}

func config(f *acctest.FakeCloud, id string, lines ...string) string {
	return configWith(f, fmt.Sprintf("  access_key = %q\n  secret_key = %q\n  project_id = %q\n", f.Creds.AccessKey, f.Creds.SecretKey, f.Creds.ProjectID), id, lines...)
}

// tokenConfig decides with a token scoped to the account, which a test clock cannot make stale.
func tokenConfig(f *acctest.FakeCloud, id string, lines ...string) string {
	return configWith(f, fmt.Sprintf("  token      = %q\n", f.Creds.DomainToken), id, lines...)
}

func configWith(f *acctest.FakeCloud, creds, id string, lines ...string) string {
	provider := f.ProviderBlock(creds + "  site       = \"international\"\n  language   = \"en-us\"\n")
	return provider + fmt.Sprintf(`
resource "authz_service_request_authorization" "test" {
  authorization_id = %q
%s
}
`, id, "  "+strings.Join(lines, "\n  "))
}

func testCase(t *testing.T, checkDestroy resource.TestCheckFunc, steps ...resource.TestStep) resource.TestCase {
	return resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    steps,
		CheckDestroy:             checkDestroy,
	}
}

func status(f *acctest.FakeCloud, id string, want int) resource.TestCheckFunc {
	return func(*terraform.State) error { return f.CheckServiceRequestStatus(id, want)() }
}

// Accepting with a window and a host's credentials: the credentials are verified first, the window is sent
// in epoch milliseconds, every call names the account; import reads the window back; destroy cancels. In
// every form the service may answer times in: strings in its default zone (GMT+8) or in the zone the provider
// names, and epoch milliseconds (quirk osm-epoch-times).
func TestAccServiceRequestAuthorization_accept(t *testing.T) {
	t.Parallel()
	for name, v := range map[string]struct {
		quirks   []string
		timeZone string
	}{
		"strings in GMT+8":        {},
		"strings in a named zone": {timeZone: "America/New_York"},
		"epoch milliseconds":      {quirks: []string{fakecloud.QuirkOSMEpochTimes}, timeZone: "GMT-3"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			testAccept(t, v.quirks, v.timeZone)
		})
	}
}

func testAccept(t *testing.T, quirks []string, timeZone string) {
	f, s := seeded(t, fakecloud.Options{Quirks: quirks})
	effective, expire := time.Now().Add(time.Hour).UTC().Truncate(time.Second), time.Now().Add(5*time.Hour).UTC().Truncate(time.Second)
	lines := []string{
		fmt.Sprintf("effective_time = %q", effective.Format(time.RFC3339)),
		fmt.Sprintf("expire_time    = %q", expire.Format(time.RFC3339)),
		fmt.Sprintf("host_credentials = [{ detail_id = %d, port = %d, account = %q, password = %q }]", s.HostDetailID, s.HostPort, s.HostAccount, s.HostPassword),
	}
	cfg := config(f, s.Pending, lines...)
	if timeZone != "" {
		cfg = configWith(f, fmt.Sprintf("  access_key = %q\n  secret_key = %q\n  project_id = %q\n  time_zone  = %q\n", f.Creds.AccessKey, f.Creds.SecretKey, f.Creds.ProjectID, timeZone), s.Pending, lines...)
	}
	resource.Test(t, testCase(t, status(f, s.Pending, cloud.OSMCanceled),
		resource.TestStep{
			PreConfig: f.ResetRequests,
			Config:    cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "decision", "accept"),
				resource.TestCheckResourceAttr(addr, "status", "1"),
				resource.TestCheckResourceAttr(addr, "status_name", "authorized"),
				resource.TestCheckResourceAttr(addr, "incident_id", s.IncidentID),
				resource.TestCheckResourceAttr(addr, "details.0.type", "host"),
				resource.TestCheckResourceAttr(addr, "details.0.instance_name", "web01"),
				resource.TestCheckResourceAttr(addr, "effective_time", effective.Format(time.RFC3339)),
				resource.TestCheckResourceAttr(addr, "expire_time", expire.Format(time.RFC3339)),
				status(f, s.Pending, cloud.OSMAuthorized),
				func(*terraform.State) error {
					a, _ := f.OSM().Authorization("", s.Pending)
					if a.AuthEffectiveTime != effective.UnixMilli() || a.AuthExpireTime != expire.UnixMilli() {
						return fmt.Errorf("the window is %d-%d, want %d-%d", a.AuthEffectiveTime, a.AuthExpireTime, effective.UnixMilli(), expire.UnixMilli())
					}
					// The fake cloud refuses an AK/SK call to the account-level service without the account's
					// X-Domain-Id (403 OSM.0003): every call succeeding proves the header, found once through IAM.
					verified, domainLookups := false, 0
					for _, r := range f.Requests() {
						if strings.HasPrefix(r.Path, "/v2/servicerequest/") {
							if r.Status != 200 || r.Headers.Get("X-Site") != "1" || r.Headers.Get("X-Language") != "en-us" {
								return fmt.Errorf("%s %s answered %d with X-Site %q, X-Language %q", r.Method, r.Path, r.Status, r.Headers.Get("X-Site"), r.Headers.Get("X-Language"))
							}
							verified = verified || strings.HasSuffix(r.Path, "/verify-host")
						}
						if r.Path == "/v3/auth/domains" {
							domainLookups++
						}
					}
					if !verified || domainLookups != 1 {
						return fmt.Errorf("verify-host called: %v; account looked up %d times, want once", verified, domainLookups)
					}
					return nil
				},
			),
		},
		resource.TestStep{
			ResourceName:            addr,
			ImportState:             true,
			ImportStateVerify:       true,
			ImportStateId:           s.Pending,
			ImportStateVerifyIgnore: []string{"timeouts", "host_credentials"}, // the window is read back from the cloud
		},
	))
}

// A wrong host password is caught by verify-host before anything is accepted.
func TestAccServiceRequestAuthorization_wrongHostPassword(t *testing.T) {
	t.Parallel()
	f, s := seeded(t)
	resource.Test(t, testCase(t, status(f, s.Pending, cloud.OSMPending), resource.TestStep{
		Config: config(f, s.Pending,
			fmt.Sprintf("host_credentials = [{ detail_id = %d, port = %d, account = %q, password = %q }]", s.HostDetailID, s.HostPort, s.HostAccount, "not-the-password")),
		ExpectError: acctest.ExpectError(`verifying the credentials of host detail ` + fmt.Sprint(s.HostDetailID) + ` \(account "support"\) failed, so nothing was accepted.*OSM.01010003: Account and password not matched`),
	}))
}

// Rejecting tells the engineer why; destroy of a rejection changes nothing.
func TestAccServiceRequestAuthorization_reject(t *testing.T) {
	t.Parallel()
	f, s := seeded(t)
	resource.Test(t, testCase(t, status(f, s.PendingOther, cloud.OSMRejected),
		resource.TestStep{
			Config: config(f, s.PendingOther, `decision = "reject"`, `reject_reason = "Use the read replica."`),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "status_name", "rejected"),
				status(f, s.PendingOther, cloud.OSMRejected),
				func(*terraform.State) error {
					if a, _ := f.OSM().Authorization("", s.PendingOther); a.RejectReason != "Use the read replica." {
						return fmt.Errorf("reject reason %q", a.RejectReason)
					}
					return nil
				},
			),
		},
		resource.TestStep{
			ResourceName:            addr,
			ImportState:             true,
			ImportStateVerify:       true,
			ImportStateId:           s.PendingOther,
			ImportStateVerifyIgnore: []string{"timeouts"},
		},
	))
}

// Destroy takes access away: it cancels an accepted request, and rejects one that is still pending (here:
// one that went back to pending behind Terraform's back, which is drift the plan shows first).
func TestAccServiceRequestAuthorization_destroy(t *testing.T) {
	t.Parallel()
	f, s := seeded(t)
	resource.Test(t, testCase(t, status(f, s.NeedsApproval, cloud.OSMCanceled),
		resource.TestStep{
			// Accepting a request that needs approval leaves it in approval; destroy cancels that too.
			Config: config(f, s.NeedsApproval),
			Check:  resource.ComposeAggregateTestCheckFunc(resource.TestCheckResourceAttr(addr, "status_name", "approval_pending"), status(f, s.NeedsApproval, cloud.OSMApprovalPending)),
		},
	))
	// A request that is pending when destroy runs (here: put back behind Terraform's back, and destroyed
	// without a refresh, which would otherwise drop it as drift) is rejected with the configured reason.
	tf := acctest.NewTerraform(t, config(f, s.Pending, `reject_reason = "Ticket closed."`, `verify_hosts = false`))
	tf.MustRun("apply", "-auto-approve")
	if err := f.OSM().SetStatus("", s.Pending, cloud.OSMPending); err != nil {
		t.Fatal(err)
	}
	tf.MustRun("destroy", "-auto-approve", "-refresh=false")
	if a, _ := f.OSM().Authorization("", s.Pending); a.Status != cloud.OSMRejected || a.RejectReason != "Ticket closed." {
		t.Errorf("destroy left the pending request in status %d, reason %q; want rejected, \"Ticket closed.\"", a.Status, a.RejectReason)
	}
}

// Drift: an accepted request the engineer withdraws, or whose window ends, leaves the state; the plan wants
// to decide it again, which fails clearly since the service no longer allows it.
func TestAccServiceRequestAuthorization_drift(t *testing.T) {
	t.Parallel()
	var (
		mu  sync.Mutex
		now = time.Now()
	)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	f, s := seeded(t, fakecloud.Options{Now: clock})
	expire := now.Add(2 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
	expiring := tokenConfig(f, s.Pending, fmt.Sprintf("expire_time = %q", expire), `verify_hosts = false`)
	withdrawn := tokenConfig(f, s.PendingOther)
	resource.Test(t, testCase(t, nil,
		resource.TestStep{Config: expiring, Check: status(f, s.Pending, cloud.OSMAuthorized)},
		resource.TestStep{
			PreConfig: func() { mu.Lock(); now = now.Add(3 * time.Hour); mu.Unlock() },
			Config:    expiring,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
			},
			ExpectError: acctest.ExpectError(`Authorization request ` + s.Pending + ` is expired, not pending: only a pending request can be decided`),
		},
		resource.TestStep{Config: withdrawn, Check: status(f, s.PendingOther, cloud.OSMAuthorized)},
		resource.TestStep{
			PreConfig: func() {
				if err := f.OSM().Withdraw("", s.PendingOther); err != nil {
					t.Fatal(err)
				}
			},
			Config:             withdrawn,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		},
	))
}

// Only a pending request can be decided; the error names the status, and for a decided one how to import it.
func TestAccServiceRequestAuthorization_invalidTransitions(t *testing.T) {
	t.Parallel()
	f, s := seeded(t)
	cases := map[string]struct {
		id   string
		want string
	}{
		"already authorized": {s.Authorized, `is authorized, not pending.*terraform import authz_service_request_authorization.<name> ` + s.Authorized},
		"already rejected":   {s.Rejected, `is rejected, not pending`},
		"initializing":       {s.Initializing, `is initializing, not pending`},
		"unknown":            {"Auth-nosuch", `OSM.01010004: The authorization does not exist`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, testCase(t, nil, resource.TestStep{
				Config:      config(f, c.id),
				ExpectError: acctest.ExpectError(c.want),
			}))
		})
	}
	if err := f.CheckServiceRequestStatus(s.Authorized, cloud.OSMAuthorized)(); err != nil {
		t.Error(err)
	}
}

// Bad input fails at plan time, with no call made.
func TestAccServiceRequestAuthorization_planTimeValidation(t *testing.T) {
	t.Parallel()
	f, s := seeded(t)
	f.ResetRequests()
	cases := map[string]struct {
		lines []string
		want  string
	}{
		"reject without reason":    {[]string{`decision = "reject"`}, `decision = "reject" needs a reject_reason`},
		"reject with a window":     {[]string{`decision = "reject"`, `reject_reason = "no"`, `expire_time = "2030-01-01T00:00:00Z"`}, `expire_time is only used with decision = "accept"`},
		"window ends before start": {[]string{`effective_time = "2030-01-02T00:00:00Z"`, `expire_time = "2030-01-01T00:00:00Z"`}, `expire_time 2030-01-01T00:00:00Z must be after effective_time 2030-01-02T00:00:00Z`},
		"time not RFC 3339":        {[]string{`expire_time = "tomorrow"`}, `Invalid RFC3339 String Value`},
		"unknown decision":         {[]string{`decision = "maybe"`}, `value must be one of: \["accept" "reject"\]`},
		"reason too long":          {[]string{`decision = "reject"`, fmt.Sprintf("reject_reason = %q", strings.Repeat("x", 301))}, `string length must be between 1 and 300`},
		"too many hosts":           {[]string{`host_credentials = [` + strings.Repeat(`{ detail_id = 1 },`, 7) + `]`}, `list must contain at least 1 elements and at most 6 elements`},
		"port out of range":        {[]string{`host_credentials = [{ detail_id = 1, port = 70000 }]`}, `value must be between 1 and 65535`},
		"bad authorization ID":     {nil, `must be letters, digits, hyphens`},
		"both passwords":           {[]string{`host_credentials = [{ detail_id = 1, password = "a", password_wo = "b" }]`}, `Attribute "host_credentials\[0\]\.password_wo" cannot be specified when\s+"host_credentials\[0\]\.password" is specified`},
		"version without password": {[]string{`host_credentials = [{ detail_id = 1, password = "a", password_wo_version = 1 }]`}, `Attribute "host_credentials\[0\]\.password_wo" must be specified when\s+"host_credentials\[0\]\.password_wo_version" is specified`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			id := s.Pending
			if c.lines == nil {
				id = "bad id!"
			}
			resource.Test(t, testCase(t, nil, resource.TestStep{Config: config(f, id, c.lines...), PlanOnly: true, ExpectError: acctest.ExpectError(c.want)}))
		})
	}
	for _, r := range f.Requests() {
		t.Errorf("plan-time validation let %s %s through", r.Method, r.Path)
	}
}

// The host password never shows in plan output: it is sensitive. (The client's log masking is tested in
// internal/cloud: TestLogsNeverShowHostPasswords.)
func TestAccServiceRequestAuthorization_passwordIsSensitive(t *testing.T) {
	t.Parallel()
	f, s := seeded(t)
	resource.Test(t, testCase(t, status(f, s.Pending, cloud.OSMCanceled),
		resource.TestStep{
			Config: config(f, s.Pending,
				fmt.Sprintf("host_credentials = [{ detail_id = %d, port = %d, account = %q, password = %q }]", s.HostDetailID, s.HostPort, s.HostAccount, s.HostPassword)),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectSensitiveValue(addr, tfjsonpath.New("host_credentials").AtSliceIndex(0).AtMapKey("password"))},
			},
		},
	))
}

// The window the service holds is read back: left out, effective_time records when the access began; a
// window changed outside Terraform shows in the plan, as a change the apply refuses (the service decides a
// request once), in either form of the service's times; an end removed outside Terraform shows too.
func TestAccServiceRequestAuthorization_windowDrift(t *testing.T) {
	t.Parallel()
	for name, quirks := range map[string][]string{"strings": nil, "epoch milliseconds": {fakecloud.QuirkOSMEpochTimes}} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f, s := seeded(t, fakecloud.Options{Quirks: quirks})
			expire := time.Now().Add(4 * time.Hour).UTC().Truncate(time.Second)
			cfg := tokenConfig(f, s.PendingOther, fmt.Sprintf("expire_time = %q", expire.Format(time.RFC3339)))
			var began int64
			resource.Test(t, testCase(t, status(f, s.PendingOther, cloud.OSMCanceled),
				resource.TestStep{
					Config: cfg,
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
					Check: resource.ComposeAggregateTestCheckFunc(
						func(st *terraform.State) error {
							a, _ := f.OSM().Authorization("", s.PendingOther)
							began = a.AuthEffectiveTime
							want := time.UnixMilli(began).UTC().Format(time.RFC3339)
							if got := st.RootModule().Resources[addr].Primary.Attributes["effective_time"]; got != want || began == 0 {
								return fmt.Errorf("effective_time %q, the service holds %q", got, want)
							}
							return nil
						},
					),
				},
				resource.TestStep{
					// Someone moves the end in the console.
					PreConfig: func() {
						if err := f.OSM().SetWindow("", s.PendingOther, began, expire.Add(time.Hour).UnixMilli()); err != nil {
							t.Fatal(err)
						}
					},
					Config:             cfg,
					PlanOnly:           true,
					ExpectNonEmptyPlan: true,
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					},
				},
				resource.TestStep{
					// Put back, the plan is empty again: nothing else differs.
					PreConfig: func() {
						if err := f.OSM().SetWindow("", s.PendingOther, began, expire.UnixMilli()); err != nil {
							t.Fatal(err)
						}
					},
					Config:   cfg,
					PlanOnly: true,
				},
				resource.TestStep{
					// The end removed: the access no longer ends when the configuration says.
					PreConfig: func() {
						if err := f.OSM().SetWindow("", s.PendingOther, began, 0); err != nil {
							t.Fatal(err)
						}
					},
					Config:             cfg,
					PlanOnly:           true,
					ExpectNonEmptyPlan: true,
				},
				resource.TestStep{
					PreConfig: func() {
						if err := f.OSM().SetWindow("", s.PendingOther, began, expire.UnixMilli()); err != nil {
							t.Fatal(err)
						}
					},
					Config:   cfg,
					PlanOnly: true,
				},
			))
		})
	}
}

// A decided request is never decided again by accident: the same instant at another offset is recorded in place,
// with no call; another instant, or another decision, fails the apply without a call, the access untouched; a
// new request (another authorization_id) replaces the resource, ending the old one's access.
func TestAccServiceRequestAuthorization_changesOfADecidedRequest(t *testing.T) {
	t.Parallel()
	f, s := seeded(t)
	expire := time.Now().Add(4 * time.Hour).UTC().Truncate(time.Second)
	at := func(zone *time.Location) string {
		return fmt.Sprintf("expire_time = %q", expire.In(zone).Format(time.RFC3339))
	}
	plusOne := time.FixedZone("", 3600)
	noWrites := func(*terraform.State) error {
		for _, r := range f.Requests() {
			if r.Method != "GET" {
				return fmt.Errorf("%s %s was called", r.Method, r.Path)
			}
		}
		return nil
	}
	refused := func(cfg string) resource.TestStep {
		return resource.TestStep{
			PreConfig: f.ResetRequests,
			Config:    cfg,
			ExpectError: acctest.ExpectError(`A decided request cannot be decided again.*Authorization request ` + s.Pending +
				` was decided \(authorized\).*cannot change. Nothing was changed.*remove the resource`),
		}
	}
	unchanged := resource.TestStep{
		// After a refused change, the decision stands and the state still matches it.
		Config: tokenConfig(f, s.Pending, at(plusOne)),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
		Check: resource.ComposeAggregateTestCheckFunc(status(f, s.Pending, cloud.OSMAuthorized), noWrites),
	}
	resource.Test(t, testCase(t, resource.ComposeAggregateTestCheckFunc(status(f, s.Pending, cloud.OSMCanceled), status(f, s.PendingOther, cloud.OSMCanceled)),
		resource.TestStep{Config: tokenConfig(f, s.Pending, at(time.UTC)), Check: status(f, s.Pending, cloud.OSMAuthorized)},
		resource.TestStep{
			PreConfig: f.ResetRequests,
			Config:    tokenConfig(f, s.Pending, at(plusOne)),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "expire_time", expire.In(plusOne).Format(time.RFC3339)),
				status(f, s.Pending, cloud.OSMAuthorized), noWrites),
		},
		refused(tokenConfig(f, s.Pending, fmt.Sprintf("expire_time = %q", expire.Add(time.Hour).Format(time.RFC3339)))),
		unchanged,
		refused(tokenConfig(f, s.Pending, `decision = "reject"`, `reject_reason = "changed my mind"`)),
		unchanged,
		resource.TestStep{
			// The engineer's next request: the old access ends, the new request is decided.
			Config: tokenConfig(f, s.PendingOther, at(plusOne)),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
			},
			Check: resource.ComposeAggregateTestCheckFunc(status(f, s.Pending, cloud.OSMCanceled), status(f, s.PendingOther, cloud.OSMAuthorized)),
		},
	))
}

// An access window that has already ended fails the create before any call (the plan warns of it).
func TestAccServiceRequestAuthorization_pastWindow(t *testing.T) {
	t.Parallel()
	f, s := seeded(t)
	f.ResetRequests()
	resource.Test(t, testCase(t, nil, resource.TestStep{
		Config:      tokenConfig(f, s.Pending, `expire_time = "2020-01-01T00:00:00Z"`),
		ExpectError: acctest.ExpectError(`Access window already over.*expire_time 2020-01-01T00:00:00Z has passed`),
	}))
	for _, r := range f.Requests() {
		if strings.HasPrefix(r.Path, "/v2/servicerequest/") {
			t.Errorf("a past window reached the service: %s %s", r.Method, r.Path)
		}
	}
	if err := f.CheckServiceRequestStatus(s.Pending, cloud.OSMPending)(); err != nil {
		t.Error(err)
	}
}
