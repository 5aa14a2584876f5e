package modelarts_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	fakemodelarts "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/modelarts"
)

const listType = "authz_modelarts_app_authorization"

// listBlock is a list block of listType.
func listBlock(name string, config []string, own ...string) string {
	return acctest.ListBlock(listType, name, config, own...)
}

// expectCalls asserts how many lists of a service's APIs and of an API's authorized apps the query made.
func expectCalls(f *acctest.FakeCloud, apiLists, authLists int) acctest.QueryCheckFunc {
	return func() error {
		if a, b := countRequests(f, "GET", "/app-auth-apis"), countRequests(f, "GET", "/api-auths"); a != apiLists || b != authLists {
			return fmt.Errorf("the query listed APIs %d times and authorized apps %d times, want %d and %d", a, b, apiLists, authLists)
		}
		return nil
	}
}

// Authorizations made in the console, outside Terraform, are listed with their identities and display names,
// by service and narrowed by API, app and workspace; with include_resource each is the object an import of
// it records, which an import step checks; limit is honoured; an unknown service fails with its error code.
func TestAccModelArtsAppAuthorization_list(t *testing.T) {
	acctest.SkipUnlessQuery(t)
	t.Parallel()
	f, m := seeded(t)
	// app_one may call predict and predict_batch, app_two predict, and app_three predict_iam: authorized
	// before that API changed to IAM authentication, which the authorize call would refuse now.
	if _, err := f.Client(t).ModelArts().Authorize(context.Background(), m.ServiceID, m.APIIDs[0], "0", m.AppIDs[:2]); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Client(t).ModelArts().Authorize(context.Background(), m.ServiceID, m.APIIDs[1], "0", m.AppIDs[:1]); err != nil {
		t.Fatal(err)
	}
	if err := f.ModelArts().Authorize("", m.ServiceID, m.IAMAPIID, "0", m.AppIDs[2]); err != nil {
		t.Fatal(err)
	}
	identity := func(apiID, appID string) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"service_id": knownvalue.StringExact(m.ServiceID), "api_id": knownvalue.StringExact(apiID),
			"app_id": knownvalue.StringExact(appID), "workspace_id": knownvalue.StringExact("0")}
	}
	service := fmt.Sprintf("service_id = %q", m.ServiceID)
	api, app := fmt.Sprintf("api_id = %q", m.APIIDs[1]), fmt.Sprintf("app_id = %q", m.AppIDs[0])
	// What an import of app_one's authorization to call predict_batch records.
	imported := map[string]string{
		"id": m.ServiceID + "/" + m.APIIDs[1] + "/" + m.AppIDs[0], "service_id": m.ServiceID, "api_id": m.APIIDs[1], "app_id": m.AppIDs[0],
		"workspace_id": "0", "auth_id": "", "app_name": "app_one", "api_name": "predict_batch", "service_name": m.ServiceName,
	}
	var values []querycheck.KnownValueCheck
	for name, v := range imported {
		values = append(values, querycheck.KnownValueCheck{Path: tfjsonpath.New(name), KnownValue: knownvalue.StringExact(v)})
	}
	values = append(values, querycheck.KnownValueCheck{Path: tfjsonpath.New("timeouts"), KnownValue: knownvalue.Null()})
	checks := []querycheck.QueryResultCheck{
		querycheck.ExpectLength(listType+".all", 4),
		querycheck.ExpectLength(listType+".api", 1),
		querycheck.ExpectLength(listType+".app", 2),
		querycheck.ExpectLength(listType+".both", 1),
		querycheck.ExpectLength(listType+".one", 1),
		querycheck.ExpectLength(listType+".workspace", 0),
		querycheck.ExpectLength(listType+".none", 0),
		querycheck.ExpectIdentity(listType+".app", identity(m.APIIDs[0], m.AppIDs[0])),
		querycheck.ExpectIdentity(listType+".app", identity(m.APIIDs[1], m.AppIDs[0])),
		querycheck.ExpectIdentity(listType+".one", identity(m.APIIDs[0], m.AppIDs[0])),
		querycheck.ExpectResourceDisplayName(listType+".all", queryfilter.ByResourceIdentity(identity(m.IAMAPIID, m.AppIDs[2])),
			knownvalue.StringExact("app_three → predict_iam")),
		querycheck.ExpectResourceDisplayName(listType+".both", queryfilter.ByResourceIdentity(identity(m.APIIDs[1], m.AppIDs[0])),
			knownvalue.StringExact("app_one → predict_batch")),
		querycheck.ExpectResourceKnownValues(listType+".both", queryfilter.ByResourceIdentity(identity(m.APIIDs[1], m.AppIDs[0])), values),
	}
	for _, g := range [][2]string{{m.APIIDs[0], m.AppIDs[0]}, {m.APIIDs[0], m.AppIDs[1]}, {m.APIIDs[1], m.AppIDs[0]}, {m.IAMAPIID, m.AppIDs[2]}} {
		checks = append(checks, querycheck.ExpectIdentity(listType+".all", identity(g[0], g[1])))
	}
	tc := testCase(t, f, m,
		// The query files go beside the configuration of the first step, which configures the provider.
		resource.TestStep{Config: f.ProviderConfig()},
		resource.TestStep{
			Query: true,
			Config: listBlock("all", []string{service}) +
				listBlock("api", []string{service, api}) +
				listBlock("app", []string{service, app}) +
				listBlock("both", []string{service, api, app}, "include_resource = true") +
				listBlock("one", []string{service}, "limit = 1") +
				listBlock("workspace", []string{service, fmt.Sprintf("workspace_id = %q", otherWorkspace)}) +
				listBlock("none", []string{service, `api_id = "e1000000000000000000000000000009"`}),
			QueryResultChecks: checks,
		},
		resource.TestStep{
			Query:       true,
			Config:      listBlock("missing", []string{`service_id = "00000000-0000-4000-8000-000000000000"`}),
			ExpectError: acctest.ExpectError(`Error listing ` + listType + `.*ModelArts.3502: Service 00000000-0000-4000-8000-000000000000 does not exist`),
		},
		resource.TestStep{
			Query:       true,
			Config:      listBlock("bad", []string{`service_id = "bad id!"`}),
			ExpectError: regexp.MustCompile(`must be 1 to 64 letters`),
		},
		resource.TestStep{
			// The listed object is what an import records, attribute for attribute.
			Config:           authConfig(f, m.ServiceID, m.APIIDs[1], m.AppIDs[0]),
			ResourceName:     authAddr,
			ImportState:      true,
			ImportStateId:    imported["id"],
			ImportStateCheck: acctest.ImportRecords(imported),
		},
	)
	// The authorizations made for the test are not the list's to remove.
	tc.CheckDestroy = checkAuthorized(f, m, m.APIIDs[0], m.AppIDs[:2]...)
	resource.Test(t, tc)
}

