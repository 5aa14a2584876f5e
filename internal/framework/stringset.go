package framework

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// StringSet is the type of a set of strings that may hold thousands of elements (an authoritative set's IDs).
// It is the framework's set of strings, except that its checks take linear time. The framework's own (v1.19)
// compares every element with every other: to find duplicates whenever it reads the value from a state or a
// plan, to compare two sets, and in the semantic equality it runs after every read, which for 1000 IDs was
// two thirds of the provider's CPU in a no-change plan.
var StringSet = StringSetType{SetType: basetypes.SetType{ElemType: types.StringType}}

// StringSetType is the type of StringSet.
type StringSetType struct {
	basetypes.SetType
}

var (
	_ basetypes.SetTypable                    = StringSetType{}
	_ basetypes.SetValuableWithSemanticEquals = StringSetValue{}
)

func (t StringSetType) Equal(o attr.Type) bool {
	other, ok := o.(StringSetType)
	return ok && t.SetType.Equal(other.SetType)
}

func (t StringSetType) String() string { return "framework.StringSetType" }

func (t StringSetType) ValueType(context.Context) attr.Value { return StringSetValue{} }

func (t StringSetType) ValueFromSet(_ context.Context, v basetypes.SetValue) (basetypes.SetValuable, diag.Diagnostics) {
	return StringSetValue{SetValue: v}, nil
}

func (t StringSetType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.SetType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	set, ok := v.(basetypes.SetValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return StringSetValue{SetValue: set}, nil
}

// Validate reports duplicate elements, as the framework's set type does, with one pass over them.
func (t StringSetType) Validate(_ context.Context, in tftypes.Value, p path.Path) diag.Diagnostics {
	var diags diag.Diagnostics
	if in.Type() == nil || !in.IsKnown() || in.IsNull() {
		return diags
	}
	var elems []tftypes.Value
	if err := in.As(&elems); err != nil {
		diags.AddAttributeError(p, "Set Type Validation Error", "An unexpected error was encountered trying to validate an attribute value. "+
			"This is always an error in the provider. Please report the following to the provider developer:\n\n"+err.Error())
		return diags
	}
	seen := make(map[string]bool, len(elems))
	for _, e := range elems {
		var s string
		if !e.IsFullyKnown() || e.IsNull() || e.As(&s) != nil {
			continue
		}
		if seen[s] {
			diags.AddAttributeError(p, "Duplicate Set Element", fmt.Sprintf("This attribute contains duplicate values of: %s", e))
		}
		seen[s] = true
	}
	return diags
}

// StringSetValue is a value of StringSet.
type StringSetValue struct {
	basetypes.SetValue
}

// NewStringSet returns the known set of values.
func NewStringSet(ctx context.Context, values []string) (StringSetValue, diag.Diagnostics) {
	v, diags := types.SetValueFrom(ctx, types.StringType, values)
	return StringSetValue{SetValue: v}, diags
}

func (v StringSetValue) Type(context.Context) attr.Type { return StringSet }

// Equal compares two sets of known strings with one pass over each; any other two as the framework does.
func (v StringSetValue) Equal(o attr.Value) bool {
	other, ok := o.(StringSetValue)
	if !ok {
		return false
	}
	a, okA := knownStrings(v.SetValue)
	b, okB := knownStrings(other.SetValue)
	if !okA || !okB {
		return v.SetValue.Equal(other.SetValue)
	}
	if len(a) != len(b) {
		return false
	}
	count := make(map[string]int, len(a))
	for _, s := range a {
		count[s]++
	}
	for _, s := range b {
		if count[s] == 0 {
			return false
		}
		count[s]--
	}
	return true
}

// SetSemanticEquals keeps the prior value when the two sets hold the same strings. Otherwise the framework goes
// on to compare every element with every other, to no effect for strings; that is left to a set that changed.
func (v StringSetValue) SetSemanticEquals(_ context.Context, prior basetypes.SetValuable) (bool, diag.Diagnostics) {
	return v.Equal(prior), nil
}

// knownStrings returns the elements of a known set whose elements are all known strings.
func knownStrings(v basetypes.SetValue) ([]string, bool) {
	if v.IsNull() || v.IsUnknown() {
		return nil, false
	}
	elems := v.Elements()
	strs := make([]string, len(elems))
	for i, e := range elems {
		s, ok := e.(basetypes.StringValue)
		if !ok || s.IsNull() || s.IsUnknown() {
			return nil, false
		}
		strs[i] = s.ValueString()
	}
	return strs, true
}
