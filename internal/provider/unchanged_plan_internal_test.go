package provider

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
)

// TestUnchangedPlansAreTheFrameworks plans an unchanged object of every resource type through the provider's
// server and through the framework's own, and requires the same answer: with every attribute and block set,
// with the optional ones left out, and left out with the attributes that have a default holding it.
func TestUnchangedPlansAreTheFrameworks(t *testing.T) {
	ctx := context.Background()
	ours := NewServer("test")().(releasingServer)
	theirs := providerserver.NewProtocol6(New("test")())()
	schemas, err := theirs.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		t.Fatal(err, schemas.Diagnostics)
	}

	shortcut := map[string][]string{} // by sample, the types planned without the framework
	for typeName, s := range schemas.ResourceSchemas {
		for _, sample := range []string{"full", "sparse", "defaults"} {
			state := sampleBlock(s.Block, sampleMode{sparse: sample != "full"})
			config := sampleBlock(s.Block, sampleMode{sparse: sample != "full", config: true})
			if u := ours.unchangedPlans[typeName]; sample == "defaults" && u != nil {
				state = withAttributes(t, state, u.defaults)
			}
			req := &tfprotov6.PlanResourceChangeRequest{
				TypeName:         typeName,
				PriorState:       dynamicValue(t, state),
				ProposedNewState: dynamicValue(t, state),
				Config:           dynamicValue(t, config),
			}
			if _, ok := ours.planUnchanged(ctx, req); ok {
				shortcut[sample] = append(shortcut[sample], typeName)
			}
			want, err := theirs.PlanResourceChange(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ours.PlanResourceChange(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if d, w := summaries(got.Diagnostics), summaries(want.Diagnostics); !slices.Equal(d, w) {
				t.Fatalf("%s: diagnostics %q, the framework's %q", typeName, d, w)
			}
			if len(want.Diagnostics) > 0 {
				continue
			}
			wantState, gotState := planned(t, want, s), planned(t, got, s)
			if !gotState.Equal(wantState) {
				t.Errorf("%s (%s): planned\n%v\nthe framework planned\n%v", typeName, sample, gotState, wantState)
			}
			if !slices.EqualFunc(got.RequiresReplace, want.RequiresReplace, (*tftypes.AttributePath).Equal) || !bytes.Equal(got.PlannedPrivate, want.PlannedPrivate) {
				t.Errorf("%s: replace %v private %q, the framework's replace %v private %q",
					typeName, got.RequiresReplace, got.PlannedPrivate, want.RequiresReplace, want.PlannedPrivate)
			}
		}
	}

	// ModifyPlan (the sets) and custom types that validate (the service tickets' times) leave the plan to the
	// framework. Attributes left out of the configuration that have a default (ROMA's tunnel, ModelArts'
	// workspace) leave it to the framework unless they hold the default.
	for sample, want := range map[string][]string{
		"full":     {"authz_apig_app_acl", "authz_apig_app_authorization", "authz_modelarts_app_authorization", "authz_roma_app_acl", "authz_roma_app_authorization"},
		"sparse":   {"authz_apig_app_acl", "authz_apig_app_authorization", "authz_roma_app_acl"},
		"defaults": {"authz_apig_app_acl", "authz_apig_app_authorization", "authz_modelarts_app_authorization", "authz_roma_app_acl", "authz_roma_app_authorization"},
	} {
		if got := slices.Sorted(slices.Values(shortcut[sample])); !slices.Equal(got, want) {
			t.Errorf("%s: planned without the framework: %v, want %v", sample, got, want)
		}
	}
}

// withAttributes returns v with the given attributes replaced.
func withAttributes(t *testing.T, v tftypes.Value, replace map[string]tftypes.Value) tftypes.Value {
	t.Helper()
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	attrs = copyMap(attrs)
	for name, value := range replace {
		attrs[name] = value
	}
	return tftypes.NewValue(v.Type(), attrs)
}

// TestChangedPlansGoToTheFramework changes an argument that replaces the authorization: the framework plans it.
func TestChangedPlansGoToTheFramework(t *testing.T) {
	ctx := context.Background()
	ours := NewServer("test")().(releasingServer)
	schemas, err := ours.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	const typeName = "authz_apig_app_authorization"
	s := schemas.ResourceSchemas[typeName]
	state := sampleBlock(s.Block, sampleMode{})
	req := &tfprotov6.PlanResourceChangeRequest{TypeName: typeName, PriorState: dynamicValue(t, state)}
	var attrs map[string]tftypes.Value
	if err := state.As(&attrs); err != nil {
		t.Fatal(err)
	}
	attrs["api_id"] = tftypes.NewValue(tftypes.String, "another")
	req.ProposedNewState = dynamicValue(t, tftypes.NewValue(state.Type(), attrs))
	attrs["id"] = tftypes.NewValue(tftypes.String, nil)
	req.Config = dynamicValue(t, tftypes.NewValue(state.Type(), attrs))
	if _, ok := ours.planUnchanged(ctx, req); ok {
		t.Fatal("a changed object was planned without the framework")
	}
	resp, err := ours.PlanResourceChange(ctx, req)
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatal(err, resp.Diagnostics)
	}
	if want := tftypes.NewAttributePath().WithAttributeName("api_id"); len(resp.RequiresReplace) != 1 || !resp.RequiresReplace[0].Equal(want) {
		t.Errorf("requires replace %v", resp.RequiresReplace)
	}
}

