// Package servicerequest holds the resources and data sources of service-ticket (OSM) authorizations: the
// access a support engineer asks for on a ticket, which the tenant accepts, rejects or cancels.
package servicerequest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
)

// Resources are the service-ticket resources.
func Resources() []func() resource.Resource {
	return []func() resource.Resource{NewAuthorizationResource}
}

// ListResources are the service-ticket list resources (`terraform query`).
func ListResources() []func() list.ListResource {
	return []func() list.ListResource{NewAuthorizationList}
}

// DataSources are the service-ticket data sources.
func DataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{NewAuthorizationsDataSource}
}

var (
	_ resource.ResourceWithConfigure      = (*authorizationResource)(nil)
	_ resource.ResourceWithImportState    = (*authorizationResource)(nil)
	_ resource.ResourceWithValidateConfig = (*authorizationResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*authorizationResource)(nil)
)

const (
	decisionAccept = "accept"
	decisionReject = "reject"
	// maxHostCredentials is how many host credentials one decision carries.
	maxHostCredentials = 6
	// destroyRejectReason is told the engineer when destroy rejects a request no reason was configured for.
	destroyRejectReason = "Access declined: the Terraform resource that decides this request was destroyed."
	defaultTimeout      = 5 * time.Minute
)

// NewAuthorizationResource is authz_service_request_authorization: the tenant's decision on one access
// request of a support engineer.
func NewAuthorizationResource() resource.Resource {
	return &authorizationResource{ResourceBase: framework.ResourceBase{TypeName: "authz_service_request_authorization", Identity: framework.Identity{Required: []string{"authorization_id"}}}}
}

type authorizationResource struct {
	framework.ResourceBase
}

