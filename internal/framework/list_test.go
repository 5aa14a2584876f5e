package framework_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
)

type listedThing struct {
	ServiceID   types.String `tfsdk:"service_id"`
	APIID       types.String `tfsdk:"api_id"`
	WorkspaceID types.String `tfsdk:"workspace_id"`
	ZoneID      types.String `tfsdk:"zone_id"`
	Name        types.String `tfsdk:"name"`
}

// listed runs a Stream over n objects (the find function stops when emit says so), failing after fail objects
// when fail ≥ 0, and returns the results Terraform would read, taking at most take of them.
func listed(t *testing.T, req list.ListRequest, n, fail, take int) (results []list.ListResult, found int) {
	t.Helper()
	ctx := context.Background()
	var s resource.SchemaResponse
	s.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"service_id": schema.StringAttribute{Required: true}, "api_id": schema.StringAttribute{Required: true},
		"workspace_id": schema.StringAttribute{Optional: true}, "zone_id": schema.StringAttribute{Optional: true},
		"name": schema.StringAttribute{Computed: true},
	}}
	req.ResourceSchema, req.ResourceIdentitySchema = s.Schema, identitySchema(t).IdentitySchema
	b := framework.ListBase{ResourceBase: identified}
	var stream list.ListResultsStream
	b.Stream(ctx, req, &stream, func(_ context.Context, emit framework.Emit) (string, string) {
		for i := range n {
			if i == fail {
				return "Error listing", "the cloud said no"
			}
			found++
			m := listedThing{ServiceID: types.StringValue("svc"), APIID: types.StringValue(fmt.Sprintf("api%d", i)), WorkspaceID: types.StringValue("0"),
				ZoneID: types.StringNull(), Name: types.StringValue(fmt.Sprintf("thing %d", i))}
			if !emit(m.Name.ValueString(), &m) {
				break
			}
		}
		return "", ""
	})
	for r := range stream.Results {
		results = append(results, r)
		if len(results) == take {
			break
		}
	}
	return results, found
}

func TestStream(t *testing.T) {
	ctx := context.Background()
	t.Run("results carry the identity, the display name and the object when asked", func(t *testing.T) {
		for _, include := range []bool{false, true} {
			results, _ := listed(t, list.ListRequest{IncludeResource: include}, 2, -1, 0)
			if len(results) != 2 {
				t.Fatalf("include_resource %v: %d results, want 2", include, len(results))
			}
			r := results[1]
			if r.Diagnostics.HasError() || r.DisplayName != "thing 1" {
				t.Fatalf("include_resource %v: result %+v", include, r)
			}
			var api, ws, zone types.String
			r.Identity.GetAttribute(ctx, path.Root("api_id"), &api)
			r.Identity.GetAttribute(ctx, path.Root("workspace_id"), &ws)
			r.Identity.GetAttribute(ctx, path.Root("zone_id"), &zone)
			if api.ValueString() != "api1" || ws.ValueString() != "0" || !zone.IsNull() {
				t.Errorf("include_resource %v: identity api_id %s, workspace_id %s, zone_id %s", include, api, ws, zone)
			}
			if (r.Resource != nil) != include {
				t.Errorf("include_resource %v: resource object %v", include, r.Resource)
			}
			if include {
				var name types.String
				r.Resource.GetAttribute(ctx, path.Root("name"), &name)
				if name.ValueString() != "thing 1" {
					t.Errorf("resource object name %s", name)
				}
			}
		}
	})
	t.Run("the limit stops the listing", func(t *testing.T) {
		results, found := listed(t, list.ListRequest{Limit: 3}, 10, -1, 0)
		if len(results) != 3 || found != 3 {
			t.Errorf("limit 3: %d results, %d objects found; want 3 and the search stopped at 3", len(results), found)
		}
	})
	t.Run("an error follows the results before it", func(t *testing.T) {
		results, _ := listed(t, list.ListRequest{}, 10, 2, 0)
		if len(results) != 3 || results[0].Diagnostics.HasError() || !results[2].Diagnostics.HasError() {
			t.Fatalf("failing after 2: %d results %+v; want 2 and an error", len(results), results)
		}
		if d := results[2].Diagnostics[0]; d.Summary() != "Error listing" || d.Detail() != "the cloud said no" {
			t.Errorf("error %s: %s", d.Summary(), d.Detail())
		}
	})
	t.Run("Terraform taking no more stops the listing", func(t *testing.T) {
		if _, found := listed(t, list.ListRequest{}, 10, -1, 4); found != 4 {
			t.Errorf("Terraform stopped after 4 results, the search went on to %d", found)
		}
	})
}
