package framework

import (
	"context"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
)

type codecShared struct {
	ID     types.String `tfsdk:"id"`
	Values types.Set    `tfsdk:"values"`
}

// codecModel has every kind of field the provider's resource models have.
type codecModel struct {
	codecShared
	Name     types.String   `tfsdk:"name"`
	Count    types.Int64    `tfsdk:"count"`
	Labels   types.Map      `tfsdk:"labels"`
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func codecSchema(ctx context.Context) schema.Schema {
	return schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id":     schema.StringAttribute{Computed: true},
			"values": schema.SetAttribute{Optional: true, ElementType: types.StringType},
			"name":   schema.StringAttribute{Optional: true},
			"count":  schema.Int64Attribute{Optional: true},
			"labels": schema.MapAttribute{Optional: true, ElementType: types.StringType},
		},
		Blocks: map[string]schema.Block{"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Delete: true})},
	}
}

func codecModels(t *testing.T, ctx context.Context) map[string]codecModel {
	timeoutsType := codecSchema(ctx).Blocks["timeouts"].Type().(attr.TypeWithAttributeTypes).AttributeTypes()
	set := types.SetValueMust(types.StringType, []attr.Value{types.StringValue("a"), types.StringValue("b")})
	labels := types.MapValueMust(types.StringType, map[string]attr.Value{"k": types.StringValue("v")})
	withTimeouts := types.ObjectValueMust(timeoutsType, map[string]attr.Value{"create": types.StringValue("5m"), "delete": types.StringNull()})
	return map[string]codecModel{
		"all known": {codecShared{types.StringValue("id1"), set}, types.StringValue("n"), types.Int64Value(7), labels, timeouts.Value{Object: withTimeouts}},
		"all null": {codecShared{types.StringNull(), types.SetNull(types.StringType)}, types.StringNull(), types.Int64Null(), types.MapNull(types.StringType),
			timeouts.Value{Object: types.ObjectNull(timeoutsType)}},
		"unknowns": {codecShared{types.StringUnknown(), types.SetUnknown(types.StringType)}, types.StringValue(""), types.Int64Unknown(), types.MapUnknown(types.StringType),
			timeouts.Value{Object: types.ObjectNull(timeoutsType)}},
	}
}

// The direct conversion reads and writes exactly what the framework's State.Get and State.Set do.
func TestModelCodecMatchesFramework(t *testing.T) {
	ctx := context.Background()
	for name, m := range codecModels(t, ctx) {
		t.Run(name, func(t *testing.T) {
			viaFramework := tfsdk.State{Schema: codecSchema(ctx)}
			if diags := viaFramework.Set(ctx, &m); diags.HasError() {
				t.Fatal(diags)
			}
			direct := tfsdk.State{Schema: codecSchema(ctx)}
			if diags := setState(ctx, &direct, &m); diags.HasError() {
				t.Fatal(diags)
			}
			if !direct.Raw.Equal(viaFramework.Raw) {
				t.Fatalf("setState wrote\n%s\nState.Set writes\n%s", direct.Raw, viaFramework.Raw)
			}

			var got, want codecModel
			if !decodeModel(ctx, direct.Schema.Type(), direct.Raw, &got) {
				t.Fatal("decodeModel fell back to the framework for a model it handles")
			}
			if diags := viaFramework.Get(ctx, &want); diags.HasError() {
				t.Fatal(diags)
			}
			if !reflect.DeepEqual(got, want) || !modelsEqual(reflect.ValueOf(got), reflect.ValueOf(m)) {
				t.Fatalf("decodeModel read\n%+v\nState.Get reads\n%+v", got, want)
			}
		})
	}
}