func (r *authorizationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The tenant's decision on a support engineer's request for access on a service ticket: **accept** it for a " +
			"time window, or **reject** it. Only a pending request can be decided; deciding any other fails, naming its status.\n\n" +
			"Destroying the resource takes the access away: an accepted request (or one in approval) is **canceled**, a request still " +
			"pending is **rejected** with `reject_reason`, and one that already ended (rejected, expired, withdrawn, canceled) needs " +
			"nothing. A failed cancel is an error: destroy never reports success while access remains.\n\n" +
			"An accepted request that was canceled, expired or withdrawn outside Terraform is drift: it leaves the state, and the " +
			"next plan proposes deciding it again, which fails clearly when the service no longer allows it. The service decides a " +
			"request once, so a decided request cannot change: a change of any argument but `authorization_id` and `timeouts` plans as an " +
			"update, with a warning, and its apply fails without calling the service, the decision and the access untouched (replacing the " +
			"decision would take the access away and then fail, the request being no longer pending). Another `authorization_id` (the " +
			"engineer's next request) replaces the resource. A time written at another offset, the same instant, is recorded with no call.",
		Attributes: map[string]schema.Attribute{
			"id": computed("The authorization ID."),
			"authorization_id": schema.StringAttribute{
				MarkdownDescription: "ID of the authorization request (see `data.authz_service_request_authorizations`). Changing it replaces the resource.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 32), stringvalidator.RegexMatches(authorizationIDPattern, "must be letters, digits, hyphens (-) or underscores (_)")},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"decision": schema.StringAttribute{
				MarkdownDescription: "`accept` (default) or `reject`. Cannot change once decided.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(decisionAccept),
				Validators:          []validator.String{stringvalidator.OneOf(decisionAccept, decisionReject)},
			},
			"reject_reason": schema.StringAttribute{
				MarkdownDescription: "Why the request is rejected, 1 to 300 characters; required with `decision = \"reject\"`. Also told the engineer when destroy rejects a request that is still pending. With `reject`, Read records the reason the service holds. Cannot change once decided.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 300)},
			},
			"effective_time": schema.StringAttribute{
				MarkdownDescription: "When the access begins, RFC 3339 (e.g. `2026-12-01T08:00:00Z`); only with `accept`. Left out, the access begins when it is accepted, and the state records that time. " +
					"Read records the start the service holds, so a window changed outside Terraform shows in the plan. Cannot change once decided (another offset for the same instant is no change).",
				Optional:      true,
				Computed:      true,
				CustomType:    timetypes.RFC3339Type{},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"expire_time": schema.StringAttribute{
				MarkdownDescription: "When the access ends, RFC 3339, after `effective_time`; only with `accept`. Left out, the access has no end until it is canceled. " +
					"Read records the end the service holds, so an end set or moved outside Terraform shows in the plan. Must be in the future when the request is decided. Cannot change once decided (another offset for the same instant is no change).",
				Optional:   true,
				CustomType: timetypes.RFC3339Type{},
			},
			"agency_id": schema.StringAttribute{
				MarkdownDescription: "ID of the agency the engineer may use, for account or agency access; only with `accept`. Cannot change once decided.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 64)},
			},
			"group_id": schema.StringAttribute{
				MarkdownDescription: "ID of the group the request belongs to, 1 to 64 characters. Cannot change once decided.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 64)},
			},
			"verify_hosts": schema.BoolAttribute{
				MarkdownDescription: "Check each of `host_credentials` with the service's verify-host call before accepting, so a wrong password fails before any access is granted. Default `true`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
			},
			"host_credentials": schema.ListNestedAttribute{
				MarkdownDescription: fmt.Sprintf("The account the engineer may use on each host of the request, at most %d; only with `accept`. Passwords are sensitive: they are never logged or shown in plans or errors. "+
					"Give each host's password as `password_wo` on Terraform ≥ 1.11 and OpenTofu ≥ 1.11: it reaches the cloud and is never written to the plan or the state. `password`, for older clients, is kept in the state (marked sensitive) to tell a change. They serve only while the request is decided: they cannot change once it is.", maxHostCredentials),
				Optional:   true,
				Validators: []validator.List{listvalidator.SizeBetween(1, maxHostCredentials)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"detail_id": schema.Int64Attribute{MarkdownDescription: "ID of the host in the request's `details`; each host at most once.", Required: true, Validators: []validator.Int64{int64validator.AtLeast(1)}},
					"port":      schema.Int64Attribute{MarkdownDescription: "Port, 1 to 65535.", Optional: true, Validators: []validator.Int64{int64validator.Between(1, 65535)}},
					"account":   schema.StringAttribute{MarkdownDescription: "Account, 1 to 64 characters.", Optional: true, Validators: []validator.String{stringvalidator.LengthBetween(1, 64)}},
					"password": schema.StringAttribute{
						MarkdownDescription: "Password of the account, 1 to 1024 characters, kept in the state (sensitive). On Terraform ≥ 1.11 and OpenTofu ≥ 1.11 use `password_wo` instead; at most one of the two.",
						Optional:            true, Sensitive: true,
						Validators: []validator.String{stringvalidator.LengthBetween(1, 1024), stringvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("password_wo"))},
					},
					"password_wo": schema.StringAttribute{
						MarkdownDescription: "Password of the account, 1 to 1024 characters, write-only (Terraform ≥ 1.11, OpenTofu ≥ 1.11): it is sent to the verify-host and accept calls and never stored in the plan or the state, so a changed value alone plans nothing.",
						Optional:            true, Sensitive: true, WriteOnly: true,
						Validators: []validator.String{stringvalidator.LengthBetween(1, 1024)},
					},
					"password_wo_version": schema.Int64Attribute{
						MarkdownDescription: "Any number you choose, kept in the state in place of `password_wo`, so that a plan shows a new password: the service takes a password only with the decision, so once the request is decided a changed version fails the apply like any other change, the access untouched. Only with `password_wo`.",
						Optional:            true,
						Validators:          []validator.Int64{int64validator.AlsoRequires(path.MatchRelative().AtParent().AtName("password_wo"))},
					},
				}},
			},
			"status": schema.Int64Attribute{
				MarkdownDescription: "Status of the request as a number (0 pending, 1 authorized, 2 rejected, 3 expired, 4 withdrawn, 5 canceled, 6 approval pending, 7 approval rejected, -1 initializing).",
				Computed:            true,
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"status_name":   computed("Status of the request: `initializing`, `pending`, `authorized`, `rejected`, `expired`, `withdrawn`, `canceled`, `approval_pending` or `approval_rejected`."),
			"incident_id":   computed("ID of the service ticket."),
			"description":   computed("What the engineer asked for."),
			"resource_type": computed("Kind of resource the access is for."),
			"visit_type":    computed("Kind of access asked for."),
			"details": schema.ListNestedAttribute{
				MarkdownDescription: "What the request gives access to (no secrets).",
				Computed:            true,
				PlanModifiers:       []planmodifier.List{listplanmodifier.UseStateForUnknown()},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":            schema.Int64Attribute{MarkdownDescription: "Detail ID, for `host_credentials.detail_id`.", Computed: true},
					"type":          schema.StringAttribute{MarkdownDescription: "`console` or `host`.", Computed: true},
					"instance_id":   schema.StringAttribute{MarkdownDescription: "ID of the host.", Computed: true},
					"instance_name": schema.StringAttribute{MarkdownDescription: "Name of the host.", Computed: true},
					"region_id":     schema.StringAttribute{MarkdownDescription: "Region of the host.", Computed: true},
					"port":          schema.Int64Attribute{MarkdownDescription: "Port the engineer asked for.", Computed: true},
					"account":       schema.StringAttribute{MarkdownDescription: "Account the engineer asked for.", Computed: true},
				}},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Delete: true}),
		},
	}
}

