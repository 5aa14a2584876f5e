package modelarts

import (
	"cmp"
	"context"

	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
	"github.com/cloudauthz/terraform-provider-authz/internal/validate"
)

var _ list.ListResourceWithConfigure = (*appAuthorizationList)(nil)

// NewAppAuthorizationList is the list resource authz_modelarts_app_authorization: the authorizations that
// exist on a real-time service, whoever made them, for `terraform query`.
func NewAppAuthorizationList() list.ListResource {
	r := NewAppAuthorizationResource().(*appAuthorizationResource)
	return &appAuthorizationList{ListBase: framework.ListBase{ResourceBase: r.ResourceBase}}
}

type appAuthorizationList struct {
	framework.ListBase
}

func (l *appAuthorizationList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	id := func(desc string, required bool) listschema.StringAttribute {
		return listschema.StringAttribute{MarkdownDescription: desc, Required: required, Optional: !required, Validators: []validator.String{validate.ID()}}
	}
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists the app authorizations that exist on a ModelArts real-time service in one workspace, whoever made them: " +
			"each one's identity, a display name (`app → API`) and, with `include_resource`, the whole `" + l.TypeName + "` as an import " +
			"of it records it. It lists the service's APIs, then the apps authorized to call each API: one call per page of APIs and one " +
			"per page of each API's apps (with `api_id`, of that API only), never one per authorization.",
		Attributes: map[string]listschema.Attribute{
			"service_id":   id("ID of the real-time service whose authorizations are listed.", true),
			"api_id":       id("Only the authorizations to call this API of the service.", false),
			"app_id":       id("Only the authorizations of this app.", false),
			"workspace_id": id("ID of the ModelArts workspace whose authorizations are listed; `0` (the default) when the project has created none.", false),
		},
	}
}

type appAuthorizationListConfig struct {
	ServiceID   types.String `tfsdk:"service_id"`
	APIID       types.String `tfsdk:"api_id"`
	AppID       types.String `tfsdk:"app_id"`
	WorkspaceID types.String `tfsdk:"workspace_id"`
}

func (l *appAuthorizationList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var c appAuthorizationListConfig
	if !l.Load(ctx, req, stream, &c) {
		return
	}
	serviceID, apiID, appID := c.ServiceID.ValueString(), c.APIID.ValueString(), c.AppID.ValueString()
	workspaceID := cmp.Or(c.WorkspaceID.ValueString(), cloud.DefaultWorkspaceID)
	l.Stream(ctx, req, stream, func(ctx context.Context, emit framework.Emit) (string, string) {
		err := eachAuthorized(ctx, l.Client, serviceID, workspaceID, apiID, func(api cloud.ModelArtsAPI, app cloud.ModelArtsApp) bool {
			if appID != "" && app.AppID != appID {
				return true
			}
			// What an import records (the identity; no auth_id, no names), then what Read adds.
			m := appAuthorizationModel{
				ServiceID: types.StringValue(serviceID), APIID: types.StringValue(api.APIID), AppID: types.StringValue(app.AppID),
				WorkspaceID: types.StringValue(workspaceID), Timeouts: framework.NoTimeouts(ctx, req),
			}
			m.fromAuthorized(app, &api)
			return emit(app.AppName+" → "+api.APIName, &m)
		})
		if err != nil {
			return "Error listing " + l.TypeName, framework.Detail("Listing the app authorizations of service "+serviceID+" (workspace "+workspaceID+")", err)
		}
		return "", ""
	})
}

// eachAuthorized calls each for every app authorized to call an API of the service in the workspace, API by
// API in the service's order, until each reports false; with apiID, for the apps of that API only. The calls
// grow with the APIs and their pages, never with the authorizations. An API deleted since the APIs were
// listed has none.
func eachAuthorized(ctx context.Context, c *cloud.Client, serviceID, workspaceID, apiID string, each func(cloud.ModelArtsAPI, cloud.ModelArtsApp) bool) error {
	apis, err := c.ModelArts().ListAPIs(ctx, serviceID)
	if err != nil {
		return err
	}
	for _, api := range apis {
		if apiID != "" && api.APIID != apiID {
			continue
		}
		auths, err := listAuthorized(ctx, c, apiRef{ServiceID: serviceID, APIID: api.APIID, WorkspaceID: workspaceID})
		switch {
		case cloud.HasCode(err, cloud.CodeModelArtsServiceNotFound):
			return nil // deleted since its APIs were listed: nothing is left to list
		case framework.IsNotFound(err):
			continue
		case err != nil:
			return err
		}
		for _, a := range auths {
			if !each(api, a.App) {
				return nil
			}
		}
	}
	return nil
}
