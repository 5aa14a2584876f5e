package gateway_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	fakegateway "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
)

// interruptWriteDelay is how long the fake cloud holds every gateway write before carrying it out, so that
// Ctrl-C reaches Terraform while writes are in flight and the provider gives up waiting for their answers.
const interruptWriteDelay = 1500 * time.Millisecond

// interruptConfig has every kind of resource that writes: three single authorizations of app 1 in RELEASE,
// and for app 2 an authorization set in the second environment and an ACL. The provider serialises writes
// per app, so at any moment one write per app can be in flight.
func interruptConfig(f *acctest.FakeCloud, g acctest.Gateway) string {
	var b strings.Builder
	for i, api := range g.APIIDs {
		fmt.Fprintf(&b, `
resource "authz_%s_app_authorization" "single_%d" {
  instance_id = %q
  env_id      = %q
  app_id      = %q
  api_id      = %q
}
`, g.Flavor, i+1, g.InstanceID, acctest.ReleaseEnvID, g.AppIDs[0], api)
	}
	fmt.Fprintf(&b, `
resource "authz_%[1]s_app_authorization_set" "set" {
  instance_id = %[2]q
  env_id      = %[3]q
  app_id      = %[4]q
  api_ids     = %[5]s
}

resource "authz_%[1]s_app_acl" "acl" {
  instance_id = %[2]q
  app_id      = %[4]q
  type        = "PERMIT"
  values      = ["10.0.0.0/24", "192.168.0.1"]
}
`, g.Flavor, g.InstanceID, g.EnvID, g.AppIDs[1], hclSet(g.APIIDs[0], g.APIIDs[1]))
	return f.ProviderConfig(b.String())
}

// TestAccInterrupt_applyLeavesNoOrphans presses Ctrl-C while the fake cloud holds writes of an apply in
// flight: whatever the interrupted apply created must be in the state, and the next apply must converge
// without tripping over it ("already exists"). Each app's first write goes out at once and its next one a
// write delay later; app 1's three creates go out together as one batch, so the apply sends three writes in
// all (four if the batch splits). Interrupting once 2 writes have arrived catches a write of each app in
// flight; once 3 have arrived, app 2's second write. Which of app 2's resources writes first varies, and
// between the two moments the set and the ACL are both caught.
func TestAccInterrupt_applyLeavesNoOrphans(t *testing.T) {
	moments := []struct {
		name   string
		writes int // interrupt once this many writes have arrived
	}{{"first_writes", 2}, {"second_writes", 3}}
	for _, flavor := range []fakegateway.Flavor{fakegateway.FlavorAPIG, fakegateway.FlavorROMA} {
		for _, m := range moments {
			t.Run(string(flavor)+"_"+m.name, func(t *testing.T) {
				t.Parallel()
				testInterruptedApply(t, flavor, m.writes)
			})
		}
	}
}

func testInterruptedApply(t *testing.T, flavor fakegateway.Flavor, writes int) {
	f := acctest.NewFakeCloudWith(t, fakecloud.Options{Gateway: fakegateway.Options{WriteDelay: interruptWriteDelay}})
	g := f.SeedGateway(t, flavor)
	tf := acctest.NewTerraform(t, interruptConfig(f, g))
	tf.Timeout = 45 * time.Second

	apply := tf.Start("apply", "-auto-approve")
	acctest.WaitFor(t, 30*time.Second, fmt.Sprintf("%d writes of the apply", writes), func() bool { return apply.Exited() || len(f.Writes()) >= writes })
	if apply.Exited() {
		t.Fatalf("the apply ended before it sent %d writes:\n%s", writes, apply.Wait())
	}
	apply.Interrupt()
	interrupted := apply.Wait()
	if interrupted.ExitCode == 0 {
		t.Fatalf("the apply finished despite Ctrl-C, so nothing was interrupted:\n%s", interrupted)
	}
	if !strings.Contains(interrupted.Output(), "Interrupt received") {
		t.Fatalf("Terraform did not see the interrupt:\n%s", interrupted)
	}
	// Writes the provider gave up on are still carried out by the cloud; let them land.
	f.WaitUntilIdle(t, interruptWriteDelay+10*time.Second)
	for _, w := range f.Writes() {
		t.Logf("interrupted apply: %s %s -> %d", w.Method, w.Path, w.Status)
	}

	if orphans := orphans(f, g, tf.State()); len(orphans) > 0 {
		t.Errorf("the interrupted apply left %d object(s) in the cloud that the state does not record:\n  %s\n\nterraform apply output:\n%s",
			len(orphans), strings.Join(orphans, "\n  "), interrupted.Output())
	}

	if r := tf.Run("apply", "-auto-approve"); r.ExitCode != 0 {
		t.Fatalf("the apply after the interrupted one failed:\n%s", r)
	}
	if n := len(f.Gateway().AppAuths("", g.InstanceID)); n != len(g.APIIDs)+2 {
		t.Errorf("after the second apply the fake cloud holds %d authorization(s), want %d", n, len(g.APIIDs)+2)
	}
	if _, ok := f.Gateway().AppACL("", g.InstanceID, g.AppIDs[1]); !ok {
		t.Errorf("after the second apply the fake cloud holds no ACL for app %s", g.AppIDs[1])
	}
	if r := tf.Run("plan", "-detailed-exitcode"); r.ExitCode != 0 {
		t.Fatalf("the plan after the second apply is not empty (exit %d, 2 means changes):\n%s", r.ExitCode, r)
	}
	if r := tf.Run("destroy", "-auto-approve"); r.ExitCode != 0 {
		t.Fatalf("destroy failed:\n%s", r)
	}
	if left := f.Gateway().AppAuths("", g.InstanceID); len(left) > 0 {
		t.Errorf("%d authorization(s) left in the fake cloud after destroy, first: %+v", len(left), left[0])
	}
	for _, app := range g.AppIDs {
		if acl, ok := f.Gateway().AppACL("", g.InstanceID, app); ok {
			t.Errorf("an ACL is left in the fake cloud after destroy: %+v", acl)
		}
	}
}

// orphans describes every authorization and ACL in the fake cloud that the state does not record:
// authorizations by record ID (a single resource's id, a set's authorization_ids), ACLs by app.
func orphans(f *acctest.FakeCloud, g acctest.Gateway, state acctest.State) []string {
	recorded := map[string]bool{}
	for _, r := range state.OfType(fmt.Sprintf("authz_%s_app_authorization", g.Flavor)) {
		recorded[r.String("id")] = true
	}
	for _, r := range state.OfType(fmt.Sprintf("authz_%s_app_authorization_set", g.Flavor)) {
		ids, _ := r.Values["authorization_ids"].(map[string]any)
		for _, id := range ids {
			if s, ok := id.(string); ok {
				recorded[s] = true
			}
		}
	}
	var out []string
	for _, a := range f.Gateway().AppAuths("", g.InstanceID) {
		if !recorded[a.ID] {
			out = append(out, fmt.Sprintf("authorization %s: app %s, API %s, environment %s", a.ID, a.AppID, a.APIID, a.EnvID))
		}
	}
	aclApps := map[string]bool{}
	for _, r := range state.OfType(fmt.Sprintf("authz_%s_app_acl", g.Flavor)) {
		aclApps[r.String("app_id")] = true
	}
	for _, app := range g.AppIDs {
		if acl, ok := f.Gateway().AppACL("", g.InstanceID, app); ok && !aclApps[app] {
			out = append(out, fmt.Sprintf("%s ACL of app %s: %v", acl.Type, app, acl.Values))
		}
	}
	return out
}