// ValidateConfig checks at plan time what ties the arguments together.
func (r *authorizationResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m authorizationModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	decision := m.Decision.ValueString()
	if m.Decision.IsNull() {
		decision = decisionAccept
	}
	if m.Decision.IsUnknown() {
		return
	}
	if decision == decisionReject {
		if m.RejectReason.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("reject_reason"), "Missing reject_reason", `decision = "reject" needs a reject_reason (1 to 300 characters) to tell the engineer why.`)
		}
		for name, set := range map[string]bool{"effective_time": !m.EffectiveTime.IsNull(), "expire_time": !m.ExpireTime.IsNull(), "agency_id": !m.AgencyID.IsNull(), "host_credentials": !m.HostCredentials.IsNull()} {
			if set {
				resp.Diagnostics.AddAttributeError(path.Root(name), "Argument only for accept", fmt.Sprintf(`%s is only used with decision = "accept"; this decision is "reject".`, name))
			}
		}
	}
	validateHostCredentials(ctx, m.HostCredentials, &resp.Diagnostics)
	if m.EffectiveTime.IsUnknown() || m.ExpireTime.IsUnknown() || m.ExpireTime.IsNull() {
		return
	}
	expire, d := m.ExpireTime.ValueRFC3339Time()
	resp.Diagnostics.Append(d...)
	if !m.EffectiveTime.IsNull() {
		effective, d := m.EffectiveTime.ValueRFC3339Time()
		resp.Diagnostics.Append(d...)
		if !d.HasError() && !expire.After(effective) {
			resp.Diagnostics.AddAttributeError(path.Root("expire_time"), "Access window ends before it begins",
				fmt.Sprintf("expire_time %s must be after effective_time %s.", m.ExpireTime.ValueString(), m.EffectiveTime.ValueString()))
		}
	}
}

// sameInstant reports whether two RFC 3339 times are the same instant.
func sameInstant(a, b string) bool {
	ta, errA := time.Parse(time.RFC3339, a)
	tb, errB := time.Parse(time.RFC3339, b)
	return errA == nil && errB == nil && ta.Equal(tb)
}

// ModifyPlan warns at plan time of what the apply will refuse. The service decides a request once, so a decided
// request cannot change: Update then fails, calling nothing, and the access stays as it was (replacing the
// decision instead would cancel the access and then fail, the request being no longer pending). A window that
// has already ended is refused by Create. Both are warnings here, not errors: `terraform destroy` plans the
// configuration before destroying, and an error would stop it.
func (r *authorizationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan authorizationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	deciding := req.State.Raw.IsNull()
	if !deciding {
		var state authorizationModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		if !plan.AuthorizationID.Equal(state.AuthorizationID) {
			deciding = true // another request replaces this one: its access ends, the new one is decided
		} else if changed := changedArguments(plan, state); len(changed) > 0 {
			resp.Diagnostics.AddWarning(decidedSummary, decidedDetail(state, changed, "The apply will fail without calling the service"))
		}
	}
	if !deciding {
		return
	}
	if detail, over := windowOver(plan); over {
		resp.Diagnostics.AddAttributeWarning(path.Root("expire_time"), windowOverSummary, detail+" The apply will fail.")
	}
}

// Update records what changes nothing at the service: the timeouts, or a time written at another offset for the
// same instant. Any other change would need the request decided again, which the service refuses: Update fails
// without a call, and the decision and the access stand.
func (r *authorizationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state authorizationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if changed := changedArguments(plan, state); len(changed) > 0 {
		resp.Diagnostics.AddError(decidedSummary, decidedDetail(state, changed, "Nothing was changed"))
		return
	}
	resp.State.Raw = req.Plan.Raw.Copy()
	framework.KeepIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
}

const (
	decidedSummary    = "A decided request cannot be decided again"
	windowOverSummary = "Access window already over"
)

