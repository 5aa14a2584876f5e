package framework_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
)

type priorBase struct {
	ID     types.String `tfsdk:"id"`
	Values types.Set    `tfsdk:"values"`
}

// priorModel embeds a shared part, like the ROMA flavour's model does.
type priorModel struct {
	priorBase
	Name types.String `tfsdk:"name"`
}

func priorSchema(names ...string) schema.Schema {
	s := schema.Schema{Attributes: map[string]schema.Attribute{}}
	for _, n := range names {
		if n == "values" {
			s.Attributes[n] = schema.SetAttribute{Optional: true, ElementType: types.StringType}
		} else {
			s.Attributes[n] = schema.StringAttribute{Optional: true}
		}
	}
	return s
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
	base := framework.Base{Client: &cloud.Client{}}
	for name, change := range map[string]func(m *priorModel){
		"nothing":                 func(*priorModel) {},
		"same set, other order":   func(m *priorModel) { m.Values = stringSet("b", "a") },
		"an embedded field":       func(m *priorModel) { m.ID = types.StringValue("id2") },
		"a set element":           func(m *priorModel) { m.Values = stringSet("a", "c") },
		"null to empty":           func(m *priorModel) { m.Name = types.StringValue("") },
		"known to unknown":        func(m *priorModel) { m.ID = types.StringUnknown() },
		"a set to a null set":     func(m *priorModel) { m.Values = types.SetNull(types.StringType) },
		"an own field, then back": func(m *priorModel) { m.Name = types.StringValue("x"); m.Name = types.StringNull() },
	} {
		t.Run(name, func(t *testing.T) {
			state := tfsdk.State{Schema: priorSchema("id", "values", "name")}
			if diags := state.Set(ctx, &priorModel{priorBase{types.StringValue("id1"), stringSet("a", "b")}, types.StringNull()}); diags.HasError() {
				t.Fatal(diags)
			}
			var m priorModel
			var diags diag.Diagnostics
			prior, ok := base.Refresh(ctx, state, &m, &diags)
			if !ok {
				t.Fatal(diags)
			}
			change(&m)
			// A schema the model does not fit makes any conversion fail: only a skipped one succeeds.
			state.Schema = priorSchema("id", "values")
			got := prior.Record(ctx, &state, &m)
			unchanged := name == "nothing" || name == "same set, other order" || name == "an own field, then back"
			if unchanged && got.HasError() {
				t.Errorf("an unchanged model was converted into the state: %v", got)
			}
			if !unchanged && !got.HasError() {
				t.Error("a changed model was not recorded")
			}
		})
	}
}
