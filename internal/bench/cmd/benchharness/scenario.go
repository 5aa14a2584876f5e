package main

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The fake cloud's well-known demo identity (see examples/demo).
const (
	projectID   = "0b5b0b8c5c0b4a6b9e8a6c4d2e1f0a9b"
	projectName = "eu-de"
	accessKey   = "FAKEACCESSKEY0000001"
	secretKey   = "fakeSecretKey0000000000000000000000000001"
	releaseEnv  = "DEFAULT_ENVIRONMENT_RELEASE_ID"
)

// appsPerInstance is the fake cloud's app quota per gateway instance (403 APIG.3103 beyond it).
const appsPerInstance = 50

// authsPerApp is the fake cloud's quota of authorizations per app, the most a scenario of one app can hold.
const authsPerApp = 1000

// maxCount bounds -n: 10000 app ACLs are 200 gateway instances, and Terraform takes hours to destroy them.
const maxCount = 10000

// scenario is one configuration of N resources, applied, re-planned and destroyed against a fresh fake cloud.
type scenario struct {
	name     string
	provider string                         // the provider binary measured: "authz", "floor", or "" (built in)
	fixture  func(n int) *fixture           // what the fake cloud holds before apply; nil: nothing
	config   func(n int, url string) string // the whole main.tf
	env      []string                       // added to Terraform's environment, which its providers inherit
	maxN     int                            // the largest N the fake cloud can hold; 0: maxCount
	// onlyN, when set, is the one N the scenario runs at, when -n asks for that many resources or more: it
	// measures something else than growth with N (the throttled scenarios), and a quick run (-n 1,100) leaves it
	// out.
	onlyN int
	// fakeArgs are added to the fake cloud's command line (a throttling policy).
	fakeArgs []string
	// throttle is the policy of fakeArgs, for the ideal time it allows; zero: none.
	throttle throttlePolicy
}

// throttlePolicy is a -throttle-user policy: limit requests per window.
type throttlePolicy struct {
	limit  int
	window time.Duration
}

// fits reports whether the scenario can run with n resources.
func (s scenario) fits(n int) bool { return s.maxN == 0 || n <= s.maxN }

// ns are the counts the scenario runs at among those asked for.
func (s scenario) ns(asked []int) []int {
	switch {
	case s.onlyN == 0:
		return asked
	case len(asked) > 0 && slices.Max(asked) >= s.onlyN:
		return []int{s.onlyN}
	}
	return nil
}

const (
	floorScenario = "floor_thing"
	wideScenario  = "floor_wide"
	// The throttled scenario and its twin against a fake cloud without a policy (issue 23).
	throttledScenario   = "throttled"
	unthrottledScenario = "unthrottled"
	throttledN          = 200
)

// benchThrottle is the throttled scenario's policy: 20 requests per second per credential.
var benchThrottle = throttlePolicy{limit: 20, window: time.Second}

var scenarios = []scenario{
	{name: "app_acl", provider: "authz", fixture: aclFixture, config: aclConfig},
	{name: "app_authorization", provider: "authz", fixture: authFixture, config: authConfig, maxN: authsPerApp},
	{name: "app_authorization_set", provider: "authz", fixture: authFixture, config: authSetConfig, maxN: authsPerApp},
	{name: floorScenario, provider: "floor", config: floorConfig},
	// floor_wide runs with the plugin SDK's logs off, as the authz provider runs them when Terraform discards
	// them (main.go): it is what app_authorization costs with nothing of the provider's own.
	{name: wideScenario, provider: "floor", config: floorWideConfig, env: []string{"TF_LOG_SDK=off", "TF_LOG_SDK_PROTO=off", "TF_LOG_SDK_FRAMEWORK=off"}},
	{name: "terraform_data", config: terraformDataConfig},
	// N app ACLs and N single authorizations of one app under -throttle-user 20/1s, and the same unthrottled.
	{name: throttledScenario, provider: "authz", fixture: throttledFixture, config: throttledConfig, onlyN: throttledN,
		fakeArgs: []string{"-throttle-user", fmt.Sprintf("%d/%s", benchThrottle.limit, benchThrottle.window)}, throttle: benchThrottle},
	{name: unthrottledScenario, provider: "authz", fixture: throttledFixture, config: throttledConfig, onlyN: throttledN},
}

