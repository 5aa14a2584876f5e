package gateway_test

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	fakegateway "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
)

// allKinds configures one resource of each gateway kind: a single authorization (app 1, API 1, RELEASE),
// an authoritative set (app 2, the second environment, APIs 2 and 3) and an ACL (app 1).
func allKinds(g acctest.Gateway) string {
	return fmt.Sprintf(`
resource "authz_%[1]s_app_authorization" "test" {
  instance_id = %[2]q
  env_id      = %[3]q
  app_id      = %[4]q
  api_id      = %[6]q
}

resource "authz_%[1]s_app_authorization_set" "test" {
  instance_id = %[2]q
  env_id      = %[9]q
  app_id      = %[5]q
  api_ids     = [%[7]q, %[8]q]
}

resource "authz_%[1]s_app_acl" "test" {
  instance_id = %[2]q
  app_id      = %[4]q
  type        = "PERMIT"
  values      = ["10.0.0.0/24"]
}
`, g.Flavor, g.InstanceID, acctest.ReleaseEnvID, g.AppIDs[0], g.AppIDs[1], g.APIIDs[0], g.APIIDs[1], g.APIIDs[2], g.EnvID)
}

// checkAllKindsExist asserts the fake cloud holds what allKinds configures.
func checkAllKindsExist(f *acctest.FakeCloud, g acctest.Gateway) resource.TestCheckFunc {
	return resource.ComposeAggregateTestCheckFunc(
		f.CheckAppAuthCount(g, 3),
		checkACL(f, g, "PERMIT", "10.0.0.0/24"),
	)
}

func checkNothingLeft(f *acctest.FakeCloud, g acctest.Gateway) resource.TestCheckFunc {
	return resource.ComposeAggregateTestCheckFunc(f.CheckNoAppAuths(g), checkNoACL(f, g))
}

// providerWith is a provider block reaching the fake cloud with the given endpoints map and body.
func providerWith(f *acctest.FakeCloud, endpoints, body string) string {
	return fmt.Sprintf("provider \"authz\" {\n  region      = %q\n  max_retries = 1\n  endpoints   = %s\n%s}\n", f.Creds.ProjectName, endpoints, body)
}

func tokenBody(f *acctest.FakeCloud) string {
	return fmt.Sprintf("  token      = %q\n  project_id = %q\n", f.Creds.Token, f.Creds.ProjectID)
}

// A wrong endpoint answers 404 APIG.0101 (unknown route): not a sign that anything is gone. Refresh fails,
// destroy fails, and the state keeps everything.
func TestAccGateway_wrongEndpointKeepsState(t *testing.T) {
	forEachFlavor(t, func(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway) {
		wrong := providerWith(f, fmt.Sprintf("{ %s = %q, iam = %q }", g.Flavor, f.URL+"/wrong", f.URL), tokenBody(f))
		testMisconfiguredProvider(t, f, g, wrong,
			`Error reading authz_`+string(g.Flavor)+`_.*APIG.0101: The API does not exist.*HTTP 404, request ID [0-9a-f]+`, `APIG.0101`)
	})
}

// A token of another project: every resource recorded the project it was created in, so Read fails naming
// both projects, without a call (that project's gateway would answer APIG.3030, no such instance), and the
// state is kept; destroy does not pretend either. (A resource recorded before projects were meets APIG.3030,
// which fails the refresh as well: TestAccDrift's deleted instances.)
func TestAccGateway_wrongProjectKeepsState(t *testing.T) {
	forEachFlavor(t, func(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway) {
		wrong := f.ProviderBlock(fmt.Sprintf("  token      = %q\n  project_id = %q\n", f.Creds.OtherProjectToken, f.Creds.OtherProjectID))
		elsewhere := `Resource in another project: authz_` + string(g.Flavor) + `_.*created \(or imported\) in project ` + f.Creds.ProjectID +
			`, but the provider now works in project ` + f.Creds.OtherProjectID + `.*terraform state rm`
		testMisconfiguredProvider(t, f, g, wrong, elsewhere, elsewhere)
	})
}

