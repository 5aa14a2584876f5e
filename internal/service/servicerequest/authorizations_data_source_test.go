package servicerequest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/osm"
)

// The list follows every page and filters by status name, ticket and group, so a configuration can decide
// the pending requests with for_each.
func TestAccServiceRequestAuthorizationsDataSource(t *testing.T) {
	t.Parallel()
	f, s := seeded(t)
	// More pending requests than one page holds (100).
	for i := range 120 {
		if _, err := f.OSM().AddAuthorization("", osm.Authorization{ID: fmt.Sprintf("Auth-bulk-%03d", i), Status: osm.StatusPending, IncidentID: "CS-BULK"}); err != nil {
			t.Fatal(err)
		}
	}
	ds := "data.authz_service_request_authorizations."
	cfg := config(f, s.PendingOther, `decision = "reject"`, `reject_reason = "Not needed."`) + fmt.Sprintf(`
data "authz_service_request_authorizations" "pending" {
  status = "pending"
}

data "authz_service_request_authorizations" "ticket" {
  incident_id = %q
}

data "authz_service_request_authorizations" "bulk" {
  incident_id = "CS-BULK"
  status      = "pending"
}
`, s.IncidentID)
	tc := testCase(t, nil, resource.TestStep{
		Config: cfg,
		Check: resource.ComposeAggregateTestCheckFunc(
			resource.TestCheckResourceAttr(ds+"bulk", "authorizations.#", "120"),
			resource.TestCheckResourceAttr(ds+"ticket", "authorizations.#", "2"),
			resource.TestCheckTypeSetElemNestedAttrs(ds+"ticket", "authorizations.*", map[string]string{"id": s.Authorized, "status_name": "authorized", "status": "1"}),
			resource.TestCheckTypeSetElemNestedAttrs(ds+"ticket", "authorizations.*", map[string]string{"id": s.Pending, "status_name": "pending"}),
			resource.TestCheckTypeSetElemNestedAttrs(ds+"pending", "authorizations.*", map[string]string{"id": s.NeedsApproval}),
		),
	})
	resource.Test(t, tc)
}

func TestAccServiceRequestAuthorizationsDataSource_invalidStatus(t *testing.T) {
	t.Parallel()
	f, _ := seeded(t)
	f.ResetRequests()
	resource.Test(t, testCase(t, nil, resource.TestStep{
		Config:      f.ProviderBlock(`  token = "x"`+"\n") + `data "authz_service_request_authorizations" "x" { status = "open" }`,
		PlanOnly:    true,
		ExpectError: acctest.ExpectError(`value must be one of`),
	}))
	for _, r := range f.Requests() {
		t.Errorf("plan-time validation let %s %s through", r.Method, r.Path)
	}
}

// What a tenant reads before deciding: the commitment letter, the window and the reject reason from the
// list, in either form of its times; and with include_details, the handler and the hosts from each
// request's detail, which the list does not answer (one more call per request, and none without it).
func TestAccServiceRequestAuthorizationsDataSource_whatATenantReads(t *testing.T) {
	t.Parallel()
	for name, quirks := range map[string][]string{"strings": nil, "epoch milliseconds": {fakecloud.QuirkOSMEpochTimes}} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f, s := seeded(t, fakecloud.Options{Quirks: quirks})
			created := time.Date(2026, 11, 30, 8, 15, 0, 0, time.UTC)
			begins, ends := created.Add(time.Hour), time.Now().Add(48*time.Hour).UTC().Truncate(time.Second)
			for _, a := range []osm.Authorization{
				{ID: "Auth-letter", Status: osm.StatusAuthorized, IncidentID: "CS-READ", CreateTime: created.UnixMilli(),
					AuthEffectiveTime: begins.UnixMilli(), AuthExpireTime: ends.UnixMilli(), ContentOfAuthLetter: "I will only read the logs.",
					AuthHandlerName: "tenant-admin", Details: []osm.Detail{{ID: 7000001, Type: osm.DetailHost, InstanceName: "db01", Port: 5432, Account: "ro"}}},
				{ID: "Auth-refused", Status: osm.StatusRejected, IncidentID: "CS-READ", CreateTime: created.Add(-time.Hour).UnixMilli(), RejectReason: "Not during the freeze."},
			} {
				if _, err := f.OSM().AddAuthorization("", a); err != nil {
					t.Fatal(err)
				}
			}
			ds := "data.authz_service_request_authorizations."
			cfg := tokenConfig(f, s.PendingOther, `decision = "reject"`, `reject_reason = "Not needed."`) + `
data "authz_service_request_authorizations" "list" {
  incident_id = "CS-READ"
}

data "authz_service_request_authorizations" "detailed" {
  incident_id     = "CS-READ"
  include_details = true
}
`
			resource.Test(t, testCase(t, nil, resource.TestStep{
				PreConfig: f.ResetRequests,
				Config:    cfg,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(ds+"list", "authorizations.#", "2"),
					resource.TestCheckResourceAttr(ds+"list", "authorizations.0.id", "Auth-letter"),
					resource.TestCheckResourceAttr(ds+"list", "authorizations.0.content_of_auth_letter", "I will only read the logs."),
					resource.TestCheckResourceAttr(ds+"list", "authorizations.0.create_time", created.Format(time.RFC3339)),
					resource.TestCheckResourceAttr(ds+"list", "authorizations.0.effective_time", begins.Format(time.RFC3339)),
					resource.TestCheckResourceAttr(ds+"list", "authorizations.0.expire_time", ends.Format(time.RFC3339)),
					resource.TestCheckNoResourceAttr(ds+"list", "authorizations.0.reject_reason"),
					resource.TestCheckNoResourceAttr(ds+"list", "authorizations.0.handler"),
					resource.TestCheckNoResourceAttr(ds+"list", "authorizations.0.details.#"),
					resource.TestCheckResourceAttr(ds+"list", "authorizations.1.reject_reason", "Not during the freeze."),
					resource.TestCheckNoResourceAttr(ds+"list", "authorizations.1.effective_time"),
					resource.TestCheckResourceAttr(ds+"detailed", "authorizations.0.handler", "tenant-admin"),
					resource.TestCheckResourceAttr(ds+"detailed", "authorizations.0.details.#", "1"),
					resource.TestCheckResourceAttr(ds+"detailed", "authorizations.0.details.0.id", "7000001"),
					resource.TestCheckResourceAttr(ds+"detailed", "authorizations.0.details.0.instance_name", "db01"),
					resource.TestCheckNoResourceAttr(ds+"detailed", "authorizations.1.handler"),
					resource.TestCheckResourceAttr(ds+"detailed", "authorizations.1.details.#", "0"),
					func(*terraform.State) error {
						// The two data sources are read together, each with one list call (same query); only
						// the detailed one reads the two requests' details: as many detail calls as list calls.
						var lists, details int
						for _, r := range f.Requests() {
							switch {
							case r.Method == "GET" && r.Path == "/v2/servicerequest/authorizations" && strings.Contains(r.Query, "incident_id=CS-READ"):
								lists++
							case r.Method == "GET" && (r.Path == "/v2/servicerequest/authorizations/Auth-letter" || r.Path == "/v2/servicerequest/authorizations/Auth-refused"):
								details++
							}
						}
						if details != lists || lists == 0 {
							return fmt.Errorf("%d list calls and %d detail calls: want one detail call per request per read of the detailed data source", lists, details)
						}
						return nil
					},
				),
			}))
		})
	}
}
