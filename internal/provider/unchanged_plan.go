package provider

import (
	"bytes"
	"context"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/float64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
)

// Planning an unchanged object.
//
// At every plan Terraform asks the provider to plan each resource, and for a resource whose configuration and
// state agree, the proposed new state it sends is the prior state itself. The framework then walks the whole
// schema (three value look-ups and a write per attribute, each a walk of the schema) to conclude what it was
// given: about a third of the provider's work in a no-change plan, and more as schemas grow.
//
// For a resource whose plan has nothing that could change an unchanged object, the server answers such a
// request itself with the proposed state. That is exactly what the framework answers (v1.19,
// fwserver.PlanResourceChange), given that the resource:
//   - has no ModifyPlan and no identity;
//   - has only plan modifiers that return at once when the planned value equals the state's:
//     RequiresReplace (and its If variants, which share its type) and UseStateForUnknown;
//   - has no write-only attribute (nulled in every plan) and no custom type that validates its values (the
//     framework validates each value it writes into the plan);
//   - has defaults, if any, only on top-level string and bool attributes. The framework sets an attribute left
//     out of the configuration to its default before it compares the plan with the state, so the object is
//     unchanged only if each such attribute holds its default already: that is checked for each request.
//
// The framework marks computed attributes unknown only when the plan differs from the state, so that step does
// nothing here either. Anything else, and any difference at all between the two states, goes to the framework.
// TestUnchangedPlansAreTheFrameworks holds the answers of both side by side for every resource.

// unchangedPlan is what the server needs to plan an unchanged object of one resource type itself.
type unchangedPlan struct {
	// defaults holds the top-level attributes that have a default, with the default; typ is the schema's
	// type, to read them from the configuration and the state.
	defaults map[string]tftypes.Value
	typ      tftypes.Type
}

// collectUnchangedPlans classifies every resource type of p and returns, by type name, those the server plans
// itself when an object is unchanged.
func collectUnchangedPlans(ctx context.Context, p provider.Provider) map[string]*unchangedPlan {
	var meta provider.MetadataResponse
	p.Metadata(ctx, provider.MetadataRequest{}, &meta)
	types := map[string]*unchangedPlan{}
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var md resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: meta.TypeName}, &md)
		if u, ok := classifyUnchangedPlan(ctx, r); ok {
			types[md.TypeName] = u
		}
	}
	return types
}

// classifyUnchangedPlan tells whether the framework's plan of an unchanged object of the one resource r is that
// object, provided the attributes with a default hold it, and returns what planUnchanged needs to check that.
func classifyUnchangedPlan(ctx context.Context, r resource.Resource) (*unchangedPlan, bool) {
	if _, ok := r.(resource.ResourceWithModifyPlan); ok {
		return nil, false
	}
	if _, ok := r.(resource.ResourceWithIdentity); ok {
		return nil, false
	}
	var resp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() || !inertOnUnchanged(reflect.ValueOf(resp.Schema.Blocks)) {
		return nil, false
	}
	u := &unchangedPlan{defaults: map[string]tftypes.Value{}, typ: resp.Schema.Type().TerraformType(ctx)}
	for name, a := range resp.Schema.Attributes {
		a, value := splitDefault(ctx, name, a)
		if !inertOnUnchanged(reflect.ValueOf(a)) {
			return nil, false
		}
		if value != nil {
			tv, err := value.ToTerraformValue(ctx)
			if err != nil || !tv.IsKnown() || tv.IsNull() { // a default that failed, or none after all
				return nil, false
			}
			u.defaults[name] = tv
		}
	}
	return u, true
}

// splitDefault returns a string or bool attribute without its default, and the default; any other attribute
// as it is.
func splitDefault(ctx context.Context, name string, a schema.Attribute) (schema.Attribute, attr.Value) {
	switch a := a.(type) {
	case schema.StringAttribute:
		if d := a.Default; d != nil {
			var resp defaults.StringResponse
			d.DefaultString(ctx, defaults.StringRequest{Path: path.Root(name)}, &resp)
			a.Default = nil
			return a, resp.PlanValue
		}
	case schema.BoolAttribute:
		if d := a.Default; d != nil {
			var resp defaults.BoolResponse
			d.DefaultBool(ctx, defaults.BoolRequest{Path: path.Root(name)}, &resp)
			a.Default = nil
			return a, resp.PlanValue
		}
	}
	return a, nil
}

