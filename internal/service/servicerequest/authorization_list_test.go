package servicerequest_test

import (
	"fmt"
	"maps"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/osm"
)

const listType = "authz_service_request_authorization"

// listBlock is a list block of listType.
func listBlock(name string, config []string, own ...string) string {
	return acctest.ListBlock(listType, name, config, own...)
}

var (
	listPath   = regexp.MustCompile(`/v2/servicerequest/authorizations$`)
	detailPath = regexp.MustCompile(`/v2/servicerequest/authorizations/[^/]+$`)
)

// expectCalls asserts how many pages of the list and how many requests' details the query read.
func expectCalls(f *acctest.FakeCloud, pages, details int) acctest.QueryCheckFunc {
	return func() error {
		var p, d int
		for _, r := range f.Requests() {
			switch {
			case r.Method != "GET":
			case listPath.MatchString(r.Path):
				p++
			case detailPath.MatchString(r.Path):
				d++
			}
		}
		if p != pages || d != details {
			return fmt.Errorf("the query read %d pages of the list and %d details, want %d and %d", p, d, pages, details)
		}
		return nil
	}
}

// Requests decided outside Terraform are listed with their identities and display names, narrowed by status
// and ticket; pending requests and those whose decision no longer stands are not. With include_resource each
// is the object an import of it records, which an import step checks. limit is honoured; a status no
// resource stands for is refused at plan time, and the service's error code surfaces.
func TestAccServiceRequestAuthorization_list(t *testing.T) {
	acctest.SkipUnlessQuery(t)
	t.Parallel()
	f, s := seeded(t)
	begins, ends := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC), time.Now().Add(48*time.Hour).UTC().Truncate(time.Second)
	for _, a := range []osm.Authorization{
		{ID: "Auth-approving", Status: osm.StatusApprovalPending, IncidentID: s.IncidentID, SimpleDescription: "Read the web logs",
			ResourceTypeName: "ECS", VisitTypeName: "host login", AuthEffectiveTime: begins.UnixMilli(), AuthExpireTime: ends.UnixMilli(),
			Details: []osm.Detail{{ID: 7000001, Type: osm.DetailHost, InstanceID: "i-db01", InstanceName: "db01", RegionID: "eu-de", Port: 5432, Account: "ro"}}},
		{ID: "Auth-declined", Status: osm.StatusRejected, IncidentID: "CS-LIST", SimpleDescription: "Restart the database", RejectReason: "Not during the freeze."},
		{ID: "Auth-expired", Status: osm.StatusExpired, IncidentID: s.IncidentID},
		{ID: "Auth-canceled", Status: osm.StatusCanceled, IncidentID: s.IncidentID},
		{ID: "Auth-refused", Status: osm.StatusApprovalRejected, IncidentID: s.IncidentID},
	} {
		if _, err := f.OSM().AddAuthorization("", a); err != nil {
			t.Fatal(err)
		}
	}
	identity := func(id string) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"authorization_id": knownvalue.StringExact(id)}
	}
	ticket, byTicket := fmt.Sprintf("incident_id = %q", s.IncidentID), queryfilter.ByResourceIdentity(identity("Auth-approving"))
	// What an import of Auth-approving records, and of Auth-declined as far as it differs.
	imported := map[string]string{
		"id": "Auth-approving", "authorization_id": "Auth-approving", "decision": "accept", "status_name": "approval_pending",
		"incident_id": s.IncidentID, "description": "Read the web logs", "resource_type": "ECS", "visit_type": "host login",
		"effective_time": begins.Format(time.RFC3339), "expire_time": ends.Format(time.RFC3339),
	}
	values := []querycheck.KnownValueCheck{
		{Path: tfjsonpath.New("status"), KnownValue: knownvalue.Int64Exact(6)},
		{Path: tfjsonpath.New("verify_hosts"), KnownValue: knownvalue.Bool(true)},
		{Path: tfjsonpath.New("details"), KnownValue: knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id": knownvalue.Int64Exact(7000001), "type": knownvalue.StringExact("host"), "instance_id": knownvalue.StringExact("i-db01"),
			"instance_name": knownvalue.StringExact("db01"), "region_id": knownvalue.StringExact("eu-de"),
			"port": knownvalue.Int64Exact(0), "account": knownvalue.StringExact(""), // asked for nothing: the host's login is the tenant's
		})})},
	}
	for name, v := range imported {
		values = append(values, querycheck.KnownValueCheck{Path: tfjsonpath.New(name), KnownValue: knownvalue.StringExact(v)})
	}
	for _, name := range []string{"reject_reason", "agency_id", "group_id", "host_credentials", "timeouts"} {
		values = append(values, querycheck.KnownValueCheck{Path: tfjsonpath.New(name), KnownValue: knownvalue.Null()})
	}
	// The same in the flatmap form of an import's state.
	flat := map[string]string{"status": "6", "verify_hosts": "true", "details.#": "1", "details.0.instance_id": "i-db01", "details.0.port": "0"}
	maps.Copy(flat, imported)
	checks := []querycheck.QueryResultCheck{
		querycheck.ExpectLength(listType+".all", 4),
		querycheck.ExpectLength(listType+".rejected", 2),
		querycheck.ExpectLength(listType+".ticket", 2),
		querycheck.ExpectLength(listType+".approving", 1),
		querycheck.ExpectLength(listType+".declined", 1),
		querycheck.ExpectLength(listType+".one", 1),
		querycheck.ExpectLength(listType+".none", 0),
		querycheck.ExpectIdentity(listType+".rejected", identity(s.Rejected)),
		querycheck.ExpectIdentity(listType+".rejected", identity("Auth-declined")),
		querycheck.ExpectIdentity(listType+".ticket", identity(s.Authorized)),
		querycheck.ExpectIdentity(listType+".ticket", identity("Auth-approving")),
		querycheck.ExpectResourceDisplayName(listType+".all", queryfilter.ByResourceIdentity(identity(s.Authorized)),
			knownvalue.StringExact(s.IncidentID+": Access for "+s.Authorized+" (authorized)")),
		querycheck.ExpectResourceDisplayName(listType+".approving", byTicket, knownvalue.StringExact(s.IncidentID+": Read the web logs (approval_pending)")),
		querycheck.ExpectResourceKnownValues(listType+".approving", byTicket, values),
		querycheck.ExpectResourceKnownValues(listType+".declined", queryfilter.ByResourceIdentity(identity("Auth-declined")), []querycheck.KnownValueCheck{
			{Path: tfjsonpath.New("decision"), KnownValue: knownvalue.StringExact("reject")},
			{Path: tfjsonpath.New("reject_reason"), KnownValue: knownvalue.StringExact("Not during the freeze.")},
			{Path: tfjsonpath.New("status_name"), KnownValue: knownvalue.StringExact("rejected")},
			{Path: tfjsonpath.New("effective_time"), KnownValue: knownvalue.Null()},
			{Path: tfjsonpath.New("details"), KnownValue: knownvalue.ListExact(nil)},
		}),
	}
	for _, id := range []string{s.Authorized, s.Rejected, "Auth-approving", "Auth-declined"} {
		checks = append(checks, querycheck.ExpectIdentity(listType+".all", identity(id)))
	}
	provider := f.ProviderBlock(fmt.Sprintf("  token = %q\n", f.Creds.DomainToken))
	resource.Test(t, testCase(t, nil,
		// The query files go beside the configuration of the first step, which configures the provider.
		resource.TestStep{Config: provider},
		resource.TestStep{
			Query: true,
			Config: listBlock("all", nil) +
				listBlock("rejected", []string{`status = "rejected"`}) +
				listBlock("ticket", []string{ticket}) +
				listBlock("approving", []string{ticket, `status = "approval_pending"`}, "include_resource = true") +
				listBlock("declined", []string{`incident_id = "CS-LIST"`}, "include_resource = true") +
				listBlock("one", nil, "limit = 1") +
				listBlock("none", []string{`incident_id = "CS2026112300077"`}), // only a pending request
			QueryResultChecks: checks,
		},
		resource.TestStep{
			Query:       true,
			Config:      listBlock("pending", []string{`status = "pending"`}),
			ExpectError: acctest.ExpectError(`value must be one of: \["approval_pending" "authorized" "rejected"\]`),
		},
		resource.TestStep{
			PreConfig: func() {
				f.InjectFault(fakecloud.Fault{Method: "GET", PathRegexp: listPath.String(), Status: 403, ErrorCode: "OSM.0003", ErrorMsg: "No permission."})
			},
			Query:       true,
			Config:      listBlock("denied", nil),
			ExpectError: acctest.ExpectError(`Error listing ` + listType + `.*OSM.0003: No permission.`),
		},
		resource.TestStep{
			// The listed object is what an import records, attribute for attribute.
			PreConfig:        f.ClearFaults,
			Config:           tokenConfig(f, "Auth-approving"),
			ResourceName:     listType + ".test",
			ImportState:      true,
			ImportStateId:    "Auth-approving",
			ImportStateCheck: acctest.ImportRecords(flat, "reject_reason", "host_credentials.#", "agency_id", "group_id"),
		},
	))
}

// The list is read page by page (100 requests a page), whatever the number of requests; details are read
// only with include_resource, one per result and never beyond the limit.
func TestAccServiceRequestAuthorization_listCalls(t *testing.T) {
	acctest.SkipUnlessQuery(t)
	t.Parallel()
	f, _ := seeded(t)
	const n = 250
	for i := range n {
		if _, err := f.OSM().AddAuthorization("", osm.Authorization{ID: fmt.Sprintf("Auth-many-%03d", i), Status: osm.StatusAuthorized, IncidentID: "CS-MANY"}); err != nil {
			t.Fatal(err)
		}
	}
	// 256 requests in all (pending ones too): three pages.
	step := func(name string, results int, calls acctest.QueryCheckFunc, own ...string) resource.TestStep {
		return f.CountedQuery(listType, name, results, calls, nil, own...)
	}
	resource.Test(t, testCase(t, nil,
		resource.TestStep{Config: f.ProviderBlock(fmt.Sprintf("  token = %q\n", f.Creds.DomainToken))},
		step("all", n+2, expectCalls(f, 3, 0), "limit = 1000"), // and the seeded Authorized and Rejected
		step("five", 5, expectCalls(f, 3, 5), "limit = 5", "include_resource = true"),
	))
}
