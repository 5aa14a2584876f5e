package provider

import (
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/dynamicdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/float32default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/float64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int32default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/numberdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// frameworkStructs are the framework's structs the classification reads: every attribute, block and nested
// object type of resource/schema, the identity schema's, and a resource's metadata.
var frameworkStructs = []reflect.Type{
	reflect.TypeFor[resource.MetadataResponse](),
	reflect.TypeFor[resource.ResourceBehavior](),
	reflect.TypeFor[resource.ProviderDeferredBehavior](),

	reflect.TypeFor[schema.Schema](),
	reflect.TypeFor[schema.StringAttribute](),
	reflect.TypeFor[schema.BoolAttribute](),
	reflect.TypeFor[schema.Int64Attribute](),
	reflect.TypeFor[schema.Int32Attribute](),
	reflect.TypeFor[schema.Float64Attribute](),
	reflect.TypeFor[schema.Float32Attribute](),
	reflect.TypeFor[schema.NumberAttribute](),
	reflect.TypeFor[schema.DynamicAttribute](),
	reflect.TypeFor[schema.ListAttribute](),
	reflect.TypeFor[schema.MapAttribute](),
	reflect.TypeFor[schema.SetAttribute](),
	reflect.TypeFor[schema.ObjectAttribute](),
	reflect.TypeFor[schema.ListNestedAttribute](),
	reflect.TypeFor[schema.MapNestedAttribute](),
	reflect.TypeFor[schema.SetNestedAttribute](),
	reflect.TypeFor[schema.SingleNestedAttribute](),
	reflect.TypeFor[schema.NestedAttributeObject](),
	reflect.TypeFor[schema.ListNestedBlock](),
	reflect.TypeFor[schema.SetNestedBlock](),
	reflect.TypeFor[schema.SingleNestedBlock](),
	reflect.TypeFor[schema.NestedBlockObject](),

	reflect.TypeFor[identityschema.Schema](),
	reflect.TypeFor[identityschema.StringAttribute](),
	reflect.TypeFor[identityschema.BoolAttribute](),
	reflect.TypeFor[identityschema.Int64Attribute](),
	reflect.TypeFor[identityschema.Int32Attribute](),
	reflect.TypeFor[identityschema.Float64Attribute](),
	reflect.TypeFor[identityschema.Float32Attribute](),
	reflect.TypeFor[identityschema.NumberAttribute](),
	reflect.TypeFor[identityschema.ListAttribute](),
}

func fieldNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		names = append(names, t.Field(i).Name)
	}
	slices.Sort(names)
	return names
}

// TestCheckedFieldsAreTheFrameworks requires checkedFields to know exactly the fields the framework's structs
// have: a field a framework release adds is named here, to be checked before it is added.
func TestCheckedFieldsAreTheFrameworks(t *testing.T) {
	for _, st := range frameworkStructs {
		checks, ok := checkedFields[st]
		if !ok {
			t.Errorf("checkedFields has no %v: its resources go to the framework", st)
			continue
		}
		for _, name := range fieldNames(st) {
			if _, ok := checks[name]; !ok {
				t.Errorf("%v.%s is a field the unchanged-plan shortcut has not checked: find out whether it can change "+
					"the framework's plan of an unchanged object (fwserver.PlanResourceChange), then add it to checkedFields", st, name)
			}
		}
		for name := range checks {
			if _, ok := st.FieldByName(name); !ok {
				t.Errorf("checkedFields has %v.%s, which the framework no longer has", st, name)
			}
		}
	}
	for st := range checkedFields {
		if !slices.Contains(frameworkStructs, st) {
			t.Errorf("checkedFields has %v, which frameworkStructs does not list", st)
		}
	}
}

// nonZeroValues are values the test can set an interface field of a framework struct to.
var nonZeroValues = []any{
	types.StringType, types.BoolType, types.Int64Type, types.Int32Type, types.Float64Type, types.Float32Type,
	types.NumberType, types.DynamicType, types.ListType{ElemType: types.StringType}, types.SetType{ElemType: types.StringType},
	types.MapType{ElemType: types.StringType}, types.ObjectType{},
	stringdefault.StaticString("x"), booldefault.StaticBool(true), int64default.StaticInt64(1), int32default.StaticInt32(1),
	float64default.StaticFloat64(1), float32default.StaticFloat32(1), numberdefault.StaticBigFloat(nil),
	dynamicdefault.StaticValue(types.DynamicNull()), listdefault.StaticValue(types.ListNull(types.StringType)),
	setdefault.StaticValue(types.SetNull(types.StringType)), mapdefault.StaticValue(types.MapNull(types.StringType)),
	objectdefault.StaticValue(types.ObjectNull(nil)),
}

