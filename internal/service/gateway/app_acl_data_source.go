package gateway

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
	"github.com/cloudauthz/terraform-provider-authz/internal/validate"
)

var _ datasource.DataSourceWithConfigure = (*appACLDataSource)(nil)

// NewAppACLDataSource returns the constructor of authz_<flavor>_app_acl: one app's ACL, empty when none.
func NewAppACLDataSource(f cloud.Flavor) func() datasource.DataSource {
	return func() datasource.DataSource {
		return &appACLDataSource{DataSourceBase: framework.DataSourceBase{TypeName: typeName(f, "app_acl")}, flavor: f}
	}
}

type appACLDataSource struct {
	framework.DataSourceBase
	flavor cloud.Flavor
}

func (d *appACLDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	id := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Required: true, Validators: []validator.String{validate.ID()}}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: fmt.Sprintf("Reads the access control list of one app on %s instance. An app without an ACL "+
			"reads as `type = \"\"` and no values.%s", aProduct(d.flavor), romaACLAPINote(d.flavor)),
		Attributes: map[string]schema.Attribute{
			"id":          schema.StringAttribute{MarkdownDescription: "`<instance_id>/<app_id>`.", Computed: true},
			"instance_id": id("ID of the gateway instance."),
			"app_id":      id("ID of the app."),
			"type":        schema.StringAttribute{MarkdownDescription: "`PERMIT`, `DENY`, or empty when the app has no ACL.", Computed: true},
			"values": schema.SetAttribute{
				MarkdownDescription: "The addresses, ranges and CIDR blocks of the ACL.",
				Computed:            true,
				ElementType:         types.StringType,
			},
		},
	}
}

func (d *appACLDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m appACLDataModel
	if !d.Load(ctx, req.Config, &m, &resp.Diagnostics) {
		return
	}
	instanceID, appID := m.InstanceID.ValueString(), m.AppID.ValueString()
	acl, _, err := d.Client.Gateway(d.flavor).GetAppACL(ctx, instanceID, appID)
	if err != nil {
		resp.Diagnostics.AddError("Error reading "+d.TypeName, framework.Detail(fmt.Sprintf("Reading the ACL of app %s on instance %s", appID, instanceID), err))
		return
	}
	m.ID = types.StringValue(instanceID + "/" + appID)
	m.Type = types.StringValue(acl.Type)
	values, diags := types.SetValueFrom(ctx, types.StringType, append([]string{}, acl.Values...))
	resp.Diagnostics.Append(diags...)
	m.Values = values
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

type appACLDataModel struct {
	ID         types.String `tfsdk:"id"`
	InstanceID types.String `tfsdk:"instance_id"`
	AppID      types.String `tfsdk:"app_id"`
	Type       types.String `tfsdk:"type"`
	Values     types.Set    `tfsdk:"values"`
}
