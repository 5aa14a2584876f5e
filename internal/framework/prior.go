package framework

import (
	"context"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
)

// Prior is a Read's model as the state held it, before the Read changed it from what the cloud answered.
type Prior struct{ model reflect.Value }

// snapshot copies the struct model points to.
func snapshot(model any) Prior {
	v := reflect.ValueOf(model).Elem()
	c := reflect.New(v.Type()).Elem()
	c.Set(v)
	return Prior{c}
}

// Record ends a Read: it records model in state, unless model still equals the prior one, in which case the
// state stays as the framework passed it in (the prior state). Converting a model into a state is the largest
// part of a Read's own cost, and the Reads of a refresh find nothing changed far more often than not.
func (p Prior) Record(ctx context.Context, state *tfsdk.State, model any) diag.Diagnostics {
	if p.model.IsValid() && modelsEqual(p.model, reflect.ValueOf(model).Elem()) {
		return nil
	}
	return setState(ctx, state, model)
}

// modelsEqual compares two structs of one model type field by field: values with their own Equal (so an
// unknown never equals a known, nor a null an empty value), embedded structs field by field.
func modelsEqual(a, b reflect.Value) bool {
	if a.Type() != b.Type() || a.Kind() != reflect.Struct {
		return false
	}
	for i := range a.NumField() {
		f := a.Type().Field(i)
		x, y := a.Field(i), b.Field(i)
		switch {
		case f.Anonymous && f.Type.Kind() == reflect.Struct:
			if !modelsEqual(x, y) {
				return false
			}
		case !f.IsExported():
			return false // not a model the framework could convert; never skip the state's update
		default:
			xv, ok := x.Interface().(attr.Value)
			if !ok {
				if !reflect.DeepEqual(x.Interface(), y.Interface()) {
					return false
				}
				continue
			}
			yv, _ := y.Interface().(attr.Value)
			if yv == nil || !xv.Equal(yv) {
				return false
			}
		}
	}
	return true
}
