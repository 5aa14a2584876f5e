package provider

import (
	"bytes"
	"context"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/float64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Planning an unchanged object.
//
// At every plan Terraform asks the provider to plan each resource, and for a resource whose configuration and
// state agree the proposed new state it sends is the prior state itself. The framework then walks the whole
// schema (three value look-ups and a write per attribute, each a walk of the schema) to conclude what it was
// given: about a third of the provider's work in a no-change plan, and more as schemas grow.
//
// For a resource whose plan has nothing that could act on an unchanged object, the server answers such a
// request itself with the proposed state. That is exactly what the framework answers (v1.19,
// fwserver.PlanResourceChange), given that the resource:
//   - has no ModifyPlan and no identity;
//   - has no attribute with a Default (the framework sets defaults before it compares the plan with the
//     state) and no write-only attribute (nulled in every plan);
//   - has only plan modifiers that return at once when the planned value equals the state's:
//     RequiresReplace (and its If variants, which share its type) and UseStateForUnknown.
//
// The framework marks computed attributes unknown only when the plan differs from the state, so that step does
// nothing here either. Anything else, or any difference at all between the two states, goes to the framework.
// TestUnchangedPlansAreTheFrameworks holds the answers of both side by side for every resource.

// plansUnchangedAsPrior returns the resource types of p whose plan of an unchanged object is that object.
func plansUnchangedAsPrior(ctx context.Context, p provider.Provider) map[string]bool {
	var meta provider.MetadataResponse
	p.Metadata(ctx, provider.MetadataRequest{}, &meta)
	types := map[string]bool{}
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var md resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: meta.TypeName}, &md)
		if plansUnchangedAsItself(ctx, r) {
			types[md.TypeName] = true
		}
	}
	return types
}

// plansUnchangedAsItself tells whether the framework's plan of an unchanged object of r is that object.
func plansUnchangedAsItself(ctx context.Context, r resource.Resource) bool {
	if _, ok := r.(resource.ResourceWithModifyPlan); ok {
		return false
	}
	if _, ok := r.(resource.ResourceWithIdentity); ok {
		return false
	}
	var resp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &resp)
	return !resp.Diagnostics.HasError() && inertOnUnchanged(reflect.ValueOf(resp.Schema))
}

// inertOnUnchanged walks a resource schema, its attributes, blocks and nested objects, and tells whether
// nothing in it changes the plan of an unchanged object: every plan modifier is of an inert type, no attribute
// has a default and none is write-only.
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
				if f.Kind() == reflect.Interface && !f.IsNil() {
					return false
				}
			case "WriteOnly":
				if f.Kind() == reflect.Bool && f.Bool() {
					return false
				}
			}
		}
	}
	return true
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

// planUnchanged answers req itself when its resource plans an unchanged object as that object and the proposed
// new state is the prior state, byte for byte; otherwise ok is false and the framework must plan.
func (s releasingServer) planUnchanged(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (resp *tfprotov6.PlanResourceChangeResponse, ok bool) {
	prior, proposed := req.PriorState, req.ProposedNewState
	if !s.unchangedAsPrior[req.TypeName] || prior == nil || proposed == nil || req.PriorIdentity != nil ||
		len(prior.JSON) > 0 || len(proposed.JSON) > 0 || len(prior.MsgPack) == 0 || !bytes.Equal(prior.MsgPack, proposed.MsgPack) {
		return nil, false
	}
	tflog.Trace(ctx, "Planned the unchanged object as it is, without the framework")
	return &tfprotov6.PlanResourceChangeResponse{PlannedState: proposed, PlannedPrivate: req.PriorPrivate}, true
}
