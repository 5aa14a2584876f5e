package provider

import (
	"bytes"
	"context"
	"maps"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
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
//   - has no ModifyPlan;
//   - has only plan modifiers that return at once when the planned value equals the state's:
//     RequiresReplace (and its If variants, which share its type) and UseStateForUnknown;
//   - has no write-only attribute (nulled in every plan) and no custom type that validates its values (the
//     framework validates each value it writes into the plan), nor a collection of elements of such a type;
//   - has defaults, if any, only on top-level string and bool attributes. The framework sets an attribute left
//     out of the configuration to its default before it compares the plan with the state, so the object is
//     unchanged only if each such attribute holds its default already: that is checked for each request;
//   - has, if it has an identity, its prior identity as its planned one: the framework plans the prior identity
//     (a null one when Terraform sends none), re-encoded, and so does the server;
//
// and that the request carries no private state (which the framework decodes and re-encodes, and which no
// resource here writes), and the provider does not defer in Configure (it never does; the framework would then
// defer every plan).
//
// The framework marks computed attributes unknown only when the plan differs from the state, so that step does
// nothing here either. Anything else, and any difference at all between the two states, goes to the framework.
// TestUnchangedPlansAreTheFrameworks holds the answers of both side by side for every resource.
//
// The classification fails closed: it knows each field of each framework struct it reads (checkedFields), and
// a struct of a type it does not know, or a non-zero field it does not know, sends the resource to the
// framework. TestCheckedFieldsAreTheFrameworks fails when a framework struct gains or loses a field, and
// TestShortcutCheckedAgainstFramework when go.mod moves the framework away from checkedFrameworkVersion.

// checkedFrameworkVersion is the terraform-plugin-framework release the shortcut was checked against.
const checkedFrameworkVersion = "v1.19.0"

// unchangedPlan is what the server needs to plan an unchanged object of one resource type itself.
type unchangedPlan struct {
	// defaults holds the top-level attributes that have a default, with the default; typ is the schema's
	// type, to read them from the configuration and the state.
	defaults map[string]tftypes.Value
	typ      tftypes.Type
	// identity is the type of the resource's identity; nil when it has none.
	identity tftypes.Type
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
	var md resource.MetadataResponse
	r.Metadata(ctx, resource.MetadataRequest{}, &md)
	var resp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		return nil, false
	}
	rest := resp.Schema
	rest.Attributes = nil // checked one by one below, each without the default planUnchanged checks
	if !checkedFields.inert(reflect.ValueOf(md)) || !checkedFields.inert(reflect.ValueOf(rest)) {
		return nil, false
	}
	u := &unchangedPlan{defaults: map[string]tftypes.Value{}, typ: resp.Schema.Type().TerraformType(ctx)}
	for name, a := range resp.Schema.Attributes {
		a, value := splitDefault(ctx, name, a)
		if !checkedFields.inert(reflect.ValueOf(a)) {
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
	if r, ok := r.(resource.ResourceWithIdentity); ok {
		var id resource.IdentitySchemaResponse
		r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &id)
		if id.Diagnostics.HasError() || !checkedFields.inert(reflect.ValueOf(id.IdentitySchema)) {
			return nil, false
		}
		u.identity = id.IdentitySchema.Type().TerraformType(ctx)
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

// fieldCheck tells whether a field of a framework struct leaves the plan of an unchanged object as it is.
type fieldCheck func(c knownFields, field reflect.Value) bool

// knownFields holds, for each framework struct type the classification has checked, each of its fields and
// how it is checked.
type knownFields map[reflect.Type]map[string]fieldCheck

// inert walks schemas, attributes, blocks, nested objects and what else checkedFields holds, and tells whether
// nothing in them changes the plan of an unchanged object: every field is one c knows and passes its check, or
// one it does not know left at its zero value, in structs of types c knows.
func (c knownFields) inert(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		return v.IsNil() || c.inert(v.Elem())
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if !c.inert(it.Value()) {
				return false
			}
		}
		return true
	case reflect.Struct:
		checks, ok := c[v.Type()]
		if !ok {
			return false
		}
		for i := range v.NumField() {
			check, known := checks[v.Type().Field(i).Name]
			if f := v.Field(i); known && !check(c, f) || !known && !f.IsZero() {
				return false
			}
		}
		return true
	}
	return false
}

// The checks of fields.
var (
	// unplanned: the field takes no part in planning an unchanged object (descriptions, the flags that say
	// who sets a value, validators, which run when Terraform validates the configuration, not when it plans).
	unplanned fieldCheck = func(knownFields, reflect.Value) bool { return true }
	nested    fieldCheck = knownFields.inert
	noDefault fieldCheck = func(_ knownFields, f reflect.Value) bool { return f.Kind() == reflect.Interface && f.IsNil() }
	readable  fieldCheck = func(_ knownFields, f reflect.Value) bool { return f.Kind() == reflect.Bool && !f.Bool() } // not write-only
	// inertModifiers: every plan modifier is of an inert type.
	inertModifiers fieldCheck = func(_ knownFields, f reflect.Value) bool {
		if f.Kind() != reflect.Slice {
			return false
		}
		for j := range f.Len() {
			if m := f.Index(j); m.IsNil() || !inertPlanModifiers[m.Elem().Type()] {
				return false
			}
		}
		return true
	}
	// unvalidated: a type (a custom type, a collection's element type) that is not set or does not validate.
	unvalidated fieldCheck = func(_ knownFields, f reflect.Value) bool {
		return f.Kind() == reflect.Interface && (f.IsNil() || !validates(f.Interface()))
	}
	// unvalidatedTypes: a map of types none of which validates.
	unvalidatedTypes fieldCheck = func(c knownFields, f reflect.Value) bool {
		if f.Kind() != reflect.Map {
			return false
		}
		for it := f.MapRange(); it.Next(); {
			if !unvalidated(c, it.Value()) {
				return false
			}
		}
		return true
	}
)

// fields merges groups of field checks.
func fields(groups ...map[string]fieldCheck) map[string]fieldCheck {
	merged := map[string]fieldCheck{}
	for _, g := range groups {
		maps.Copy(merged, g)
	}
	return merged
}

var (
	describedFields = map[string]fieldCheck{"Description": unplanned, "MarkdownDescription": unplanned, "DeprecationMessage": unplanned}
	attributeFields = fields(describedFields, map[string]fieldCheck{
		"Required": unplanned, "Optional": unplanned, "Computed": unplanned, "Sensitive": unplanned, "Validators": unplanned,
		"CustomType": unvalidated, "PlanModifiers": inertModifiers, "Default": noDefault,
	})
	writeOnlyField  = map[string]fieldCheck{"WriteOnly": readable}
	objectFields    = map[string]fieldCheck{"CustomType": unvalidated, "Validators": unplanned, "PlanModifiers": inertModifiers}
	blockFields     = fields(describedFields, objectFields)
	identityFields  = map[string]fieldCheck{"CustomType": unplanned, "RequiredForImport": unplanned, "OptionalForImport": unplanned, "Description": unplanned}
	attributesField = map[string]fieldCheck{"Attributes": nested}
	blocksField     = map[string]fieldCheck{"Blocks": nested}
	nestedField     = map[string]fieldCheck{"NestedObject": nested}
)

// checkedFields are the framework structs the classification reads, each with every field it has checked
// (terraform-plugin-framework v1.19): the metadata and schema of a resource, with every attribute, block and
// nested object of the resource/schema package, and its identity schema, whose fields only shape the
// identity's type (the framework neither validates nor modifies an identity it plans as the prior one).
var checkedFields = knownFields{
	reflect.TypeFor[resource.MetadataResponse](): {"TypeName": unplanned, "ResourceBehavior": nested},
	// ProviderDeferred acts only when the provider defers, which it never does (see above); the planned
	// identity is the prior one, mutable or not.
	reflect.TypeFor[resource.ResourceBehavior]():         {"ProviderDeferred": nested, "MutableIdentity": unplanned},
	reflect.TypeFor[resource.ProviderDeferredBehavior](): {"EnablePlanModification": unplanned},

	reflect.TypeFor[schema.Schema](): fields(describedFields, attributesField, blocksField, map[string]fieldCheck{"Version": unplanned}),

	reflect.TypeFor[schema.StringAttribute]():  fields(attributeFields, writeOnlyField),
	reflect.TypeFor[schema.BoolAttribute]():    fields(attributeFields, writeOnlyField),
	reflect.TypeFor[schema.Int64Attribute]():   fields(attributeFields, writeOnlyField),
	reflect.TypeFor[schema.Int32Attribute]():   fields(attributeFields, writeOnlyField),
	reflect.TypeFor[schema.Float64Attribute](): fields(attributeFields, writeOnlyField),
	reflect.TypeFor[schema.Float32Attribute](): fields(attributeFields, writeOnlyField),
	reflect.TypeFor[schema.NumberAttribute]():  fields(attributeFields, writeOnlyField),
	reflect.TypeFor[schema.DynamicAttribute](): fields(attributeFields, writeOnlyField),
	reflect.TypeFor[schema.ListAttribute]():    fields(attributeFields, writeOnlyField, map[string]fieldCheck{"ElementType": unvalidated}),
	reflect.TypeFor[schema.MapAttribute]():     fields(attributeFields, writeOnlyField, map[string]fieldCheck{"ElementType": unvalidated}),
	reflect.TypeFor[schema.SetAttribute]():     fields(attributeFields, map[string]fieldCheck{"ElementType": unvalidated}),
	reflect.TypeFor[schema.ObjectAttribute]():  fields(attributeFields, writeOnlyField, map[string]fieldCheck{"AttributeTypes": unvalidatedTypes}),

	reflect.TypeFor[schema.ListNestedAttribute]():   fields(attributeFields, writeOnlyField, nestedField),
	reflect.TypeFor[schema.MapNestedAttribute]():    fields(attributeFields, writeOnlyField, nestedField),
	reflect.TypeFor[schema.SetNestedAttribute]():    fields(attributeFields, nestedField),
	reflect.TypeFor[schema.SingleNestedAttribute](): fields(attributeFields, writeOnlyField, attributesField),
	reflect.TypeFor[schema.NestedAttributeObject](): fields(objectFields, attributesField),

	reflect.TypeFor[schema.ListNestedBlock]():   fields(blockFields, nestedField),
	reflect.TypeFor[schema.SetNestedBlock]():    fields(blockFields, nestedField),
	reflect.TypeFor[schema.SingleNestedBlock](): fields(blockFields, attributesField, blocksField),
	reflect.TypeFor[schema.NestedBlockObject](): fields(objectFields, attributesField, blocksField),

	reflect.TypeFor[identityschema.Schema]():           {"Attributes": nested, "Version": unplanned},
	reflect.TypeFor[identityschema.StringAttribute]():  identityFields,
	reflect.TypeFor[identityschema.BoolAttribute]():    identityFields,
	reflect.TypeFor[identityschema.Int64Attribute]():   identityFields,
	reflect.TypeFor[identityschema.Int32Attribute]():   identityFields,
	reflect.TypeFor[identityschema.Float64Attribute](): identityFields,
	reflect.TypeFor[identityschema.Float32Attribute](): identityFields,
	reflect.TypeFor[identityschema.NumberAttribute]():  identityFields,
	reflect.TypeFor[identityschema.ListAttribute]():    fields(identityFields, map[string]fieldCheck{"ElementType": unplanned}),
}

// validates tells whether the framework validates the values of a type (an attribute's custom type, a
// collection's element type) when it writes them into a plan. A StringSet's validation finds duplicate
// elements, which a set from Terraform never holds: the framework's own set type, whose validation is the same,
// needs no exception either. An element type that validates sends its resource to the framework even when it is
// the framework's own (Int64Type, whose values in a state always pass): no resource here has one.
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
	if u == nil || prior == nil || proposed == nil || len(prior.JSON) > 0 || len(proposed.JSON) > 0 ||
		len(prior.MsgPack) == 0 || bytes.Equal(prior.MsgPack, msgpackNull) || !bytes.Equal(prior.MsgPack, proposed.MsgPack) ||
		!u.holdsDefaults(req.Config, proposed) {
		return nil, false
	}
	identity, ok := u.plannedIdentity(req.PriorIdentity)
	if !ok {
		return nil, false
	}
	tflog.Trace(ctx, "Planned the unchanged object as it is, without the framework")
	// The private state (the resource's project, framework/project.go) is planned as it was, as the framework
	// plans it for a resource without ModifyPlan; the framework wrote it, so its bytes are what it would write.
	return &tfprotov6.PlanResourceChangeResponse{PlannedState: proposed, PlannedIdentity: identity, PlannedPrivate: req.PriorPrivate}, true
}

// plannedIdentity returns the identity the framework plans for an unchanged object whose prior identity is
// prior: none for a resource without identity; for one with, prior's value re-encoded, or a null value when
// Terraform sent none. ok is false where the framework would answer an error (identity data for a resource
// without identity, data that does not decode).
func (u *unchangedPlan) plannedIdentity(prior *tfprotov6.ResourceIdentityData) (*tfprotov6.ResourceIdentityData, bool) {
	none := prior == nil || prior.IdentityData == nil
	if u.identity == nil {
		return nil, none
	}
	value := tftypes.NewValue(u.identity, nil)
	if !none {
		var err error
		if value, err = prior.IdentityData.Unmarshal(u.identity); err != nil {
			return nil, false
		}
	}
	data, err := tfprotov6.NewDynamicValue(u.identity, value)
	if err != nil {
		return nil, false
	}
	return &tfprotov6.ResourceIdentityData{IdentityData: &data}, true
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
