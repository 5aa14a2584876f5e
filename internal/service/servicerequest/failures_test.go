package servicerequest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
)

// decisions accepts one pending request and rejects another.
func decisions(s acctest.ServiceRequests) string {
	return fmt.Sprintf(`
resource "authz_service_request_authorization" "accept" {
  authorization_id = %q
  verify_hosts     = false
}

resource "authz_service_request_authorization" "reject" {
  authorization_id = %q
  decision         = "reject"
  reject_reason    = "Not needed."
}
`, s.Pending, s.PendingOther)
}

// A 5xx answered after the service acted is read back: the retried accept is refused because the first went
// through, and the status tells it. A wrong endpoint answers 404 APIG.0101, which is not the service saying
// anything is gone: refresh and destroy fail, the state keeps both decisions and access stays recorded.
func TestAccServiceRequest_5xxAfterWriteAndWrongEndpoint(t *testing.T) {
	t.Parallel()
	f, s := seeded(t)
	creds := fmt.Sprintf("  token = %q\n", f.Creds.DomainToken)
	good := f.ProviderBlock(creds) + decisions(s)
	wrong := fmt.Sprintf("provider \"authz\" {\n  max_retries = 1\n  endpoints   = { osm = %q, iam = %q }\n%s}\n", f.URL+"/wrong", f.URL, creds) + decisions(s)
	both := resource.ComposeAggregateTestCheckFunc(status(f, s.Pending, cloud.OSMAuthorized), status(f, s.PendingOther, cloud.OSMRejected))
	resource.Test(t, testCase(t, status(f, s.Pending, cloud.OSMCanceled),
		resource.TestStep{
			PreConfig: func() {
				f.InjectFault(fakecloud.Fault{Method: "PUT", PathRegexp: `/authorizations/[^/]+(/action)?$`, Times: 2, Status: 503, AfterApply: true})
			},
			Config: good,
			Check:  both,
		},
		resource.TestStep{PreConfig: f.ClearFaults, Config: wrong, PlanOnly: true, ExpectError: acctest.ExpectError(`APIG.0101`)},
		resource.TestStep{Config: wrong, Destroy: true, ExpectError: acctest.ExpectError(`APIG.0101`)},
		resource.TestStep{
			PreConfig: func() {
				if err := both(nil); err != nil {
					t.Fatal(err)
				}
			},
			Config:           good,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		},
	))
}

// Ctrl-C while the service holds the decisions: every request the interrupted apply decided is in the
// state, and the next apply converges instead of failing on a request that is no longer pending.
func TestAccServiceRequest_interruptedApply(t *testing.T) {
	t.Parallel()
	const latency = 1500 * time.Millisecond
	f, s := seeded(t, fakecloud.Options{Latency: latency})
	tf := acctest.NewTerraform(t, f.ProviderBlock(fmt.Sprintf("  token = %q\n", f.Creds.DomainToken))+decisions(s))
	tf.Timeout = 90 * time.Second

	apply := tf.Start("apply", "-auto-approve")
	acctest.WaitFor(t, 60*time.Second, "the first write of the apply", func() bool { return apply.Exited() || len(f.Writes()) > 0 })
	if apply.Exited() {
		t.Fatalf("the apply ended before it wrote:\n%s", apply.Wait())
	}
	apply.Interrupt()
	if r := apply.Wait(); r.ExitCode == 0 {
		t.Fatalf("the apply finished despite Ctrl-C:\n%s", r)
	}
	f.WaitUntilIdle(t, 30*time.Second)

	recorded := map[string]bool{}
	for _, r := range tf.State().OfType("authz_service_request_authorization") {
		recorded[r.String("authorization_id")] = true
	}
	for _, id := range []string{s.Pending, s.PendingOther} {
		if a, _ := f.OSM().Authorization("", id); a.Status != cloud.OSMPending && !recorded[id] {
			t.Errorf("request %s was decided (status %d) but the state does not record it", id, a.Status)
		}
	}
	tf.MustRun("apply", "-auto-approve")
	if r := tf.Run("plan", "-detailed-exitcode"); r.ExitCode != 0 {
		t.Fatalf("the plan after the second apply is not empty:\n%s", r)
	}
	tf.MustRun("destroy", "-auto-approve")
	if err := f.CheckServiceRequestStatus(s.Pending, cloud.OSMCanceled)(); err != nil {
		t.Error(err)
	}
}

// An accept with a write-only host password whose answer is lost (the connection dropped after the service
// acted, then a 5xx after it acted again on the retry) is read back and recorded, with the password still out
// of the state; a wrong endpoint then fails refresh and destroy without losing the decision.
func TestAccServiceRequest_writeOnlyPasswordFailures(t *testing.T) {
	t.Parallel()
	acctest.SkipBelow(t, "1.11.0", "write-only arguments")
	f, s := seeded(t)
	creds := fmt.Sprintf("  token = %q\n", f.Creds.DomainToken)
	accept := fmt.Sprintf(`
resource "authz_service_request_authorization" "test" {
  authorization_id = %q
  host_credentials = [{ detail_id = %d, port = %d, account = %q, password_wo = %q, password_wo_version = 1 }]
}
`, s.Pending, s.HostDetailID, s.HostPort, s.HostAccount, s.HostPassword)
	good := f.ProviderBlock(creds) + accept
	wrong := fmt.Sprintf("provider \"authz\" {\n  max_retries = 1\n  endpoints   = { osm = %q, iam = %q }\n%s}\n", f.URL+"/wrong", f.URL, creds) + accept
	resource.Test(t, testCase(t, status(f, s.Pending, cloud.OSMCanceled),
		resource.TestStep{
			PreConfig: func() {
				f.InjectFault(fakecloud.Fault{Method: "PUT", PathRegexp: `/authorizations/[^/]+$`, Times: 1, AfterApply: true, DropConnection: true})
				f.InjectFault(fakecloud.Fault{Method: "PUT", PathRegexp: `/authorizations/[^/]+$`, Skip: 1, Times: 1, Status: 503, AfterApply: true})
			},
			Config: good,
			Check: resource.ComposeAggregateTestCheckFunc(status(f, s.Pending, cloud.OSMAuthorized),
				resource.TestCheckNoResourceAttr(addr, "host_credentials.0.password_wo"),
				resource.TestCheckResourceAttr(addr, "host_credentials.0.password_wo_version", "1")),
		},
		resource.TestStep{PreConfig: f.ClearFaults, Config: wrong, PlanOnly: true, ExpectError: acctest.ExpectError(`APIG.0101`)},
		resource.TestStep{Config: wrong, Destroy: true, ExpectError: acctest.ExpectError(`APIG.0101`)},
		resource.TestStep{
			Config:           good,
			Check:            status(f, s.Pending, cloud.OSMAuthorized),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		},
	))
}
