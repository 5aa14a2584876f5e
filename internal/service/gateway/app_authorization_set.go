package gateway

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
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
	"github.com/cloudauthz/terraform-provider-authz/internal/validate"
)

var (
	_ resource.ResourceWithConfigure   = (*appAuthorizationSetResource)(nil)
	_ resource.ResourceWithImportState = (*appAuthorizationSetResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*appAuthorizationSetResource)(nil)
	_ resource.ResourceWithMoveState   = (*appAuthorizationSetResource)(nil)
)

// maxAppAuths is how many APIs one app may be authorized for.
const maxAppAuths = 1000

// createBatch is how many APIs one create call authorizes.
const createBatch = 100

// NewAppAuthorizationSetResource returns the constructor of authz_<flavor>_app_authorization_set: the
// authoritative list of APIs one app may call in one environment.
func NewAppAuthorizationSetResource(f cloud.Flavor) func() resource.Resource {
	return func() resource.Resource {
		return &appAuthorizationSetResource{ResourceBase: framework.ResourceBase{TypeName: typeName(f, "app_authorization_set"), Identity: framework.Identity{Required: []string{"instance_id", "env_id", "app_id"}}}, flavor: f}
	}
}

type appAuthorizationSetResource struct {
	framework.ResourceBase
	flavor cloud.Flavor
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
		MarkdownDescription: fmt.Sprintf("The **authoritative** set of APIs one app may call in one environment of %s instance. "+
			"Terraform owns every authorization of the app in that environment: one granted outside Terraform shows up as drift "+
			"and the next apply cancels it. Do not combine it with `%s` resources for the same app and environment. "+
			"Creating it checks every API first (published in the environment, using app authentication), so a bad one fails "+
			"the apply with nothing granted; a create that still fails half-way cancels what it granted, so nothing is left "+
			"behind and the resource is not tainted. Changes add and cancel only the difference; if some fail, the state "+
			"records exactly what exists, the error tells APIs that can never be authorized (fix `api_ids`) from temporary "+
			"failures (apply again), and the next apply converges.%s It has no list resource for `terraform query`: a set is exclusive "+
			"by design, so it is imported by its ID or identity.%s", aProduct(r.flavor), typeName(r.flavor, "app_authorization"), romaAuthAPINote(r.flavor),
			movesNote(r.flavor, huaweiAppAuthorization, otcAppAuthorization)),
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
				CustomType:          framework.StringSet,
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

// ModifyPlan keeps authorization_ids known when the set of APIs does not change.
func (r *appAuthorizationSetResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	framework.KeepWhenUnchanged(ctx, req, resp, "api_ids", "authorization_ids")
}

func (r *appAuthorizationSetResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer framework.KeepIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var m appAuthorizationSetModel
	ctx, cancel, ok := r.Open(ctx, req.Plan, &m, framework.Deadline{Of: func() framework.Timeout { return m.Timeouts.Create }, Default: defaultCreateTimeout}, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	r.RecordProject(ctx, resp.Private, &resp.Diagnostics)

	summary := "Error creating " + r.TypeName
	current, err := r.list(ctx, &m)
	if err != nil {
		resp.Diagnostics.AddError(summary, framework.Detail("Listing the authorizations of "+m.describe(), err))
		return
	}
	if len(current) > 0 {
		ids := make([]string, len(current))
		for i, a := range current {
			ids[i] = a.APIID
		}
		resp.Diagnostics.AddError(summary, fmt.Sprintf("%s already holds %d authorization(s) (APIs %s); this resource would take them over.\n\n%s",
			capitalize(m.describe()), len(current), strings.Join(ids, ", "), framework.ImportHint(r.TypeName, m.importID())))
		return
	}
	var want []string
	resp.Diagnostics.Append(m.APIIDs.ElementsAs(ctx, &want, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Every API is checked before anything is written, so a bad one fails the apply with nothing created.
	if problems, err := r.checkAuthorizable(ctx, &m, want); err != nil {
		resp.Diagnostics.AddError(summary, framework.Detail("Checking which APIs "+m.describe()+" can be authorized for", err))
		return
	} else if len(problems) > 0 {
		resp.Diagnostics.AddError(summary, fmt.Sprintf("Nothing was authorized: these APIs cannot be authorized for %s; correct api_ids:\n\n  - %s",
			m.describe(), strings.Join(problems, "\n  - ")))
		return
	}

	out := grant(ctx, r.Client, r.flavor, grantRequest{
		InstanceID: m.InstanceID.ValueString(), EnvID: m.EnvID.ValueString(), AppID: m.AppID.ValueString(),
		APIIDs: want, AdoptExisting: true,
	})
	failure := r.failureText(out, nil)
	framework.SetCreate[cloud.AppAuth]{
		Done: out.Succeeded(), Made: knownAfter(nil, nil, out),
		List: func(ctx context.Context) ([]cloud.AppAuth, error) { return r.list(ctx, &m) },
		Revoke: func(ctx context.Context, records []cloud.AppAuth) error {
			_, errs := r.revokeAll(ctx, &m, records)
			return errors.Join(errs...)
		},
		Record: func(records []cloud.AppAuth) diag.Diagnostics {
			d := m.fromRecords(ctx, records)
			return append(d, resp.State.Set(ctx, &m)...)
		},
		Summary:   summary,
		TakenBack: fmt.Sprintf("Creating %s failed, and what was granted on the way was cancelled again:\n\n%s", m.describe(), failure),
		Remains: func(left int, why error) string {
			return fmt.Sprintf("Creating %s failed:\n\n%s\n\nCancelling what was granted on the way failed too (%v); the state records the %d authorization(s) that exist.",
				m.describe(), failure, why, left)
		},
		InFlight: out.Unknown,
		Unsettled: func(recorded int) string {
			return fmt.Sprintf("Creating %s: the outcome is unknown:\n\n%s\n\nNothing was cancelled, since what the cloud makes later would stay behind unknown: "+
				"the state records the %d authorization(s) that exist now, and the next plan reads what exists again.", m.describe(), failure, recorded)
		},
	}.Finish(ctx, &resp.Diagnostics)
}

func (r *appAuthorizationSetResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer framework.KeepReadIdentity(ctx, req, resp)
	var m appAuthorizationSetModel
	prior, ok := r.Refresh(ctx, req.State, &m, &resp.Diagnostics)
	if !ok {
		return
	}
	if !r.InProject(ctx, req.Private, resp.Private, &resp.Diagnostics) {
		return
	}
	current, err := r.list(ctx, &m)
	switch {
	case framework.IsNotFound(err): // the app is gone, and its authorizations with it
		framework.WarnRemoved(ctx, &resp.State, &resp.Diagnostics, r.TypeName, m.importID(), err)
	case err != nil:
		resp.Diagnostics.AddError("Error reading "+r.TypeName, readError(ctx, r.Client, m.InstanceID.ValueString(), "Listing the authorizations of "+m.describe(), err))
	default:
		resp.Diagnostics.Append(m.fromRecords(ctx, current)...)
		resp.Diagnostics.Append(prior.Record(ctx, &resp.State, &m)...)
	}
}

func (r *appAuthorizationSetResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer framework.KeepIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var m, prior appAuthorizationSetModel
	ctx, cancel, ok := r.Open(ctx, req.Plan, &m, framework.Deadline{Of: func() framework.Timeout { return m.Timeouts.Update }, Default: defaultUpdateTimeout}, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.Append(req.State.Get(ctx, &prior)...); !ok || resp.Diagnostics.HasError() {
		return
	}
	if !r.InProject(ctx, req.Private, resp.Private, &resp.Diagnostics) {
		return
	}
	if m.APIIDs.Equal(prior.APIIDs) {
		// Only timeouts changed: nothing to send.
		m.AuthorizationIDs = prior.AuthorizationIDs
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
		return
	}

	summary := "Error updating " + r.TypeName
	// The difference is taken against the cloud, not the prior state, so an update also repairs drift
	// that happened since the last refresh.
	current, err := r.list(ctx, &m)
	if err != nil {
		resp.Diagnostics.AddError(summary, readError(ctx, r.Client, m.InstanceID.ValueString(), "Listing the authorizations of "+m.describe(), err))
		return
	}
	r.reconcile(ctx, &m, current, summary, &resp.State, &resp.Diagnostics)
}

func (r *appAuthorizationSetResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m appAuthorizationSetModel
	ctx, cancel, ok := r.Open(ctx, req.State, &m, framework.Deadline{Of: func() framework.Timeout { return m.Timeouts.Delete }, Default: defaultDeleteTimeout}, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	if !r.InProject(ctx, req.Private, nil, &resp.Diagnostics) {
		return
	}

	current, err := r.list(ctx, &m)
	if framework.IsNotFound(err) {
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Error deleting "+r.TypeName, readError(ctx, r.Client, m.InstanceID.ValueString(), "Listing the authorizations of "+m.describe(), err))
		return
	}
	revoked, errs := r.revokeAll(ctx, &m, current)
	if len(errs) == 0 {
		return
	}
	// Whatever could not be cancelled stays in the state, so nothing is left behind unknown.
	left := r.afterWrites(ctx, &m, current, revoked, errs, grantOutcome{})
	resp.Diagnostics.Append(m.fromRecords(ctx, left)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	resp.Diagnostics.AddError("Error deleting "+r.TypeName, fmt.Sprintf("Cancelling the authorizations of %s failed; %d remain and stay in the state:\n\n%s",
		m.describe(), len(left), errors.Join(errs...)))
}

func (r *appAuthorizationSetResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer framework.KeepIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	id, ok := r.ImportID(ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	parts, err := framework.ParseImportID(id, "instance_id", "env_id", "app_id")
	if err != nil {
		framework.InvalidImport(req, err, &resp.Diagnostics)
		return
	}
	r.RecordProject(ctx, resp.Private, &resp.Diagnostics)
	// An unknown environment holds no authorization, so reading would import an empty set: check it exists.
	if r.Client != nil {
		if _, err := r.Client.Gateway(r.flavor).ListUnboundAPIs(ctx, parts[0], parts[2], parts[1]); err != nil {
			resp.Diagnostics.AddError("Error importing "+r.TypeName, framework.Detail(fmt.Sprintf("Checking app %s and environment %s of instance %s", parts[2], parts[1], parts[0]), err))
			return
		}
	}
	for i, attr := range []string{"instance_id", "env_id", "app_id"} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), parts[i])...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("api_ids"), framework.StringSetValue{SetValue: types.SetValueMust(types.StringType, nil)})...)
}

// list returns the app's authorizations in the environment.
func (r *appAuthorizationSetResource) list(ctx context.Context, m *appAuthorizationSetModel) ([]cloud.AppAuth, error) {
	return listAppAuths(ctx, r.Client.Gateway(r.flavor), m.InstanceID.ValueString(), m.EnvID.ValueString(), m.AppID.ValueString(), "")
}

// checkAuthorizable tells which of the APIs cannot be authorized for the app in the environment: the
// unbinded-apis call lists exactly the APIs published there that the app may not call yet.
func (r *appAuthorizationSetResource) checkAuthorizable(ctx context.Context, m *appAuthorizationSetModel, apiIDs []string) ([]string, error) {
	if len(apiIDs) == 0 {
		return nil, nil
	}
	unbound, err := r.Client.Gateway(r.flavor).ListUnboundAPIs(ctx, m.InstanceID.ValueString(), m.AppID.ValueString(), m.EnvID.ValueString())
	if err != nil {
		return nil, err
	}
	byID := map[string]cloud.UnboundAPI{}
	for _, a := range unbound {
		byID[a.ID] = a
	}
	var problems []string
	for _, id := range slices.Sorted(slices.Values(apiIDs)) {
		a, found := byID[id]
		switch {
		case !found:
			problems = append(problems, fmt.Sprintf("API %s does not exist or is not published in environment %s", id, m.EnvID.ValueString()))
		case a.AuthType != "" && a.AuthType != cloud.AuthTypeApp:
			problems = append(problems, fmt.Sprintf("API %s (%s) does not use app authentication (its auth_type is %s)", id, a.Name, a.AuthType))
		}
	}
	return problems, nil
}

// reconcile makes the cloud hold exactly the planned APIs, starting from current, then records in the state
// what really exists, whatever failed on the way.
func (r *appAuthorizationSetResource) reconcile(ctx context.Context, m *appAuthorizationSetModel, current []cloud.AppAuth, summary string, state *tfsdk.State, diags *diag.Diagnostics) {
	var want []string
	diags.Append(m.APIIDs.ElementsAs(ctx, &want, false)...)
	if diags.HasError() {
		return
	}
	stale, missing := framework.SetDiff(current, func(a cloud.AppAuth) string { return a.APIID }, want)
	revoked, revokeErrs := r.revokeAll(ctx, m, stale)
	out := grant(ctx, r.Client, r.flavor, grantRequest{
		InstanceID: m.InstanceID.ValueString(), EnvID: m.EnvID.ValueString(), AppID: m.AppID.ValueString(),
		APIIDs: missing, AdoptExisting: true,
	})
	after := r.afterWrites(ctx, m, current, revoked, revokeErrs, out)
	diags.Append(m.fromRecords(ctx, after)...)
	diags.Append(state.Set(ctx, m)...)
	if len(revokeErrs) > 0 || len(out.Failed) > 0 || out.Unknown != nil {
		diags.AddError(summary, fmt.Sprintf("Some changes to %s failed; the state records the %d authorization(s) that exist.\n\n%s",
			m.describe(), len(after), r.failureText(out, revokeErrs)))
	}
}

// afterWrites is what exists after revoking and granting: worked out from the answers when they tell
// everything, read back when a write's outcome is unknown. If the read-back fails, whatever may exist is
// counted as existing, so the state never misses an authorization.
func (r *appAuthorizationSetResource) afterWrites(ctx context.Context, m *appAuthorizationSetModel, current []cloud.AppAuth, revoked map[string]bool, revokeErrs []error, out grantOutcome) []cloud.AppAuth {
	known := knownAfter(current, revoked, out)
	ambiguous := out.Unknown != nil
	for _, err := range revokeErrs {
		ambiguous = ambiguous || cloud.OutcomeOf(err) != cloud.NotApplied
	}
	if !ambiguous {
		return known
	}
	records, err := framework.ReadBack(ctx, cloud.MaybeApplied, func(ctx context.Context) ([]cloud.AppAuth, bool, error) {
		records, err := r.list(ctx, m)
		return records, true, err
	})
	if err != nil {
		return known
	}
	return records
}

// knownAfter is current without the revoked records, plus the granted ones.
func knownAfter(current []cloud.AppAuth, revoked map[string]bool, out grantOutcome) []cloud.AppAuth {
	var after []cloud.AppAuth
	for _, a := range current {
		if !revoked[a.ID] {
			after = append(after, a)
		}
	}
	for _, apiID := range slices.Sorted(maps.Keys(out.Granted)) {
		g := out.Granted[apiID]
		after = append(after, cloud.AppAuth{ID: g.ID, APIID: apiID, AppID: g.AppID})
	}
	return after
}

// revokeAll cancels the given authorization records one by one; it returns the IDs of those cancelled
// (or already gone) and one error per record that could not be.
func (r *appAuthorizationSetResource) revokeAll(ctx context.Context, m *appAuthorizationSetModel, records []cloud.AppAuth) (map[string]bool, []error) {
	revoked := map[string]bool{}
	var errs []error
	for _, a := range records {
		if err := revoke(ctx, r.Client, r.flavor, m.InstanceID.ValueString(), m.AppID.ValueString(), a.ID); err != nil {
			errs = append(errs, fmt.Errorf("cancelling the authorization for API %s (record %s): %s", a.APIID, a.ID, framework.Describe(err)))
			continue
		}
		revoked[a.ID] = true
	}
	return revoked, errs
}

// failureText explains what failed, permanent failures (the configuration must change) apart from
// transient ones (the next apply retries them).
func (r *appAuthorizationSetResource) failureText(out grantOutcome, revokeErrs []error) string {
	permanent, transient := grantFailures(out)
	var b strings.Builder
	if len(permanent) > 0 {
		fmt.Fprintf(&b, "These APIs cannot be authorized as configured; correct api_ids:\n  - %s\n", strings.Join(permanent, "\n  - "))
	}
	for _, err := range revokeErrs {
		transient = append(transient, err.Error())
	}
	if out.Unknown != nil {
		transient = append(transient, "authorizing: "+framework.Describe(out.Unknown))
	}
	if len(transient) > 0 {
		fmt.Fprintf(&b, "These changes failed on a temporary error; the next apply retries them:\n  - %s\n", strings.Join(transient, "\n  - "))
	}
	return strings.TrimSpace(b.String())
}

type appAuthorizationSetModel struct {
	ID               types.String             `tfsdk:"id"`
	InstanceID       types.String             `tfsdk:"instance_id"`
	EnvID            types.String             `tfsdk:"env_id"`
	AppID            types.String             `tfsdk:"app_id"`
	APIIDs           framework.StringSetValue `tfsdk:"api_ids"`
	AuthorizationIDs types.Map                `tfsdk:"authorization_ids"`
	Timeouts         timeouts.Value           `tfsdk:"timeouts"`
}

func (m *appAuthorizationSetModel) importID() string {
	return m.InstanceID.ValueString() + "/" + m.EnvID.ValueString() + "/" + m.AppID.ValueString()
}

func (m *appAuthorizationSetModel) describe() string {
	return fmt.Sprintf("app %s in environment %s of instance %s", m.AppID.ValueString(), m.EnvID.ValueString(), m.InstanceID.ValueString())
}

func (m *appAuthorizationSetModel) fromRecords(ctx context.Context, records []cloud.AppAuth) diag.Diagnostics {
	authIDs := make(map[string]string, len(records))
	for _, a := range records {
		authIDs[a.APIID] = a.ID
	}
	return m.fromIDs(ctx, authIDs)
}

// fromIDs records the authorization record ID of each API.
func (m *appAuthorizationSetModel) fromIDs(ctx context.Context, authIDs map[string]string) diag.Diagnostics {
	m.ID = types.StringValue(m.importID())
	var diags diag.Diagnostics
	var d diag.Diagnostics
	apiIDs := append([]string{}, slices.Sorted(maps.Keys(authIDs))...) // empty, not null, when there are none
	m.APIIDs, d = framework.NewStringSet(ctx, apiIDs)
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
