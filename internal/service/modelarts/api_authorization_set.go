package modelarts

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
	"github.com/cloudauthz/terraform-provider-authz/internal/validate"
)

var (
	_ resource.ResourceWithConfigure   = (*apiAuthorizationSetResource)(nil)
	_ resource.ResourceWithImportState = (*apiAuthorizationSetResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*apiAuthorizationSetResource)(nil)
)

// maxApps is how many apps a ModelArts user may create, so how many one API can be authorized for.
const maxApps = 5

// NewAPIAuthorizationSetResource is authz_modelarts_api_authorization_set: the authoritative set of apps
// allowed to call one API.
func NewAPIAuthorizationSetResource() resource.Resource {
	return &apiAuthorizationSetResource{ResourceBase: framework.ResourceBase{TypeName: "authz_modelarts_api_authorization_set", Identity: framework.Identity{Required: []string{"service_id", "api_id"}, Optional: []string{"workspace_id"}}}}
}

type apiAuthorizationSetResource struct {
	framework.ResourceBase
}

func (r *apiAuthorizationSetResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The **authoritative** set of apps allowed to call one API of a ModelArts real-time service. " +
			"Terraform owns every authorization of the API: an app authorized outside Terraform shows up as drift and the " +
			"next apply revokes it. Do not combine it with `authz_modelarts_app_authorization` resources for the same API. " +
			"Creating it checks every app and the API first, so a bad one fails the apply with nothing authorized; a create " +
			"that still fails half-way revokes what it authorized, so nothing is left behind and the resource is not tainted. " +
			"Changes authorize and revoke only the difference, each in one call; if some fail, the state records exactly what " +
			"exists and the next apply converges.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<service_id>/<api_id>`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"service_id":   identity("ID of the real-time service."),
			"api_id":       identity("ID of the service's API."),
			"workspace_id": workspaceAttribute(),
			"app_ids": schema.SetAttribute{
				MarkdownDescription: fmt.Sprintf("IDs of exactly the apps that may call the API (at most %d, the apps a user may create). An empty set revokes every authorization.", maxApps),
				Required:            true,
				ElementType:         types.StringType,
				CustomType:          framework.StringSet,
				Validators:          []validator.Set{setvalidator.SizeAtMost(maxApps), setvalidator.ValueStringsAre(validate.ID())},
			},
			"authorization_ids": schema.MapAttribute{
				MarkdownDescription: "Authorization ID of each app, keyed by app ID, as the cloud answered it when this resource authorized the app; empty for authorizations that were imported, since no list call tells it.",
				Computed:            true,
				ElementType:         types.StringType,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

// ModifyPlan keeps authorization_ids known when the set of apps does not change.
func (r *apiAuthorizationSetResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	framework.KeepWhenUnchanged(ctx, req, resp, "app_ids", "authorization_ids")
}

func (r *apiAuthorizationSetResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer framework.KeepIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var m apiAuthorizationSetModel
	ctx, cancel, ok := r.Open(ctx, req.Plan, &m, framework.Deadline{Of: func() framework.Timeout { return m.Timeouts.Create }, Default: defaultCreateTimeout}, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	r.RecordProject(ctx, resp.Private, &resp.Diagnostics)
	summary, ref := "Error creating "+r.TypeName, m.apiRef()
	current, err := authorizedApps(ctx, r.Client, ref)
	if err != nil {
		resp.Diagnostics.AddError(summary, framework.Detail("Listing the apps authorized to call "+ref.String(), err))
		return
	}
	if len(current) > 0 {
		resp.Diagnostics.AddError(summary, fmt.Sprintf("%d app(s) may already call %s (%s); this resource would take them over.\n\n%s",
			len(current), ref, strings.Join(slices.Sorted(maps.Keys(current)), ", "), framework.ImportHint(r.TypeName, m.importID())))
		return
	}
	want := m.appIDs(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// The API and every app are checked before anything is written, so a bad one fails with nothing created.
	if problems, err := r.check(ctx, ref, want); err != nil {
		resp.Diagnostics.AddError(summary, framework.Detail("Checking "+ref.String()+" and its apps", err))
		return
	} else if len(problems) > 0 {
		resp.Diagnostics.AddError(summary, fmt.Sprintf("Nothing was authorized: %s\n\n  - %s", ref, strings.Join(problems, "\n  - ")))
		return
	}

	out := grant(ctx, r.Client, ref, want, true)
	failure := failureText(out, nil)
	framework.SetCreate[string]{
		Done: out.Succeeded(), Made: slices.Sorted(maps.Keys(out.Granted)),
		List: func(ctx context.Context) ([]string, error) {
			apps, err := authorizedApps(ctx, r.Client, ref)
			return slices.Sorted(maps.Keys(apps)), err
		},
		Revoke: func(ctx context.Context, appIDs []string) error {
			if failed := revoke(ctx, r.Client, ref, appIDs); len(failed) > 0 {
				return errors.New(strings.Join(failureLines(failed), "; "))
			}
			return nil
		},
		Record: func(appIDs []string) diag.Diagnostics {
			ids := make(map[string]string, len(appIDs))
			for _, id := range appIDs {
				ids[id] = out.Granted[id].AuthID
			}
			return append(m.fromAuthIDs(ctx, ids), resp.State.Set(ctx, &m)...)
		},
		Summary:   summary,
		TakenBack: fmt.Sprintf("Authorizing apps to call %s failed, and what was authorized on the way was revoked again:\n\n%s", ref, failure),
		Remains: func(left int, why error) string {
			return fmt.Sprintf("Authorizing apps to call %s failed:\n\n%s\n\nRevoking what was authorized on the way failed too (%v); the state records the %d app(s) that may call the API.",
				ref, failure, why, left)
		},
		InFlight: out.Unknown,
		Unsettled: func(recorded int) string {
			return fmt.Sprintf("Authorizing apps to call %s: the outcome is unknown:\n\n%s\n\nNothing was revoked, since what the cloud makes later would stay behind unknown: "+
				"the state records the %d app(s) that may call the API now, and the next plan reads what exists again.", ref, failure, recorded)
		},
	}.Finish(ctx, &resp.Diagnostics)
}

// check tells what makes the API or the apps impossible to authorize: an API that does not exist or does
// not use app authentication, apps that do not exist.
func (r *apiAuthorizationSetResource) check(ctx context.Context, ref apiRef, appIDs []string) ([]string, error) {
	var problems []string
	api, err := findAPI(ctx, r.Client, ref.ServiceID, ref.APIID)
	switch {
	case framework.IsNotFound(err):
		problems = append(problems, fmt.Sprintf("API %s does not exist in service %s", ref.APIID, ref.ServiceID))
	case err != nil:
		return nil, err
	case api.AuthType != cloud.AuthTypeApp:
		problems = append(problems, fmt.Sprintf("API %s (%s) does not use app authentication (its auth_type is %s)", ref.APIID, api.APIName, api.AuthType))
	}
	if len(appIDs) == 0 {
		return problems, nil
	}
	apps, err := r.Client.ModelArts().ListApps(ctx, "", ref.WorkspaceID)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, a := range apps {
		known[a.AppID] = true
	}
	for _, id := range slices.Sorted(slices.Values(appIDs)) {
		if !known[id] {
			problems = append(problems, fmt.Sprintf("app %s does not exist (workspace %s)", id, ref.WorkspaceID))
		}
	}
	return problems, nil
}

func (r *apiAuthorizationSetResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer framework.KeepReadIdentity(ctx, req, resp)
	var m apiAuthorizationSetModel
	prior, ok := r.Refresh(ctx, req.State, &m, &resp.Diagnostics)
	if !ok {
		return
	}
	if !r.InProject(ctx, req.Private, resp.Private, &resp.Diagnostics) {
		return
	}
	current, err := authorizedApps(ctx, r.Client, m.apiRef())
	switch {
	case framework.IsNotFound(err): // the service or API is gone, and its authorizations with it
		framework.WarnRemoved(ctx, &resp.State, &resp.Diagnostics, r.TypeName, m.importID(), err)
	case err != nil:
		resp.Diagnostics.AddError("Error reading "+r.TypeName, framework.Detail("Listing the apps authorized to call "+m.apiRef().String(), err))
	default:
		resp.Diagnostics.Append(m.fromAuthIDs(ctx, m.keepAuthIDs(ctx, current))...)
		resp.Diagnostics.Append(prior.Record(ctx, &resp.State, &m)...)
	}
}

func (r *apiAuthorizationSetResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer framework.KeepIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var m, prior apiAuthorizationSetModel
	ctx, cancel, ok := r.Open(ctx, req.Plan, &m, framework.Deadline{Of: func() framework.Timeout { return m.Timeouts.Update }, Default: defaultUpdateTimeout}, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.Append(req.State.Get(ctx, &prior)...); !ok || resp.Diagnostics.HasError() {
		return
	}
	if !r.InProject(ctx, req.Private, resp.Private, &resp.Diagnostics) {
		return
	}
	m.AuthorizationIDs = prior.AuthorizationIDs
	if m.AppIDs.Equal(prior.AppIDs) {
		// Only timeouts changed: nothing to send.
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
		return
	}
	summary, ref := "Error updating "+r.TypeName, m.apiRef()
	// The difference is taken against the cloud, so an update also repairs drift since the last refresh.
	current, err := authorizedApps(ctx, r.Client, ref)
	if err != nil {
		resp.Diagnostics.AddError(summary, framework.Detail("Listing the apps authorized to call "+ref.String(), err))
		return
	}
	want := m.appIDs(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	stale, missing := framework.SetDiff(slices.Sorted(maps.Keys(current)), func(id string) string { return id }, want)
	revokeErrs := revoke(ctx, r.Client, ref, stale)
	out := grant(ctx, r.Client, ref, missing, true)

	ids := m.keepAuthIDs(ctx, current)
	for _, id := range stale {
		if revokeErrs[id] == nil {
			delete(ids, id)
		}
	}
	maps.Copy(ids, authIDsOf(out.Granted))
	if out.Unknown != nil {
		// What exists could not be worked out from the answers: read it.
		after, err := framework.ReadBack(ctx, cloud.MaybeApplied, func(ctx context.Context) (map[string]cloud.ModelArtsApp, bool, error) {
			apps, err := authorizedApps(ctx, r.Client, ref)
			return apps, true, err
		})
		if err == nil {
			ids = m.keepAuthIDs(ctx, after)
			maps.Copy(ids, authIDsOf(out.Granted))
		}
	}
	resp.Diagnostics.Append(m.fromAuthIDs(ctx, ids)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	if len(revokeErrs) > 0 || len(out.Failed) > 0 || out.Unknown != nil {
		resp.Diagnostics.AddError(summary, fmt.Sprintf("Some changes to the apps allowed to call %s failed; the state records the %d app(s) that may call it.\n\n%s",
			ref, len(ids), failureText(out, revokeErrs)))
	}
}

func (r *apiAuthorizationSetResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m apiAuthorizationSetModel
	ctx, cancel, ok := r.Open(ctx, req.State, &m, framework.Deadline{Of: func() framework.Timeout { return m.Timeouts.Delete }, Default: defaultDeleteTimeout}, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	if !r.InProject(ctx, req.Private, nil, &resp.Diagnostics) {
		return
	}
	ref := m.apiRef()
	current, err := authorizedApps(ctx, r.Client, ref)
	if framework.IsNotFound(err) {
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Error deleting "+r.TypeName, framework.Detail("Listing the apps authorized to call "+ref.String(), err))
		return
	}
	failed := revoke(ctx, r.Client, ref, slices.Sorted(maps.Keys(current)))
	if len(failed) == 0 {
		return
	}
	// Whatever could not be revoked stays in the state, so nothing is left behind unknown.
	ids := m.keepAuthIDs(ctx, current)
	for id := range ids {
		if failed[id] == nil {
			delete(ids, id)
		}
	}
	resp.Diagnostics.Append(m.fromAuthIDs(ctx, ids)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	resp.Diagnostics.AddError("Error deleting "+r.TypeName, fmt.Sprintf("Revoking the apps allowed to call %s failed; %d remain and stay in the state:\n\n  - %s",
		ref, len(ids), strings.Join(failureLines(failed), "\n  - ")))
}

func (r *apiAuthorizationSetResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer framework.KeepIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	id, ok := r.ImportID(ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	parts, err := parseAPIAuthorizationSetImportID(id)
	if err != nil {
		framework.InvalidImport(req, err, &resp.Diagnostics)
		return
	}
	r.RecordProject(ctx, resp.Private, &resp.Diagnostics)
	// An API that does not exist holds no authorization, so reading would import an empty set: check it.
	if r.Client != nil {
		if _, err := findAPI(ctx, r.Client, parts[0], parts[1]); err != nil {
			resp.Diagnostics.AddError("Error importing "+r.TypeName, framework.Detail(fmt.Sprintf("Looking up API %s of service %s", parts[1], parts[0]), err))
			return
		}
	}
	for i, attr := range []string{"service_id", "api_id", "workspace_id"} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), parts[i])...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), parts[0]+"/"+parts[1])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("app_ids"), framework.StringSetValue{SetValue: types.SetValueMust(types.StringType, nil)})...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("authorization_ids"), types.MapValueMust(types.StringType, nil))...)
}

// parseAPIAuthorizationSetImportID splits <service_id>/<api_id>[/<workspace_id>] into those three parts,
// the workspace defaulting to cloud.DefaultWorkspaceID.
func parseAPIAuthorizationSetImportID(id string) ([]string, error) {
	return parseImportIDWithWorkspace(id, "service_id", "api_id")
}

// failureText explains what failed, per app.
func failureText(out grantOutcome, revokeErrs map[string]error) string {
	lines := failureLines(out.Failed)
	for _, l := range failureLines(revokeErrs) {
		lines = append(lines, "revoking "+l)
	}
	if out.Unknown != nil {
		lines = append(lines, "authorizing: "+framework.Describe(out.Unknown))
	}
	return "  - " + strings.Join(lines, "\n  - ")
}

func authIDsOf(granted map[string]cloud.ModelArtsAuthResult) map[string]string {
	ids := make(map[string]string, len(granted))
	for id, r := range granted {
		ids[id] = r.AuthID
	}
	return ids
}

type apiAuthorizationSetModel struct {
	ID               types.String             `tfsdk:"id"`
	ServiceID        types.String             `tfsdk:"service_id"`
	APIID            types.String             `tfsdk:"api_id"`
	WorkspaceID      types.String             `tfsdk:"workspace_id"`
	AppIDs           framework.StringSetValue `tfsdk:"app_ids"`
	AuthorizationIDs types.Map                `tfsdk:"authorization_ids"`
	Timeouts         timeouts.Value           `tfsdk:"timeouts"`
}

func (m *apiAuthorizationSetModel) apiRef() apiRef {
	return apiRef{ServiceID: m.ServiceID.ValueString(), APIID: m.APIID.ValueString(), WorkspaceID: m.WorkspaceID.ValueString()}
}

func (m *apiAuthorizationSetModel) parts() []string {
	return []string{m.ServiceID.ValueString(), m.APIID.ValueString()}
}

// id is the id attribute, which leaves the workspace out.
func (m *apiAuthorizationSetModel) id() string { return strings.Join(m.parts(), "/") }

// importID is the ID ImportState takes for this set, naming its workspace unless it is the default.
func (m *apiAuthorizationSetModel) importID() string {
	return importIDWithWorkspace(m.WorkspaceID.ValueString(), m.parts()...)
}

func (m *apiAuthorizationSetModel) appIDs(ctx context.Context, diags *diag.Diagnostics) []string {
	var ids []string
	diags.Append(m.AppIDs.ElementsAs(ctx, &ids, false)...)
	return ids
}

// keepAuthIDs maps the authorized apps to the authorization IDs the state knows for them.
func (m *apiAuthorizationSetModel) keepAuthIDs(ctx context.Context, apps map[string]cloud.ModelArtsApp) map[string]string {
	known := map[string]string{}
	if !m.AuthorizationIDs.IsNull() && !m.AuthorizationIDs.IsUnknown() {
		_ = m.AuthorizationIDs.ElementsAs(ctx, &known, false)
	}
	ids := make(map[string]string, len(apps))
	for id := range apps {
		ids[id] = known[id]
	}
	return ids
}

// fromAuthIDs records exactly the apps of ids, with their authorization IDs.
func (m *apiAuthorizationSetModel) fromAuthIDs(ctx context.Context, ids map[string]string) diag.Diagnostics {
	var diags, d diag.Diagnostics
	m.ID = types.StringValue(m.id())
	m.AppIDs, d = framework.NewStringSet(ctx, append([]string{}, slices.Sorted(maps.Keys(ids))...))
	diags.Append(d...)
	m.AuthorizationIDs, d = types.MapValueFrom(ctx, types.StringType, ids)
	diags.Append(d...)
	return diags
}
