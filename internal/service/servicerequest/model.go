package servicerequest

import (
	"context"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
)

// authorizationIDPattern is what an authorization ID may hold.
var authorizationIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

type authorizationModel struct {
	ID              types.String      `tfsdk:"id"`
	AuthorizationID types.String      `tfsdk:"authorization_id"`
	Decision        types.String      `tfsdk:"decision"`
	RejectReason    types.String      `tfsdk:"reject_reason"`
	EffectiveTime   timetypes.RFC3339 `tfsdk:"effective_time"`
	ExpireTime      timetypes.RFC3339 `tfsdk:"expire_time"`
	AgencyID        types.String      `tfsdk:"agency_id"`
	GroupID         types.String      `tfsdk:"group_id"`
	VerifyHosts     types.Bool        `tfsdk:"verify_hosts"`
	HostCredentials types.List        `tfsdk:"host_credentials"`
	Status          types.Int64       `tfsdk:"status"`
	StatusName      types.String      `tfsdk:"status_name"`
	IncidentID      types.String      `tfsdk:"incident_id"`
	Description     types.String      `tfsdk:"description"`
	ResourceType    types.String      `tfsdk:"resource_type"`
	VisitType       types.String      `tfsdk:"visit_type"`
	Details         types.List        `tfsdk:"details"`
	Timeouts        timeouts.Value    `tfsdk:"timeouts"`
}

type hostCredentialModel struct {
	DetailID          types.Int64  `tfsdk:"detail_id"`
	Port              types.Int64  `tfsdk:"port"`
	Account           types.String `tfsdk:"account"`
	Password          types.String `tfsdk:"password"`
	PasswordWO        types.String `tfsdk:"password_wo"`
	PasswordWOVersion types.Int64  `tfsdk:"password_wo_version"`
}

// writeOnlyPasswords are the hosts' password_wo, in the order of host_credentials, as the configuration gives
// them: a write-only value reaches only the configuration, never the plan or the state. None when unreadable
// (the plan's credentials, read first, report why).
func writeOnlyPasswords(ctx context.Context, config tfsdk.Config) []types.String {
	var list types.List
	if d := config.GetAttribute(ctx, path.Root("host_credentials"), &list); d.HasError() || list.IsNull() || list.IsUnknown() {
		return nil
	}
	var creds []hostCredentialModel
	if d := list.ElementsAs(ctx, &creds, false); d.HasError() {
		return nil
	}
	out := make([]types.String, len(creds))
	for i, c := range creds {
		out[i] = c.PasswordWO
	}
	return out
}

var detailType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"id": types.Int64Type, "type": types.StringType, "instance_id": types.StringType, "instance_name": types.StringType,
	"region_id": types.StringType, "port": types.Int64Type, "account": types.StringType,
}}

// acceptRequest is the accept call's body: the window in epoch milliseconds and the host credentials, each
// with its password or, where the configuration gives it write-only, with writeOnly's value.
func (m *authorizationModel) acceptRequest(ctx context.Context, writeOnly []types.String) (cloud.OSMAcceptRequest, diag.Diagnostics) {
	var diags diag.Diagnostics
	req := cloud.OSMAcceptRequest{GroupID: m.GroupID.ValueString(), AgencyID: m.AgencyID.ValueString()}
	for _, t := range []struct {
		v   timetypes.RFC3339
		dst *int64
	}{{m.EffectiveTime, &req.EffectiveTime}, {m.ExpireTime, &req.ExpireTime}} {
		if t.v.IsNull() || t.v.IsUnknown() { // unknown: effective_time left out, which the service reads as now
			continue
		}
		at, d := t.v.ValueRFC3339Time()
		diags.Append(d...)
		*t.dst = at.UnixMilli()
	}
	var creds []hostCredentialModel
	if !m.HostCredentials.IsNull() {
		diags.Append(m.HostCredentials.ElementsAs(ctx, &creds, false)...)
	}
	for i, c := range creds {
		password := c.Password
		if password.IsNull() && i < len(writeOnly) {
			password = writeOnly[i]
		}
		req.Details = append(req.Details, cloud.OSMHostCredential{
			DetailID: c.DetailID.ValueInt64(), Port: int(c.Port.ValueInt64()), Account: c.Account.ValueString(), Password: password.ValueString(),
		})
	}
	return req, diags
}

// fromAuthorization records what the service says of the request; the configured arguments stay.
func (m *authorizationModel) fromAuthorization(ctx context.Context, a cloud.OSMAuthorization, diags *diag.Diagnostics) {
	m.ID = types.StringValue(a.ID)
	if a.ID == "" {
		m.ID = m.AuthorizationID
	}
	m.Status = types.Int64Value(int64(a.Status))
	m.StatusName = types.StringValue(statusName(a.Status))
	m.IncidentID = types.StringValue(a.IncidentID)
	m.Description = types.StringValue(a.SimpleDescription)
	m.ResourceType = types.StringValue(a.ResourceTypeName)
	m.VisitType = types.StringValue(a.VisitTypeName)
	m.Details = detailsValue(a.Details, diags)
	// The window and the reason as the service holds them: a change outside Terraform is drift.
	if m.Decision.ValueString() == decisionReject {
		m.EffectiveTime, m.ExpireTime = timetypes.NewRFC3339Null(), timetypes.NewRFC3339Null()
		if a.RejectReason != "" {
			m.RejectReason = types.StringValue(a.RejectReason)
		}
	} else {
		m.EffectiveTime = recordedTime(m.EffectiveTime, a.AuthEffectiveTime)
		m.ExpireTime = recordedTime(m.ExpireTime, a.AuthExpireTime)
	}
	if m.VerifyHosts.IsNull() || m.VerifyHosts.IsUnknown() {
		m.VerifyHosts = types.BoolValue(true)
	}
}

// recordedTime is the state's value of a time the service holds as epoch milliseconds (0: not set). The
// service may answer whole seconds only, so a configured time within the same second stays as written.
func recordedTime(configured timetypes.RFC3339, ms int64) timetypes.RFC3339 {
	held := timeValue(ms)
	if ms != 0 && !configured.IsNull() && !configured.IsUnknown() {
		at, d := configured.ValueRFC3339Time()
		if !d.HasError() && at.Truncate(time.Second).Equal(time.UnixMilli(ms).Truncate(time.Second)) {
			return configured
		}
	}
	return held
}

// detailsValue is what a request gives access to, as the schemas' details list (no secrets).
func detailsValue(details []cloud.OSMAuthorizationDetail, diags *diag.Diagnostics) types.List {
	out := make([]attr.Value, 0, len(details))
	for _, d := range details {
		kind := "console"
		if d.Type == 1 {
			kind = "host"
		}
		obj, dd := types.ObjectValue(detailType.AttrTypes, map[string]attr.Value{
			"id": types.Int64Value(d.ID), "type": types.StringValue(kind), "instance_id": types.StringValue(d.InstanceID),
			"instance_name": types.StringValue(d.InstanceName), "region_id": types.StringValue(d.RegionID),
			"port": types.Int64Value(int64(d.Port)), "account": types.StringValue(d.Account),
		})
		diags.Append(dd...)
		out = append(out, obj)
	}
	list, d := types.ListValue(detailType, out)
	diags.Append(d...)
	return list
}

// timeValue is an RFC 3339 time from epoch milliseconds; 0 (not set) is null.
func timeValue(ms int64) timetypes.RFC3339 {
	if ms == 0 {
		return timetypes.NewRFC3339Null()
	}
	return timetypes.NewRFC3339TimeValue(time.UnixMilli(ms).UTC())
}
