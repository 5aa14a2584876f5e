package gateway

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
	"github.com/cloudauthz/terraform-provider-authz/internal/validate"
)

var (
	_ resource.ResourceWithConfigure      = (*appAuthorizationResource)(nil)
	_ resource.ResourceWithImportState    = (*appAuthorizationResource)(nil)
	_ resource.ResourceWithValidateConfig = (*appAuthorizationResource)(nil)
)

// NewAppAuthorizationResource returns the constructor of authz_<flavor>_app_authorization: one app allowed
// to call one API in one environment.
func NewAppAuthorizationResource(f cloud.Flavor) func() resource.Resource {
	return func() resource.Resource {
		return &appAuthorizationResource{ResourceBase: framework.ResourceBase{TypeName: typeName(f, "app_authorization"), Identity: framework.Identity{Required: []string{"instance_id", "env_id", "app_id", "api_id"}}}, flavor: f}
	}
}

type appAuthorizationResource struct {
	framework.ResourceBase
	framework.ReplaceOnly
	flavor cloud.Flavor
}

const (
	defaultCreateTimeout = 10 * time.Minute
	defaultUpdateTimeout = 10 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
)

func (r *appAuthorizationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replaceID := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: desc + " Changing it replaces the authorization.",
			Required:            true,
			Validators:          []validator.String{validate.ID()},
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		}
	}
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: desc,
			Computed:            true,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: fmt.Sprintf("Authorizes one app to call one API in one environment of %s instance. "+
			"Only APIs that use app authentication (`auth_type = APP`) and are published in the environment can be authorized. "+
			"Deleting the resource cancels the authorization. If the answer to the create is lost (a timeout, Ctrl-C, a "+
			"dropped connection, a server error), the provider reads back what exists and records it, so nothing is granted "+
			"that Terraform does not know about. Only the gateway's not-found codes remove the resource from the state: a "+
			"wrong endpoint, project or region is an error, never a sign that the authorization is gone.%s", aProduct(r.flavor), romaAuthAPINote(r.flavor)),
		Attributes: map[string]schema.Attribute{
			"id":          computed("ID of the authorization record, used to cancel it."),
			"instance_id": replaceID("ID of the gateway instance."),
			"env_id":      replaceID("ID of the environment the app may call the API in; the built-in environment `RELEASE` has the ID `DEFAULT_ENVIRONMENT_RELEASE_ID`."),
			"app_id":      replaceID("ID of the app (credential) being authorized."),
			"api_id":      replaceID("ID of the API the app may call."),
			"auth_time":   computed("When the authorization was granted (RFC 3339)."),
			"auth_role":   computed("Who granted the authorization: `PROVIDER` or `CONSUMER`."),
			"api_name":    computed("Name of the API."),
			"app_name":    computed("Name of the app."),
			"env_name":    computed("Name of the environment."),
			"group_id":    computed("ID of the API group the API belongs to."),
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Delete: true}),
		},
	}
	if r.flavor == cloud.FlavorROMA {
		maps.Copy(resp.Schema.Attributes, romaAttributes())
	}
}

