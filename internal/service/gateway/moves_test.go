package gateway_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	"github.com/cloudauthz/terraform-provider-authz/internal/acctest/standin"
	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	fakegateway "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
	"github.com/cloudauthz/terraform-provider-authz/internal/provider"
)

// The states the source providers keep, as the plugin SDK writes them (every attribute, the id among them):
// one per source type, with the identity the move must give its target.
var moveSources = []struct {
	source, target string
	state          string
	// want is the target's state after the move, as an import gives it; identity its identity.
	want, identity map[string]string
}{
	{
		source: "huaweicloud_apig_application_authorization", target: "authz_apig_app_authorization_set",
		state: `{"id":"i1/e1/a1","region":"eu-west-101","instance_id":"i1","application_id":"a1","env_id":"e1",` +
			`"api_ids":["p1","p2","p9"],"api_ids_origin":["p1","p2"]}`,
		want:     map[string]string{"id": "i1/e1/a1", "instance_id": "i1", "env_id": "e1", "app_id": "a1"},
		identity: map[string]string{"instance_id": "i1", "env_id": "e1", "app_id": "a1"},
	},
	{
		source: "opentelekomcloud_apigw_application_authorization_v2", target: "authz_apig_app_authorization_set",
		state: `{"id":"e1/a1","gateway_id":"i1","application_id":"a1","env_id":"e1","api_ids":["p1"],"region":"eu-de",` +
			`"timeouts":{"create":"5m","update":null,"delete":null}}`,
		want:     map[string]string{"id": "i1/e1/a1", "instance_id": "i1", "env_id": "e1", "app_id": "a1"},
		identity: map[string]string{"instance_id": "i1", "env_id": "e1", "app_id": "a1"},
	},
	{
		source: "huaweicloud_apig_application_acl", target: "authz_apig_app_acl",
		state:    `{"id":"a1","region":"eu-west-101","instance_id":"i1","application_id":"a1","type":"PERMIT","values":["10.0.0.0/24"]}`,
		want:     map[string]string{"id": "i1/a1", "instance_id": "i1", "app_id": "a1"},
		identity: map[string]string{"instance_id": "i1", "app_id": "a1"},
	},
}

// moveServer is the provider's protocol server, with the types to decode its answers.
type moveServer struct {
	tfprotov6.ProviderServer
	states, identities map[string]tftypes.Type
}

func newMoveServer(t *testing.T) moveServer {
	t.Helper()
	ctx := context.Background()
	s := moveServer{ProviderServer: provider.NewServer("test")(), states: map[string]tftypes.Type{}, identities: map[string]tftypes.Type{}}
	schemas, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		t.Fatalf("GetProviderSchema: %v %v", err, schemas.Diagnostics)
	}
	for name, sch := range schemas.ResourceSchemas {
		s.states[name] = sch.ValueType()
	}
	ids, err := s.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil || len(ids.Diagnostics) > 0 {
		t.Fatalf("GetResourceIdentitySchemas: %v %v", err, ids.Diagnostics)
	}
	for name, sch := range ids.IdentitySchemas {
		s.identities[name] = sch.ValueType()
	}
	return s
}

// move sends MoveResourceState as Terraform does and returns the answer's diagnostics, and on success the
// target's state and identity, every attribute as a string ("<null>" for null, "[]" for an empty set).
func (s moveServer) move(t *testing.T, address, source string, version int64, state, target string) (diags string, got, identity map[string]string) {
	t.Helper()
	resp, err := s.MoveResourceState(context.Background(), &tfprotov6.MoveResourceStateRequest{
		SourceProviderAddress: address, SourceTypeName: source, SourceSchemaVersion: version,
		SourceState: &tfprotov6.RawState{JSON: []byte(state)}, TargetTypeName: target,
	})
	if err != nil {
		t.Fatalf("MoveResourceState: %v", err)
	}
	for _, d := range resp.Diagnostics {
		diags += fmt.Sprintf("%s: %s: %s\n", d.Severity, d.Summary, d.Detail)
	}
	if len(resp.Diagnostics) > 0 || resp.TargetState == nil {
		return diags, nil, nil
	}
	got = decode(t, resp.TargetState, s.states[target])
	if resp.TargetIdentity != nil {
		identity = decode(t, resp.TargetIdentity.IdentityData, s.identities[target])
	}
	return diags, got, identity
}

