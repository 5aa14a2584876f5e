package modelarts_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
)

// bothResources authorizes apps 1 and 2 to API 1 one by one, and app 3 to API 2 through a set.
func bothResources(m acctest.ModelArts) string {
	return fmt.Sprintf(`
resource "authz_modelarts_app_authorization" "single" {
  count      = 2
  service_id = %[1]q
  api_id     = %[2]q
  app_id     = [%[4]q, %[5]q][count.index]
}

resource "authz_modelarts_api_authorization_set" "set" {
  service_id = %[1]q
  api_id     = %[3]q
  app_ids    = [%[6]q]
}
`, m.ServiceID, m.APIIDs[0], m.APIIDs[1], m.AppIDs[0], m.AppIDs[1], m.AppIDs[2])
}

func checkBoth(f *acctest.FakeCloud, m acctest.ModelArts) resource.TestCheckFunc {
	return resource.ComposeAggregateTestCheckFunc(
		checkAuthorized(f, m, m.APIIDs[0], m.AppIDs[0], m.AppIDs[1]),
		checkAuthorized(f, m, m.APIIDs[1], m.AppIDs[2]),
	)
}

// A 5xx answered after the service acted is read back and adopted, with no second authorize call. A wrong
// endpoint answers 404 APIG.0101, which is not ModelArts saying anything is gone: refresh and destroy fail,
// and the state keeps everything.
func TestAccModelArts_5xxAfterWriteAndWrongEndpoint(t *testing.T) {
	t.Parallel()
	f, m := seeded(t)
	good := f.ProviderConfig(bothResources(m))
	wrong := fmt.Sprintf("provider \"authz\" {\n  max_retries = 1\n  endpoints   = { modelarts = %q, iam = %q }\n  token       = %q\n  project_id  = %q\n}\n",
		f.URL+"/wrong", f.URL, f.Creds.Token, f.Creds.ProjectID) + bothResources(m)
	resource.Test(t, testCase(t, f, m,
		resource.TestStep{
			PreConfig: func() {
				f.InjectFault(fakecloud.Fault{Method: "POST", PathRegexp: `/app-auth-api$`, Status: 503, AfterApply: true})
				f.ResetRequests()
			},
			Config: good,
			Check: resource.ComposeAggregateTestCheckFunc(checkBoth(f, m), checkAuthIDsLearned(f), func(*terraform.State) error {
				// One call for the two singles (or one each, if they did not meet) and one for the set.
				if n := countRequests(f, "POST", "/app-auth-api"); n > 3 {
					return fmt.Errorf("%d authorize calls: a write whose answer was lost was repeated", n)
				}
				return nil
			}),
		},
		resource.TestStep{PreConfig: f.ClearFaults, Config: wrong, PlanOnly: true, ExpectError: acctest.ExpectError(`APIG.0101`)},
		resource.TestStep{Config: wrong, Destroy: true, ExpectError: acctest.ExpectError(`APIG.0101`)},
		resource.TestStep{
			PreConfig: func() {
				if err := checkBoth(f, m)(nil); err != nil {
					t.Fatal(err)
				}
			},
			Config:           good,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		},
	))
}

// checkAuthIDsLearned: the state records, for every authorization adopted after a lost answer, the ID the
// cloud holds, though no list call tells it.
func checkAuthIDsLearned(f *acctest.FakeCloud) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		ids := map[string]string{}
		for _, a := range f.ModelArts().Authorizations("") {
			ids[a.APIID+"/"+a.AppID] = a.AuthID
		}
		for _, rs := range s.RootModule().Resources {
			a := rs.Primary.Attributes
			switch rs.Type {
			case "authz_modelarts_app_authorization":
				if want := ids[a["api_id"]+"/"+a["app_id"]]; a["auth_id"] != want {
					return fmt.Errorf("%s records auth_id %q, the cloud %q", rs.Type, a["auth_id"], want)
				}
			case "authz_modelarts_api_authorization_set":
				for k, v := range a {
					app, ok := strings.CutPrefix(k, "authorization_ids.")
					if ok && app != "%" && v != ids[a["api_id"]+"/"+app] {
						return fmt.Errorf("%s records authorization ID %q for app %s, the cloud %q", rs.Type, v, app, ids[a["api_id"]+"/"+app])
					}
				}
			}
		}
		return nil
	}
}

// Ctrl-C while the service holds the authorize calls: whatever the interrupted apply authorized is in the
// state, and the next apply converges without "already authorized".
func TestAccModelArts_interruptedApply(t *testing.T) {
	t.Parallel()
	const latency = 1500 * time.Millisecond
	f := acctest.NewFakeCloudWith(t, fakecloud.Options{Latency: latency})
	m := f.SeedModelArts(t)
	tf := acctest.NewTerraform(t, f.ProviderConfig(bothResources(m)))
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
	for _, r := range tf.State().OfType("authz_modelarts_app_authorization") {
		recorded[r.String("api_id")+"/"+r.String("app_id")] = true
	}
	for _, r := range tf.State().OfType("authz_modelarts_api_authorization_set") {
		ids, _ := r.Values["app_ids"].([]any)
		for _, id := range ids {
			recorded[r.String("api_id")+"/"+fmt.Sprint(id)] = true
		}
	}
	var orphans []string
	for _, a := range f.ModelArts().Authorizations("") {
		if !recorded[a.APIID+"/"+a.AppID] {
			orphans = append(orphans, a.APIID+"/"+a.AppID)
		}
	}
	if len(orphans) > 0 {
		t.Errorf("the interrupted apply left authorizations the state does not record: %s", strings.Join(orphans, ", "))
	}
	tf.MustRun("apply", "-auto-approve")
	if err := checkBoth(f, m)(nil); err != nil {
		t.Error(err)
	}
	checkStateAuthIDs(t, f, tf.State())
	if r := tf.Run("plan", "-detailed-exitcode"); r.ExitCode != 0 {
		t.Fatalf("the plan after the second apply is not empty:\n%s", r)
	}
	tf.MustRun("destroy", "-auto-approve")
	if err := f.CheckNoModelArtsAuths(m)(nil); err != nil {
		t.Error(err)
	}
}

// checkStateAuthIDs: every authorization ID the state records is the one the cloud holds, including those of
// authorizations an interrupted apply made and adopted.
func checkStateAuthIDs(t *testing.T, f *acctest.FakeCloud, st acctest.State) {
	t.Helper()
	ids := map[string]string{}
	for _, a := range f.ModelArts().Authorizations("") {
		ids[a.APIID+"/"+a.AppID] = a.AuthID
	}
	for _, r := range st.OfType("authz_modelarts_app_authorization") {
		if want := ids[r.String("api_id")+"/"+r.String("app_id")]; r.String("auth_id") != want {
			t.Errorf("%s records auth_id %q, the cloud %q", r.Address, r.String("auth_id"), want)
		}
	}
	for _, r := range st.OfType("authz_modelarts_api_authorization_set") {
		recorded, _ := r.Values["authorization_ids"].(map[string]any)
		for app, id := range recorded {
			if want := ids[r.String("api_id")+"/"+app]; id != want {
				t.Errorf("%s records authorization ID %v for app %s, the cloud %q", r.Address, id, app, want)
			}
		}
	}
}
