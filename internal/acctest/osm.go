package acctest

import (
	"fmt"
	"testing"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/osm"
)

// ServiceRequests are seeded access requests of support engineers, in the default account.
type ServiceRequests struct {
	Pending       string // pending, asking for one host
	PendingOther  string // pending, console access, on another ticket
	Authorized    string // accepted already
	NeedsApproval string // pending; accepting it starts an approval
	Rejected      string // rejected already
	Initializing  string // not ready to be decided
	IncidentID    string // the ticket of Pending and Authorized
	HostDetailID  int64  // the host of Pending
	HostAccount   string // its login
	HostPassword  string
	HostPort      int
}

// SeedServiceRequests files the access requests a support engineer would, in the default account.
func (f *FakeCloud) SeedServiceRequests(t *testing.T) ServiceRequests {
	t.Helper()
	s := ServiceRequests{
		Pending: "Auth-pending-1", PendingOther: "Auth-pending-2", Authorized: "Auth-authorized", NeedsApproval: "Auth-approval",
		Rejected: "Auth-rejected", Initializing: "Auth-init", IncidentID: "CS2026112300042",
		HostDetailID: 2000001, HostAccount: "support", HostPassword: "s3cret-host-password", HostPort: 22,
	}
	host := osm.Detail{ID: s.HostDetailID, Type: osm.DetailHost, Port: s.HostPort, Account: s.HostAccount, Password: s.HostPassword,
		InstanceID: "i-web01", InstanceName: "web01", RegionID: "eu-de"}
	request := func(id string, status int, incident string, details ...osm.Detail) osm.Authorization {
		return osm.Authorization{ID: id, Status: status, IncidentID: incident, SimpleDescription: "Access for " + id,
			ResourceTypeName: "ECS", VisitTypeName: "host login", AuthHandlerName: "engineer", Details: details}
	}
	approval := request(s.NeedsApproval, osm.StatusPending, "CS2026112300099")
	approval.NeedsApproval = true
	fixture := osm.InAccount("",
		request(s.Pending, osm.StatusPending, s.IncidentID, host),
		request(s.PendingOther, osm.StatusPending, "CS2026112300077", osm.Detail{Type: osm.DetailConsole}),
		request(s.Authorized, osm.StatusAuthorized, s.IncidentID),
		approval,
		request(s.Rejected, osm.StatusRejected, "CS2026112300088"),
		request(s.Initializing, osm.StatusInitializing, "CS2026112300066"),
	)
	if err := f.Load(fakecloud.Fixture{OSM: fixture}); err != nil {
		t.Fatalf("seeding the fake cloud: %v", err)
	}
	return s
}

// CheckServiceRequestStatus asserts the status the fake cloud holds for a request.
func (f *FakeCloud) CheckServiceRequestStatus(id string, want int) func() error {
	return func() error {
		a, ok := f.OSM().Authorization("", id)
		switch {
		case !ok:
			return fmt.Errorf("request %s does not exist in the fake cloud", id)
		case a.Status != want:
			return fmt.Errorf("request %s is in status %d, want %d", id, a.Status, want)
		}
		return nil
	}
}