// decidedDetail tells why a decided request cannot change, and what to do instead.
func decidedDetail(state authorizationModel, changed []string, outcome string) string {
	return fmt.Sprintf("Authorization request %s was decided (%s), and the service decides a request once: %s cannot change. "+
		"%s: the decision and the access stand as they are.\n\n"+
		"To end the access, remove the resource from the configuration (or run terraform destroy); to give access on other terms, decide "+
		"the engineer's next request (another authorization_id replaces the resource). If the decision was changed outside Terraform "+
		"(a window moved in the console), write what the service holds into the configuration. Arguments the service does not answer "+
		"(host_credentials, agency_id, group_id) can be kept as they are with lifecycle { ignore_changes = [...] }, for instance after "+
		"importing a request decided elsewhere.", state.AuthorizationID.ValueString(), state.StatusName.ValueString(), strings.Join(changed, ", "), outcome)
}

// windowOver reports whether the planned window has already ended, which the service refuses.
func windowOver(m authorizationModel) (string, bool) {
	if m.ExpireTime.IsNull() || m.ExpireTime.IsUnknown() {
		return "", false
	}
	expire, d := m.ExpireTime.ValueRFC3339Time()
	if d.HasError() || expire.After(time.Now()) {
		return "", false
	}
	return fmt.Sprintf("expire_time %s has passed: the service refuses a window that has ended. Give a time in the future, or leave expire_time out for access until it is canceled.",
		m.ExpireTime.ValueString()), true
}

// changedArguments names the arguments but authorization_id whose planned value differs from the state's,
// which the service cannot change on a decided request: times compare as instants; an unknown value counts as
// changed.
func changedArguments(plan, state authorizationModel) []string {
	var changed []string
	for name, same := range map[string]bool{
		"decision":         plan.Decision.Equal(state.Decision),
		"reject_reason":    plan.RejectReason.Equal(state.RejectReason),
		"effective_time":   plan.EffectiveTime.Equal(state.EffectiveTime) || sameInstant(plan.EffectiveTime.ValueString(), state.EffectiveTime.ValueString()),
		"expire_time":      plan.ExpireTime.Equal(state.ExpireTime) || sameInstant(plan.ExpireTime.ValueString(), state.ExpireTime.ValueString()),
		"agency_id":        plan.AgencyID.Equal(state.AgencyID),
		"group_id":         plan.GroupID.Equal(state.GroupID),
		"verify_hosts":     plan.VerifyHosts.Equal(state.VerifyHosts),
		"host_credentials": plan.HostCredentials.Equal(state.HostCredentials),
	} {
		if !same {
			changed = append(changed, name)
		}
	}
	slices.Sort(changed)
	return changed
}

// validateHostCredentials rejects two credentials for one host: the service refuses the whole accept then.
func validateHostCredentials(ctx context.Context, list types.List, diags *diag.Diagnostics) {
	if list.IsNull() || list.IsUnknown() {
		return
	}
	var creds []hostCredentialModel
	if d := list.ElementsAs(ctx, &creds, false); d.HasError() {
		return // an unknown element: checked again once known
	}
	first := map[int64]int{}
	for i, c := range creds {
		if c.DetailID.IsNull() || c.DetailID.IsUnknown() {
			continue
		}
		id := c.DetailID.ValueInt64()
		if j, seen := first[id]; seen {
			diags.AddAttributeError(path.Root("host_credentials").AtListIndex(i).AtName("detail_id"), "Duplicate host credential",
				fmt.Sprintf("Attribute host_credentials[%d].detail_id is %d, like host_credentials[%d].detail_id: give each host one credential.", i, id, j))
			continue
		}
		first[id] = i
	}
}

