package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/cloudauthz/terraform-provider-authz/internal/acctest"
	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	fakegateway "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
	"github.com/cloudauthz/terraform-provider-authz/internal/provider"
)

// BenchmarkPlanRPCs measures what a no-change plan costs the provider per resource, without Terraform: the
// four calls Terraform makes for each resource (UpgradeResourceState, ValidateResourceConfig, ReadResource,
// PlanResourceChange), over the plugin protocol, against the fake cloud over HTTP. The harness
// (internal/bench) measures whole plans; this isolates the provider's share, allocations included.
func BenchmarkPlanRPCs(b *testing.B) {
	// As main.go leaves them when Terraform discards the provider's logs.
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_AUTHZ"} {
		b.Setenv(name, "off")
	}
	f := acctest.NewFakeCloudWith(b, fakecloud.Options{})
	g := f.SeedGateway(b, fakegateway.FlavorAPIG)
	p := newRPCProvider(b, f)
	for _, bc := range []struct {
		typeName string
		config   map[string]tftypes.Value
	}{
		{"authz_apig_app_authorization", map[string]tftypes.Value{
			"instance_id": str(g.InstanceID), "env_id": str(acctest.ReleaseEnvID), "app_id": str(g.AppIDs[0]), "api_id": str(g.APIIDs[0]),
		}},
		{"authz_apig_app_acl", map[string]tftypes.Value{
			"instance_id": str(g.InstanceID), "app_id": str(g.AppIDs[1]), "type": str(cloud.ACLPermit),
			"values": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{str("10.0.0.0/24"), str("192.168.1.10")}),
		}},
	} {
		// Created once: the sub-benchmark's function runs more than once.
		config := p.value(b, bc.typeName, bc.config)
		raw := rawState(b, p.create(b, bc.typeName, config))
		b.Run(bc.typeName, func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				p.planOne(ctx, b, bc.typeName, raw, config)
			}
			b.StopTimer()
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(ms.HeapAlloc)/1e6, "MB-live-after")
		})
	}
}

func str(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

// rpcProvider is the provider served over protocol 6 in-process, configured against a fake cloud.
type rpcProvider struct {
	tfprotov6.ProviderServer
	types map[string]tftypes.Object // resource type name => its state's type
}

func newRPCProvider(b testing.TB, f *acctest.FakeCloud) *rpcProvider {
	ctx := context.Background()
	server := provider.NewServer("bench")()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		b.Fatal(err, schemas.Diagnostics)
	}
	p := &rpcProvider{ProviderServer: server, types: map[string]tftypes.Object{}}
	for name, s := range schemas.ResourceSchemas {
		p.types[name] = s.ValueType().(tftypes.Object)
	}
	endpoints := map[string]tftypes.Value{}
	for _, s := range cloud.Services {
		endpoints[string(s)] = str(f.URL)
	}
	providerType := schemas.Provider.ValueType().(tftypes.Object)
	config := objectOf(providerType, map[string]tftypes.Value{
		"region": str(f.Creds.ProjectName), "project_id": str(f.Creds.ProjectID), "token": str(f.Creds.Token),
		"endpoints": tftypes.NewValue(providerType.AttributeTypes["endpoints"], endpoints),
	})
	resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.5.7", Config: dynamic(b, providerType, config)})
	if err != nil || len(resp.Diagnostics) > 0 {
		b.Fatal(err, diagnostics(resp.Diagnostics))
	}
	return p
}

// objectOf is an object of type t holding attrs and null everywhere else.
func objectOf(t tftypes.Object, attrs map[string]tftypes.Value) tftypes.Value {
	vals := map[string]tftypes.Value{}
	for name, at := range t.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
		if v, ok := attrs[name]; ok {
			vals[name] = v
		}
	}
	return tftypes.NewValue(t, vals)
}

func (p *rpcProvider) value(b testing.TB, typeName string, attrs map[string]tftypes.Value) tftypes.Value {
	t, ok := p.types[typeName]
	if !ok {
		b.Fatalf("no resource type %s", typeName)
	}
	return objectOf(t, attrs)
}

