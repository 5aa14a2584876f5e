package gateway

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/validate"
)

var (
	_ resource.ResourceWithConfigure   = (*appAuthorizationSetResource)(nil)
	_ resource.ResourceWithImportState = (*appAuthorizationSetResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*appAuthorizationSetResource)(nil)
)

// maxAppAuths is how many APIs one app may be authorized for.
const maxAppAuths = 1000

// createBatch is how many APIs one create call authorizes.
const createBatch = 100

// NewAppAuthorizationSetResource returns the constructor of authz_<flavor>_app_authorization_set: the
// authoritative list of APIs one app may call in one environment.
func NewAppAuthorizationSetResource(f cloud.Flavor) func() resource.Resource {
	return func() resource.Resource {
		return &appAuthorizationSetResource{flavor: f, typeName: typeName(f, "app_authorization_set")}
	}
}

type appAuthorizationSetResource struct {
	flavor   cloud.Flavor
	client   *cloud.Client
	typeName string
}

func (r *appAuthorizationSetResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = r.typeName
}

func (r *appAuthorizationSetResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replaceID := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: desc + " Changing it replaces the resource.",
			Required:            true,
			Validators:          []validator.String{validate.ID()},
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: fmt.Sprintf("The **authoritative** set of APIs one app may call in one environment of a %s instance. "+
			"Terraform owns every authorization of the app in that environment: one granted outside Terraform shows up as drift "+
			"and the next apply cancels it. Do not combine it with `%s` resources for the same app and environment. "+
			"Changes add and cancel only the difference; if some APIs fail, the state records exactly what exists, and the "+
			"next apply converges.", product(r.flavor), typeName(r.flavor, "app_authorization")),
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<instance_id>/<env_id>/<app_id>`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"instance_id": replaceID("ID of the gateway instance."),
			"env_id":      replaceID("ID of the environment; the built-in environment `RELEASE` has the ID `DEFAULT_ENVIRONMENT_RELEASE_ID`."),
			"app_id":      replaceID("ID of the app."),
			"api_ids": schema.SetAttribute{
				MarkdownDescription: fmt.Sprintf("IDs of exactly the APIs the app may call in the environment (at most %d). An empty set cancels every authorization.", maxAppAuths),
				Required:            true,
				ElementType:         types.StringType,
				Validators:          []validator.Set{setvalidator.SizeAtMost(maxAppAuths), setvalidator.ValueStringsAre(validate.ID())},
			},
			"authorization_ids": schema.MapAttribute{
				MarkdownDescription: "Authorization record ID of each API, keyed by API ID.",
				Computed:            true,
				ElementType:         types.StringType,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

func (r *appAuthorizationSetResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = configureClient(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan keeps authorization_ids known when the set of APIs does not change.
func (r *appAuthorizationSetResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var plan, state appAuthorizationSetModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || plan.APIIDs.IsUnknown() {
		return
	}
	if plan.APIIDs.Equal(state.APIIDs) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("authorization_ids"), state.AuthorizationIDs)...)
	}
}

func (r *appAuthorizationSetResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m appAuthorizationSetModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, m.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	summary := "Error creating " + r.typeName
	unlock := r.client.LockApp(r.flavor, m.InstanceID.ValueString(), m.AppID.ValueString())
	defer unlock()
	current, err := r.list(ctx, &m)
	if err != nil {
		resp.Diagnostics.AddError(summary, errorDetail("Listing the authorizations of "+m.describe(), err))
		return
	}
	if len(current) > 0 {
		ids := make([]string, len(current))
		for i, a := range current {
			ids[i] = a.APIID
		}
		resp.Diagnostics.AddError(summary, fmt.Sprintf("%s already holds %d authorization(s) (APIs %s); this resource would take them over.\n\n%s",
			capitalize(m.describe()), len(current), strings.Join(ids, ", "), importHint(r.typeName, m.importID())))
		return
	}
	r.apply(ctx, &m, nil, summary, &resp.State, &resp.Diagnostics)
}

func (r *appAuthorizationSetResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m appAuthorizationSetModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || r.client == nil {
		return
	}
	current, err := r.list(ctx, &m)
	if cloud.IsNotFound(err) { // the app or the instance is gone
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Error reading "+r.typeName, errorDetail("Listing the authorizations of "+m.describe(), err))
		return
	}
	resp.Diagnostics.Append(m.fromRecords(ctx, current)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *appAuthorizationSetResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m appAuthorizationSetModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, m.Timeouts.Update, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	summary := "Error updating " + r.typeName
	unlock := r.client.LockApp(r.flavor, m.InstanceID.ValueString(), m.AppID.ValueString())
	defer unlock()
	// The difference is taken against the cloud, not the prior state, so an update also repairs drift
	// that happened since the last refresh.
	current, err := r.list(ctx, &m)
	if err != nil {
		resp.Diagnostics.AddError(summary, errorDetail("Listing the authorizations of "+m.describe(), err))
		return
	}
	r.apply(ctx, &m, current, summary, &resp.State, &resp.Diagnostics)
}

func (r *appAuthorizationSetResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m appAuthorizationSetModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, m.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	unlock := r.client.LockApp(r.flavor, m.InstanceID.ValueString(), m.AppID.ValueString())
	defer unlock()
	current, err := r.list(ctx, &m)
	if cloud.IsNotFound(err) {
		return
	}
	if err == nil {
		err = r.cancel(ctx, &m, current)
	}
	if err != nil {
		resp.Diagnostics.AddError("Error deleting "+r.typeName, errorDetail("Cancelling the authorizations of "+m.describe(), err))
		// Whatever could not be cancelled stays in the state, so nothing is left behind unknown.
		readCtx, cancel := readBackContext(ctx)
		defer cancel()
		if left, listErr := r.list(readCtx, &m); listErr == nil {
			resp.Diagnostics.Append(m.fromRecords(ctx, left)...)
			resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
		}
	}
}

func (r *appAuthorizationSetResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts, err := parseImportID(req.ID, "instance_id", "env_id", "app_id")
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	for i, attr := range []string{"instance_id", "env_id", "app_id"} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), parts[i])...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("api_ids"), types.SetValueMust(types.StringType, nil))...)
}

// list returns the app's authorizations in the environment.
func (r *appAuthorizationSetResource) list(ctx context.Context, m *appAuthorizationSetModel) ([]cloud.AppAuth, error) {
	records, err := r.client.Gateway(r.flavor).ListBoundAPIs(ctx, m.InstanceID.ValueString(), cloud.BoundAPIsFilter{AppID: m.AppID.ValueString(), EnvID: m.EnvID.ValueString()})
	if err != nil {
		return nil, err
	}
	// Filters are hints to the server; keep only what is really this environment's.
	return slices.DeleteFunc(records, func(a cloud.AppAuth) bool { return a.EnvID != m.EnvID.ValueString() }), nil
}

// apply makes the cloud hold exactly the planned APIs, starting from current, then records in the state
// what really exists, whatever failed on the way.
func (r *appAuthorizationSetResource) apply(ctx context.Context, m *appAuthorizationSetModel, current []cloud.AppAuth, summary string, state stateSetter, diags *diagnostics) {
	var want []string
	diags.Append(m.APIIDs.ElementsAs(ctx, &want, false)...)
	if diags.HasError() {
		return
	}
	var stale []cloud.AppAuth
	have := map[string]bool{}
	for _, a := range current {
		if slices.Contains(want, a.APIID) {
			have[a.APIID] = true
		} else {
			stale = append(stale, a)
		}
	}
	var missing []string
	for _, id := range want {
		if !have[id] {
			missing = append(missing, id)
		}
	}

	errs := []error{r.cancel(ctx, m, stale)}
	errs = append(errs, r.grant(ctx, m, missing)...)
	failed := errors.Join(errs...)

	readCtx, cancel := readBackContext(ctx)
	defer cancel()
	after, err := r.list(readCtx, m)
	if err != nil {
		diags.AddError(summary, errorDetail("Reading back the authorizations of "+m.describe(), errors.Join(failed, err)))
		if current == nil { // nothing trustworthy to record; keep the plan's identity so nothing is lost
			m.ID = types.StringValue(m.importID())
			m.AuthorizationIDs = types.MapNull(types.StringType)
			diags.Append(state.Set(ctx, m)...)
		}
		return
	}
	diags.Append(m.fromRecords(ctx, after)...)
	diags.Append(state.Set(ctx, m)...)
	if failed != nil {
		diags.AddError(summary, fmt.Sprintf("Some changes to %s failed; the state records the %d authorization(s) that exist, and the next apply retries the rest:\n\n%s",
			m.describe(), len(after), failed))
	}
}

// grant authorizes the APIs in batches; it returns one error per failed API or call.
func (r *appAuthorizationSetResource) grant(ctx context.Context, m *appAuthorizationSetModel, apiIDs []string) []error {
	var errs []error
	g := r.client.Gateway(r.flavor)
	for batch := range slices.Chunk(apiIDs, createBatch) {
		results, err := g.CreateAppAuths(ctx, m.InstanceID.ValueString(), cloud.CreateAppAuthsRequest{
			EnvID: m.EnvID.ValueString(), AppIDs: []string{m.AppID.ValueString()}, APIIDs: batch,
		})
		if err != nil {
			// The answer may be lost after the gateway acted; the read-back that follows records what exists.
			return append(errs, fmt.Errorf("authorizing APIs %s: %w", strings.Join(batch, ", "), err))
		}
		for _, item := range results {
			if err := item.Err(); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errs
}

// cancel cancels the given authorization records; records already gone count as cancelled.
func (r *appAuthorizationSetResource) cancel(ctx context.Context, m *appAuthorizationSetModel, records []cloud.AppAuth) error {
	var errs []error
	g := r.client.Gateway(r.flavor)
	for _, a := range records {
		if err := deleteAppAuth(ctx, g, m.InstanceID.ValueString(), a.ID); err != nil {
			errs = append(errs, fmt.Errorf("cancelling the authorization for API %s (record %s): %w", a.APIID, a.ID, err))
		}
	}
	return errors.Join(errs...)
}

type appAuthorizationSetModel struct {
	ID               types.String   `tfsdk:"id"`
	InstanceID       types.String   `tfsdk:"instance_id"`
	EnvID            types.String   `tfsdk:"env_id"`
	AppID            types.String   `tfsdk:"app_id"`
	APIIDs           types.Set      `tfsdk:"api_ids"`
	AuthorizationIDs types.Map      `tfsdk:"authorization_ids"`
	Timeouts         timeouts.Value `tfsdk:"timeouts"`
}

func (m *appAuthorizationSetModel) importID() string {
	return m.InstanceID.ValueString() + "/" + m.EnvID.ValueString() + "/" + m.AppID.ValueString()
}

func (m *appAuthorizationSetModel) describe() string {
	return fmt.Sprintf("app %s in environment %s of instance %s", m.AppID.ValueString(), m.EnvID.ValueString(), m.InstanceID.ValueString())
}

func (m *appAuthorizationSetModel) fromRecords(ctx context.Context, records []cloud.AppAuth) diagnostics {
	apiIDs := make([]string, 0, len(records))
	authIDs := make(map[string]string, len(records))
	for _, a := range records {
		apiIDs = append(apiIDs, a.APIID)
		authIDs[a.APIID] = a.ID
	}
	m.ID = types.StringValue(m.importID())
	var diags diagnostics
	var d diagnostics
	m.APIIDs, d = types.SetValueFrom(ctx, types.StringType, apiIDs)
	diags.Append(d...)
	m.AuthorizationIDs, d = types.MapValueFrom(ctx, types.StringType, authIDs)
	diags.Append(d...)
	return diags
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
