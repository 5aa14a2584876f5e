package gateway_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	fakegateway "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
)

// handMade grants, outside Terraform: app 1 may call APIs 1 and 2 in RELEASE and API 3 in the second
// environment, app 2 API 1 in RELEASE; app 1 has a PERMIT ACL. It returns the records by app and API.
func handMade(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway) map[string]fakegateway.AppAuth {
	t.Helper()
	out := map[string]fakegateway.AppAuth{}
	for _, a := range []fakegateway.AppAuth{
		{AppID: g.AppIDs[0], APIID: g.APIIDs[0], EnvID: acctest.ReleaseEnvID},
		{AppID: g.AppIDs[0], APIID: g.APIIDs[1], EnvID: acctest.ReleaseEnvID},
		{AppID: g.AppIDs[0], APIID: g.APIIDs[2], EnvID: g.EnvID},
		{AppID: g.AppIDs[1], APIID: g.APIIDs[0], EnvID: acctest.ReleaseEnvID},
	} {
		rec, err := f.Gateway().AddAppAuth("", g.InstanceID, a)
		if err != nil {
			t.Fatal(err)
		}
		out[a.AppID+"/"+a.APIID] = rec
	}
	if _, err := f.Client(t).Gateway(cloud.Flavor(g.Flavor)).PutAppACL(context.Background(), g.InstanceID, g.AppIDs[0], "PERMIT", []string{"10.0.0.0/24", "192.168.0.1"}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAccAppAuthorization_list(t *testing.T) {
	acctest.SkipUnlessQuery(t)
	t.Parallel()
	forEachFlavor(t, func(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway) {
		recs := handMade(t, f, g)
		typ := "authz_" + string(g.Flavor) + "_app_authorization"
		inst := fmt.Sprintf("instance_id = %q", g.InstanceID)
		identity := func(env, app, api string) map[string]knownvalue.Check {
			return map[string]knownvalue.Check{"instance_id": knownvalue.StringExact(g.InstanceID), "env_id": knownvalue.StringExact(env),
				"app_id": knownvalue.StringExact(app), "api_id": knownvalue.StringExact(api)}
		}
		rec := recs[g.AppIDs[0]+"/"+g.APIIDs[2]]
		// The query files go beside the configuration of the first step, which configures the provider.
		query := acctest.ListBlock(typ, "all", []string{inst}) +
			acctest.ListBlock(typ, "app2", []string{inst, fmt.Sprintf("app_id = %q", g.AppIDs[1])}) +
			acctest.ListBlock(typ, "staging", []string{inst, fmt.Sprintf("env_id = %q", g.EnvID)}, "include_resource = true") +
			acctest.ListBlock(typ, "api1", []string{inst, fmt.Sprintf("api_id = %q", g.APIIDs[0])}) +
			acctest.ListBlock(typ, "one", []string{inst}, "limit = 1")
		checks := []querycheck.QueryResultCheck{
			querycheck.ExpectLength(typ+".all", 4),
			querycheck.ExpectLength(typ+".app2", 1),
			querycheck.ExpectLength(typ+".staging", 1),
			querycheck.ExpectLength(typ+".api1", 2),
			querycheck.ExpectLength(typ+".one", 1),
			querycheck.ExpectIdentity(typ+".app2", identity(acctest.ReleaseEnvID, g.AppIDs[1], g.APIIDs[0])),
			querycheck.ExpectIdentity(typ+".api1", identity(acctest.ReleaseEnvID, g.AppIDs[0], g.APIIDs[0])),
			querycheck.ExpectIdentity(typ+".api1", identity(acctest.ReleaseEnvID, g.AppIDs[1], g.APIIDs[0])),
			querycheck.ExpectResourceDisplayName(typ+".staging", queryfilter.ByResourceIdentity(identity(g.EnvID, g.AppIDs[0], g.APIIDs[2])),
				knownvalue.StringExact("app_1 → api_3 in staging")),
			querycheck.ExpectResourceKnownValues(typ+".staging", queryfilter.ByResourceIdentity(identity(g.EnvID, g.AppIDs[0], g.APIIDs[2])), []querycheck.KnownValueCheck{
				{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(rec.ID)},
				{Path: tfjsonpath.New("instance_id"), KnownValue: knownvalue.StringExact(g.InstanceID)},
				{Path: tfjsonpath.New("api_name"), KnownValue: knownvalue.StringExact("api_3")},
				{Path: tfjsonpath.New("app_name"), KnownValue: knownvalue.StringExact("app_1")},
				{Path: tfjsonpath.New("env_name"), KnownValue: knownvalue.StringExact("staging")},
				{Path: tfjsonpath.New("group_id"), KnownValue: knownvalue.StringExact(string(g.Flavor) + "group1")},
			}),
		}
		for _, env := range []string{acctest.ReleaseEnvID, g.EnvID} {
			for _, a := range recs {
				if a.EnvID == env {
					checks = append(checks, querycheck.ExpectIdentity(typ+".all", identity(env, a.AppID, a.APIID)))
				}
			}
		}
		resource.Test(t, testCase(t,
			resource.TestStep{Config: f.ProviderConfig()},
			resource.TestStep{Query: true, Config: query, QueryResultChecks: checks},
			resource.TestStep{
				Query:       true,
				Config:      acctest.ListBlock(typ, "missing", []string{`instance_id = "nosuchinstance"`}),
				ExpectError: regexp.MustCompile(`APIG.3030`),
			},
		))
	})
}

func TestAccAppACL_list(t *testing.T) {
	acctest.SkipUnlessQuery(t)
	t.Parallel()
	forEachFlavor(t, func(t *testing.T, f *acctest.FakeCloud, g acctest.Gateway) {
		handMade(t, f, g)
		typ := "authz_" + string(g.Flavor) + "_app_acl"
		inst := fmt.Sprintf("instance_id = %q", g.InstanceID)
		identity := map[string]knownvalue.Check{"instance_id": knownvalue.StringExact(g.InstanceID), "app_id": knownvalue.StringExact(g.AppIDs[0])}
		resource.Test(t, testCase(t,
			resource.TestStep{Config: f.ProviderConfig()},
			resource.TestStep{
				Query: true,
				Config: acctest.ListBlock(typ, "all", []string{inst}, "include_resource = true") +
					acctest.ListBlock(typ, "deny", []string{inst, `type = "DENY"`}) +
					acctest.ListBlock(typ, "app2", []string{inst, fmt.Sprintf("app_id = %q", g.AppIDs[1])}),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength(typ+".all", 1),
					querycheck.ExpectLength(typ+".deny", 0),
					querycheck.ExpectLength(typ+".app2", 0),
					querycheck.ExpectIdentity(typ+".all", identity),
					querycheck.ExpectResourceDisplayName(typ+".all", queryfilter.ByResourceIdentity(identity), knownvalue.StringExact("app_1: PERMIT, 2 entries")),
					querycheck.ExpectResourceKnownValues(typ+".all", queryfilter.ByResourceIdentity(identity), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(g.InstanceID + "/" + g.AppIDs[0])},
						{Path: tfjsonpath.New("type"), KnownValue: knownvalue.StringExact("PERMIT")},
						{Path: tfjsonpath.New("values"), KnownValue: knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("10.0.0.0/24"), knownvalue.StringExact("192.168.0.1")})},
					}),
				},
			},
			resource.TestStep{
				Query:       true,
				Config:      acctest.ListBlock(typ, "bad", []string{`instance_id = "bad id!"`}),
				ExpectError: regexp.MustCompile(`must be 1 to 64 letters`),
			},
		))
	})
}

