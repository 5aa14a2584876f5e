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
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
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

// TestUnchangedPlansAreTheFrameworks plans an unchanged object of every resource type, and of a test resource
// with an identity, through the provider's server and through the framework's own, and requires the same
// answer: with every attribute and block set, with the optional ones left out, and left out with the
// attributes that have a default holding it; each with no prior identity, a null one and a known one; and
// with private state.
func TestUnchangedPlansAreTheFrameworks(t *testing.T) {
	ctx := context.Background()
	ours := newServer(withIdentityResource{New("test")()})
	theirs := providerserver.NewProtocol6(withIdentityResource{New("test")()})()
	schemas, err := theirs.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		t.Fatal(err, schemas.Diagnostics)
	}
	identities, err := theirs.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil || len(identities.Diagnostics) > 0 {
		t.Fatal(err, identities.Diagnostics)
	}

	shortcut := map[string][]string{} // by sample and identity, the types planned without the framework
	for typeName, s := range schemas.ResourceSchemas {
		// A resource without identity is sent one all the same: the framework refuses it.
		identityType := tftypes.Type(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}})
		if is := identities.IdentitySchemas[typeName]; is != nil {
			identityType = is.ValueType()
		}
		for _, sample := range []string{"full", "sparse", "defaults", "private"} {
			state := sampleBlock(s.Block, sampleMode{sparse: sample == "sparse" || sample == "defaults"})
			config := sampleBlock(s.Block, sampleMode{sparse: sample == "sparse" || sample == "defaults", config: true})
			if u := ours.unchangedPlans[typeName]; sample == "defaults" && u != nil {
				state = withAttributes(t, state, u.defaults)
			}
			for identity, priorIdentity := range map[string]*tfprotov6.ResourceIdentityData{
				"none":  nil,
				"null":  {IdentityData: dynamicValue(t, tftypes.NewValue(identityType, nil))},
				"known": {IdentityData: dynamicValue(t, sampleValue(identityType))},
			} {
				req := &tfprotov6.PlanResourceChangeRequest{
					TypeName:         typeName,
					PriorState:       dynamicValue(t, state),
					ProposedNewState: dynamicValue(t, state),
					Config:           dynamicValue(t, config),
					PriorIdentity:    priorIdentity,
				}
				if sample == "private" {
					req.PriorPrivate = []byte(`{"k":"eyJ2IjoxfQ=="}`) // as the framework writes {"v":1} under k
				}
				if _, ok := ours.planUnchanged(ctx, req); ok {
					shortcut[sample+"/"+identity] = append(shortcut[sample+"/"+identity], typeName)
				}
				at := fmt.Sprintf("%s (%s, %s identity)", typeName, sample, identity)
				samePlans(t, at, ours, theirs, req, s.ValueType(), identityType)
			}
		}
	}

	// ModifyPlan (the sets) and custom types that validate (the service tickets' times) leave the plan to the
	// framework. Attributes left out of the configuration that have a default (ROMA's tunnel, ModelArts'
	// workspace) leave it to the framework unless they hold the default. Identity data goes to the framework
	// for a resource without identity. Private state (the resource's project) is planned as it was, as the
	// framework plans it.
	for sample, want := range map[string][]string{
		"full":     {"authz_apig_app_acl", "authz_apig_app_authorization", "authz_modelarts_app_authorization", "authz_roma_app_acl", "authz_roma_app_authorization", "authz_test_identity"},
		"sparse":   {"authz_apig_app_acl", "authz_apig_app_authorization", "authz_roma_app_acl"},
		"defaults": {"authz_apig_app_acl", "authz_apig_app_authorization", "authz_modelarts_app_authorization", "authz_roma_app_acl", "authz_roma_app_authorization", "authz_test_identity"},
		"private":  {"authz_apig_app_acl", "authz_apig_app_authorization", "authz_modelarts_app_authorization", "authz_roma_app_acl", "authz_roma_app_authorization", "authz_test_identity"},
	} {
		withIdentity := slices.DeleteFunc(slices.Clone(want), func(typeName string) bool { return identities.IdentitySchemas[typeName] == nil })
		for identity, want := range map[string][]string{"none": want, "null": withIdentity, "known": withIdentity} {
			if got := slices.Sorted(slices.Values(shortcut[sample+"/"+identity])); !slices.Equal(got, want) {
				t.Errorf("%s, %s identity: planned without the framework: %v, want %v", sample, identity, got, want)
			}
		}
	}
}