// testMisconfiguredProvider creates one resource of each kind, then refreshes and destroys through the
// misconfigured provider block: both must fail with the given errors, and afterwards everything is still in
// the cloud and in the state, so the correct configuration plans no change.
func testMisconfiguredProvider(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway, wrongProvider, refreshErr, destroyErr string) {
	good, wrong := f.ProviderConfig(allKinds(g)), wrongProvider+allKinds(g)
	tc := testCase(t,
		resource.TestStep{Config: good, Check: checkAllKindsExist(f, g)},
		resource.TestStep{Config: wrong, PlanOnly: true, ExpectError: acctest.ExpectError(refreshErr)},
		resource.TestStep{Config: wrong, Destroy: true, ExpectError: acctest.ExpectError(destroyErr)},
		resource.TestStep{
			PreConfig: func() {
				if err := checkAllKindsExist(f, g)(nil); err != nil {
					t.Fatal(err)
				}
			},
			Config:           good,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		},
	)
	tc.CheckDestroy = checkNothingLeft(f, g)
	resource.Test(t, tc)
}

// countWrites counts the fake cloud's write requests (POST, PUT, DELETE) whose path contains part.
func countWrites(f *acctest.FakeCloud, method, part string) int {
	n := 0
	for _, r := range f.Requests() {
		if r.Method == method && strings.Contains(r.Path, part) {
			n++
		}
	}
	return n
}

// The create's answer is lost after the gateway acted, and reading back fails too at first: the read-back
// is retried, finds the authorizations and adopts them, with no second POST and nothing orphaned. An ACL
// whose PUT answer is always lost is read back and adopted when it equals the plan.
func TestAccGateway_lostAnswerAndFailingReadBack(t *testing.T) {
	forEachFlavor(t, func(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway) {
		single := authConfig(f, g, g.InstanceID, acctest.ReleaseEnvID, g.AppIDs[0], g.APIIDs[0]) + fmt.Sprintf(`
resource "authz_%s_app_acl" "test" {
  instance_id = %q
  app_id      = %q
  type        = "PERMIT"
  values      = ["10.0.0.0/24"]
}
`, g.Flavor, g.InstanceID, g.AppIDs[0])
		set := setConfig(f, g, g.APIIDs[1], g.APIIDs[2])
		// A single authorization is created without looking first; a set lists the app's authorizations first.
		for name, c := range map[string]struct {
			config     string
			firstLists int
		}{"single and ACL": {single, 0}, "set": {set, 1}} {
			t.Run(name, func(t *testing.T) {
				config := c.config
				tc := testCase(t,
					resource.TestStep{
						PreConfig: func() {
							f.InjectFault(fakecloud.Fault{Method: "POST", PathRegexp: `/app-auths$`, Status: 502, AfterApply: true})
							// The read-backs after the lost answer fail three times.
							f.InjectFault(fakecloud.Fault{Method: "GET", PathRegexp: `/binded-apis$`, Skip: c.firstLists, Times: 3, Status: 500})
							f.InjectFault(fakecloud.Fault{Method: "PUT", PathRegexp: `/app-acl$`, AfterApply: true, DropConnection: true})
							f.ResetRequests()
						},
						Config: config,
						Check: resource.ComposeAggregateTestCheckFunc(
							func(*terraform.State) error {
								if n := countWrites(f, "POST", "/app-auths"); n != 1 {
									return fmt.Errorf("%d create calls, want 1: a lost answer must not be repeated once the read-back finds it", n)
								}
								return nil
							},
							checkStateMatchesCloud(f, g),
						),
					},
					resource.TestStep{
						PreConfig: f.ClearFaults,
						Config:    config,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
					},
				)
				tc.CheckDestroy = checkNothingLeft(f, g)
				resource.Test(t, tc)
			})
		}
		if err := checkACL(f, g, "PERMIT", "10.0.0.0/24")(nil); err == nil {
			t.Error("the ACL outlived its destroy")
		}
	})
}