// Models the direct conversion does not handle go to the framework, which converts them or says why not.
func TestModelCodecFallsBack(t *testing.T) {
	ctx := context.Background()
	type untagged struct {
		ID   types.String `tfsdk:"id"`
		Name types.String
	}
	type native struct {
		ID   string       `tfsdk:"id"`
		Name types.String `tfsdk:"name"`
	}
	type missing struct {
		ID types.String `tfsdk:"id"`
	}
	s := schema.Schema{Attributes: map[string]schema.Attribute{"id": schema.StringAttribute{Optional: true}, "name": schema.StringAttribute{Optional: true}}}
	state := tfsdk.State{Schema: s}
	if diags := state.Set(ctx, &native{ID: "x", Name: types.StringValue("n")}); diags.HasError() {
		t.Fatal(diags)
	}
	for name, model := range map[string]any{"untagged": &untagged{}, "native": &native{}, "missing": &missing{}} {
		if decodeModel(ctx, s.Type(), state.Raw, model) {
			t.Errorf("%s: decodeModel converted a model it does not handle", name)
		}
	}
	// The framework converts a native field, and words the error of a model that does not fit.
	var n native
	if diags := readModel(ctx, state, &n); diags.HasError() || n.ID != "x" || n.Name.ValueString() != "n" {
		t.Errorf("native: got %+v, %v", n, diags)
	}
	if diags := readModel(ctx, state, &missing{}); !diags.HasError() {
		t.Error("missing: a model without the name attribute was read without an error")
	}
	if diags := setState(ctx, &state, &missing{ID: types.StringValue("y")}); !diags.HasError() {
		t.Error("missing: a model without the name attribute was written without an error")
	}
}

func stringSet(values ...string) types.Set {
	elems := make([]attr.Value, len(values))
	for i, v := range values {
		elems[i] = types.StringValue(v)
	}
	return types.SetValueMust(types.StringType, elems)
}

// A Read that finds what the state holds leaves the state alone; any change of any field, however small,
// is recorded.
func TestPriorRecord(t *testing.T) {
	ctx := context.Background()
	base := Base{Client: &cloud.Client{}}
	tests := map[string]struct {
		change    func(m *codecModel)
		unchanged bool
	}{
		"nothing":                 {func(*codecModel) {}, true},
		"same set, other order":   {func(m *codecModel) { m.Values = stringSet("b", "a") }, true},
		"an own field, then back": {func(m *codecModel) { m.Name = types.StringValue("x"); m.Name = types.StringValue("n") }, true},
		"an embedded field":       {func(m *codecModel) { m.ID = types.StringValue("id2") }, false},
		"a set element":           {func(m *codecModel) { m.Values = stringSet("a", "c") }, false},
		"a string to empty":       {func(m *codecModel) { m.Name = types.StringValue("") }, false},
		"a string to null":        {func(m *codecModel) { m.Name = types.StringNull() }, false},
		"known to unknown":        {func(m *codecModel) { m.ID = types.StringUnknown() }, false},
		"a set to a null set":     {func(m *codecModel) { m.Values = types.SetNull(types.StringType) }, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			initial := codecModels(t, ctx)["all known"]
			initial.Values = stringSet("a", "b")
			state := tfsdk.State{Schema: codecSchema(ctx)}
			if diags := state.Set(ctx, &initial); diags.HasError() {
				t.Fatal(diags)
			}
			var m codecModel
			var diags diag.Diagnostics
			prior, ok := base.Refresh(ctx, state, &m, &diags)
			if !ok {
				t.Fatal(diags)
			}
			tc.change(&m)
			if tc.unchanged {
				// A schema the model does not fit makes any write fail: only a skipped one succeeds.
				state.Schema = schema.Schema{Attributes: map[string]schema.Attribute{"id": schema.StringAttribute{Computed: true}}}
				if diags := prior.Record(ctx, &state, &m); diags.HasError() {
					t.Errorf("an unchanged model was written to the state: %v", diags)
				}
				return
			}
			if diags := prior.Record(ctx, &state, &m); diags.HasError() {
				t.Fatal(diags)
			}
			var recorded codecModel
			if diags := state.Get(ctx, &recorded); diags.HasError() {
				t.Fatal(diags)
			}
			if !modelsEqual(reflect.ValueOf(recorded), reflect.ValueOf(m)) {
				t.Errorf("the state holds\n%+v\nnot the model\n%+v", recorded, m)
			}
		})
	}
}

// Without a client (the provider configuration is not known yet) a Read stops and the prior state stands.
func TestRefreshWithoutClient(t *testing.T) {
	ctx := context.Background()
	state := tfsdk.State{Schema: codecSchema(ctx)}
	m := codecModels(t, ctx)["all known"]
	if diags := state.Set(ctx, &m); diags.HasError() {
		t.Fatal(diags)
	}
	var diags diag.Diagnostics
	if _, ok := (&Base{}).Refresh(ctx, state, &codecModel{}, &diags); ok || diags.HasError() {
		t.Errorf("ok %v, diags %v; want a quiet stop", ok, diags)
	}
}
