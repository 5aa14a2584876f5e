package provider

import (
	"bytes"
	"context"
	"fmt"
	"math/big"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestUnchangedPlansAreTheFrameworks plans an unchanged object of every resource type, once with every
// attribute and block set and once with the optional ones left out, through the provider's server and through
// the framework's own, and requires the same answer.
func TestUnchangedPlansAreTheFrameworks(t *testing.T) {
	ctx := context.Background()
	ours := NewServer("test")().(releasingServer)
	theirs := providerserver.NewProtocol6(New("test")())()
	schemas, err := theirs.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		t.Fatal(err, schemas.Diagnostics)
	}

	var shortcut []string
	for typeName, s := range schemas.ResourceSchemas {
		for _, sparse := range []bool{false, true} {
			state := sampleBlock(s.Block, sampleMode{sparse: sparse})
			config := sampleBlock(s.Block, sampleMode{sparse: sparse, config: true})
			req := &tfprotov6.PlanResourceChangeRequest{
				TypeName:         typeName,
				PriorState:       dynamicValue(t, state),
				ProposedNewState: dynamicValue(t, state),
				Config:           dynamicValue(t, config),
			}
			if _, ok := ours.planUnchanged(ctx, req); ok && !sparse {
				shortcut = append(shortcut, typeName)
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
				t.Errorf("%s (sparse %v): planned\n%v\nthe framework planned\n%v", typeName, sparse, gotState, wantState)
			}
			if !slices.EqualFunc(got.RequiresReplace, want.RequiresReplace, (*tftypes.AttributePath).Equal) || !bytes.Equal(got.PlannedPrivate, want.PlannedPrivate) {
				t.Errorf("%s: replace %v private %q, the framework's replace %v private %q",
					typeName, got.RequiresReplace, got.PlannedPrivate, want.RequiresReplace, want.PlannedPrivate)
			}
		}
	}

	// The resources whose plans can act on an unchanged object go to the framework: ModifyPlan (the sets),
	// defaults (ROMA's tunnel, ModelArts' workspace, the service-ticket decision).
	slices.Sort(shortcut)
	for _, typeName := range []string{"authz_apig_app_authorization", "authz_apig_app_acl", "authz_roma_app_acl"} {
		if !slices.Contains(shortcut, typeName) {
			t.Errorf("%s does not plan unchanged objects itself; those that do: %v", typeName, shortcut)
		}
	}
	for _, typeName := range []string{"authz_apig_app_authorization_set", "authz_roma_app_authorization", "authz_modelarts_app_authorization"} {
		if slices.Contains(shortcut, typeName) {
			t.Errorf("%s plans unchanged objects without the framework", typeName)
		}
	}
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

func TestPlansUnchangedAsItself(t *testing.T) {
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
		s.Attributes, s.Blocks = maps(inert.Attributes), maps(inert.Blocks)
		change(&s)
		return s
	}
	for name, tc := range map[string]struct {
		r    resource.Resource
		want bool
	}{
		"inert":       {testResource{inert}, true},
		"modify plan": {modifyingResource{testResource{inert}}, false},
		"default": {testResource{with(func(s *schema.Schema) {
			s.Attributes["mode"] = schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("a")}
		})}, false},
		"write-only": {testResource{with(func(s *schema.Schema) {
			s.Attributes["secret"] = schema.StringAttribute{Optional: true, WriteOnly: true}
		})}, false},
		"own plan modifier": {testResource{with(func(s *schema.Schema) {
			s.Attributes["name"] = schema.StringAttribute{Required: true, PlanModifiers: []planmodifier.String{touchy{}}}
		})}, false},
		"own plan modifier in a block": {testResource{with(func(s *schema.Schema) {
			s.Blocks["entry"] = schema.SetNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"value": schema.StringAttribute{Optional: true, PlanModifiers: []planmodifier.String{touchy{}}},
			}}}
		})}, false},
		"default in a nested attribute": {testResource{with(func(s *schema.Schema) {
			s.Attributes["rule"] = schema.ListNestedAttribute{Optional: true, NestedObject: schema.NestedAttributeObject{
				Attributes: map[string]schema.Attribute{
					"value": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("a")},
				},
			}}
		})}, false},
	} {
		t.Run(name, func(t *testing.T) {
			if got := plansUnchangedAsItself(ctx, tc.r); got != tc.want {
				t.Errorf("plansUnchangedAsItself = %v, want %v", got, tc.want)
			}
		})
	}
}

func maps[V any](m map[string]V) map[string]V {
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