// checkStateMatchesCloud asserts every authorization record in the fake cloud is the one the state holds.
func checkStateMatchesCloud(f *acctest.FakeCloud, g acctest.Gateway) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		inState := map[string]bool{}
		for _, rs := range s.RootModule().Resources {
			for k, v := range rs.Primary.Attributes {
				if (rs.Type == "authz_"+string(g.Flavor)+"_app_authorization" && k == "id") || strings.HasPrefix(k, "authorization_ids.") && k != "authorization_ids.%" {
					inState[v] = true
				}
			}
		}
		for _, a := range f.Gateway().AppAuths("", g.InstanceID) {
			if !inState[a.ID] {
				return fmt.Errorf("authorization %s (app %s, API %s, env %s) exists in the cloud but not in the state", a.ID, a.AppID, a.APIID, a.EnvID)
			}
		}
		return nil
	}
}

// The create's answer is lost and the read-back does not show the record yet (a stale read): the create is
// sent again, and the gateway's "already exists" is recognised as this run's own record and adopted, in each
// of its documented forms: a SKIPPED item carrying the record's id (default), a SKIPPED item without it
// (quirk skipped-without-id: the ID is looked up through binded-apis), or 400 APIG.3316 (quirk
// duplicate-auth-error). For single authorizations and sets of both flavours, the state records the fake's
// record IDs, never an empty one, and destroy cancels them.
func TestAccGateway_ownDuplicateAdopted(t *testing.T) {
	for _, quirk := range []string{"", fakecloud.QuirkSkippedWithoutID, fakecloud.QuirkDuplicateAuthError} {
		// The status of the repeated create: a 201 with SKIPPED items, or the whole create refused.
		repeated := http.StatusCreated
		if quirk == fakecloud.QuirkDuplicateAuthError {
			repeated = http.StatusBadRequest
		}
		for _, flavor := range []fakegateway.Flavor{fakegateway.FlavorAPIG, fakegateway.FlavorROMA} {
			for _, kind := range []string{"single", "set"} {
				t.Run(cmp.Or(quirk, "default")+"/"+string(flavor)+"/"+kind, func(t *testing.T) {
					t.Parallel()
					var quirks []string
					if quirk != "" {
						quirks = []string{quirk}
					}
					f := acctest.NewFakeCloudWithQuirks(t, quirks...)
					g := f.SeedGateway(t, flavor)
					// A single authorization is created without looking first; a set lists the app's first.
					config, records, firstLists := authConfig(f, g, g.InstanceID, acctest.ReleaseEnvID, g.AppIDs[0], g.APIIDs[0]), 1, 0
					if kind == "set" {
						config, records, firstLists = setConfig(f, g, g.APIIDs[0], g.APIIDs[1]), 2, 1
					}
					tc := testCase(t,
						resource.TestStep{
							PreConfig: func() {
								f.InjectFault(fakecloud.Fault{Method: "POST", PathRegexp: `/app-auths$`, Times: 1, Status: 502, AfterApply: true})
								// An answer of 200 without items: the read-back sees nothing yet.
								f.InjectFault(fakecloud.Fault{Method: "GET", PathRegexp: `/binded-apis$`, Skip: firstLists, Times: 1, Status: 200})
								f.ResetRequests()
							},
							Config: config,
							Check: resource.ComposeAggregateTestCheckFunc(
								f.CheckAppAuthCount(g, records),
								checkStateMatchesCloud(f, g),
								checkStateIDsAreRecords(f, g),
								func(*terraform.State) error {
									var statuses []int
									for _, r := range f.Requests() {
										if r.Method == "POST" && strings.HasSuffix(r.Path, "/app-auths") {
											statuses = append(statuses, r.Status)
										}
									}
									if want := []int{502, repeated}; !slices.Equal(statuses, want) {
										return fmt.Errorf("create calls answered %v, want %v", statuses, want)
									}
									return nil
								},
							),
						},
						resource.TestStep{
							Config: config,
							ConfigPlanChecks: resource.ConfigPlanChecks{
								PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
							},
						},
					)
					tc.CheckDestroy = f.CheckNoAppAuths(g)
					resource.Test(t, tc)
				})
			}
		}
	}
}