// samePlans plans req through both servers and requires the same answer.
func samePlans(t *testing.T, at string, ours, theirs tfprotov6.ProviderServer, req *tfprotov6.PlanResourceChangeRequest, stateType, identityType tftypes.Type) {
	t.Helper()
	ctx := context.Background()
	want, err := theirs.PlanResourceChange(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ours.PlanResourceChange(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if d, w := summaries(got.Diagnostics), summaries(want.Diagnostics); !slices.Equal(d, w) {
		t.Fatalf("%s: diagnostics %q, the framework's %q", at, d, w)
	}
	if len(want.Diagnostics) > 0 {
		return
	}
	if gotState, wantState := unmarshal(t, got.PlannedState, stateType), unmarshal(t, want.PlannedState, stateType); !gotState.Equal(wantState) {
		t.Errorf("%s: planned\n%v\nthe framework planned\n%v", at, gotState, wantState)
	}
	if !slices.EqualFunc(got.RequiresReplace, want.RequiresReplace, (*tftypes.AttributePath).Equal) || !bytes.Equal(got.PlannedPrivate, want.PlannedPrivate) {
		t.Errorf("%s: replace %v private %q, the framework's replace %v private %q",
			at, got.RequiresReplace, got.PlannedPrivate, want.RequiresReplace, want.PlannedPrivate)
	}
	switch {
	case (got.PlannedIdentity == nil) != (want.PlannedIdentity == nil):
		t.Errorf("%s: planned identity %v, the framework's %v", at, got.PlannedIdentity, want.PlannedIdentity)
	case got.PlannedIdentity != nil:
		gotData, wantData := got.PlannedIdentity.IdentityData, want.PlannedIdentity.IdentityData
		if g, w := unmarshal(t, gotData, identityType), unmarshal(t, wantData, identityType); !g.Equal(w) ||
			!bytes.Equal(gotData.MsgPack, wantData.MsgPack) || !bytes.Equal(gotData.JSON, wantData.JSON) {
			t.Errorf("%s: planned identity %v (%x), the framework's %v (%x)", at, g, gotData.MsgPack, w, wantData.MsgPack)
		}
	}
}

// TestUnchangedPlanOfABrokenIdentityGoesToTheFramework: identity data that does not decode is the framework's
// to answer, with its error.
func TestUnchangedPlanOfABrokenIdentityGoesToTheFramework(t *testing.T) {
	ctx := context.Background()
	ours := newServer(withIdentityResource{New("test")()})
	theirs := providerserver.NewProtocol6(withIdentityResource{New("test")()})()
	schemas, err := theirs.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	const typeName = "authz_test_identity"
	s := schemas.ResourceSchemas[typeName]
	state := sampleBlock(s.Block, sampleMode{})
	req := &tfprotov6.PlanResourceChangeRequest{
		TypeName:         typeName,
		PriorState:       dynamicValue(t, state),
		ProposedNewState: dynamicValue(t, state),
		Config:           dynamicValue(t, sampleBlock(s.Block, sampleMode{config: true})),
		PriorIdentity:    &tfprotov6.ResourceIdentityData{IdentityData: &tfprotov6.DynamicValue{MsgPack: []byte{0x81, 0xa1}}},
	}
	if _, ok := ours.planUnchanged(ctx, req); ok {
		t.Fatal("an identity that does not decode was planned without the framework")
	}
	want, err := theirs.PlanResourceChange(ctx, req)
	if err != nil || len(want.Diagnostics) == 0 {
		t.Fatalf("the framework planned a broken identity: %v %v", err, want.Diagnostics)
	}
	samePlans(t, typeName, ours, theirs, req, s.ValueType(), nil)
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
		"identity":                   {newIdentityResource(), true, map[string]tftypes.Value{"mode": tftypes.NewValue(tftypes.String, "a")}},
		"identity schema that fails": {failingIdentityResource{identityResource{testResource{inert}}}, false, nil},
		"mutable identity":           {mutableIdentityResource{identityResource{testResource{inert}}}, true, map[string]tftypes.Value{}},
	} {
		t.Run(name, func(t *testing.T) {
			u, got := classifyUnchangedPlan(ctx, tc.r)
			if got != tc.want {
				t.Fatalf("classifyUnchangedPlan = %v, want %v", got, tc.want)
			}
			if !got {
				return
			}
			if !maps.EqualFunc(u.defaults, tc.defaults, tftypes.Value.Equal) {
				t.Errorf("defaults %v, want %v", u.defaults, tc.defaults)
			}
			_, hasIdentity := tc.r.(resource.ResourceWithIdentity)
			if hasIdentity != (u.identity != nil) {
				t.Errorf("identity type %v for a resource with identity: %v", u.identity, hasIdentity)
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

// identityResource is a resource with an identity, as the provider's resources will have.
type identityResource struct{ testResource }

func newIdentityResource() resource.Resource {
	return identityResource{testResource{schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id":          schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"instance_id": schema.StringAttribute{Required: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"mode": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("a"),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"values": schema.SetAttribute{Optional: true, ElementType: types.StringType, CustomType: framework.StringSet},
		},
		Blocks: map[string]schema.Block{"timeouts": timeouts.Block(context.Background(), timeouts.Opts{Create: true})},
	}}}
}

func (identityResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_test_identity"
}

func (identityResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"instance_id": identityschema.StringAttribute{RequiredForImport: true},
		"id":          identityschema.StringAttribute{RequiredForImport: true},
	}}
}

// withIdentityResource is a provider with identityResource beside its own resources.
type withIdentityResource struct{ provider.Provider }

func (p withIdentityResource) Resources(ctx context.Context) []func() resource.Resource {
	return append(p.Provider.Resources(ctx), newIdentityResource)
}

type failingIdentityResource struct{ identityResource }

func (failingIdentityResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.Diagnostics.AddError("no identity", "")
}

type mutableIdentityResource struct{ identityResource }

func (mutableIdentityResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.ResourceBehavior.MutableIdentity = true
}

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

func unmarshal(t *testing.T, dv *tfprotov6.DynamicValue, typ tftypes.Type) tftypes.Value {
	t.Helper()
	v, err := dv.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