func scenarioNames() []string {
	var names []string
	for _, s := range scenarios {
		names = append(names, s.name)
	}
	return names
}

// IDs are 32 hex characters like the cloud's, derived from a kind prefix and an index so that runs repeat.
func benchID(kind byte, i int) string { return fmt.Sprintf("%02x%030x", kind, i) }

func instanceID(i int) string { return benchID(0xb0, i) }
func appID(i int) string      { return benchID(0xa0, i) }
func apiID(i int) string      { return benchID(0xc0, i) }

// The fixture types mirror examples/demo/fixture.json: the account's projects, then one section per service.
// report_test.go checks that every field written here appears in that file, so a format change shows up in CI.
type fixture struct {
	Projects []fixtureProject `json:"projects"`
	Gateway  gatewaySection   `json:"gateway"`
}

type fixtureProject struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type gatewaySection struct {
	Projects []gatewayProject `json:"projects"`
}

type gatewayProject struct {
	ID        string            `json:"id"`
	Instances []gatewayInstance `json:"instances"`
}

type gatewayInstance struct {
	ID     string       `json:"id"`
	Name   string       `json:"name"`
	Flavor string       `json:"flavor"`
	Apps   []gatewayApp `json:"apps,omitempty"`
	APIs   []gatewayAPI `json:"apis,omitempty"`
}

type gatewayApp struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type gatewayAPI struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	GroupID       string   `json:"group_id"`
	GroupName     string   `json:"group_name"`
	Type          int      `json:"type"`
	ReqMethod     string   `json:"req_method"`
	ReqURI        string   `json:"req_uri"`
	AuthType      string   `json:"auth_type"`
	PublishedEnvs []string `json:"published_envs"`
}

func gatewayFixture(instances []gatewayInstance) *fixture {
	return &fixture{
		Projects: []fixtureProject{{ID: projectID, Name: projectName}},
		Gateway:  gatewaySection{Projects: []gatewayProject{{ID: projectID, Instances: instances}}},
	}
}

// aclFixture holds n apps, 50 per APIG instance (the quota).
func aclFixture(n int) *fixture {
	var instances []gatewayInstance
	for i := 0; i < n; i++ {
		if i%appsPerInstance == 0 {
			k := len(instances)
			instances = append(instances, gatewayInstance{ID: instanceID(k), Name: fmt.Sprintf("bench_%d", k), Flavor: "apig"})
		}
		in := &instances[len(instances)-1]
		in.Apps = append(in.Apps, gatewayApp{ID: appID(i), Name: fmt.Sprintf("app_%04d", i)})
	}
	return gatewayFixture(instances)
}

// authFixture holds one APIG instance with one app and n APIs of auth type APP published in RELEASE.
func authFixture(n int) *fixture {
	in := gatewayInstance{ID: instanceID(0), Name: "bench_0", Flavor: "apig", Apps: []gatewayApp{{ID: appID(0), Name: "app_0000"}}}
	groupID := benchID(0xd0, 0)
	for i := 0; i < n; i++ {
		in.APIs = append(in.APIs, gatewayAPI{
			ID: apiID(i), Name: fmt.Sprintf("api_%04d", i), GroupID: groupID, GroupName: "bench",
			Type: 1, ReqMethod: "GET", ReqURI: fmt.Sprintf("/bench/%d", i), AuthType: "APP",
			PublishedEnvs: []string{releaseEnv},
		})
	}
	return gatewayFixture([]gatewayInstance{in})
}

func authzHeader(url string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    authz = { source = "cloudauthz/authz" }
  }
}