// checkStateIDsAreRecords asserts every authorization record ID the state holds is one of the fake cloud's
// records: none is empty, none made up. With checkStateMatchesCloud, the state holds exactly the cloud's.
func checkStateIDsAreRecords(f *acctest.FakeCloud, g acctest.Gateway) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		records := map[string]bool{}
		for _, a := range f.Gateway().AppAuths("", g.InstanceID) {
			records[a.ID] = true
		}
		for addr, rs := range s.RootModule().Resources {
			for k, v := range rs.Primary.Attributes {
				isID := (rs.Type == "authz_"+string(g.Flavor)+"_app_authorization" && k == "id") ||
					(strings.HasPrefix(k, "authorization_ids.") && k != "authorization_ids.%")
				if isID && !records[v] {
					return fmt.Errorf("%s.%s is %q, which is no authorization record of the fake cloud", addr, k, v)
				}
			}
		}
		return nil
	}
}

// seedWideGateway adds an instance whose one app may be authorized for more APIs than one create call takes,
// so a set's create needs two calls.
func seedWideGateway(t *testing.T, f *acctest.FakeCloud, n int) (instanceID, appID string, apiIDs []string) {
	instanceID, appID = "wide000000000000000000000000000i", "wide000000000000000000000000000a"
	inst := fakegateway.InstanceFixture{ID: instanceID, Name: "wide_gateway", Flavor: fakegateway.FlavorAPIG,
		Apps: []fakegateway.App{{ID: appID, Name: "wide_app"}}}
	for i := range n {
		id := fmt.Sprintf("wide%028d", i)
		apiIDs = append(apiIDs, id)
		inst.APIs = append(inst.APIs, fakegateway.API{ID: id, Name: fmt.Sprintf("api_%03d", i), GroupID: "g1", GroupName: "group_1",
			ReqMethod: "GET", ReqURI: fmt.Sprintf("/v1/w%d", i), AuthType: "APP", PublishedEnvs: []string{acctest.ReleaseEnvID}})
	}
	if err := f.Load(fakecloud.Fixture{Gateway: fakegateway.InProject(f.Creds.ProjectID, inst)}); err != nil {
		t.Fatal(err)
	}
	return instanceID, appID, apiIDs
}

// A set's create that fails half-way on a transient error takes back what it granted: nothing is left
// behind, nothing is in the state, and so nothing is tainted — the next apply simply creates the set.
func TestAccAppAuthorizationSet_halfWayFailureLeavesNothing(t *testing.T) {
	t.Parallel()
	f := acctest.NewFakeCloudWith(t, fakecloud.Options{})
	instanceID, appID, apiIDs := seedWideGateway(t, f, 101)
	config := f.ProviderConfig(fmt.Sprintf(`
resource "authz_apig_app_authorization_set" "test" {
  instance_id = %q
  env_id      = %q
  app_id      = %q
  api_ids     = %s
}
`, instanceID, acctest.ReleaseEnvID, appID, hclSet(apiIDs...)))
	count := func(want int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if got := len(f.Gateway().AppAuths("", instanceID)); got != want {
				return fmt.Errorf("the fake cloud holds %d authorization(s), want %d", got, want)
			}
			return nil
		}
	}
	tc := testCase(t,
		resource.TestStep{
			// The first create call (100 APIs) succeeds, every later one fails.
			PreConfig: func() {
				f.InjectFault(fakecloud.Fault{Method: "POST", PathRegexp: `/app-auths$`, Skip: 1, Status: 503})
			},
			Config:      config,
			ExpectError: acctest.ExpectError(`Creating app ` + appID + ` .* failed, and what was granted on the way was cancelled again.*temporary error`),
		},
		resource.TestStep{
			PreConfig: func() {
				f.ClearFaults()
				if err := count(0)(nil); err != nil {
					t.Fatal(err)
				}
			},
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("authz_apig_app_authorization_set.test", plancheck.ResourceActionCreate)},
			},
			Check: count(101),
		},
	)
	tc.CheckDestroy = count(0)
	resource.Test(t, tc)
}