// Calls grow with the APIs and their pages, never with the authorizations: 5 apps authorized to each of 12
// APIs of a service with 501 (two pages) take two lists of the APIs and one of each API's apps; with api_id,
// one of that API's only, found on the second page; with a limit, the listing stops once it is reached.
func TestAccModelArtsAppAuthorization_listCalls(t *testing.T) {
	acctest.SkipUnlessQuery(t)
	t.Parallel()
	f := acctest.NewFakeCloud(t)
	const nAPIs, nApps, nGranted = 501, 5, 12
	svc := fakemodelarts.ServiceFixture{ID: "6a0e4c1d-7b3f-4e8a-9c2d-5f1b3a7e9d04", Name: "many_apis"}
	for i := range nAPIs {
		svc.APIs = append(svc.APIs, fakemodelarts.API{ID: fmt.Sprintf("e%031x", i), Name: fmt.Sprintf("api_%03d", i), AuthType: "APP"})
	}
	var apps []fakemodelarts.App
	var auths []fakemodelarts.Authorization
	for j := range nApps {
		apps = append(apps, fakemodelarts.App{ID: fmt.Sprintf("a%031x", j), Name: fmt.Sprintf("app_%d", j)})
		for i := range nGranted {
			auths = append(auths, fakemodelarts.Authorization{ServiceID: svc.ID, APIID: svc.APIs[i].ID, AppID: apps[j].ID})
		}
	}
	last := svc.APIs[nAPIs-1].ID
	auths = append(auths, fakemodelarts.Authorization{ServiceID: svc.ID, APIID: last, AppID: apps[0].ID})
	if err := f.Load(fakecloud.Fixture{ModelArts: fakemodelarts.InProject(f.Creds.ProjectID, apps, []fakemodelarts.ServiceFixture{svc}, auths...)}); err != nil {
		t.Fatal(err)
	}
	service := fmt.Sprintf("service_id = %q", svc.ID)
	step := func(name string, n int, calls acctest.QueryCheckFunc, config []string, own ...string) resource.TestStep {
		return f.CountedQuery(listType, name, n, calls, config, own...)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: f.ProviderConfig()},
			step("all", nApps*nGranted+1, expectCalls(f, 2, nAPIs), []string{service}, "limit = 1000"),
			step("last", 1, expectCalls(f, 2, 1), []string{service, fmt.Sprintf("api_id = %q", last)}),
			// Five results from the first API, two from the second: three lists in all.
			step("seven", 7, expectCalls(f, 2, 2), []string{service}, "limit = 7"),
		},
	})
}
