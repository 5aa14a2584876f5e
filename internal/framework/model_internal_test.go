package framework

import (
	"context"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
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