func TestClassifyUnchangedPlan(t *testing.T) {
	ctx := context.Background()
	inert := schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"name": schema.StringAttribute{Required: true, PlanModifiers: []planmodifier.String{
				stringplanmodifier.RequiresReplace(), stringplanmodifier.RequiresReplaceIfConfigured(),
			}},
			"tags": schema.SetAttribute{ElementType: types.StringType, Optional: true, PlanModifiers: []planmodifier.Set{setplanmodifier.RequiresReplace()}},
			"rule": schema.SingleNestedAttribute{Optional: true, Attributes: map[string]schema.Attribute{
				"value": schema.StringAttribute{Optional: true},
			}},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true}),
			"entry": schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"value": schema.StringAttribute{Optional: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			}}},
		},
	}
	with := func(change func(s *schema.Schema)) schema.Schema {
		s := inert
		s.Attributes, s.Blocks = copyMap(inert.Attributes), copyMap(inert.Blocks)
		change(&s)
		return s
	}
	for name, tc := range map[string]struct {
		r        resource.Resource
		want     bool
		defaults map[string]tftypes.Value
	}{
		"inert":       {testResource{inert}, true, map[string]tftypes.Value{}},
		"modify plan": {modifyingResource{testResource{inert}}, false, nil},
		"defaults": {testResource{with(func(s *schema.Schema) {
			s.Attributes["mode"] = schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("a"),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}}
			s.Attributes["check"] = schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true)}
		})}, true, map[string]tftypes.Value{
			"mode": tftypes.NewValue(tftypes.String, "a"), "check": tftypes.NewValue(tftypes.Bool, true),
		}},
		"default of a number": {testResource{with(func(s *schema.Schema) {
			s.Attributes["size"] = schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(1)}
		})}, false, nil},
		"own plan modifier beside a default": {testResource{with(func(s *schema.Schema) {
			s.Attributes["mode"] = schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("a"),
				PlanModifiers: []planmodifier.String{touchy{}}}
		})}, false, nil},
		"linear string set": {testResource{with(func(s *schema.Schema) {
			s.Attributes["ids"] = schema.SetAttribute{Optional: true, ElementType: types.StringType, CustomType: framework.StringSet}
		})}, true, map[string]tftypes.Value{}},
		"custom type that validates": {testResource{with(func(s *schema.Schema) {
			s.Attributes["at"] = schema.StringAttribute{Optional: true, CustomType: timetypes.RFC3339Type{}}
		})}, false, nil},
		"write-only": {testResource{with(func(s *schema.Schema) {
			s.Attributes["secret"] = schema.StringAttribute{Optional: true, WriteOnly: true}
		})}, false, nil},
		"own plan modifier": {testResource{with(func(s *schema.Schema) {
			s.Attributes["name"] = schema.StringAttribute{Required: true, PlanModifiers: []planmodifier.String{touchy{}}}
		})}, false, nil},
		"own plan modifier in a block": {testResource{with(func(s *schema.Schema) {
			s.Blocks["entry"] = schema.SetNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"value": schema.StringAttribute{Optional: true, PlanModifiers: []planmodifier.String{touchy{}}},
			}}}
		})}, false, nil},
		"default in a nested attribute": {testResource{with(func(s *schema.Schema) {
			s.Attributes["rule"] = schema.ListNestedAttribute{Optional: true, NestedObject: schema.NestedAttributeObject{
				Attributes: map[string]schema.Attribute{
					"value": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("a")},
				},
			}}
		})}, false, nil},
		"elements of a type that validates": {testResource{with(func(s *schema.Schema) {
			s.Attributes["at"] = schema.ListAttribute{Optional: true, ElementType: timetypes.RFC3339Type{}}
		})}, false, nil},
		"object attribute of a type that validates": {testResource{with(func(s *schema.Schema) {
			s.Attributes["window"] = schema.ObjectAttribute{Optional: true, AttributeTypes: map[string]attr.Type{"at": timetypes.RFC3339Type{}}}
		})}, false, nil},
		"attribute of a type the shortcut does not know": {testResource{with(func(s *schema.Schema) {
			s.Attributes["name"] = ownAttribute{schema.StringAttribute{Required: true}}
		})}, false, nil},
	} {
		t.Run(name, func(t *testing.T) {
			u, got := classifyUnchangedPlan(ctx, tc.r)
			if got != tc.want {
				t.Fatalf("classifyUnchangedPlan = %v, want %v", got, tc.want)
			}
			if got && !maps.EqualFunc(u.defaults, tc.defaults, tftypes.Value.Equal) {
				t.Errorf("defaults %v, want %v", u.defaults, tc.defaults)
			}
		})
	}
}

