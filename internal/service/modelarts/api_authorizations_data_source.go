package modelarts

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
	"github.com/cloudauthz/terraform-provider-authz/internal/validate"
)

var _ datasource.DataSourceWithConfigure = (*apiAuthorizationsDataSource)(nil)

// NewAPIAuthorizationsDataSource is authz_modelarts_api_authorizations: the apps that may, or may not, call
// one service API.
func NewAPIAuthorizationsDataSource() datasource.DataSource {
	return &apiAuthorizationsDataSource{DataSourceBase: framework.DataSourceBase{TypeName: "authz_modelarts_api_authorizations"}}
}

type apiAuthorizationsDataSource struct {
	framework.DataSourceBase
}

func (d *apiAuthorizationsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	required := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Required: true, Validators: []validator.String{validate.ID()}}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the apps of the project with whether each may call one API of a ModelArts real-time service: " +
			"by default the authorized ones, or with `show_only` the ones that are not. Every page is read.",
		Attributes: map[string]schema.Attribute{
			"id":         schema.StringAttribute{MarkdownDescription: "`<service_id>/<api_id>`.", Computed: true},
			"service_id": required("ID of the real-time service."),
			"api_id":     required("ID of the service's API."),
			"workspace_id": schema.StringAttribute{
				MarkdownDescription: "ID of the ModelArts workspace; `0` when unset.",
				Optional:            true,
				Validators:          []validator.String{validate.ID()},
			},
			"show_only": schema.StringAttribute{
				MarkdownDescription: "`AUTH` (default): the apps that may call the API; `UNAUTH`: those that may not; `ALL`: both.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(cloud.ShowAuthorized, cloud.ShowUnauthorized, "ALL")},
			},
			"apps": schema.ListNestedAttribute{
				MarkdownDescription: "The apps, with whether each may call the API. App secrets are left out.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"app_id":     schema.StringAttribute{MarkdownDescription: "ID of the app.", Computed: true},
					"app_name":   schema.StringAttribute{MarkdownDescription: "Name of the app.", Computed: true},
					"app_remark": schema.StringAttribute{MarkdownDescription: "Description of the app.", Computed: true},
					"app_type":   schema.StringAttribute{MarkdownDescription: "Gateway the app is registered on: `APIC`, `APIG` or `DEDICATE_APIG`.", Computed: true},
					"authorized": schema.BoolAttribute{MarkdownDescription: "Whether the app may call the API.", Computed: true},
				}},
			},
		},
	}
}

func (d *apiAuthorizationsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m apiAuthorizationsModel
	if !d.Load(ctx, req.Config, &m, &resp.Diagnostics) {
		return
	}
	show := m.ShowOnly.ValueString()
	switch show {
	case "":
		show = cloud.ShowAuthorized
	case "ALL":
		show = ""
	}
	serviceID, apiID := m.ServiceID.ValueString(), m.APIID.ValueString()
	auths, err := d.Client.ModelArts().ListAPIAuths(ctx, serviceID, apiID, cloud.APIAuthsFilter{ShowOnly: show, WorkspaceID: m.WorkspaceID.ValueString()})
	if err != nil {
		resp.Diagnostics.AddError("Error reading "+d.TypeName, framework.Detail(fmt.Sprintf("Listing the apps of API %s of service %s", apiID, serviceID), err))
		return
	}
	m.ID = types.StringValue(serviceID + "/" + apiID)
	m.Apps = make([]apiAuthorizationApp, 0, len(auths))
	for _, a := range auths {
		m.Apps = append(m.Apps, apiAuthorizationApp{
			AppID: types.StringValue(a.App.AppID), AppName: types.StringValue(a.App.AppName), AppRemark: types.StringValue(a.App.AppRemark),
			AppType: types.StringValue(a.App.AppType), Authorized: types.BoolValue(a.Authed),
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

type apiAuthorizationsModel struct {
	ID          types.String          `tfsdk:"id"`
	ServiceID   types.String          `tfsdk:"service_id"`
	APIID       types.String          `tfsdk:"api_id"`
	WorkspaceID types.String          `tfsdk:"workspace_id"`
	ShowOnly    types.String          `tfsdk:"show_only"`
	Apps        []apiAuthorizationApp `tfsdk:"apps"`
}

type apiAuthorizationApp struct {
	AppID      types.String `tfsdk:"app_id"`
	AppName    types.String `tfsdk:"app_name"`
	AppRemark  types.String `tfsdk:"app_remark"`
	AppType    types.String `tfsdk:"app_type"`
	Authorized types.Bool   `tfsdk:"authorized"`
}