// inertOnUnchanged walks schema attributes, blocks and nested objects, and tells whether nothing in them
// changes the plan of an unchanged object: every plan modifier is of an inert type, no attribute has a default
// or is write-only, and no custom type validates.
func inertOnUnchanged(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		return v.IsNil() || inertOnUnchanged(v.Elem())
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if !inertOnUnchanged(it.Value()) {
				return false
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Field(i)
			switch v.Type().Field(i).Name {
			case "Attributes", "Blocks", "NestedObject":
				if !inertOnUnchanged(f) {
					return false
				}
			case "PlanModifiers":
				for j := range f.Len() {
					if m := f.Index(j); m.IsNil() || !inertPlanModifiers[m.Elem().Type()] {
						return false
					}
				}
			case "Default":
				if f.Kind() != reflect.Interface || !f.IsNil() {
					return false
				}
			case "WriteOnly":
				if f.Kind() != reflect.Bool || f.Bool() {
					return false
				}
			case "CustomType":
				if f.Kind() != reflect.Interface || !f.IsNil() && validates(f.Interface()) {
					return false
				}
			}
		}
	}
	return true
}

// validates tells whether the framework validates the values of a custom type when it writes them into a plan.
// A StringSet's validation finds duplicate elements, which a set from Terraform never holds: the framework's
// own set type, whose validation is the same, needs no exception either.
func validates(customType any) bool {
	if _, ok := customType.(framework.StringSetType); ok {
		return false
	}
	t, ok := customType.(attr.Type)
	if !ok {
		return true
	}
	//lint:ignore SA1019 the framework still calls the deprecated TypeWithValidate.
	if _, ok := t.(xattr.TypeWithValidate); ok {
		return true
	}
	_, ok = t.ValueType(context.Background()).(xattr.ValidateableAttribute)
	return ok
}

// inertPlanModifiers are the types of the framework's plan modifiers that return at once when the planned value
// equals the state's: RequiresReplace, RequiresReplaceIf and RequiresReplaceIfConfigured (one type), and
// UseStateForUnknown (which acts only on an unknown planned value; a state holds none).
var inertPlanModifiers = typesOf(
	stringplanmodifier.RequiresReplace(), stringplanmodifier.UseStateForUnknown(),
	boolplanmodifier.RequiresReplace(), boolplanmodifier.UseStateForUnknown(),
	int64planmodifier.RequiresReplace(), int64planmodifier.UseStateForUnknown(),
	float64planmodifier.RequiresReplace(), float64planmodifier.UseStateForUnknown(),
	listplanmodifier.RequiresReplace(), listplanmodifier.UseStateForUnknown(),
	setplanmodifier.RequiresReplace(), setplanmodifier.UseStateForUnknown(),
	mapplanmodifier.RequiresReplace(), mapplanmodifier.UseStateForUnknown(),
	objectplanmodifier.RequiresReplace(), objectplanmodifier.UseStateForUnknown(),
)

func typesOf(values ...any) map[reflect.Type]bool {
	types := make(map[reflect.Type]bool, len(values))
	for _, v := range values {
		types[reflect.TypeOf(v)] = true
	}
	return types
}

// msgpackNull is a null value in MessagePack: a resource that does not exist.
var msgpackNull = []byte{0xc0}

// planUnchanged answers req itself when its resource plans an unchanged object as that object and the proposed
// new state is the prior state, byte for byte; otherwise ok is false and the framework must plan.
func (s releasingServer) planUnchanged(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (resp *tfprotov6.PlanResourceChangeResponse, ok bool) {
	u := s.unchangedPlans[req.TypeName]
	prior, proposed := req.PriorState, req.ProposedNewState
	if u == nil || prior == nil || proposed == nil || req.PriorIdentity != nil || len(prior.JSON) > 0 || len(proposed.JSON) > 0 ||
		len(prior.MsgPack) == 0 || bytes.Equal(prior.MsgPack, msgpackNull) || !bytes.Equal(prior.MsgPack, proposed.MsgPack) ||
		!u.holdsDefaults(req.Config, proposed) {
		return nil, false
	}
	tflog.Trace(ctx, "Planned the unchanged object as it is, without the framework")
	return &tfprotov6.PlanResourceChangeResponse{PlannedState: proposed, PlannedPrivate: req.PriorPrivate}, true
}

// holdsDefaults tells whether each attribute with a default is set in the configuration or holds its default
// in the state: then the framework's defaults leave the state as it is.
func (u *unchangedPlan) holdsDefaults(config, state *tfprotov6.DynamicValue) bool {
	if len(u.defaults) == 0 {
		return true
	}
	if config == nil {
		return false
	}
	var configAttrs, stateAttrs map[string]tftypes.Value
	if c, err := config.Unmarshal(u.typ); err != nil || c.As(&configAttrs) != nil {
		return false
	}
	if s, err := state.Unmarshal(u.typ); err != nil || s.As(&stateAttrs) != nil {
		return false
	}
	for name, d := range u.defaults {
		c, ok := configAttrs[name]
		if !ok || c.IsNull() && !stateAttrs[name].Equal(d) {
			return false
		}
	}
	return true
}
