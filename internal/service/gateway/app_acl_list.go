package gateway

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
)

var _ list.ListResourceWithConfigure = (*appACLList)(nil)

// NewAppACLList returns the constructor of the list resource authz_<flavor>_app_acl: the app ACLs that exist
// on an instance, whoever made them, for `terraform query`.
func NewAppACLList(f cloud.Flavor) func() list.ListResource {
	return func() list.ListResource {
		r := NewAppACLResource(f)().(*appACLResource)
		return &appACLList{ListBase: framework.ListBase{ResourceBase: r.ResourceBase}, flavor: f}
	}
}

type appACLList struct {
	framework.ListBase
	flavor cloud.Flavor
}

func (l *appACLList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: fmt.Sprintf("Lists the app ACLs that exist on %s instance, whoever made them: each one's identity, a display "+
			"name (`app: TYPE, N entries`) and, with `include_resource`, the whole `%s` as an import of it records it. It lists the "+
			"instance's apps and reads each app's ACL: one call per page of apps and one per app.%s", aProduct(l.flavor), l.TypeName, romaACLAPINote(l.flavor)),
		Attributes: map[string]listschema.Attribute{
			"instance_id": listInstanceID(),
			"app_id":      listFilter("Only the ACL of this app."),
			"type": listschema.StringAttribute{
				MarkdownDescription: "Only ACLs of this type: `PERMIT` or `DENY`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(cloud.ACLPermit, cloud.ACLDeny)},
			},
		},
	}
}

type appACLListConfig struct {
	InstanceID types.String `tfsdk:"instance_id"`
	AppID      types.String `tfsdk:"app_id"`
	Type       types.String `tfsdk:"type"`
}

func (l *appACLList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var c appACLListConfig
	if !l.Load(ctx, req, stream, &c) {
		return
	}
	g := l.Client.Gateway(l.flavor)
	instanceID, appID, aclType := c.InstanceID.ValueString(), c.AppID.ValueString(), c.Type.ValueString()
	l.Stream(ctx, req, stream, func(ctx context.Context, emit framework.Emit) (string, string) {
		err := eachApp(ctx, g, instanceID, false, func(app cloud.App) (bool, error) {
			if appID != "" && app.ID != appID {
				return true, nil
			}
			acl, exists, err := g.GetAppACL(ctx, instanceID, app.ID)
			more := appID == "" // with app_id, that app is the last to read
			if err != nil || !exists || aclType != "" && acl.Type != aclType {
				return more, err
			}
			m := appACLModel{InstanceID: types.StringValue(instanceID), AppID: types.StringValue(app.ID), Timeouts: framework.NoTimeouts(ctx, req)}
			if diags := m.fromACL(ctx, acl); diags.HasError() {
				return false, fmt.Errorf("the ACL of app %s: %v", app.ID, diags)
			}
			return emit(fmt.Sprintf("%s: %s, %d entries", app.Name, acl.Type, len(acl.Values)), &m) && more, nil
		})
		if err != nil {
			return "Error listing " + l.TypeName, readError(ctx, l.Client, instanceID, "Listing the app ACLs on instance "+instanceID, err)
		}
		return "", ""
	})
}