func decode(t *testing.T, v *tfprotov6.DynamicValue, typ tftypes.Type) map[string]string {
	t.Helper()
	value, err := v.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := value.As(&attrs); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for name, a := range attrs {
		var s string
		var elems []tftypes.Value
		switch {
		case a.IsNull():
			out[name] = "<null>"
		case a.As(&s) == nil:
			out[name] = s
		case a.As(&elems) == nil:
			out[name] = fmt.Sprint(elems)
		default:
			out[name] = a.String()
		}
	}
	return out
}

// TestMoveResourceState_addressForms calls the provider server's MoveResourceState as each client does: every
// source type from its provider's address as Terraform sends it (registry.terraform.io), as OpenTofu 1.12.4 and
// later send it (registry.opentofu.org), from a mirror's host, and in the shortened forms of older OpenTofu
// (NAMESPACE/TYPE, and the bare type it took from the resource type). Each gives the state an import gives:
// the IDs, and for a set an empty api_ids for Read to fill; the identity follows it.
func TestMoveResourceState_addressForms(t *testing.T) {
	s := newMoveServer(t)
	for _, src := range moveSources {
		provider := strings.SplitN(src.source, "_", 2)[0]
		for _, address := range []string{
			"registry.terraform.io/" + provider + "/" + provider,
			"registry.opentofu.org/" + provider + "/" + provider,
			"mirror.example.com/" + provider + "/" + provider,
			provider + "/" + provider,
			provider,
		} {
			t.Run(src.source+"/"+address, func(t *testing.T) {
				diags, got, identity := s.move(t, address, src.source, 0, src.state, src.target)
				if diags != "" {
					t.Fatalf("the move failed:\n%s", diags)
				}
				want := maps.Clone(src.want)
				want["timeouts"] = "<null>"
				if src.target == "authz_apig_app_authorization_set" {
					want["api_ids"], want["authorization_ids"] = "[]", "<null>"
				} else {
					want["type"], want["values"] = "<null>", "<null>"
				}
				if !maps.Equal(got, want) {
					t.Errorf("moved state:\n got %v\nwant %v", got, want)
				}
				if !maps.Equal(identity, src.identity) {
					t.Errorf("moved identity: got %v, want %v", identity, src.identity)
				}
			})
		}
	}
}