provider "authz" {
  region     = %[2]q
  project_id = %[3]q
  access_key = %[4]q
  secret_key = %[5]q
  endpoints  = { apig = %[1]q, roma = %[1]q, modelarts = %[1]q, osm = %[1]q, iam = %[1]q }
}
`, url, projectName, projectID, accessKey, secretKey)
}

func aclConfig(n int, url string) string {
	return authzHeader(url) + aclBlock(n)
}

// aclBlock is n app ACLs, one per app of aclFixture.
func aclBlock(n int) string {
	var b strings.Builder
	b.WriteString("\nlocals {\n  apps = [\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "    { app = %q, instance = %q },\n", appID(i), instanceID(i/appsPerInstance))
	}
	b.WriteString(`  ]
}

resource "authz_apig_app_acl" "bench" {
  # count, like the floor provider's scenario. for_each over a map of N entries costs Terraform itself about
  # 2 s more CPU at N = 1000 (measured with terraform_data), which would be charged to the provider.
  count       = length(local.apps)
  instance_id = local.apps[count.index].instance
  app_id      = local.apps[count.index].app
  type        = "PERMIT"
  values      = ["10.0.0.0/24", "192.168.1.10"]
}
`)
	return b.String()
}

func apiIDsLocal(n int) string {
	var b strings.Builder
	b.WriteString("\nlocals {\n  api_ids = [\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "    %q,\n", apiID(i))
	}
	b.WriteString("  ]\n}\n")
	return b.String()
}

func authConfig(n int, url string) string {
	return authzHeader(url) + singlesBlock("authz_apig_app_authorization", n)
}

// throttledFixture is aclFixture's apps and, on an instance of its own, authFixture's app and APIs.
func throttledFixture(n int) *fixture {
	f := aclFixture(n)
	in := authFixture(n).Gateway.Projects[0].Instances[0]
	k := len(f.Gateway.Projects[0].Instances)
	in.ID, in.Name = instanceID(k), fmt.Sprintf("bench_%d", k)
	in.Apps[0].ID = appID(n)
	f.Gateway.Projects[0].Instances = append(f.Gateway.Projects[0].Instances, in)
	return f
}

// throttledConfig is n app ACLs and n single authorizations of throttledFixture's app.
func throttledConfig(n int, url string) string {
	return authzHeader(url) + aclBlock(n) + singlesBlockOf("authz_apig_app_authorization", n, instanceID((n+appsPerInstance-1)/appsPerInstance), appID(n))
}

// singlesBlock is n resources of type typ with the arguments of single authorizations of one app, one per API.
func singlesBlock(typ string, n int) string {
	return singlesBlockOf(typ, n, instanceID(0), appID(0))
}

// singlesBlockOf is singlesBlock for the app of an instance.
func singlesBlockOf(typ string, n int, instance, app string) string {
	return apiIDsLocal(n) + fmt.Sprintf(`
resource %q "bench" {
  # count, like the floor provider's scenario: for_each over toset() of a long list costs Terraform itself
  # far more (at N = 500 it tripled the plan's time), which would be charged to the provider.
  count       = length(local.api_ids)
  instance_id = %q
  env_id      = %q
  app_id      = %q
  api_id      = local.api_ids[count.index]
}
`, typ, instance, releaseEnv, app)
}

func authSetConfig(n int, url string) string {
	return authzHeader(url) + apiIDsLocal(n) + fmt.Sprintf(`
resource "authz_apig_app_authorization_set" "bench" {
  instance_id = %q
  env_id      = %q
  app_id      = %q
  api_ids     = local.api_ids
}
`, instanceID(0), releaseEnv, appID(0))
}

const floorHeader = `terraform {
  required_providers {
    floor = { source = "cloudauthz/floor" }
  }
}
`

func floorConfig(n int, _ string) string {
	return floorHeader + fmt.Sprintf(`
resource "floor_thing" "bench" {
  count = %d
  name  = "thing-${count.index}"
}
`, n)
}

// floorWideConfig is authConfig for floor_wide: the same arguments, so the same work for Terraform.
func floorWideConfig(n int, _ string) string {
	return floorHeader + singlesBlock("floor_wide", n)
}

func terraformDataConfig(n int, _ string) string {
	return fmt.Sprintf(`resource "terraform_data" "bench" {
  count = %d
  input = "thing-${count.index}"
}
`, n)
}