func (r *appAuthorizationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer framework.KeepIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	full, m := r.newModel()
	ctx, cancel, ok := r.Open(ctx, req.Plan, full, framework.Deadline{Of: func() framework.Timeout { return m.Timeouts.Create }, Default: defaultCreateTimeout}, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	r.RecordProject(ctx, resp.Private, &resp.Diagnostics)

	key := m.key()
	summary := fmt.Sprintf("Error creating %s", r.TypeName)
	// No look-up first: the create's answer tells an authorization that already existed (SKIPPED) apart.
	out := grantBatched(ctx, r.Client, r.flavor, key, grantItem{APIID: key.APIID, Request: full.createRequest(ctx, key)})
	switch {
	case out.Granted:
	case out.Unknown != nil:
		// Whether the authorization exists could not be found out. Its identity goes into the state, so the
		// next refresh looks it up: nothing is left in the cloud that Terraform does not know about.
		m.ID, m.AuthTime, m.AuthRole = types.StringNull(), types.StringNull(), types.StringNull()
		m.APIName, m.AppName, m.EnvName, m.GroupID = types.StringNull(), types.StringNull(), types.StringNull(), types.StringNull()
		full.makeOptionsKnown()
		resp.Diagnostics.Append(resp.State.Set(ctx, full)...)
		resp.Diagnostics.AddError(summary, fmt.Sprintf("Authorizing %s: the outcome is unknown: %s\n\n"+
			"The state records the authorization, so the next plan looks it up in the cloud.", key, framework.Describe(out.Unknown)))
		return
	case errors.Is(out.Failed, errAlreadyExists):
		resp.Diagnostics.AddError(summary, fmt.Sprintf("Authorizing %s: %s.\n\n%s", key, out.Failed, framework.ImportHint(r.TypeName, key.ImportID())))
		return
	default:
		resp.Diagnostics.AddError(summary, framework.Detail("Authorizing "+key.String(), out.Failed))
		return
	}
	// Record what exists before anything else can fail, so the authorization is never lost to Terraform.
	full.fromResult(out.Result)
	resp.Diagnostics.Append(resp.State.Set(ctx, full)...)

	// The create answer lacks the environment's name and the API's group: the instance's environments and
	// APIs, listed once for all the creates of a run, tell them. A failure is harmless: the next refresh
	// fills them in instead.
	if envName, groupID, ok := describeCreated(ctx, r.Client, r.flavor, key); ok {
		m.EnvName, m.GroupID = types.StringValue(envName), types.StringValue(groupID)
		resp.Diagnostics.Append(resp.State.Set(ctx, full)...)
	}
}

func (r *appAuthorizationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer framework.KeepReadIdentity(ctx, req, resp)
	full, m := r.newModel()
	prior, ok := r.Refresh(ctx, req.State, full, &resp.Diagnostics)
	if !ok {
		return
	}
	if !r.InProject(ctx, req.Private, resp.Private, &resp.Diagnostics) {
		return
	}
	key := m.key()
	record, err := findAppAuth(ctx, r.Client, r.flavor, key)
	switch {
	case framework.IsNotFound(err):
		framework.WarnRemoved(ctx, &resp.State, &resp.Diagnostics, r.TypeName, key.ImportID(), err)
	case err != nil:
		resp.Diagnostics.AddError("Error reading "+r.TypeName, readError(ctx, r.Client, key.InstanceID, "Reading the authorization of "+key.String(), err))
	default:
		full.fromRecord(record)
		resp.Diagnostics.Append(prior.Record(ctx, &resp.State, full)...)
	}
}

func (r *appAuthorizationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	full, m := r.newModel()
	ctx, cancel, ok := r.Open(ctx, req.State, full, framework.Deadline{Of: func() framework.Timeout { return m.Timeouts.Delete }, Default: defaultDeleteTimeout}, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	if !r.InProject(ctx, req.Private, nil, &resp.Diagnostics) {
		return
	}

	authID, key := m.ID.ValueString(), m.key()
	summary := "Error deleting " + r.TypeName
	if authID == "" {
		// A create whose outcome was unknown recorded only the identity: look the record up.
		record, err := findAppAuth(ctx, r.Client, r.flavor, key)
		switch {
		case framework.IsNotFound(err):
			return
		case err != nil:
			resp.Diagnostics.AddError(summary, readError(ctx, r.Client, key.InstanceID, "Looking up the authorization of "+key.String(), err))
			return
		}
		authID = record.ID
	}
	if err := revoke(ctx, r.Client, r.flavor, key.InstanceID, key.AppID, authID); err != nil {
		resp.Diagnostics.AddError(summary, readError(ctx, r.Client, key.InstanceID, fmt.Sprintf("Cancelling the authorization of %s (record %s)", key, authID), err))
	}
}

func (r *appAuthorizationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer framework.KeepIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	id, ok := r.ImportID(ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	parts, err := framework.ParseImportID(id, "instance_id", "env_id", "app_id", "api_id")
	if err != nil {
		framework.InvalidImport(req, err, &resp.Diagnostics)
		return
	}
	// What is imported must exist: otherwise Terraform would say no more than that the object does not.
	if r.Client != nil {
		key := appAuthKey{InstanceID: parts[0], EnvID: parts[1], AppID: parts[2], APIID: parts[3]}
		if _, err := findAppAuth(ctx, r.Client, r.flavor, key); err != nil {
			hint := ""
			if strings.EqualFold(key.EnvID, "RELEASE") {
				hint = "\n\nThe import ID names the environment by its ID: the built-in RELEASE environment's is DEFAULT_ENVIRONMENT_RELEASE_ID."
			}
			resp.Diagnostics.AddError("Error importing "+r.TypeName, readError(ctx, r.Client, key.InstanceID, "Importing", err)+hint)
			return
		}
	}
	r.RecordProject(ctx, resp.Private, &resp.Diagnostics)
	for i, attr := range []string{"instance_id", "env_id", "app_id", "api_id"} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), parts[i])...)
	}
}