// A wrong password is tried once per provider, not once per resource (that locks IAM users), and the error
// names the environment variables the credentials came from.
func TestAccGateway_wrongPasswordLogsInOnce(t *testing.T) {
	f := acctest.NewFakeCloud(t)
	g := f.SeedGateway(t, fakegateway.FlavorAPIG)
	t.Setenv("HW_USER_NAME", f.Creds.UserName)
	t.Setenv("HW_USER_PASSWORD", "not-the-password")
	t.Setenv("HW_DOMAIN_NAME", f.Creds.DomainName)
	config := f.ProviderBlock(fmt.Sprintf("  project_name = %q\n", f.Creds.ProjectName)) + fmt.Sprintf(`
resource "authz_apig_app_acl" "test" {
  count       = 50
  instance_id = %q
  app_id      = "app${count.index}"
  type        = "DENY"
  values      = ["10.0.0.${count.index}"]
}
`, g.InstanceID)
	tc := testCase(t, resource.TestStep{
		Config:      config,
		ExpectError: acctest.ExpectError(`IAM.0001: The username or password is wrong.*environment variables HW_USER_NAME, HW_USER_PASSWORD, HW_DOMAIN_NAME`),
	})
	tc.CheckDestroy = func(*terraform.State) error {
		if n := countWrites(f, "POST", "/v3/auth/tokens"); n != 1 {
			return fmt.Errorf("%d login attempts for 50 resources, want 1", n)
		}
		return checkNoACL(f, g)(nil)
	}
	resource.Test(t, tc)
}

// A provider without region that reaches the gateways through endpoints works: endpoints are derived only
// for the services actually called.
func TestAccGateway_noRegionWithEndpoints(t *testing.T) {
	forEachFlavor(t, func(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway) {
		config := fmt.Sprintf("provider \"authz\" {\n  endpoints = { %s = %q }\n%s}\n", g.Flavor, f.URL, tokenBody(f)) + allKinds(g)
		tc := testCase(t, resource.TestStep{Config: config, Check: checkAllKindsExist(f, g)})
		tc.CheckDestroy = checkNothingLeft(f, g)
		resource.Test(t, tc)
	})
}

// A change of timeouts alone sends nothing to the cloud.
func TestAccGateway_timeoutsChangeMakesNoCall(t *testing.T) {
	forEachFlavor(t, func(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway) {
		withTimeouts := strings.ReplaceAll(allKinds(g), "  instance_id", "  timeouts {\n    delete = \"7m\"\n  }\n  instance_id")
		tc := testCase(t,
			resource.TestStep{Config: f.ProviderConfig(allKinds(g)), Check: checkAllKindsExist(f, g)},
			resource.TestStep{
				PreConfig: f.ResetRequests,
				Config:    f.ProviderConfig(withTimeouts),
				Check: func(*terraform.State) error {
					for _, r := range f.Requests() {
						if r.Method != "GET" {
							return fmt.Errorf("a change of timeouts sent %s %s", r.Method, r.Path)
						}
					}
					return nil
				},
			},
		)
		tc.CheckDestroy = checkNothingLeft(f, g)
		resource.Test(t, tc)
	})
}