// nonZero returns a value of t other than its zero value.
func nonZero(t reflect.Type) (reflect.Value, bool) {
	v := reflect.New(t).Elem()
	switch t.Kind() {
	case reflect.Bool:
		v.SetBool(true)
	case reflect.String:
		v.SetString("x")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(t, 1, 1))
	case reflect.Map:
		v.Set(reflect.MakeMap(t))
	case reflect.Struct:
		for i := range t.NumField() {
			if f, ok := nonZero(t.Field(i).Type); ok {
				v.Field(i).Set(f)
				return v, true
			}
		}
		return v, false
	case reflect.Interface:
		for _, c := range nonZeroValues {
			if reflect.TypeOf(c).AssignableTo(t) {
				v.Set(reflect.ValueOf(c))
				return v, true
			}
		}
		return v, false
	default:
		return v, false
	}
	return v, true
}

// TestUnknownFieldsSendToTheFramework takes each field of each framework struct in turn as one the
// classification does not know, as if a framework release had added it: left at its zero value it changes
// nothing; set, it sends the resource to the framework.
func TestUnknownFieldsSendToTheFramework(t *testing.T) {
	for _, st := range frameworkStructs {
		zero := reflect.New(st).Elem()
		if !checkedFields.inert(zero) {
			t.Errorf("a zero %v is not inert", st)
		}
		for i := range st.NumField() {
			name := st.Field(i).Name
			without := maps.Clone(checkedFields)
			without[st] = maps.Clone(checkedFields[st])
			delete(without[st], name)

			if !without.inert(zero) {
				t.Errorf("%v.%s: unknown and zero, and still not inert", st, name)
			}
			f, ok := nonZero(st.Field(i).Type)
			if !ok {
				t.Errorf("%v.%s: the test cannot set a %v; add a value of that type to nonZeroValues", st, name, st.Field(i).Type)
				continue
			}
			set := reflect.New(st).Elem()
			set.Field(i).Set(f)
			if without.inert(set) {
				t.Errorf("%v.%s: unknown and set, and still inert", st, name)
			}
		}
	}

	type unknown struct{ schema.StringAttribute }
	if checkedFields.inert(reflect.ValueOf(unknown{})) {
		t.Error("a struct of a type checkedFields does not know is inert")
	}
}

// TestShortcutCheckedAgainstFramework pins the framework version the shortcut was checked against.
func TestShortcutCheckedAgainstFramework(t *testing.T) {
	const module = "github.com/hashicorp/terraform-plugin-framework"
	data, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	version := requiredVersion(string(data), module)
	if version != checkedFrameworkVersion {
		t.Errorf("go.mod has %s %s, and the unchanged-plan shortcut (unchanged_plan.go) was checked against %s. "+
			"Before moving checkedFrameworkVersion, re-check it against the new release's fwserver.PlanResourceChange: "+
			"the fields of the schema, attribute, block and identity schema structs (TestCheckedFieldsAreTheFrameworks "+
			"names new ones); that the plan modifiers in inertPlanModifiers still return at once on an unchanged value; "+
			"how defaults are applied before the plan is compared with the state; which types the framework validates "+
			"when it writes a plan; how it answers the planned identity (a null one when none is sent) and the private "+
			"state; and which resource methods it calls while planning (ModifyPlan, Configure). In server.go, check "+
			"that proto6server still keeps each request's context (TestServerLetsGoOfAnsweredRequests) and which "+
			"optional server interfaces it implements (TestServerPassesOnEveryRPC).",
			module, version, checkedFrameworkVersion)
	}
}

// requiredVersion returns the version of module that go.mod requires, or what replaces it.
func requiredVersion(goMod, module string) string {
	required, replaced, block := "", "", ""
	for line := range strings.Lines(goMod) {
		line, _, _ = strings.Cut(line, "//")
		f := strings.Fields(line)
		directive := block
		switch {
		case len(f) == 2 && f[1] == "(":
			block = f[0]
			continue
		case len(f) == 1 && f[0] == ")":
			block = ""
			continue
		case block == "" && len(f) > 0:
			directive, f = f[0], f[1:]
		}
		switch {
		case len(f) == 0 || f[0] != module:
		case directive == "require" && len(f) == 2:
			required = f[1]
		case directive == "replace":
			replaced = strings.Join(f, " ") + " (replaced)"
		}
	}
	if replaced != "" {
		return replaced
	}
	return required
}

func TestRequiredVersion(t *testing.T) {
	const m = "example.com/m"
	for goMod, want := range map[string]string{
		"module x\n\nrequire example.com/m v1.2.3\n":                                                   "v1.2.3",
		"require (\n\texample.com/other v0.1.0\n\texample.com/m v1.2.3 // indirect\n)\n":               "v1.2.3",
		"require example.com/mm v1.0.0\n":                                                              "",
		"require example.com/m v1.2.3\nreplace example.com/m => ../m\n":                                "example.com/m => ../m (replaced)",
		"replace (\n\texample.com/m v1.2.3 => example.com/n v1.0.0\n)\nrequire example.com/m v1.2.3\n": "example.com/m v1.2.3 => example.com/n v1.0.0 (replaced)",
	} {
		if got := requiredVersion(goMod, m); got != want {
			t.Errorf("%q: %q, want %q", goMod, got, want)
		}
	}
}