func copyMap[V any](m map[string]V) map[string]V {
	c := make(map[string]V, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

type testResource struct{ schema schema.Schema }

func (testResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_test"
}

func (r testResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = r.schema
}

func (testResource) Create(context.Context, resource.CreateRequest, *resource.CreateResponse) {}
func (testResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse)       {}
func (testResource) Update(context.Context, resource.UpdateRequest, *resource.UpdateResponse) {}
func (testResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// ownAttribute is an attribute type of the provider's own, which the shortcut knows nothing of.
type ownAttribute struct{ schema.StringAttribute }

type modifyingResource struct{ testResource }

func (modifyingResource) ModifyPlan(context.Context, resource.ModifyPlanRequest, *resource.ModifyPlanResponse) {
}

// touchy is a plan modifier the shortcut knows nothing of.
type touchy struct{}

func (touchy) Description(context.Context) string         { return "touchy" }
func (touchy) MarkdownDescription(context.Context) string { return "touchy" }
func (touchy) PlanModifyString(context.Context, planmodifier.StringRequest, *planmodifier.StringResponse) {
}

// sampleMode says which sample sampleBlock builds: the state or the configuration, with every optional argument
// and block set or with them left out.
type sampleMode struct{ config, sparse bool }

func sampleBlock(b *tfprotov6.SchemaBlock, m sampleMode) tftypes.Value {
	values := map[string]tftypes.Value{}
	for _, a := range b.Attributes {
		t := a.ValueType()
		switch {
		case m.config && a.Computed && !a.Optional, m.sparse && a.Optional && (!a.Computed || m.config):
			values[a.Name] = tftypes.NewValue(t, nil)
		default:
			values[a.Name] = sampleValue(t)
		}
	}
	for _, nb := range b.BlockTypes {
		t, object := nb.ValueType(), sampleBlock(nb.Block, m)
		switch nb.Nesting {
		case tfprotov6.SchemaNestedBlockNestingModeList, tfprotov6.SchemaNestedBlockNestingModeSet:
			elements := []tftypes.Value{object}
			if m.sparse {
				elements = []tftypes.Value{}
			}
			values[nb.TypeName] = tftypes.NewValue(t, elements)
		default:
			values[nb.TypeName] = object
			if m.sparse {
				values[nb.TypeName] = tftypes.NewValue(t, nil)
			}
		}
	}
	return tftypes.NewValue(b.ValueType(), values)
}

func sampleValue(t tftypes.Type) tftypes.Value {
	switch {
	case t.Is(tftypes.String):
		return tftypes.NewValue(t, "2026-01-02T03:04:05Z") // valid for the RFC 3339 types too
	case t.Is(tftypes.Number):
		return tftypes.NewValue(t, big.NewFloat(1))
	case t.Is(tftypes.Bool):
		return tftypes.NewValue(t, true)
	case t.Is(tftypes.List{}):
		return tftypes.NewValue(t, []tftypes.Value{sampleValue(t.(tftypes.List).ElementType)})
	case t.Is(tftypes.Set{}):
		return tftypes.NewValue(t, []tftypes.Value{sampleValue(t.(tftypes.Set).ElementType)})
	case t.Is(tftypes.Map{}):
		return tftypes.NewValue(t, map[string]tftypes.Value{"k": sampleValue(t.(tftypes.Map).ElementType)})
	case t.Is(tftypes.Object{}):
		values := map[string]tftypes.Value{}
		for name, at := range t.(tftypes.Object).AttributeTypes {
			values[name] = sampleValue(at)
		}
		return tftypes.NewValue(t, values)
	}
	panic("no sample of " + t.String())
}

func summaries(diags []*tfprotov6.Diagnostic) []string {
	var s []string
	for _, d := range diags {
		s = append(s, fmt.Sprintf("%v %s: %s: %s", d.Severity, d.Attribute, d.Summary, d.Detail))
	}
	slices.Sort(s)
	return s
}

func dynamicValue(t *testing.T, v tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(v.Type(), v)
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

func planned(t *testing.T, resp *tfprotov6.PlanResourceChangeResponse, s *tfprotov6.Schema) tftypes.Value {
	t.Helper()
	v, err := resp.PlannedState.Unmarshal(s.ValueType())
	if err != nil {
		t.Fatal(err)
	}
	return v
}