// TestAccAppAuthorization_listCalls counts the calls of a listing: 1000 authorizations of one app take at
// most 3 (pages of 500), and an instance of N apps one call for the apps and one per page of each app that
// has authorizations, never one per authorization. Terraform asks for 100 results unless limit says otherwise.
func TestAccAppAuthorization_listCalls(t *testing.T) {
	acctest.SkipUnlessQuery(t)
	t.Parallel()
	const apps, bound, apis = 30, 12, 1000
	f := acctest.NewFakeCloud(t)
	inst := fakegateway.InstanceFixture{ID: "callsinstance", Name: "calls", Flavor: fakegateway.FlavorAPIG}
	for i := range apps {
		inst.Apps = append(inst.Apps, fakegateway.App{ID: fmt.Sprintf("app%02d", i), Name: fmt.Sprintf("app_%02d", i)})
	}
	for i := range apis {
		id := fmt.Sprintf("api%04d", i)
		inst.APIs = append(inst.APIs, fakegateway.API{ID: id, Name: "api_" + id, GroupID: "group1", GroupName: "group_1", ReqMethod: "GET",
			ReqURI: "/v1/" + id, AuthType: "APP", PublishedEnvs: []string{acctest.ReleaseEnvID}})
		inst.AppAuths = append(inst.AppAuths, fakegateway.AppAuth{AppID: "app00", APIID: id, EnvID: acctest.ReleaseEnvID})
	}
	for i := 1; i < bound; i++ {
		inst.AppAuths = append(inst.AppAuths, fakegateway.AppAuth{AppID: fmt.Sprintf("app%02d", i), APIID: "api0000", EnvID: acctest.ReleaseEnvID})
	}
	if err := f.Load(fakecloud.Fixture{Gateway: fakegateway.InProject(f.Creds.ProjectID, inst)}); err != nil {
		t.Fatal(err)
	}
	tf := acctest.NewTerraform(t, f.ProviderConfig())
	count := func(config string) (results int, calls map[string]int) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(tf.Dir(), "list.tfquery.hcl"), []byte(config), 0o644); err != nil {
			t.Fatal(err)
		}
		f.ResetRequests()
		r := tf.MustRun("query", "-json")
		calls = map[string]int{}
		for _, req := range f.Requests() {
			if strings.Contains(req.Path, "/instances/") {
				calls[req.Method+" "+req.Path[strings.LastIndex(req.Path, "/instances/")+len("/instances/callsinstance"):]]++
			}
		}
		return strings.Count(r.Stdout, `"type":"list_resource_found"`), calls
	}
	if n, calls := count(acctest.ListBlock("authz_apig_app_authorization", "one", []string{`instance_id = "callsinstance"`, `app_id = "app00"`}, "limit = 5000")); n != apis || calls["GET /app-auths/binded-apis"] > 3 || len(calls) != 1 {
		t.Errorf("listing the %d authorizations of one app: %d results, calls %v; want %d results in at most 3 calls of binded-apis", apis, n, calls, apis)
	}
	n, calls := count(acctest.ListBlock("authz_apig_app_authorization", "all", []string{`instance_id = "callsinstance"`}, "limit = 5000"))
	if want := apis + bound - 1; n != want {
		t.Errorf("listing the instance: %d results, want %d", n, want)
	}
	if calls["GET /apps"] != 1 || calls["GET /app-auths/binded-apis"] > bound-1+3 || len(calls) != 2 {
		t.Errorf("listing the instance of %d apps, %d of them bound: calls %v; want one of apps and at most one per page of each bound app", apps, bound, calls)
	}
	if n, calls := count(acctest.ListBlock("authz_apig_app_authorization", "few", []string{`instance_id = "callsinstance"`}, "limit = 5")); n != 5 || calls["GET /app-auths/binded-apis"] > 3 {
		t.Errorf("listing with limit = 5: %d results, calls %v; want 5 results from the first app's pages", n, calls)
	}
}