type appAuthorizationModel struct {
	ID         types.String   `tfsdk:"id"`
	InstanceID types.String   `tfsdk:"instance_id"`
	EnvID      types.String   `tfsdk:"env_id"`
	AppID      types.String   `tfsdk:"app_id"`
	APIID      types.String   `tfsdk:"api_id"`
	AuthTime   types.String   `tfsdk:"auth_time"`
	AuthRole   types.String   `tfsdk:"auth_role"`
	APIName    types.String   `tfsdk:"api_name"`
	AppName    types.String   `tfsdk:"app_name"`
	EnvName    types.String   `tfsdk:"env_name"`
	GroupID    types.String   `tfsdk:"group_id"`
	Timeouts   timeouts.Value `tfsdk:"timeouts"`
}

func (m *appAuthorizationModel) key() appAuthKey {
	return appAuthKey{InstanceID: m.InstanceID.ValueString(), EnvID: m.EnvID.ValueString(), AppID: m.AppID.ValueString(), APIID: m.APIID.ValueString()}
}

// fromResult records a create answer, which lacks the environment's name and the API's group.
func (m *appAuthorizationModel) fromResult(r cloud.AppAuthResult) {
	m.ID = types.StringValue(r.ID)
	m.AuthTime = types.StringValue(r.AuthTime)
	m.AuthRole = types.StringValue(r.AuthRole)
	m.APIName = types.StringValue(r.AuthResult.APIName)
	m.AppName = types.StringValue(r.AuthResult.AppName)
	m.EnvName, m.GroupID = types.StringValue(""), types.StringValue("")
}

func (m *appAuthorizationModel) fromRecord(a *cloud.AppAuth) {
	m.ID = types.StringValue(a.ID)
	m.EnvID = types.StringValue(a.EnvID)
	m.AppID = types.StringValue(a.AppID)
	m.APIID = types.StringValue(a.APIID)
	m.AuthTime = types.StringValue(a.AuthTime)
	m.AuthRole = types.StringValue(a.AuthRole)
	m.APIName = types.StringValue(a.APIName)
	m.AppName = types.StringValue(a.AppName)
	m.EnvName = types.StringValue(a.EnvName)
	m.GroupID = types.StringValue(a.GroupID)
}

// appAuthModel is the model of either flavour: APIG's, or ROMA's with its extra create fields.
type appAuthModel interface {
	createRequest(ctx context.Context, k appAuthKey) cloud.CreateAppAuthsRequest
	fromResult(r cloud.AppAuthResult)
	fromRecord(a *cloud.AppAuth)
	// makeOptionsKnown makes the computed create options known for a state recorded without an answer.
	makeOptionsKnown()
}

// newModel returns the flavour's model and its part that both flavours share.
func (r *appAuthorizationResource) newModel() (appAuthModel, *appAuthorizationModel) {
	if r.flavor == cloud.FlavorROMA {
		m := &romaAppAuthorizationModel{}
		return m, &m.appAuthorizationModel
	}
	m := &appAuthorizationModel{}
	return m, m
}

func (m *appAuthorizationModel) makeOptionsKnown() {}

func (m *appAuthorizationModel) createRequest(_ context.Context, k appAuthKey) cloud.CreateAppAuthsRequest {
	return cloud.CreateAppAuthsRequest{EnvID: k.EnvID, AppIDs: []string{k.AppID}, APIIDs: []string{k.APIID}}
}

// romaAppAuthorizationModel adds ROMA Connect's optional create fields.
type romaAppAuthorizationModel struct {
	appAuthorizationModel
	AuthTunnel    types.String `tfsdk:"auth_tunnel"`
	AuthWhitelist types.Set    `tfsdk:"auth_whitelist"`
	AuthBlacklist types.Set    `tfsdk:"auth_blacklist"`
	VisitParam    types.String `tfsdk:"visit_param"`
}

func (m *romaAppAuthorizationModel) createRequest(ctx context.Context, k appAuthKey) cloud.CreateAppAuthsRequest {
	req := m.appAuthorizationModel.createRequest(ctx, k)
	req.AuthTunnel = m.AuthTunnel.ValueString()
	_ = m.AuthWhitelist.ElementsAs(ctx, &req.AuthWhitelist, false)
	_ = m.AuthBlacklist.ElementsAs(ctx, &req.AuthBlacklist, false)
	if v := m.VisitParam.ValueString(); v != "" {
		req.VisitParams = []cloud.VisitParam{{APIID: k.APIID, AppID: k.AppID, VisitParam: v}}
	}
	return req
}