// Importing a set of an environment that does not exist is an error, not an empty set.
func TestAccAppAuthorizationSet_importUnknownEnvironment(t *testing.T) {
	forEachFlavor(t, func(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway) {
		tc := testCase(t, resource.TestStep{
			Config:        setConfig(f, g, g.APIIDs[0]),
			ResourceName:  setAddr(g),
			ImportState:   true,
			ImportStateId: g.InstanceID + "/nosuchenv/" + g.AppIDs[0],
			ExpectError:   acctest.ExpectError(`APIG.3003: Environment nosuchenv does not exist`),
		})
		tc.CheckDestroy = f.CheckNoAppAuths(g)
		resource.Test(t, tc)
	})
}

// A list whose value is not known while validating (a variable, a module input) is checked once known.
func TestAccROMAAppAuthorization_unknownListPlans(t *testing.T) {
	t.Parallel()
	f := acctest.NewFakeCloud(t)
	g := f.SeedGateway(t, fakegateway.FlavorROMA)
	config := f.ProviderConfig(fmt.Sprintf(`
variable "wl" {
  type    = set(string)
  default = null
}

resource "authz_roma_app_authorization" "test" {
  instance_id    = %q
  env_id         = %q
  app_id         = %q
  api_id         = %q
  auth_whitelist = var.wl
}
`, g.InstanceID, acctest.ReleaseEnvID, g.AppIDs[0], g.APIIDs[0]))
	tc := testCase(t, resource.TestStep{Config: config, Check: f.CheckAppAuthCount(g, 1)})
	tc.CheckDestroy = f.CheckNoAppAuths(g)
	resource.Test(t, tc)
}

// A create that runs out of its configured time while the gateway still holds the write is read back and
// adopted; one that runs out of time retrying shows the cloud's last answer, not only the deadline.
func TestAccAppAuthorization_timeouts(t *testing.T) {
	t.Parallel()
	f := acctest.NewFakeCloudWith(t, fakecloud.Options{Gateway: fakegateway.Options{WriteDelay: 2500 * time.Millisecond}})
	g := f.SeedGateway(t, fakegateway.FlavorAPIG)
	timeouts := `timeouts {
    create = "1s"
  }`
	retrying := providerWith(f, f.Endpoints(), tokenBody(f)+"  max_retries = 10\n")
	retrying = strings.Replace(retrying, "  max_retries = 1\n", "", 1)
	tc := testCase(t,
		resource.TestStep{
			Config: authConfig(f, g, g.InstanceID, acctest.ReleaseEnvID, g.AppIDs[0], g.APIIDs[0], timeouts),
			Check:  resource.ComposeAggregateTestCheckFunc(f.CheckAppAuthCount(g, 1), checkStateMatchesCloud(f, g)),
		},
		resource.TestStep{
			PreConfig: func() {
				f.InjectFault(fakecloud.Fault{Method: "POST", PathRegexp: `/app-auths$`, Status: 503, ErrorCode: "APIG.9999", ErrorMsg: "System error"})
			},
			Config: retrying + strings.Replace(authConfig(f, g, g.InstanceID, acctest.ReleaseEnvID, g.AppIDs[0], g.APIIDs[1], `timeouts {
    create = "3s"
  }`), f.ProviderConfig(), "", 1),
			ExpectError: acctest.ExpectError(`context deadline exceeded; the last answer of the cloud was .*APIG.9999: System error \(HTTP 503, request ID [0-9a-f]+\)`),
		},
	)
	tc.CheckDestroy = f.CheckNoAppAuths(g)
	resource.Test(t, tc)
}

// lateWriteDelay holds every gateway write longer than a 1 s create timeout and the read-back's settle window
// together, so the writes land after the provider stopped waiting for them.
const lateWriteDelay = 7 * time.Second