func (r *authorizationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer framework.KeepIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var m authorizationModel
	ctx, cancel, ok := r.Open(ctx, req.Plan, &m, framework.Deadline{Of: func() framework.Timeout { return m.Timeouts.Create }, Default: defaultTimeout}, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	if detail, over := windowOver(m); over {
		resp.Diagnostics.AddAttributeError(path.Root("expire_time"), windowOverSummary, detail)
		return
	}
	id, summary := m.AuthorizationID.ValueString(), "Error creating "+r.TypeName
	osm := r.Client.OSM()
	current, err := osm.Get(ctx, id, m.GroupID.ValueString())
	if err != nil {
		resp.Diagnostics.AddError(summary, framework.Detail("Reading authorization request "+id, err))
		return
	}
	if current.Status != cloud.OSMPending {
		resp.Diagnostics.AddError(summary, fmt.Sprintf("Authorization request %s is %s, not pending: only a pending request can be decided.%s",
			id, statusName(current.Status), importAdvice(r.TypeName, id, current.Status)))
		return
	}

	decide := func() error {
		if m.Decision.ValueString() == decisionReject {
			return osm.Act(ctx, id, cloud.OSMReject, m.RejectReason.ValueString(), m.GroupID.ValueString())
		}
		accept, diags := m.acceptRequest(ctx, writeOnlyPasswords(ctx, req.Config))
		resp.Diagnostics.Append(diags...)
		if diags.HasError() {
			return nil
		}
		if m.VerifyHosts.ValueBool() {
			for _, h := range accept.Details {
				if err := osm.VerifyHost(ctx, h.DetailID, h.Port, h.Account, h.Password, m.GroupID.ValueString()); err != nil {
					return fmt.Errorf("verifying the credentials of host detail %d (account %q) failed, so nothing was accepted: %w", h.DetailID, h.Account, err)
				}
			}
		}
		return osm.Accept(ctx, id, accept)
	}
	err = decide()
	if resp.Diagnostics.HasError() {
		return
	}
	// The decision is read back: it tells what the service did, also when the answer was lost or a retry
	// of an accept that had gone through was refused.
	after, rbErr := framework.ReadBack(ctx, cloud.OutcomeOf(err), func(ctx context.Context) (cloud.OSMAuthorization, bool, error) {
		a, err := osm.Get(ctx, id, m.GroupID.ValueString())
		return a, err == nil && a.Status != cloud.OSMPending, err
	})
	decided := rbErr == nil && after.Status != cloud.OSMPending && matchesDecision(m.Decision.ValueString(), after.Status)
	if !decided {
		if err == nil && rbErr != nil {
			err = rbErr
		}
		if err == nil {
			err = fmt.Errorf("the service answered, but the request is %s", statusName(after.Status))
		}
		resp.Diagnostics.AddError(summary, framework.Detail(fmt.Sprintf("Deciding (%s) authorization request %s", m.Decision.ValueString(), id), err))
		return
	}
	m.fromAuthorization(ctx, after, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *authorizationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer framework.KeepReadIdentity(ctx, req, resp)
	var m authorizationModel
	prior, ok := r.Refresh(ctx, req.State, &m, &resp.Diagnostics)
	if !ok {
		return
	}
	id := m.AuthorizationID.ValueString()
	a, err := findAuthorization(ctx, r.Client.OSM(), id, m.GroupID.ValueString())
	switch {
	case framework.IsNotFound(err):
		framework.WarnRemoved(ctx, &resp.State, &resp.Diagnostics, r.TypeName, id, err)
		return
	case err != nil:
		resp.Diagnostics.AddError("Error reading "+r.TypeName, framework.Detail("Reading authorization request "+id, err))
		return
	case !matchesDecision(m.Decision.ValueString(), a.Status):
		// Canceled, expired or withdrawn outside Terraform: the decision no longer stands.
		framework.WarnRemoved(ctx, &resp.State, &resp.Diagnostics, r.TypeName, id,
			fmt.Errorf("the %s decision no longer stands: the request is %s", m.Decision.ValueString(), statusName(a.Status)))
		return
	}
	m.fromAuthorization(ctx, a, &resp.Diagnostics)
	resp.Diagnostics.Append(prior.Record(ctx, &resp.State, &m)...)
}

func (r *authorizationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m authorizationModel
	ctx, cancel, ok := r.Open(ctx, req.State, &m, framework.Deadline{Of: func() framework.Timeout { return m.Timeouts.Delete }, Default: defaultTimeout}, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	id, groupID, summary := m.AuthorizationID.ValueString(), m.GroupID.ValueString(), "Error deleting "+r.TypeName
	osm := r.Client.OSM()
	// Taking access away needs only the status: a time in a form this provider cannot read must not stop it.
	statusOf := func(ctx context.Context) (cloud.OSMAuthorization, error) {
		a, err := findAuthorization(ctx, osm, id, groupID)
		if _, badTime := errors.AsType[*cloud.OSMTimeError](err); badTime {
			err = nil
		}
		return a, err
	}
	a, err := statusOf(ctx)
	if framework.IsNotFound(err) {
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(summary, framework.Detail("Reading authorization request "+id, err))
		return
	}
	var action, reason string
	switch a.Status {
	case cloud.OSMAuthorized, cloud.OSMApprovalPending:
		action = cloud.OSMCancel
	case cloud.OSMPending:
		action, reason = cloud.OSMReject, m.RejectReason.ValueString()
		if reason == "" {
			reason = destroyRejectReason
		}
	default:
		return // initializing, rejected, expired, withdrawn, canceled: no access to take away
	}
	err = osm.Act(ctx, id, action, reason, groupID)
	// A lost answer, or a retry refused because the first attempt went through: the status tells.
	after, rbErr := framework.ReadBack(ctx, cloud.OutcomeOf(err), func(ctx context.Context) (cloud.OSMAuthorization, bool, error) {
		a, err := statusOf(ctx)
		return a, err == nil && !hasAccess(a.Status), err
	})
	if rbErr == nil && !hasAccess(after.Status) {
		return
	}
	if err == nil {
		err = rbErr
	}
	if err == nil {
		err = fmt.Errorf("the service answered, but the request is still %s", statusName(after.Status))
	}
	resp.Diagnostics.AddError(summary, framework.Detail(fmt.Sprintf("Taking the access of authorization request %s away (%s)", id, action), err)+
		"\n\nThe access may remain: the resource stays in the state.")
}

func (r *authorizationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer framework.KeepIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	importID, ok := r.ImportID(ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	id, err := parseAuthorizationImportID(importID)
	if err != nil {
		framework.InvalidImport(req, err, &resp.Diagnostics)
		return
	}
	if r.Client == nil {
		resp.Diagnostics.AddError("Provider not configured", "Importing needs the cloud, which the provider cannot reach until its configuration is known.")
		return
	}
	a, err := r.Client.OSM().Get(ctx, id, "")
	if err != nil {
		resp.Diagnostics.AddError("Error importing "+r.TypeName, framework.Detail("Reading authorization request "+id, err))
		return
	}
	decision, ok := decisionOf(a.Status)
	if !ok {
		resp.Diagnostics.AddError("Error importing "+r.TypeName, fmt.Sprintf("Authorization request %s is %s: only an accepted or rejected request can be imported; a pending one is decided by creating the resource.", id, statusName(a.Status)))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("authorization_id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("decision"), decision)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("verify_hosts"), true)...)
	if decision == decisionReject && a.RejectReason != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("reject_reason"), a.RejectReason)...)
	}
}

// findAuthorization reads an authorization request; the service's not-found code is a *framework.NotFoundError.
func findAuthorization(ctx context.Context, osm *cloud.OSMClient, id, groupID string) (cloud.OSMAuthorization, error) {
	a, err := osm.Get(ctx, id, groupID)
	if cloud.HasCode(err, cloud.CodeOSMAuthorizationUnknown) {
		return a, framework.NotFound("authorization request "+id, err)
	}
	return a, err
}

// parseAuthorizationImportID checks that an import ID is an authorization ID, which is all it holds.
func parseAuthorizationImportID(id string) (string, error) {
	if !authorizationIDPattern.MatchString(id) || len(id) > 32 {
		return "", fmt.Errorf("the import ID %q must be an authorization ID: 1 to 32 letters, digits, hyphens or underscores", id)
	}
	return id, nil
}

// decisionOf is the decision a request in status stands for: none (false) for a request not decided yet, or
// whose decision no longer stands, which therefore cannot be imported.
func decisionOf(status int) (string, bool) {
	switch status {
	case cloud.OSMAuthorized, cloud.OSMApprovalPending:
		return decisionAccept, true
	case cloud.OSMRejected:
		return decisionReject, true
	}
	return "", false
}

// matchesDecision reports whether status is what the decision leads to, and still stands.
func matchesDecision(decision string, status int) bool {
	if decision == decisionReject {
		return status == cloud.OSMRejected
	}
	return status == cloud.OSMAuthorized || status == cloud.OSMApprovalPending
}

// hasAccess reports whether a request in status gives, or may still give, access.
func hasAccess(status int) bool {
	switch status {
	case cloud.OSMAuthorized, cloud.OSMApprovalPending, cloud.OSMPending:
		return true
	}
	return false
}

func statusName(status int) string {
	if name, ok := cloud.OSMStatusNames[status]; ok {
		return name
	}
	return "in status " + strconv.Itoa(status)
}

// importAdvice tells how to take over a request that was decided already.
func importAdvice(typeName, id string, status int) string {
	if _, decided := decisionOf(status); decided {
		return "\n\n" + framework.ImportHint(typeName, id)
	}
	return ""
}
