package servicerequest

import (
	"context"
	"maps"
	"slices"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
)

var _ datasource.DataSourceWithConfigure = (*authorizationsDataSource)(nil)

// NewAuthorizationsDataSource is authz_service_request_authorizations: the access requests of support
// engineers, filtered, so a configuration can decide pending ones with for_each.
func NewAuthorizationsDataSource() datasource.DataSource {
	return &authorizationsDataSource{DataSourceBase: framework.DataSourceBase{TypeName: "authz_service_request_authorizations"}}
}

type authorizationsDataSource struct {
	framework.DataSourceBase
}

func (d *authorizationsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	names := slices.Sorted(maps.Values(cloud.OSMStatusNames))
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the access requests support engineers filed on service tickets, every page read, so a configuration can " +
			"find the pending ones and decide them with `authz_service_request_authorization` and `for_each`.",
		Attributes: map[string]schema.Attribute{
			"status": schema.StringAttribute{
				MarkdownDescription: "Only requests in this status, by name: " + quoted(names) + ".",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(names...)},
			},
			"incident_id": schema.StringAttribute{MarkdownDescription: "Only requests of this service ticket.", Optional: true},
			"group_id":    schema.StringAttribute{MarkdownDescription: "Only requests of this group.", Optional: true, Validators: []validator.String{stringvalidator.LengthBetween(1, 64)}},
			"authorizations": schema.ListNestedAttribute{
				MarkdownDescription: "The requests.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":            computed("ID of the request, for `authorization_id`."),
					"status":        computed("Status as a number."),
					"status_name":   computed("Status by name."),
					"incident_id":   computed("ID of the service ticket."),
					"description":   computed("What the engineer asked for."),
					"resource_type": computed("Kind of resource the access is for."),
					"visit_type":    computed("Kind of access asked for."),
					"handler":       computed("Name of the engineer."),
				}},
			},
		},
	}
}

func (d *authorizationsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m authorizationsModel
	if _, ok := d.Open(ctx, req.Config, &m, nil, 0, &resp.Diagnostics); !ok {
		return
	}
	f := cloud.OSMListFilter{IncidentID: m.IncidentID.ValueString(), GroupID: m.GroupID.ValueString()}
	for code, name := range cloud.OSMStatusNames {
		if name == m.Status.ValueString() {
			f.Status = &code
		}
	}
	list, err := d.Client.OSM().List(ctx, f)
	if err != nil {
		resp.Diagnostics.AddError("Error reading "+d.TypeName, framework.Detail("Listing the authorization requests", err))
		return
	}
	m.Authorizations = make([]authorizationItem, 0, len(list))
	for _, a := range list {
		m.Authorizations = append(m.Authorizations, authorizationItem{
			ID: types.StringValue(a.ID), Status: types.StringValue(strconv.Itoa(a.Status)), StatusName: types.StringValue(statusName(a.Status)),
			IncidentID: types.StringValue(a.IncidentID), Description: types.StringValue(a.SimpleDescription),
			ResourceType: types.StringValue(a.ResourceTypeName), VisitType: types.StringValue(a.VisitTypeName), Handler: types.StringValue(a.AuthHandlerName),
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func quoted(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += ", "
		}
		out += "`" + s + "`"
	}
	return out
}

type authorizationsModel struct {
	Status         types.String        `tfsdk:"status"`
	IncidentID     types.String        `tfsdk:"incident_id"`
	GroupID        types.String        `tfsdk:"group_id"`
	Authorizations []authorizationItem `tfsdk:"authorizations"`
}

type authorizationItem struct {
	ID           types.String `tfsdk:"id"`
	Status       types.String `tfsdk:"status"`
	StatusName   types.String `tfsdk:"status_name"`
	IncidentID   types.String `tfsdk:"incident_id"`
	Description  types.String `tfsdk:"description"`
	ResourceType types.String `tfsdk:"resource_type"`
	VisitType    types.String `tfsdk:"visit_type"`
	Handler      types.String `tfsdk:"handler"`
}
