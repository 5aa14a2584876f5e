package framework_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
)

// stringSets are sets of every kind: null, unknown, empty, known, with unknown or null elements.
func stringSets() map[string]basetypes.SetValue {
	s := func(elems ...attr.Value) basetypes.SetValue { return types.SetValueMust(types.StringType, elems) }
	str := types.StringValue
	return map[string]basetypes.SetValue{
		"null":          types.SetNull(types.StringType),
		"unknown":       types.SetUnknown(types.StringType),
		"empty":         s(),
		"a":             s(str("a")),
		"a b":           s(str("a"), str("b")),
		"b a":           s(str("b"), str("a")),
		"a c":           s(str("a"), str("c")),
		"a b c":         s(str("a"), str("b"), str("c")),
		"a unknown":     s(str("a"), types.StringUnknown()),
		"unknown a":     s(types.StringUnknown(), str("a")),
		"a null":        s(str("a"), types.StringNull()),
		"ints":          types.SetValueMust(types.Int64Type, []attr.Value{types.Int64Value(1)}),
		"another a b c": s(str("c"), str("b"), str("a")),
	}
}

// TestStringSetIsTheFrameworksSet compares every pair of sets as the framework's own set type does.
func TestStringSetIsTheFrameworksSet(t *testing.T) {
	ctx := context.Background()
	sets := stringSets()
	for na, a := range sets {
		for nb, b := range sets {
			if a.ElementType(ctx) != types.StringType {
				continue
			}
			got := framework.StringSetValue{SetValue: a}.Equal(framework.StringSetValue{SetValue: b})
			if want := a.Equal(b); got != want {
				t.Errorf("%s = %s: %v, the framework's set says %v", na, nb, got, want)
			}
			semantic, diags := framework.StringSetValue{SetValue: a}.SetSemanticEquals(ctx, framework.StringSetValue{SetValue: b})
			if diags.HasError() || semantic != a.Equal(b) {
				t.Errorf("%s semantically equal to %s: %v %v", na, nb, semantic, diags)
			}
		}
	}
	if (framework.StringSetValue{SetValue: sets["a"]}).Equal(sets["a"]) {
		t.Error("a StringSetValue equals a plain set")
	}
}

func TestStringSetRoundTrip(t *testing.T) {
	ctx := context.Background()
	want, diags := framework.NewStringSet(ctx, []string{"x", "y"})
	if diags.HasError() {
		t.Fatal(diags)
	}
	raw, err := want.ToTerraformValue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := framework.StringSet.ValueFromTerraform(ctx, raw)
	if err != nil || !got.Equal(want) || !got.Type(ctx).Equal(framework.StringSet) {
		t.Fatalf("got %v (%v), want %v", got, err, want)
	}
	if framework.StringSet.Equal(types.SetType{ElemType: types.StringType}) {
		t.Error("StringSet equals the plain set type")
	}
}

func TestStringSetValidate(t *testing.T) {
	ctx := context.Background()
	typ := tftypes.Set{ElementType: tftypes.String}
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	for name, tc := range map[string]struct {
		value tftypes.Value
		want  []string
	}{
		"distinct":  {tftypes.NewValue(typ, []tftypes.Value{str("a"), str("b")}), nil},
		"null":      {tftypes.NewValue(typ, nil), nil},
		"unknown":   {tftypes.NewValue(typ, tftypes.UnknownValue), nil},
		"duplicate": {tftypes.NewValue(typ, []tftypes.Value{str("a"), str("b"), str("a")}), []string{`This attribute contains duplicate values of: tftypes.String<"a">`}},
		"unknown elements": {tftypes.NewValue(typ, []tftypes.Value{
			tftypes.NewValue(tftypes.String, tftypes.UnknownValue), tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
		}), nil},
	} {
		t.Run(name, func(t *testing.T) {
			diags := framework.StringSet.Validate(ctx, tc.value, path.Root("ids"))
			reference := types.SetType{ElemType: types.StringType}.Validate(ctx, tc.value, path.Root("ids"))
			if fmt.Sprint(diags) != fmt.Sprint(reference) {
				t.Errorf("diagnostics %v, the framework's set %v", diags, reference)
			}
			var details []string
			for _, d := range diags {
				details = append(details, d.Detail())
			}
			if fmt.Sprint(details) != fmt.Sprint(tc.want) {
				t.Errorf("details %q, want %q", details, tc.want)
			}
		})
	}
}
