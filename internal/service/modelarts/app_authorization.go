package modelarts

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
	"github.com/cloudauthz/terraform-provider-authz/internal/validate"
)

var (
	_ resource.ResourceWithConfigure   = (*appAuthorizationResource)(nil)
	_ resource.ResourceWithImportState = (*appAuthorizationResource)(nil)
)

// NewAppAuthorizationResource is authz_modelarts_app_authorization: one app allowed to call one API of a
// real-time service.
func NewAppAuthorizationResource() resource.Resource {
	return &appAuthorizationResource{ResourceBase: framework.ResourceBase{TypeName: "authz_modelarts_app_authorization", Identity: framework.Identity{Required: []string{"service_id", "api_id", "app_id"}, Optional: []string{"workspace_id"}}}}
}

type appAuthorizationResource struct {
	framework.ResourceBase
	framework.ReplaceOnly
}

func (r *appAuthorizationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Authorizes one app to call one API of a ModelArts real-time service that uses app authentication " +
			"(`auth_type = APP`). Deleting the resource takes the authorization away. An authorization takes one to two " +
			"minutes to take effect on the real service. If the answer to the create is lost (a timeout, Ctrl-C, a dropped " +
			"connection, a server error), the provider reads back what exists and records it. Do not combine it with " +
			"`authz_modelarts_api_authorization_set` for the same API.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<service_id>/<api_id>/<app_id>`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"service_id":   identity("ID of the real-time service."),
			"api_id":       identity("ID of the service's API (`api_id` of `data.authz_modelarts_api_authorizations` or the service's API list)."),
			"app_id":       identity("ID of the app being authorized (see `data.authz_modelarts_apps`)."),
			"workspace_id": workspaceAttribute(),
			"auth_id":      computed("ID of the authorization, as the cloud answered it when this resource authorized the app; empty when the authorization was imported, since no list call tells it."),
			"app_name":     computed("Name of the app."),
			"api_name":     computed("Name of the API."),
			"service_name": computed("Name of the service."),
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Delete: true}),
		},
	}
}

func identity(desc string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: desc + " Changing it replaces the resource.",
		Required:            true,
		Validators:          []validator.String{validate.ID()},
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}

func computed(desc string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: desc,
		Computed:            true,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

func workspaceAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "ID of the ModelArts workspace; `0` (the default) when the project has created none. Changing it replaces the resource.",
		Optional:            true,
		Computed:            true,
		Default:             stringdefault.StaticString(cloud.DefaultWorkspaceID),
		Validators:          []validator.String{validate.ID()},
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}

func (r *appAuthorizationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer framework.KeepIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var m appAuthorizationModel
	ctx, cancel, ok := r.Open(ctx, req.Plan, &m, framework.Deadline{Of: func() framework.Timeout { return m.Timeouts.Create }, Default: defaultCreateTimeout}, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	r.RecordProject(ctx, resp.Private, &resp.Diagnostics)
	ref, appID := m.apiRef(), m.AppID.ValueString()
	summary := "Error creating " + r.TypeName
	out := grantBatched(ctx, r.Client, ref, appID)
	switch {
	case out.Failed == nil && out.Unknown == nil:
	case out.Failed == nil:
		// Whether the app is authorized could not be found out. The identity goes into the state, so the next
		// refresh looks it up: nothing is left in the cloud that Terraform does not know about.
		m.ID = types.StringValue(m.id())
		m.AuthID, m.AppName, m.APIName, m.ServiceName = types.StringNull(), types.StringNull(), types.StringNull(), types.StringNull()
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
		resp.Diagnostics.AddError(summary, fmt.Sprintf("Authorizing app %s to call %s: the outcome is unknown: %s\n\n"+
			"The state records the authorization, so the next plan looks it up in the cloud.", appID, ref, framework.Describe(out.Unknown)))
		return
	case errors.Is(out.Failed, errAlreadyAuthorized):
		resp.Diagnostics.AddError(summary, fmt.Sprintf("App %s is already authorized to call %s.\n\n%s", appID, ref, framework.ImportHint(r.TypeName, m.importID())))
		return
	default:
		resp.Diagnostics.AddError(summary, framework.Detail(fmt.Sprintf("Authorizing app %s to call %s", appID, ref), out.Failed))
		return
	}
	// Record what exists before anything else can fail, so the authorization is never lost to Terraform.
	m.ID, m.AuthID = types.StringValue(m.id()), types.StringValue(out.Result.AuthID)
	m.AppName, m.APIName, m.ServiceName = types.StringValue(""), types.StringValue(""), types.StringValue("")
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	// Names come from the API's list of authorized apps (read once for a batch) and the service's APIs. A
	// failure is harmless: the next refresh fills them in.
	r.fillNames(ctx, &m)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// fillNames sets the app's, API's and service's names, leaving them as they are when they cannot be read.
func (r *appAuthorizationResource) fillNames(ctx context.Context, m *appAuthorizationModel) {
	if app, err := findAuthorizedApp(ctx, r.Client, m.apiRef(), m.AppID.ValueString()); err == nil {
		m.AppName = types.StringValue(app.AppName)
	}
	if api, err := findAPI(ctx, r.Client, m.ServiceID.ValueString(), m.APIID.ValueString()); err == nil {
		m.APIName, m.ServiceName = types.StringValue(api.APIName), types.StringValue(api.ServiceName)
	}
}

func (r *appAuthorizationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer framework.KeepReadIdentity(ctx, req, resp)
	var m appAuthorizationModel
	prior, ok := r.Refresh(ctx, req.State, &m, &resp.Diagnostics)
	if !ok {
		return
	}
	if !r.InProject(ctx, req.Private, resp.Private, &resp.Diagnostics) {
		return
	}
	app, err := findAuthorizedApp(ctx, r.Client, m.apiRef(), m.AppID.ValueString())
	switch {
	case framework.IsNotFound(err):
		framework.WarnRemoved(ctx, &resp.State, &resp.Diagnostics, r.TypeName, m.importID(), err)
		return
	case err != nil:
		resp.Diagnostics.AddError("Error reading "+r.TypeName, framework.Detail(fmt.Sprintf("Reading the apps authorized to call %s", m.apiRef()), err))
		return
	}
	var api *cloud.ModelArtsAPI
	if m.APIName.ValueString() == "" || m.ServiceName.ValueString() == "" {
		if found, err := findAPI(ctx, r.Client, m.ServiceID.ValueString(), m.APIID.ValueString()); err == nil {
			api = &found
		}
	}
	m.fromAuthorized(app, api)
	resp.Diagnostics.Append(prior.Record(ctx, &resp.State, &m)...)
}

func (r *appAuthorizationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m appAuthorizationModel
	ctx, cancel, ok := r.Open(ctx, req.State, &m, framework.Deadline{Of: func() framework.Timeout { return m.Timeouts.Delete }, Default: defaultDeleteTimeout}, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	if !r.InProject(ctx, req.Private, nil, &resp.Diagnostics) {
		return
	}
	appID := m.AppID.ValueString()
	if err := revoke(ctx, r.Client, m.apiRef(), []string{appID})[appID]; err != nil {
		resp.Diagnostics.AddError("Error deleting "+r.TypeName, framework.Detail(fmt.Sprintf("Revoking the authorization of app %s to call %s", appID, m.apiRef()), err))
	}
}

func (r *appAuthorizationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer framework.KeepIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	id, ok := r.ImportID(ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	parts, err := parseAppAuthorizationImportID(id)
	if err != nil {
		framework.InvalidImport(req, err, &resp.Diagnostics)
		return
	}
	r.RecordProject(ctx, resp.Private, &resp.Diagnostics)
	for i, attr := range []string{"service_id", "api_id", "app_id", "workspace_id"} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), parts[i])...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), parts[0]+"/"+parts[1]+"/"+parts[2])...)
}

