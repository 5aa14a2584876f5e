package modelarts

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
	"github.com/cloudauthz/terraform-provider-authz/internal/validate"
)

var _ datasource.DataSourceWithConfigure = (*appsDataSource)(nil)

// NewAppsDataSource is authz_modelarts_apps: the project's ModelArts apps, so a configuration can refer to
// an app by name.
func NewAppsDataSource() datasource.DataSource {
	return &appsDataSource{DataSourceBase: framework.DataSourceBase{TypeName: "authz_modelarts_apps"}}
}

type appsDataSource struct {
	framework.DataSourceBase
}

func (d *appsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the ModelArts apps of the project, optionally those whose name contains `name`, so a configuration " +
			"can refer to an app by name: `app_id = data.authz_modelarts_apps.x.apps[0].app_id`. App keys and secrets are left out.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{MarkdownDescription: "Only apps whose name contains this.", Optional: true},
			"workspace_id": schema.StringAttribute{
				MarkdownDescription: "ID of the ModelArts workspace; `0` when unset.",
				Optional:            true,
				Validators:          []validator.String{validate.ID()},
			},
			"apps": schema.ListNestedAttribute{
				MarkdownDescription: "The apps, by name.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"app_id":            computed("ID of the app."),
					"app_name":          computed("Name of the app."),
					"app_remark":        computed("Description of the app."),
					"app_type":          computed("Gateway the app is registered on: `APIC`, `APIG` or `DEDICATE_APIG`."),
					"bounded_api_count": schema.Int64Attribute{MarkdownDescription: "How many APIs the app may call.", Computed: true},
				}},
			},
		},
	}
}

func (d *appsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m appsModel
	if !d.Load(ctx, req.Config, &m, &resp.Diagnostics) {
		return
	}
	apps, err := d.Client.ModelArts().ListApps(ctx, m.Name.ValueString(), m.WorkspaceID.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Error reading "+d.TypeName, framework.Detail("Listing the ModelArts apps", err))
		return
	}
	m.Apps = make([]appModel, 0, len(apps))
	for _, a := range apps {
		m.Apps = append(m.Apps, appModel{
			AppID: types.StringValue(a.AppID), AppName: types.StringValue(a.AppName), AppRemark: types.StringValue(a.AppRemark),
			AppType: types.StringValue(a.AppType), BoundedAPICount: types.Int64Value(int64(a.BoundedAPICount)),
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

type appsModel struct {
	Name        types.String `tfsdk:"name"`
	WorkspaceID types.String `tfsdk:"workspace_id"`
	Apps        []appModel   `tfsdk:"apps"`
}

type appModel struct {
	AppID           types.String `tfsdk:"app_id"`
	AppName         types.String `tfsdk:"app_name"`
	AppRemark       types.String `tfsdk:"app_remark"`
	AppType         types.String `tfsdk:"app_type"`
	BoundedAPICount types.Int64  `tfsdk:"bounded_api_count"`
}
