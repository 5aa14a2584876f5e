package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	fakegateway "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/osm"
)

// TestAccQuery_generateConfig is adoption end to end, for every list resource: a fake cloud holds grants
// made by hand, `terraform query -generate-config-out` writes a resource and an import block for each, and
// `terraform plan` of the generated configuration plans exactly one import per listed grant and no other
// change; the apply imports them, writing nothing to the cloud, and the next plan is empty.
func TestAccQuery_generateConfig(t *testing.T) {
	acctest.SkipUnlessQuery(t)
	t.Parallel()
	w := newWorld(t)
	want := map[string]int{} // listed results by list resource type
	var query strings.Builder
	listAll := func(typ, config string, n int) {
		want[typ] = n
		fmt.Fprintf(&query, "list %q \"adopt\" {\n  provider = authz\n  limit    = 1000\n  config {\n    %s\n  }\n}\n", typ, config)
	}
	for flavor, g := range w.gateways {
		for _, a := range []fakegateway.AppAuth{
			{AppID: g.AppIDs[0], APIID: g.APIIDs[0], EnvID: acctest.ReleaseEnvID},
			{AppID: g.AppIDs[0], APIID: g.APIIDs[2], EnvID: g.EnvID},
			{AppID: g.AppIDs[1], APIID: g.APIIDs[1], EnvID: acctest.ReleaseEnvID},
		} {
			if _, err := w.f.Gateway().AddAppAuth("", g.InstanceID, a); err != nil {
				t.Fatal(err)
			}
		}
		for i, typ := range []string{cloud.ACLPermit, cloud.ACLDeny} {
			if _, err := w.f.Client(t).Gateway(cloud.Flavor(flavor)).PutAppACL(context.Background(), g.InstanceID, g.AppIDs[i], typ, []string{"10.0.0.0/24", fmt.Sprintf("192.168.0.%d", i+1)}); err != nil {
				t.Fatal(err)
			}
		}
		inst := fmt.Sprintf("instance_id = %q", g.InstanceID)
		listAll("authz_"+string(flavor)+"_app_authorization", inst, 3)
		listAll("authz_"+string(flavor)+"_app_acl", inst, 2)
	}
	for _, grant := range [][2]int{{0, 0}, {0, 1}, {1, 2}} {
		if err := w.f.ModelArts().Authorize("", w.ma.ServiceID, w.ma.APIIDs[grant[0]], "0", w.ma.AppIDs[grant[1]]); err != nil {
			t.Fatal(err)
		}
	}
	listAll("authz_modelarts_app_authorization", fmt.Sprintf("service_id = %q", w.ma.ServiceID), 3)
	now := time.Now().Unix()
	for i, status := range []int{osm.StatusAuthorized, osm.StatusRejected} {
		a := osm.Authorization{ID: fmt.Sprintf("Auth-adopt-%d", i), Status: status, IncidentID: "CS2026120700042", SimpleDescription: "Console access",
			ResourceTypeName: "ECS", VisitTypeName: "console", AuthHandlerName: "tenant", AuthEffectiveTime: now * 1000}
		if status == osm.StatusRejected {
			a.RejectReason, a.AuthEffectiveTime = "not now", 0
		}
		if _, err := w.f.OSM().AddAuthorization("", a); err != nil {
			t.Fatal(err)
		}
	}
	listAll("authz_service_request_authorization", `incident_id = "CS2026120700042"`, 2)

	tf := acctest.NewTerraform(t, w.provider(withAccessKey).String())
	if err := os.WriteFile(filepath.Join(tf.Dir(), "adopt.tfquery.hcl"), []byte(query.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	r := tf.MustRun("query", "-json", "-generate-config-out=generated.tf")
	for typ, n := range want {
		if got := strings.Count(r.Stdout, fmt.Sprintf(`"list_complete":{"address":"list.%s.adopt","resource_type":%q,"total":%d}`, typ, typ, n)); got != 1 {
			t.Errorf("list.%s.adopt: want %d results\n%s", typ, n, r.Stdout)
		}
	}
	generated, err := os.ReadFile(filepath.Join(tf.Dir(), "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for typ, n := range want {
		total += n
		if got := strings.Count(string(generated), fmt.Sprintf("resource %q ", typ)); got != n {
			t.Errorf("generated.tf holds %d resource blocks of %s, want %d", got, typ, n)
		}
	}
	if t.Failed() {
		t.Fatalf("generated.tf:\n%s", generated)
	}

	w.f.ResetRequests()
	tf.MustRun("plan", "-out=adopt.tfplan")
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions   []string        `json:"actions"`
				Importing json.RawMessage `json:"importing"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(tf.MustRun("show", "-json", "adopt.tfplan").Stdout), &plan); err != nil {
		t.Fatal(err)
	}
	if len(plan.ResourceChanges) != total {
		t.Errorf("the plan of the generated configuration changes %d resources, want %d imports", len(plan.ResourceChanges), total)
	}
	for _, rc := range plan.ResourceChanges {
		if strings.Join(rc.Change.Actions, ",") != "no-op" || len(rc.Change.Importing) == 0 {
			t.Errorf("%s: planned %v (importing %s), want an import and nothing else", rc.Address, rc.Change.Actions, rc.Change.Importing)
		}
	}
	if t.Failed() {
		t.Fatalf("generated.tf:\n%s\nplan:\n%s", generated, tf.MustRun("show", "adopt.tfplan").Stdout)
	}
	tf.MustRun("apply", "adopt.tfplan")
	if writes := w.f.Writes(); len(writes) > 0 {
		t.Errorf("adopting by import wrote to the cloud: %d writes, first %s %s", len(writes), writes[0].Method, writes[0].Path)
	}
	if r := tf.Run("plan", "-detailed-exitcode"); r.ExitCode != 0 {
		t.Errorf("the plan after the imports is not empty:\n%s", r)
	}
}