// makeOptionsKnown keeps a planned tunnel and sets one the plan left unknown to the default: only a create
// answer or a read can tell what the cloud holds, and a state holds no unknown values.
func (m *romaAppAuthorizationModel) makeOptionsKnown() {
	if m.AuthTunnel.IsUnknown() {
		m.AuthTunnel = types.StringValue(romaTunnelNormal)
	}
}

func (m *romaAppAuthorizationModel) fromRecord(a *cloud.AppAuth) {
	m.appAuthorizationModel.fromRecord(a)
	m.AuthTunnel = types.StringValue(cmp.Or(a.AuthTunnel, romaTunnelNormal))
	m.AuthWhitelist = stringSetOrNull(a.AuthWhitelist)
	m.AuthBlacklist = stringSetOrNull(a.AuthBlacklist)
	m.VisitParam = types.StringNull()
	if a.VisitParam != "" {
		m.VisitParam = types.StringValue(a.VisitParam)
	}
}

// stringSetOrNull keeps an unset optional set unset when the cloud reports it empty.
func stringSetOrNull(values []string) types.Set {
	if len(values) == 0 {
		return types.SetNull(types.StringType)
	}
	elems := make([]attr.Value, len(values))
	for i, v := range values {
		elems[i] = types.StringValue(v)
	}
	return types.SetValueMust(types.StringType, elems)
}

// ROMA Connect authorization tunnels: GREEN enables the white and black lists.
const (
	romaTunnelNormal = "NORMAL"
	romaTunnelGreen  = "GREEN"
)

var visitParamPattern = regexp.MustCompile(`^[a-zA-Z0-9_,]*$`)

// romaAttributes are the ROMA-only create fields; each replaces the authorization, which has no update call.
func romaAttributes() map[string]schema.Attribute {
	listAttr := func(desc string) schema.SetAttribute {
		return schema.SetAttribute{
			MarkdownDescription: desc + " Only with `auth_tunnel = \"GREEN\"`. Changing it replaces the authorization.",
			Optional:            true,
			ElementType:         types.StringType,
			Validators:          []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			PlanModifiers:       []planmodifier.Set{setplanmodifier.RequiresReplace()},
		}
	}
	return map[string]schema.Attribute{
		"auth_tunnel": schema.StringAttribute{
			MarkdownDescription: "Authorization tunnel: `NORMAL` (default) or `GREEN` (green channel, which enables `auth_whitelist` and `auth_blacklist`). Changing it replaces the authorization.",
			Optional:            true,
			Computed:            true,
			Default:             stringdefault.StaticString(romaTunnelNormal),
			Validators:          []validator.String{stringvalidator.OneOf(romaTunnelNormal, romaTunnelGreen)},
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"auth_whitelist": listAttr("Green-channel white list."),
		"auth_blacklist": listAttr("Green-channel black list."),
		"visit_param": schema.StringAttribute{
			MarkdownDescription: "Access parameter passed with calls of this app to this API: letters, digits, underscores and commas. Changing it replaces the authorization.",
			Optional:            true,
			Validators:          []validator.String{stringvalidator.LengthBetween(1, 1024), stringvalidator.RegexMatches(visitParamPattern, "must contain only letters, digits, underscores (_) and commas (,)")},
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
	}
}

// ValidateConfig rejects green-channel lists without the green channel, at plan time.
func (r *appAuthorizationResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	if r.flavor != cloud.FlavorROMA {
		return
	}
	var m romaAppAuthorizationModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.AuthTunnel.IsUnknown() || m.AuthTunnel.ValueString() == romaTunnelGreen {
		return
	}
	for name, v := range map[string]types.Set{"auth_whitelist": m.AuthWhitelist, "auth_blacklist": m.AuthBlacklist} {
		// An unknown list (a module input, a variable) may still turn out null: it is checked once known.
		if !v.IsNull() && !v.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Green-channel list without the green channel",
				fmt.Sprintf("%s is only allowed with auth_tunnel = \"GREEN\"; auth_tunnel is %q.", name, cmp.Or(m.AuthTunnel.ValueString(), romaTunnelNormal)))
		}
	}
}