// TestMoveResourceState_refused: a source of another provider, a source type the target does not take, a
// ROMA Connect target and a state the source's schema does not describe get errors, and nothing is moved.
func TestMoveResourceState_refused(t *testing.T) {
	s := newMoveServer(t)
	hw, otc, acl := moveSources[0], moveSources[1], moveSources[2]
	for _, tc := range []struct {
		name, address, source, state, target string
		version                              int64
		want                                 string // in the diagnostics
	}{
		{"other namespace", "registry.terraform.io/hashicorp/huaweicloud", hw.source, hw.state, hw.target, 0, "Unable to Move Resource State"},
		{"other type", "registry.terraform.io/huaweicloud/huaweicloudstack", hw.source, hw.state, hw.target, 0, "Unable to Move Resource State"},
		{"other provider's bare name", "g42cloud", hw.source, hw.state, hw.target, 0, "Unable to Move Resource State"},
		{"source type of the other provider", "registry.terraform.io/huaweicloud/huaweicloud", otc.source, otc.state, otc.target, 0, "Unable to Move Resource State"},
		{"ACL into a set", "registry.terraform.io/huaweicloud/huaweicloud", acl.source, acl.state, hw.target, 0, "Unable to Move Resource State"},
		{"set into an ACL", "registry.terraform.io/huaweicloud/huaweicloud", hw.source, hw.state, acl.target, 0, "Unable to Move Resource State"},
		{"ROMA set", "registry.terraform.io/huaweicloud/huaweicloud", hw.source, hw.state, "authz_roma_app_authorization_set", 0, "Unable to Move Resource State"},
		{"ROMA ACL", "registry.terraform.io/huaweicloud/huaweicloud", acl.source, acl.state, "authz_roma_app_acl", 0, "Unable to Move Resource State"},
		{"single authorization", "registry.terraform.io/huaweicloud/huaweicloud", hw.source, hw.state, "authz_apig_app_authorization", 0, "Unable to Move Resource State"},

		{"no application_id", "registry.terraform.io/huaweicloud/huaweicloud", hw.source,
			`{"id":"i1/e1/a1","instance_id":"i1","env_id":"e1","api_ids":["p1"]}`, hw.target, 0, "has no application_id"},
		{"empty gateway_id", "registry.opentofu.org/opentelekomcloud/opentelekomcloud", otc.source,
			`{"id":"e1/a1","gateway_id":"","application_id":"a1","env_id":"e1","api_ids":[]}`, otc.target, 0, "has no gateway_id"},
		{"no env_id", "huaweicloud", hw.source, `{"instance_id":"i1","application_id":"a1","api_ids":null}`, hw.target, 0, "has no env_id"},
		{"no instance_id", "huaweicloud/huaweicloud", acl.source, `{"id":"a1","application_id":"a1","type":"DENY","values":[]}`, acl.target, 0, "has no instance_id"},
		{"a slash in an ID", "registry.terraform.io/huaweicloud/huaweicloud", hw.source,
			`{"instance_id":"i1","application_id":"a1","env_id":"e1/x","api_ids":[]}`, hw.target, 0, `has env_id "e1/x", which is not a gateway ID`},
		{"attributes of other types", "registry.terraform.io/huaweicloud/huaweicloud", acl.source,
			`{"instance_id":"i1","application_id":"a1","type":"PERMIT","values":{"a":1}}`, acl.target, 0, "does not have the attributes its documentation describes"},
		{"later schema version", "registry.terraform.io/huaweicloud/huaweicloud", hw.source, hw.state, hw.target, 1, "is of schema version 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			diags, got, _ := s.move(t, tc.address, tc.source, tc.version, tc.state, tc.target)
			if got != nil || !strings.Contains(strings.Join(strings.Fields(diags), " "), tc.want) {
				t.Errorf("want an error with %q and no state; got state %v, diagnostics:\n%s", tc.want, got, diags)
			}
		})
	}
}

// skipWithoutCrossProviderMoves skips unless the CLI moves state across providers: moved blocks across providers need Terraform 1.8 (the MoveResourceState call) and OpenTofu 1.10
// (moves between resource types).
func skipWithoutCrossProviderMoves(t *testing.T) acctest.CLI {
	t.Helper()
	cli := acctest.TerraformCLI(t)
	if cli.OpenTofu() && cli.Version.LessThan(version.Must(version.NewVersion("1.10.0"))) {
		t.Skipf("moved blocks across resource types need OpenTofu 1.10.0 or later; this is %s", cli)
	}
	return acctest.SkipBelow(t, "1.8.0", "moved blocks across providers")
}

