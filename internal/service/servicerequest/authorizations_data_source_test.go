package servicerequest_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
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
