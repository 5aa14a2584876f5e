package gateway

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
	"github.com/cloudauthz/terraform-provider-authz/internal/validate"
)

var (
	_ datasource.DataSourceWithConfigure        = (*appAuthorizationsDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*appAuthorizationsDataSource)(nil)
)

// NewAppAuthorizationsDataSource returns the constructor of authz_<flavor>_app_authorizations: the
// authorizations of one app, or of one API.
func NewAppAuthorizationsDataSource(f cloud.Flavor) func() datasource.DataSource {
	return func() datasource.DataSource {
		return &appAuthorizationsDataSource{DataSourceBase: framework.DataSourceBase{TypeName: typeName(f, "app_authorizations")}, flavor: f}
	}
}

type appAuthorizationsDataSource struct {
	framework.DataSourceBase
	flavor cloud.Flavor
}

func (d *appAuthorizationsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	filter := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Optional: true, Validators: []validator.String{validate.ID()}}
	}
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: fmt.Sprintf("Lists the app authorizations on %s instance: those of one app (the APIs it may call, "+
			"optionally narrowed to one environment or API), or those of one API (the apps that may call it). Every page is read.%s", aProduct(d.flavor), romaAuthAPINote(d.flavor)),
		Attributes: map[string]schema.Attribute{
			"id": computed("An identifier of this lookup."),
			"instance_id": schema.StringAttribute{
				MarkdownDescription: "ID of the gateway instance.",
				Required:            true,
				Validators:          []validator.String{validate.ID()},
			},
			"app_id": filter("List the authorizations of this app. At least one of `app_id` and `api_id` is required."),
			"api_id": filter("List the authorizations of this API (with `app_id`: only that app's authorization for it)."),
			"env_id": filter("Only authorizations in this environment."),
			"authorizations": schema.ListNestedAttribute{
				MarkdownDescription: "The authorizations, in the order the gateway lists them.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":          computed("Authorization record ID."),
					"app_id":      computed("App ID."),
					"app_name":    computed("App name."),
					"app_type":    computed("App type (`apig` or `roma`)."),
					"api_id":      computed("API ID."),
					"api_name":    computed("API name."),
					"group_id":    computed("API group ID."),
					"group_name":  computed("API group name."),
					"env_id":      computed("Environment ID."),
					"env_name":    computed("Environment name."),
					"auth_role":   computed("`PROVIDER` or `CONSUMER`."),
					"auth_time":   computed("When it was granted (RFC 3339)."),
					"auth_tunnel": computed("Authorization tunnel (`NORMAL` or `GREEN`)."),
					"visit_param": computed("Access parameter, if any."),
				}},
			},
		},
	}
}

func (d *appAuthorizationsDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.AtLeastOneOf(path.MatchRoot("app_id"), path.MatchRoot("api_id"))}
}

func (d *appAuthorizationsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m appAuthorizationsModel
	if !d.Load(ctx, req.Config, &m, &resp.Diagnostics) {
		return
	}
	g := d.Client.Gateway(d.flavor)
	instanceID := m.InstanceID.ValueString()
	var records []cloud.AppAuth
	var err error
	if appID := m.AppID.ValueString(); appID != "" {
		records, err = g.ListBoundAPIs(ctx, instanceID, cloud.BoundAPIsFilter{AppID: appID, APIID: m.APIID.ValueString(), EnvID: m.EnvID.ValueString()})
	} else {
		records, err = g.ListBoundApps(ctx, instanceID, cloud.BoundAppsFilter{APIID: m.APIID.ValueString(), EnvID: m.EnvID.ValueString()})
	}
	if err == nil && len(records) == 0 && m.EnvID.ValueString() != "" {
		// The gateway lists nothing for an environment that does not exist: a typo in env_id must not read as
		// "nobody may call".
		err = checkEnvironment(ctx, d.Client, d.flavor, instanceID, m.EnvID.ValueString())
	}
	if err != nil {
		resp.Diagnostics.AddError("Error reading "+d.TypeName, framework.Detail("Listing authorizations on instance "+instanceID, err))
		return
	}
	m.ID = types.StringValue(fmt.Sprintf("%s/%s/%s/%s", instanceID, m.EnvID.ValueString(), m.AppID.ValueString(), m.APIID.ValueString()))
	m.Authorizations = make([]appAuthorizationItem, 0, len(records))
	for _, a := range records {
		m.Authorizations = append(m.Authorizations, appAuthorizationItem{
			ID: types.StringValue(a.ID), AppID: types.StringValue(a.AppID), AppName: types.StringValue(a.AppName), AppType: types.StringValue(a.AppType),
			APIID: types.StringValue(a.APIID), APIName: types.StringValue(a.APIName), GroupID: types.StringValue(a.GroupID), GroupName: types.StringValue(a.GroupName),
			EnvID: types.StringValue(a.EnvID), EnvName: types.StringValue(a.EnvName), AuthRole: types.StringValue(a.AuthRole), AuthTime: types.StringValue(a.AuthTime),
			AuthTunnel: types.StringValue(a.AuthTunnel), VisitParam: types.StringValue(a.VisitParam),
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

type appAuthorizationsModel struct {
	ID             types.String           `tfsdk:"id"`
	InstanceID     types.String           `tfsdk:"instance_id"`
	AppID          types.String           `tfsdk:"app_id"`
	APIID          types.String           `tfsdk:"api_id"`
	EnvID          types.String           `tfsdk:"env_id"`
	Authorizations []appAuthorizationItem `tfsdk:"authorizations"`
}

type appAuthorizationItem struct {
	ID         types.String `tfsdk:"id"`
	AppID      types.String `tfsdk:"app_id"`
	AppName    types.String `tfsdk:"app_name"`
	AppType    types.String `tfsdk:"app_type"`
	APIID      types.String `tfsdk:"api_id"`
	APIName    types.String `tfsdk:"api_name"`
	GroupID    types.String `tfsdk:"group_id"`
	GroupName  types.String `tfsdk:"group_name"`
	EnvID      types.String `tfsdk:"env_id"`
	EnvName    types.String `tfsdk:"env_name"`
	AuthRole   types.String `tfsdk:"auth_role"`
	AuthTime   types.String `tfsdk:"auth_time"`
	AuthTunnel types.String `tfsdk:"auth_tunnel"`
	VisitParam types.String `tfsdk:"visit_param"`
}

// releaseEnvID is the ID of the environment every instance has, RELEASE.
const releaseEnvID = "DEFAULT_ENVIRONMENT_RELEASE_ID"

// checkEnvironment fails when instanceID has no environment envID, naming those it has.
func checkEnvironment(ctx context.Context, c *cloud.Client, flavor cloud.Flavor, instanceID, envID string) error {
	if envID == releaseEnvID {
		return nil // built in
	}
	envs, err := instanceEnvs(ctx, c, flavor, instanceID)
	if err != nil {
		return fmt.Errorf("checking that environment %s exists: %w", envID, err)
	}
	names := make([]string, 0, len(envs))
	for _, e := range envs {
		if e.ID == envID {
			return nil
		}
		names = append(names, fmt.Sprintf("%s (%s)", e.Name, e.ID))
	}
	return fmt.Errorf("instance %s has no environment %s; env_id is an environment's ID, one of: %s", instanceID, envID, strings.Join(names, ", "))
}
