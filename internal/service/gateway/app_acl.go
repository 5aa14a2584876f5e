package gateway

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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
	"github.com/cloudauthz/terraform-provider-authz/internal/ipacl"
	"github.com/cloudauthz/terraform-provider-authz/internal/validate"
)

var (
	_ resource.ResourceWithConfigure   = (*appACLResource)(nil)
	_ resource.ResourceWithImportState = (*appACLResource)(nil)
	_ resource.ResourceWithMoveState   = (*appACLResource)(nil)
)

// maxACLValues is the most entries one ACL holds.
const maxACLValues = 300

// NewAppACLResource returns the constructor of authz_<flavor>_app_acl: the IP allow or deny list of one app.
func NewAppACLResource(f cloud.Flavor) func() resource.Resource {
	return func() resource.Resource {
		return &appACLResource{ResourceBase: framework.ResourceBase{TypeName: typeName(f, "app_acl"), Identity: framework.Identity{Required: []string{"instance_id", "app_id"}}}, flavor: f}
	}
}

type appACLResource struct {
	framework.ResourceBase
	flavor cloud.Flavor
}

func (r *appACLResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: fmt.Sprintf("The access control list of one app on %s instance: the client IP addresses the app "+
			"may call APIs from (`PERMIT`) or may not (`DENY`). An app has at most one ACL; this resource owns it whole. "+
			"Deleting the resource removes the ACL, so the app may call from anywhere again.%s Its list resource `%s` lists the ACLs of an "+
			"instance for `terraform query`.%s", aProduct(r.flavor), romaACLAPINote(r.flavor), typeName(r.flavor, "app_acl"), movesNote(r.flavor, huaweiAppACL)),
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<instance_id>/<app_id>`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"instance_id": schema.StringAttribute{
				MarkdownDescription: "ID of the gateway instance. Changing it replaces the ACL.",
				Required:            true,
				Validators:          []validator.String{validate.ID()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"app_id": schema.StringAttribute{
				MarkdownDescription: "ID of the app. Changing it replaces the ACL.",
				Required:            true,
				Validators:          []validator.String{validate.ID()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"type": schema.StringAttribute{
				MarkdownDescription: "`PERMIT`: only the listed addresses may call. `DENY`: the listed addresses may not call. Changed in place.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf(cloud.ACLPermit, cloud.ACLDeny)},
			},
			"values": schema.SetAttribute{
				MarkdownDescription: fmt.Sprintf("The addresses: IPv4 or IPv6 addresses (`192.168.0.1`, `::1`), CIDR blocks "+
					"(`192.168.0.100/28`) or ranges of two addresses of the same family (`192.168.0.5-192.168.0.10`); 1 to %d "+
					"entries, no two of which overlap (share any address): the plan fails naming both. Changed in place.", maxACLValues),
				Required:    true,
				ElementType: types.StringType,
				CustomType:  framework.StringSet,
				Validators:  []validator.Set{setvalidator.SizeBetween(1, maxACLValues), ipacl.SetValidator()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

func (r *appACLResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer framework.KeepIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var m appACLModel
	ctx, cancel, ok := r.Open(ctx, req.Plan, &m, framework.Deadline{Of: func() framework.Timeout { return m.Timeouts.Create }, Default: defaultCreateTimeout}, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	r.RecordProject(ctx, resp.Private, &resp.Diagnostics)

	summary := "Error creating " + r.TypeName
	instanceID, appID := m.InstanceID.ValueString(), m.AppID.ValueString()
	existing, err := findACL(ctx, r.Client.Gateway(r.flavor), instanceID, appID)
	if err != nil && !framework.IsNotFound(err) {
		resp.Diagnostics.AddError(summary, framework.Detail(fmt.Sprintf("Reading the ACL of app %s on instance %s", appID, instanceID), err))
		return
	}
	if err == nil {
		resp.Diagnostics.AddError(summary, fmt.Sprintf("App %s on instance %s already has a %s ACL with %d entries.\n\n%s",
			appID, instanceID, existing.Type, len(existing.Values), framework.ImportHint(r.TypeName, instanceID+"/"+appID)))
		return
	}
	r.put(ctx, &m, summary, &resp.State, &resp.Diagnostics)
}

func (r *appACLResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer framework.KeepReadIdentity(ctx, req, resp)
	var m appACLModel
	prior, ok := r.Refresh(ctx, req.State, &m, &resp.Diagnostics)
	if !ok {
		return
	}
	if !r.InProject(ctx, req.Private, resp.Private, &resp.Diagnostics) {
		return
	}
	instanceID, appID := m.InstanceID.ValueString(), m.AppID.ValueString()
	acl, err := findACL(ctx, r.Client.Gateway(r.flavor), instanceID, appID)
	switch {
	case framework.IsNotFound(err):
		framework.WarnRemoved(ctx, &resp.State, &resp.Diagnostics, r.TypeName, instanceID+"/"+appID, err)
	case err != nil:
		resp.Diagnostics.AddError("Error reading "+r.TypeName, readError(ctx, r.Client, instanceID, fmt.Sprintf("Reading the ACL of app %s on instance %s", appID, instanceID), err))
	default:
		resp.Diagnostics.Append(m.fromACL(ctx, acl)...)
		resp.Diagnostics.Append(prior.Record(ctx, &resp.State, &m)...)
	}
}

func (r *appACLResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer framework.KeepIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var m, prior appACLModel
	ctx, cancel, ok := r.Open(ctx, req.Plan, &m, framework.Deadline{Of: func() framework.Timeout { return m.Timeouts.Update }, Default: defaultUpdateTimeout}, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.Append(req.State.Get(ctx, &prior)...); !ok || resp.Diagnostics.HasError() {
		return
	}
	if !r.InProject(ctx, req.Private, resp.Private, &resp.Diagnostics) {
		return
	}
	if m.Type.Equal(prior.Type) && m.Values.Equal(prior.Values) {
		// Only timeouts changed: nothing to send.
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
		return
	}
	r.put(ctx, &m, "Error updating "+r.TypeName, &resp.State, &resp.Diagnostics)
}

// put replaces the whole ACL with the planned one and records the cloud's answer. When the answer is lost,
// the ACL is read back: PUT is idempotent, so an ACL equal to the plan is this write's own, and anything
// else that exists is recorded, so the state never misses what the cloud holds.
func (r *appACLResource) put(ctx context.Context, m *appACLModel, summary string, state *tfsdk.State, diags *diag.Diagnostics) {
	var values []string
	diags.Append(m.Values.ElementsAs(ctx, &values, false)...)
	if diags.HasError() {
		return
	}
	instanceID, appID, aclType := m.InstanceID.ValueString(), m.AppID.ValueString(), m.Type.ValueString()
	g := r.Client.Gateway(r.flavor)
	acl, err := framework.WriteLocked(ctx, r.Client, appLockKey(r.flavor, instanceID, appID), func() (cloud.AppACL, error) {
		return g.PutAppACL(ctx, instanceID, appID, aclType, values)
	})
	op := fmt.Sprintf("Setting the %s ACL of app %s on instance %s", aclType, appID, instanceID)
	if err == nil {
		diags.Append(m.fromACL(ctx, acl)...)
		diags.Append(state.Set(ctx, m)...)
		return
	}
	outcome := cloud.OutcomeOf(err)
	if outcome == cloud.NotApplied {
		diags.AddError(summary, framework.Detail(op, err))
		return
	}
	type found struct {
		acl    cloud.AppACL
		exists bool
	}
	got, rbErr := framework.ReadBack(ctx, outcome, func(ctx context.Context) (found, bool, error) {
		acl, exists, err := g.GetAppACL(ctx, instanceID, appID)
		return found{acl, exists}, exists && aclEqual(acl, aclType, values), err
	})
	switch {
	case rbErr == nil && got.exists && aclEqual(got.acl, aclType, values):
		diags.Append(m.fromACL(ctx, got.acl)...)
		diags.Append(state.Set(ctx, m)...)
	case rbErr == nil && got.exists:
		diags.Append(m.fromACL(ctx, got.acl)...)
		diags.Append(state.Set(ctx, m)...)
		diags.AddError(summary, framework.Detail(op, err)+"\n\nThe state records the ACL the cloud holds now.")
	case rbErr == nil && outcome == cloud.InFlight:
		// The provider stopped waiting and the ACL has not shown: the cloud may still set it. The state records
		// it as configured, for the next refresh to read what the cloud holds.
		m.ID = types.StringValue(instanceID + "/" + appID)
		diags.Append(state.Set(ctx, m)...)
		diags.AddError(summary, framework.Detail(op, framework.StillInFlight(err))+
			"\n\nThe state records the ACL as configured, so the next plan reads what the cloud holds.")
	case rbErr == nil:
		diags.AddError(summary, framework.Detail(op, err))
	default:
		diags.AddError(summary, fmt.Sprintf("%s; reading the ACL back failed too: %s", framework.Detail(op, err), framework.Describe(rbErr)))
	}
}

// findACL reads an app's ACL. It is not found when the app has none (the gateway answers an empty object)
// or the app does not exist (the ACL went with it).
func findACL(ctx context.Context, g *cloud.GatewayClient, instanceID, appID string) (cloud.AppACL, error) {
	acl, exists, err := g.GetAppACL(ctx, instanceID, appID)
	switch {
	case cloud.HasCode(err, cloud.CodeAppNotFound):
		return acl, framework.NotFound("app "+appID+" of instance "+instanceID, err)
	case err == nil && !exists:
		return acl, framework.NotFound(fmt.Sprintf("the ACL of app %s on instance %s", appID, instanceID), nil)
	}
	return acl, err
}

// aclEqual reports whether acl is of the type and holds exactly the values, in any order.
func aclEqual(acl cloud.AppACL, aclType string, values []string) bool {
	return acl.Type == aclType && len(acl.Values) == len(values) &&
		slices.Equal(slices.Sorted(slices.Values(acl.Values)), slices.Sorted(slices.Values(values)))
}

func (r *appACLResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m appACLModel
	ctx, cancel, ok := r.Open(ctx, req.State, &m, framework.Deadline{Of: func() framework.Timeout { return m.Timeouts.Delete }, Default: defaultDeleteTimeout}, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	if !r.InProject(ctx, req.Private, nil, &resp.Diagnostics) {
		return
	}
	instanceID, appID := m.InstanceID.ValueString(), m.AppID.ValueString()
	_, err := framework.WriteLocked(ctx, r.Client, appLockKey(r.flavor, instanceID, appID), func() (struct{}, error) {
		return struct{}{}, r.Client.Gateway(r.flavor).DeleteAppACL(ctx, instanceID, appID)
	})
	// A missing app has no ACL; any other failure leaves the ACL, and the resource, in place.
	if err != nil && !cloud.HasCode(err, cloud.CodeAppNotFound) {
		resp.Diagnostics.AddError("Error deleting "+r.TypeName, readError(ctx, r.Client, instanceID, fmt.Sprintf("Deleting the ACL of app %s on instance %s", appID, instanceID), err))
	}
}

func (r *appACLResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer framework.KeepIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	id, ok := r.ImportID(ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	parts, err := framework.ParseImportID(id, "instance_id", "app_id")
	if err != nil {
		framework.InvalidImport(req, err, &resp.Diagnostics)
		return
	}
	// What is imported must exist: otherwise Terraform would say no more than that the object does not.
	if r.Client != nil {
		if _, err := findACL(ctx, r.Client.Gateway(r.flavor), parts[0], parts[1]); err != nil {
			resp.Diagnostics.AddError("Error importing "+r.TypeName, framework.Detail("Importing", err))
			return
		}
	}
	r.RecordProject(ctx, resp.Private, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("instance_id"), parts[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("app_id"), parts[1])...)
}

type appACLModel struct {
	ID         types.String             `tfsdk:"id"`
	InstanceID types.String             `tfsdk:"instance_id"`
	AppID      types.String             `tfsdk:"app_id"`
	Type       types.String             `tfsdk:"type"`
	Values     framework.StringSetValue `tfsdk:"values"`
	Timeouts   timeouts.Value           `tfsdk:"timeouts"`
}

func (m *appACLModel) fromACL(ctx context.Context, acl cloud.AppACL) diag.Diagnostics {
	m.ID = types.StringValue(m.InstanceID.ValueString() + "/" + m.AppID.ValueString())
	m.Type = types.StringValue(acl.Type)
	values, diags := framework.NewStringSet(ctx, acl.Values)
	m.Values = values
	return diags
}