// A write the provider stopped waiting for (its timeout) that the gateway carries out later is never lost:
// the create fails saying the outcome is unknown and records what may exist (nothing is taken back, nor
// reported failed), and once the writes have landed the next apply converges with nothing in the cloud the
// state does not hold.
func TestAccGateway_writeLandsAfterTheProviderStoppedWaiting(t *testing.T) {
	t.Parallel()
	f := acctest.NewFakeCloudWith(t, fakecloud.Options{Gateway: fakegateway.Options{WriteDelay: lateWriteDelay}})
	g := f.SeedGateway(t, fakegateway.FlavorAPIG)
	timeouts := "\n  timeouts {\n    create = \"1s\"\n  }\n}"
	// One app each for the single authorization and the ACL (writes for one app wait for each other), and
	// the set on the other.
	withTimeouts := func(cfg string) string { return f.ProviderConfig() + strings.ReplaceAll(cfg, "\n}", timeouts) }
	singleAndSet := strings.Split(allKinds(g), `resource "authz_apig_app_acl"`)[0]
	acl := `resource "authz_apig_app_acl"` + strings.Split(allKinds(g), `resource "authz_apig_app_acl"`)[1]
	cloudMatchesState := func(count int) resource.TestCheckFunc {
		return resource.ComposeAggregateTestCheckFunc(f.CheckAppAuthCount(g, count), checkStateMatchesCloud(f, g))
	}
	for name, c := range map[string]struct {
		config string
		check  resource.TestCheckFunc
	}{
		"single authorization and set": {singleAndSet, cloudMatchesState(3)},
		"ACL":                          {acl, checkACL(f, g, "PERMIT", "10.0.0.0/24")},
	} {
		t.Run(name, func(t *testing.T) {
			tc := testCase(t,
				resource.TestStep{
					PreConfig:   func() { f.Gateway().SetWriteDelay(lateWriteDelay) },
					Config:      withTimeouts(c.config),
					ExpectError: acctest.ExpectError(`may still carry the write out`),
				},
				resource.TestStep{
					PreConfig: func() {
						f.WaitUntilIdle(t, lateWriteDelay+15*time.Second)
						f.Gateway().SetWriteDelay(acctest.DefaultWriteDelay)
					},
					Config: f.ProviderConfig() + c.config,
					Check:  c.check,
				},
				resource.TestStep{Config: f.ProviderConfig() + c.config, PlanOnly: true},
			)
			tc.CheckDestroy = checkNothingLeft(f, g)
			resource.Test(t, tc)
		})
	}
}

// Importing what does not exist fails with what the gateway said and, for an environment named instead of
// identified, how to name it; Terraform's own error would say no more than that the object does not exist.
func TestAccGateway_importOfWhatDoesNotExist(t *testing.T) {
	forEachFlavor(t, func(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway) {
		config := f.ProviderConfig() + allKinds(g)
		prefix := "authz_" + string(g.Flavor)
		resource.Test(t, testCase(t,
			resource.TestStep{
				Config: config, ResourceName: prefix + "_app_acl.test", ImportState: true,
				ImportStateId: g.InstanceID + "/nosuchapp",
				ExpectError:   acctest.ExpectError(`Error importing ` + prefix + `_app_acl.*app nosuchapp of instance ` + g.InstanceID + ` does not exist.*APIG.3004`),
			},
			resource.TestStep{
				Config: config, ResourceName: prefix + "_app_acl.test", ImportState: true,
				ImportStateId: g.InstanceID + "/" + g.AppIDs[0],
				ExpectError:   acctest.ExpectError(`Error importing ` + prefix + `_app_acl.*the ACL of app ` + g.AppIDs[0] + ` on instance ` + g.InstanceID + ` does not exist`),
			},
			resource.TestStep{
				Config: config, ResourceName: prefix + "_app_authorization.test", ImportState: true,
				ImportStateId: strings.Join([]string{g.InstanceID, "RELEASE", g.AppIDs[0], g.APIIDs[0]}, "/"),
				ExpectError:   acctest.ExpectError(`Error importing ` + prefix + `_app_authorization.*does not exist.*the built-in RELEASE environment's is DEFAULT_ENVIRONMENT_RELEASE_ID`),
			},
		))
	})
}
