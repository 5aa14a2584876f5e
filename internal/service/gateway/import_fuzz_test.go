package gateway_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/service/gateway"
	"github.com/cloudauthz/terraform-provider-authz/internal/validate"
)

// importCase is one gateway resource and the attributes its import ID names, in order.
type importCase struct {
	newResource func() resource.Resource
	parts       []string
	setsID      bool // the import sets id to the import ID itself
}

func importCases() []importCase {
	var cases []importCase
	for _, f := range []cloud.Flavor{cloud.FlavorAPIG, cloud.FlavorROMA} {
		cases = append(cases,
			importCase{gateway.NewAppAuthorizationResource(f), []string{"instance_id", "env_id", "app_id", "api_id"}, false},
			importCase{gateway.NewAppAuthorizationSetResource(f), []string{"instance_id", "env_id", "app_id"}, true},
			importCase{gateway.NewAppACLResource(f), []string{"instance_id", "app_id"}, true},
		)
	}
	return cases
}

// importState runs the resource's ImportState as Terraform's import does, into an empty state, without a
// configured client: the parsing is all that runs.
func importState(t *testing.T, r resource.Resource, id string) *resource.ImportStateResponse {
	ctx := context.Background()
	var sr resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sr)
	if sr.Diagnostics.HasError() {
		t.Fatalf("schema: %v", sr.Diagnostics)
	}
	resp := &resource.ImportStateResponse{State: tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(sr.Schema.Type().TerraformType(ctx), nil)}}
	r.(resource.ResourceWithImportState).ImportState(ctx, resource.ImportStateRequest{ID: id}, resp)
	return resp
}

// FuzzImportState checks the import of every gateway resource: it never panics; it accepts exactly the IDs
// of the right number of well-formed parts, and the attributes it sets join back to the ID; a refusal is an
// "Invalid import ID" that quotes the ID and shows the expected form.
func FuzzImportState(f *testing.F) {
	for _, seed := range []struct {
		id       string
		resource uint8
	}{
		{"apig-instance-1/DEFAULT_ENVIRONMENT_RELEASE_ID/app1/api-app", 0},
		{"apig-instance-1/env-test/app1", 1},
		{"apig-instance-1/app1", 2},
		{"roma-instance-1/env-test/app2/api-two", 3},
		{"roma-instance-1/app1/extra", 5},
		{"i1//a1", 1}, {"i1/a 1", 2}, {"", 0}, {"/", 2}, {"i1/e1/a1/p1/x", 0},
	} {
		f.Add(seed.id, seed.resource)
	}
	cases := importCases()
	f.Fuzz(func(t *testing.T, id string, which uint8) {
		c := cases[int(which)%len(cases)]
		r := c.newResource()
		resp := importState(t, r, id)

		split := strings.Split(id, "/")
		wellFormed := len(split) == len(c.parts)
		for _, p := range split {
			wellFormed = wellFormed && validate.IsID(p)
		}
		if resp.Diagnostics.HasError() == wellFormed {
			t.Fatalf("importing %q into %T: diagnostics %v; want it accepted: %v", id, r, resp.Diagnostics, wellFormed)
		}
		if !wellFormed {
			d := resp.Diagnostics.Errors()[0]
			form := "<" + strings.Join(c.parts, ">/<") + ">"
			if len(resp.Diagnostics) != 1 || d.Summary() != "Invalid import ID" || !strings.Contains(d.Detail(), strconv.Quote(id)) || !strings.Contains(d.Detail(), form) {
				t.Fatalf("importing %q into %T: %v; want one Invalid import ID quoting the ID and showing %s", id, r, resp.Diagnostics, form)
			}
			return
		}
		var got []string
		for _, name := range c.parts {
			var v types.String
			resp.Diagnostics.Append(resp.State.GetAttribute(context.Background(), path.Root(name), &v)...)
			got = append(got, v.ValueString())
		}
		if strings.Join(got, "/") != id {
			t.Fatalf("importing %q into %T set %q = %q: does not join back to the ID", id, r, c.parts, got)
		}
		if c.setsID {
			var v types.String
			resp.Diagnostics.Append(resp.State.GetAttribute(context.Background(), path.Root("id"), &v)...)
			if v.ValueString() != id {
				t.Fatalf("importing %q into %T set id %q", id, r, v.ValueString())
			}
		}
		if resp.Diagnostics.HasError() {
			t.Fatalf("importing %q into %T: %v", id, r, resp.Diagnostics)
		}
	})
}
