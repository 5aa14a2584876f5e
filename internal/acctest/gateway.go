package acctest

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	fakegateway "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
)

// ReleaseEnvID is the ID of every gateway's built-in RELEASE environment.
const ReleaseEnvID = "DEFAULT_ENVIRONMENT_RELEASE_ID"

// Gateway is a seeded gateway instance: apps, a second environment, APIs published in both environments,
// one API not published anywhere and one API that does not use app authentication.
type Gateway struct {
	Flavor           fakegateway.Flavor
	InstanceID       string
	EnvID            string // a second environment besides RELEASE
	AppIDs           []string
	APIIDs           []string
	UnpublishedAPIID string
	NoAuthAPIID      string
}

// NewFakeCloudWithQuirks starts a fake cloud that answers in the named quirks' alternative forms
// (fakecloud.Quirks), with NewFakeCloud's write delay, and stops it when the test ends.
func NewFakeCloudWithQuirks(t testing.TB, quirks ...string) *FakeCloud {
	t.Helper()
	return NewFakeCloudWith(t, fakecloud.Options{Quirks: quirks, Gateway: fakegateway.Options{WriteDelay: DefaultWriteDelay}})
}

// SeedGateway creates a gateway instance of the flavour in the default project.
func (f *FakeCloud) SeedGateway(t testing.TB, flavor fakegateway.Flavor) Gateway {
	t.Helper()
	p := string(flavor)
	g := Gateway{
		Flavor:           flavor,
		InstanceID:       p + "0000000000000000000000000000i1",
		EnvID:            p + "0000000000000000000000000000e1",
		AppIDs:           []string{p + "0000000000000000000000000000a1", p + "0000000000000000000000000000a2"},
		APIIDs:           []string{p + "0000000000000000000000000000p1", p + "0000000000000000000000000000p2", p + "0000000000000000000000000000p3"},
		UnpublishedAPIID: p + "0000000000000000000000000000u1",
		NoAuthAPIID:      p + "0000000000000000000000000000n1",
	}
	envs := []string{ReleaseEnvID, g.EnvID}
	inst := fakegateway.InstanceFixture{
		ID: g.InstanceID, Name: p + "_gateway", Flavor: flavor,
		Envs: []fakegateway.Env{{ID: g.EnvID, Name: "staging"}},
	}
	for i, id := range g.AppIDs {
		inst.Apps = append(inst.Apps, fakegateway.App{ID: id, Name: fmt.Sprintf("app_%d", i+1)})
	}
	for i, id := range g.APIIDs {
		inst.APIs = append(inst.APIs, fakegateway.API{ID: id, Name: fmt.Sprintf("api_%d", i+1), GroupID: p + "group1", GroupName: "group_1",
			ReqMethod: "GET", ReqURI: fmt.Sprintf("/v1/items%d", i+1), AuthType: "APP", PublishedEnvs: envs})
	}
	inst.APIs = append(inst.APIs,
		fakegateway.API{ID: g.UnpublishedAPIID, Name: "api_unpublished", GroupID: p + "group1", GroupName: "group_1", ReqMethod: "GET", ReqURI: "/v1/draft", AuthType: "APP"},
		fakegateway.API{ID: g.NoAuthAPIID, Name: "api_open", GroupID: p + "group1", GroupName: "group_1", ReqMethod: "GET", ReqURI: "/v1/open", AuthType: "NONE", PublishedEnvs: envs},
	)
	if err := f.Load(fakecloud.Fixture{Gateway: fakegateway.InProject(f.Creds.ProjectID, inst)}); err != nil {
		t.Fatalf("seeding the fake cloud: %v", err)
	}
	return g
}

// CheckNoAppAuths is a CheckDestroy asserting the fake cloud holds no authorization on the gateway.
func (f *FakeCloud) CheckNoAppAuths(g Gateway) func(*terraform.State) error {
	return func(*terraform.State) error {
		if left := f.Gateway().AppAuths("", g.InstanceID); len(left) > 0 {
			return fmt.Errorf("%d authorization(s) left in the fake cloud after destroy, first: %+v", len(left), left[0])
		}
		return nil
	}
}

// CheckAppAuthCount asserts how many authorizations the fake cloud holds on the gateway.
func (f *FakeCloud) CheckAppAuthCount(g Gateway, want int) func(*terraform.State) error {
	return func(*terraform.State) error {
		if got := len(f.Gateway().AppAuths("", g.InstanceID)); got != want {
			return fmt.Errorf("the fake cloud holds %d authorization(s), want %d", got, want)
		}
		return nil
	}
}

// CheckNoRequests asserts the fake cloud received no request since the last ResetRequests: plan-time
// validation must stop bad input before anything is sent.
func (f *FakeCloud) CheckNoRequests(t *testing.T) {
	t.Helper()
	if reqs := f.Requests(); len(reqs) > 0 {
		t.Errorf("plan-time validation let %d request(s) through, first: %s %s", len(reqs), reqs[0].Method, reqs[0].Path)
	}
}
