package framework

import (
	"context"
	"reflect"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The framework's State.Get and State.Set convert a model by reflection and, in terraform-plugin-framework
// v1.19, compile a regular expression for every field of the model on every call: for a refresh of
// thousands of resources that is most of what the provider's own code costs. The provider's models are flat —
// fields of attr.Value types, some in embedded structs — so readModel and setState convert them directly with
// the attribute types of the schema, the same way the framework converts each field (Type.ValueFromTerraform,
// Value.ToTerraformValue). Anything they do not handle goes to the framework, which also words the errors.

// modelField is one field of a model: its index path (through embedded structs) and its attribute's name.
type modelField struct {
	index []int
	name  string
}

var modelFieldsCache sync.Map // reflect.Type => []modelField, nil when the type is not a flat model

var attrValueType = reflect.TypeFor[attr.Value]()

// modelFields lists the fields of the model struct type t, or returns nil when t is not a flat model: a
// field that is not an attr.Value, untagged or tagged "-" makes the framework do the work.
func modelFields(t reflect.Type) []modelField {
	if cached, ok := modelFieldsCache.Load(t); ok {
		return cached.([]modelField)
	}
	fields, ok := collectFields(t, nil)
	if !ok {
		fields = nil
	}
	modelFieldsCache.Store(t, fields)
	return fields
}

func collectFields(t reflect.Type, prefix []int) ([]modelField, bool) {
	var fields []modelField
	for i := range t.NumField() {
		f := t.Field(i)
		index := append(append([]int(nil), prefix...), i)
		tag, tagged := f.Tag.Lookup("tfsdk")
		switch {
		case f.Anonymous && f.Type.Kind() == reflect.Struct && !tagged:
			embedded, ok := collectFields(f.Type, index)
			if !ok {
				return nil, false
			}
			fields = append(fields, embedded...)
		case !f.IsExported() || !tagged || tag == "" || tag == "-" || strings.Contains(tag, ",") || !f.Type.Implements(attrValueType):
			return nil, false
		default:
			fields = append(fields, modelField{index: index, name: tag})
		}
	}
	return fields, true
}

// readModel reads src into model, a pointer to a model struct, like src.Get does.
func readModel(ctx context.Context, src ModelSource, model any) diag.Diagnostics {
	var typ attr.Type
	var raw tftypes.Value
	switch s := src.(type) {
	case tfsdk.State:
		if s.Schema != nil {
			typ, raw = s.Schema.Type(), s.Raw
		}
	case tfsdk.Plan:
		if s.Schema != nil {
			typ, raw = s.Schema.Type(), s.Raw
		}
	case tfsdk.Config:
		if s.Schema != nil {
			typ, raw = s.Schema.Type(), s.Raw
		}
	}
	if typ == nil || !decodeModel(ctx, typ, raw, model) {
		return src.Get(ctx, model)
	}
	return nil
}

// decodeModel converts raw, of the object type typ, into model; ok is false when it cannot, leaving model as
// it was.
func decodeModel(ctx context.Context, typ attr.Type, raw tftypes.Value, model any) (ok bool) {
	target := reflect.ValueOf(model)
	if target.Kind() != reflect.Pointer || target.IsNil() || target.Elem().Kind() != reflect.Struct {
		return false
	}
	fields := modelFields(target.Elem().Type())
	objType, isObject := typ.(attr.TypeWithAttributeTypes)
	if fields == nil || !isObject {
		return false
	}
	attrTypes := objType.AttributeTypes()
	var values map[string]tftypes.Value
	if len(fields) != len(attrTypes) || raw.As(&values) != nil || len(values) != len(fields) {
		return false
	}
	out := reflect.New(target.Elem().Type()).Elem()
	for _, f := range fields {
		attrType, known := attrTypes[f.name]
		v, present := values[f.name]
		if !known || !present {
			return false
		}
		value, err := attrType.ValueFromTerraform(ctx, v)
		field := out.FieldByIndex(f.index)
		if err != nil || value == nil || !reflect.TypeOf(value).AssignableTo(field.Type()) {
			return false
		}
		field.Set(reflect.ValueOf(value))
	}
	target.Elem().Set(out)
	return true
}

// setState records model, a pointer to a model struct, in state, like state.Set does.
func setState(ctx context.Context, state *tfsdk.State, model any) diag.Diagnostics {
	source := reflect.ValueOf(model)
	if source.Kind() != reflect.Pointer || source.Elem().Kind() != reflect.Struct || state.Schema == nil {
		return state.Set(ctx, model)
	}
	fields := modelFields(source.Elem().Type())
	objType, ok := state.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if fields == nil || !ok || len(fields) != len(objType.AttributeTypes) {
		return state.Set(ctx, model)
	}
	values := make(map[string]tftypes.Value, len(fields))
	for _, f := range fields {
		want, known := objType.AttributeTypes[f.name]
		v, _ := source.Elem().FieldByIndex(f.index).Interface().(attr.Value)
		if !known || v == nil {
			return state.Set(ctx, model)
		}
		raw, err := v.ToTerraformValue(ctx)
		if err != nil || !raw.Type().Equal(want) {
			return state.Set(ctx, model)
		}
		values[f.name] = raw
	}
	if err := tftypes.ValidateValue(objType, values); err != nil {
		return state.Set(ctx, model)
	}
	return state.Set(ctx, tftypes.NewValue(objType, values))
}