func dynamic(b testing.TB, t tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	dv, err := tfprotov6.NewDynamicValue(t, v)
	if err != nil {
		b.Fatal(err)
	}
	return &dv
}

func diagnostics(diags []*tfprotov6.Diagnostic) string {
	var s string
	for _, d := range diags {
		s += fmt.Sprintf("%s: %s; ", d.Summary, d.Detail)
	}
	return s
}

// create plans and applies the resource once, as Terraform would, and returns its state.
func (p *rpcProvider) create(b testing.TB, typeName string, config tftypes.Value) tftypes.Value {
	ctx, t := context.Background(), p.types[typeName]
	null := dynamic(b, t, tftypes.NewValue(t, nil))
	planned, err := p.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: typeName, PriorState: null, ProposedNewState: dynamic(b, t, config), Config: dynamic(b, t, config),
	})
	if err != nil || len(planned.Diagnostics) > 0 {
		b.Fatal(err, diagnostics(planned.Diagnostics))
	}
	applied, err := p.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: typeName, PriorState: null, PlannedState: planned.PlannedState, Config: dynamic(b, t, config),
	})
	if err != nil || len(applied.Diagnostics) > 0 {
		b.Fatal(err, diagnostics(applied.Diagnostics))
	}
	state, err := applied.NewState.Unmarshal(t)
	if err != nil {
		b.Fatal(err)
	}
	return state
}

// rawState is the state as Terraform stores it (JSON), for UpgradeResourceState.
func rawState(b testing.TB, state tftypes.Value) []byte {
	j, err := json.Marshal(jsonOf(b, state))
	if err != nil {
		b.Fatal(err)
	}
	return j
}

// jsonOf converts the value kinds the measured resources' states hold.
func jsonOf(b testing.TB, v tftypes.Value) any {
	if v.IsNull() {
		return nil
	}
	switch {
	case v.Type().Is(tftypes.String):
		var s string
		_ = v.As(&s)
		return s
	case v.Type().Is(tftypes.Object{}), v.Type().Is(tftypes.Map{}):
		var m map[string]tftypes.Value
		_ = v.As(&m)
		out := map[string]any{}
		for k, e := range m {
			out[k] = jsonOf(b, e)
		}
		return out
	case v.Type().Is(tftypes.Set{}), v.Type().Is(tftypes.List{}):
		var l []tftypes.Value
		_ = v.As(&l)
		out := []any{}
		for _, e := range l {
			out = append(out, jsonOf(b, e))
		}
		return out
	}
	b.Fatalf("no JSON for %s", v.Type())
	return nil
}

// planOne makes the calls of a no-change plan of one resource, checking that each succeeds and that the
// plan changes nothing.
func (p *rpcProvider) planOne(ctx context.Context, b testing.TB, typeName string, raw []byte, config tftypes.Value) {
	t := p.types[typeName]
	up, err := p.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: typeName, RawState: &tfprotov6.RawState{JSON: raw}})
	if err != nil || len(up.Diagnostics) > 0 {
		b.Fatal(err, diagnostics(up.Diagnostics))
	}
	cfg := dynamic(b, t, config)
	val, err := p.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: typeName, Config: cfg})
	if err != nil || len(val.Diagnostics) > 0 {
		b.Fatal(err, diagnostics(val.Diagnostics))
	}
	read, err := p.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: typeName, CurrentState: up.UpgradedState})
	if err != nil || len(read.Diagnostics) > 0 {
		b.Fatal(err, diagnostics(read.Diagnostics))
	}
	plan, err := p.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: typeName, PriorState: read.NewState, ProposedNewState: read.NewState, Config: cfg,
	})
	if err != nil || len(plan.Diagnostics) > 0 {
		b.Fatal(err, diagnostics(plan.Diagnostics))
	}
	if len(plan.RequiresReplace) > 0 {
		b.Fatalf("the plan replaces %s", typeName)
	}
}