// plannedChanges runs `plan -out` and reads the saved plan's resource changes with `show -json`.
func plannedChanges(t *testing.T, tf *acctest.Terraform) []plannedChange {
	t.Helper()
	planFile := filepath.Join(tf.Dir(), "moves.tfplan")
	tf.MustRun("plan", "-out="+planFile)
	out := tf.MustRun("show", "-json", planFile)
	var doc struct {
		ResourceChanges []plannedChange `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(out.Stdout), &doc); err != nil {
		t.Fatalf("decoding the saved plan: %v\n%s", err, out.Stdout)
	}
	return doc.ResourceChanges
}

type plannedChange struct {
	Address         string `json:"address"`
	PreviousAddress string `json:"previous_address"`
	Change          struct {
		Actions []string `json:"actions"`
	} `json:"change"`
}

// authRecord is an authorization record as the fake cloud holds it, without its times.
type authRecord struct{ ID, AppID, APIID, EnvID string }

func authRecords(f *acctest.FakeCloud, g acctest.Gateway) []authRecord {
	var out []authRecord
	for _, a := range f.Gateway().AppAuths("", g.InstanceID) {
		out = append(out, authRecord{a.ID, a.AppID, a.APIID, a.EnvID})
	}
	return out
}

// TestAccMove_fromTheCloudsProviders applies each source type with a stand-in of its provider, served under
// the address the CLI gives it (registry.terraform.io under Terraform, registry.opentofu.org under OpenTofu),
// then moves all three to this provider with moved blocks. The apps also hold authorizations in RELEASE made
// by hand, which the source states pick up on refresh, as those providers read without an environment filter.
// The move must plan no create or destroy and no change at all (the configuration matches the cloud), send no
// write, keep every authorization record and the ACL as they were, and leave an empty plan; the moved
// resources are then fully managed: destroying them revokes their own environment's grants and nothing else.
func TestAccMove_fromTheCloudsProviders(t *testing.T) {
	skipWithoutCrossProviderMoves(t)
	f := acctest.NewFakeCloud(t)
	g := f.SeedGateway(t, fakegateway.FlavorAPIG)
	client := f.Client(t)
	ctx := context.Background()

	// Grants in RELEASE made by hand: P3 for app 1, P2 for app 2.
	for app, api := range map[string]string{g.AppIDs[0]: g.APIIDs[2], g.AppIDs[1]: g.APIIDs[1]} {
		if _, err := client.Gateway(cloud.FlavorAPIG).CreateAppAuths(ctx, g.InstanceID, cloud.CreateAppAuthsRequest{
			EnvID: acctest.ReleaseEnvID, AppIDs: []string{app}, APIIDs: []string{api},
		}); err != nil {
			t.Fatal(err)
		}
	}

	host := acctest.ProviderHost()
	tf := acctest.NewTerraform(t, sourcesConfig(g),
		acctest.OtherProvider{Address: host + "/huaweicloud/huaweicloud", Server: standin.HuaweiCloud(client)},
		acctest.OtherProvider{Address: host + "/opentelekomcloud/opentelekomcloud", Server: standin.OpenTelekomCloud(client)},
	)
	tf.MustRun("apply", "-auto-approve")
	tf.MustRun("apply", "-refresh-only", "-auto-approve")
	sources := tf.State()
	for typ, want := range map[string][]string{
		"huaweicloud_apig_application_authorization":          {g.APIIDs[0], g.APIIDs[1], g.APIIDs[2]},
		"opentelekomcloud_apigw_application_authorization_v2": {g.APIIDs[0], g.APIIDs[1], g.APIIDs[2]},
	} {
		rs := sources.OfType(typ)
		if len(rs) != 1 {
			t.Fatalf("the state holds %d %s, want 1", len(rs), typ)
		}
		var got []string
		for _, v := range rs[0].Values["api_ids"].([]any) {
			got = append(got, v.(string))
		}
		if slices.Sort(got); !slices.Equal(got, want) {
			t.Fatalf("after a refresh the source state of %s holds api_ids %v, want %v (RELEASE's among them)", typ, got, want)
		}
	}
	records := authRecords(f, g)
	if len(records) != 6 {
		t.Fatalf("the fake cloud holds %d authorizations, want 6: %+v", len(records), records)
	}
	acl, ok := f.Gateway().AppACL("", g.InstanceID, g.AppIDs[0])
	if !ok {
		t.Fatal("the stand-in made no ACL")
	}
	f.ResetRequests()

	tf.SetConfig(f.ProviderConfig(movedConfig(g)))
	changes := plannedChanges(t, tf)
	moved := map[string]string{}
	for _, c := range changes {
		if !slices.Equal(c.Change.Actions, []string{"no-op"}) {
			t.Errorf("%s (was %s) plans %v, want no change", c.Address, c.PreviousAddress, c.Change.Actions)
		}
		moved[c.Address] = c.PreviousAddress
	}
	wantMoved := map[string]string{
		"authz_apig_app_authorization_set.hw":  "huaweicloud_apig_application_authorization.hw",
		"authz_apig_app_authorization_set.otc": "opentelekomcloud_apigw_application_authorization_v2.otc",
		"authz_apig_app_acl.acl":               "huaweicloud_apig_application_acl.acl",
	}
	if !maps.Equal(moved, wantMoved) {
		t.Errorf("the plan moves %v, want %v", moved, wantMoved)
	}
	tf.MustRun("apply", filepath.Join(tf.Dir(), "moves.tfplan"))
	if w := f.Writes(); len(w) > 0 {
		t.Errorf("planning and applying the move sent %d write(s), first %s %s", len(w), w[0].Method, w[0].Path)
	}
	if got := authRecords(f, g); !slices.Equal(got, records) {
		t.Errorf("the move changed the authorization records:\n got %+v\nwant %+v", got, records)
	}
	if got, _ := f.Gateway().AppACL("", g.InstanceID, g.AppIDs[0]); got.Type != acl.Type || !slices.Equal(got.Values, acl.Values) {
		t.Errorf("the move changed the ACL: got %+v, want %+v", got, acl)
	}
	state := tf.State()
	for _, r := range state.OfType("authz_apig_app_authorization_set") {
		ids, _ := r.Values["authorization_ids"].(map[string]any)
		if len(ids) != 2 {
			t.Errorf("%s records authorization_ids %v, want its environment's two", r.Address, ids)
		}
	}
	if r := tf.Run("plan", "-detailed-exitcode"); r.ExitCode != 0 {
		t.Fatalf("the plan after the move is not empty (exit %d, 2 means changes):\n%s", r.ExitCode, r)
	}

	tf.MustRun("destroy", "-auto-approve")
	var left []authRecord
	for _, r := range records {
		if r.EnvID == acctest.ReleaseEnvID {
			left = append(left, r)
		}
	}
	if got := authRecords(f, g); !slices.Equal(got, left) {
		t.Errorf("after destroying the moved resources the fake cloud holds %+v, want RELEASE's grants made by hand %+v", got, left)
	}
	if _, ok := f.Gateway().AppACL("", g.InstanceID, g.AppIDs[0]); ok {
		t.Error("destroying the moved ACL left it in the fake cloud")
	}
}

// sourcesConfig is what the clouds' own providers managed: app 1's APIs in the second environment with
// huaweicloud, app 2's with opentelekomcloud, and app 1's ACL with huaweicloud (after the authorization: the
// gateway refuses concurrent writes for one app).
func sourcesConfig(g acctest.Gateway) string {
	return fmt.Sprintf(`
terraform {
  required_providers {
    huaweicloud      = { source = "huaweicloud/huaweicloud" }
    opentelekomcloud = { source = "opentelekomcloud/opentelekomcloud" }
  }
}

resource "huaweicloud_apig_application_authorization" "hw" {
  instance_id    = %[1]q
  application_id = %[2]q
  env_id         = %[4]q
  api_ids        = %[5]s
}

resource "opentelekomcloud_apigw_application_authorization_v2" "otc" {
  gateway_id     = %[1]q
  application_id = %[3]q
  env_id         = %[4]q
  api_ids        = %[6]s
}

resource "huaweicloud_apig_application_acl" "acl" {
  instance_id    = %[1]q
  application_id = %[2]q
  type           = "PERMIT"
  values         = ["10.0.0.0/24", "192.168.0.1"]

  depends_on = [huaweicloud_apig_application_authorization.hw]
}
`, g.InstanceID, g.AppIDs[0], g.AppIDs[1], g.EnvID, hclSet(g.APIIDs[0], g.APIIDs[1]), hclSet(g.APIIDs[0], g.APIIDs[2]))
}

// movedConfig is the same access with this provider, and a moved block for each resource.
func movedConfig(g acctest.Gateway) string {
	moved := func(from, typ, name, body string) string {
		return fmt.Sprintf("\nresource %q %q {\n%s}\n\nmoved {\n  from = %s\n  to   = %s.%s\n}\n", typ, name, body, from, typ, name)
	}
	set := func(app string, apis ...string) string {
		return fmt.Sprintf("  instance_id = %q\n  env_id      = %q\n  app_id      = %q\n  api_ids     = %s\n", g.InstanceID, g.EnvID, app, hclSet(apis...))
	}
	acl := fmt.Sprintf("  instance_id = %q\n  app_id      = %q\n  type        = \"PERMIT\"\n  values      = [\"10.0.0.0/24\", \"192.168.0.1\"]\n",
		g.InstanceID, g.AppIDs[0])
	return moved("huaweicloud_apig_application_authorization.hw", "authz_apig_app_authorization_set", "hw", set(g.AppIDs[0], g.APIIDs[0], g.APIIDs[1])) +
		moved("opentelekomcloud_apigw_application_authorization_v2.otc", "authz_apig_app_authorization_set", "otc", set(g.AppIDs[1], g.APIIDs[0], g.APIIDs[2])) +
		moved("huaweicloud_apig_application_acl.acl", "authz_apig_app_acl", "acl", acl)
}