// parseAppAuthorizationImportID splits <service_id>/<api_id>/<app_id>[/<workspace_id>] into those four
// parts, the workspace defaulting to cloud.DefaultWorkspaceID.
func parseAppAuthorizationImportID(id string) ([]string, error) {
	return parseImportIDWithWorkspace(id, "service_id", "api_id", "app_id")
}

type appAuthorizationModel struct {
	ID          types.String   `tfsdk:"id"`
	ServiceID   types.String   `tfsdk:"service_id"`
	APIID       types.String   `tfsdk:"api_id"`
	AppID       types.String   `tfsdk:"app_id"`
	WorkspaceID types.String   `tfsdk:"workspace_id"`
	AuthID      types.String   `tfsdk:"auth_id"`
	AppName     types.String   `tfsdk:"app_name"`
	APIName     types.String   `tfsdk:"api_name"`
	ServiceName types.String   `tfsdk:"service_name"`
	Timeouts    timeouts.Value `tfsdk:"timeouts"`
}

func (m *appAuthorizationModel) apiRef() apiRef {
	return apiRef{ServiceID: m.ServiceID.ValueString(), APIID: m.APIID.ValueString(), WorkspaceID: m.WorkspaceID.ValueString()}
}

func (m *appAuthorizationModel) parts() []string {
	return []string{m.ServiceID.ValueString(), m.APIID.ValueString(), m.AppID.ValueString()}
}

// fromAuthorized records what the cloud says of the authorization, as Read and a listing record it: the app
// found among the API's authorized ones and, when it could be read, the API. An auth_id no list tells is
// empty; names that could not be read are empty until a refresh reads them.
func (m *appAuthorizationModel) fromAuthorized(app cloud.ModelArtsApp, api *cloud.ModelArtsAPI) {
	m.ID, m.AppName = types.StringValue(m.id()), types.StringValue(app.AppName)
	if m.AuthID.IsNull() || m.AuthID.IsUnknown() {
		m.AuthID = types.StringValue("")
	}
	if api != nil {
		m.APIName, m.ServiceName = types.StringValue(api.APIName), types.StringValue(api.ServiceName)
	}
	if m.APIName.IsNull() {
		m.APIName, m.ServiceName = types.StringValue(""), types.StringValue("")
	}
}

// id is the id attribute, which leaves the workspace out.
func (m *appAuthorizationModel) id() string { return strings.Join(m.parts(), "/") }

// importID is the ID ImportState takes for this authorization, naming its workspace unless it is the default.
func (m *appAuthorizationModel) importID() string {
	return importIDWithWorkspace(m.WorkspaceID.ValueString(), m.parts()...)
}
