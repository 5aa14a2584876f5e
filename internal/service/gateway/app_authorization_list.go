package gateway

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
	"github.com/cloudauthz/terraform-provider-authz/internal/validate"
)

var _ list.ListResourceWithConfigure = (*appAuthorizationList)(nil)

// NewAppAuthorizationList returns the constructor of the list resource authz_<flavor>_app_authorization:
// the authorizations that exist on an instance, whoever made them, for `terraform query`.
func NewAppAuthorizationList(f cloud.Flavor) func() list.ListResource {
	return func() list.ListResource {
		r := NewAppAuthorizationResource(f)().(*appAuthorizationResource)
		return &appAuthorizationList{ListBase: framework.ListBase{ResourceBase: r.ResourceBase}, resource: r}
	}
}

type appAuthorizationList struct {
	framework.ListBase
	resource *appAuthorizationResource
}

// listFilter is an optional filter of a list block's config, named as the resource's argument.
func listFilter(desc string) listschema.StringAttribute {
	return listschema.StringAttribute{MarkdownDescription: desc, Optional: true, Validators: []validator.String{validate.ID()}}
}

// listInstanceID is the scope of a gateway list block's config.
func listInstanceID() listschema.StringAttribute {
	return listschema.StringAttribute{MarkdownDescription: "ID of the gateway instance to list.", Required: true, Validators: []validator.String{validate.ID()}}
}

func (l *appAuthorizationList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: fmt.Sprintf("Lists the app authorizations that exist on %s instance, whoever made them: each one's identity, "+
			"a display name (`app → API in environment`) and, with `include_resource`, the whole `%s` as an import of it records it. "+
			"Without `app_id` and `api_id` it lists the instance's apps and then each app's authorizations (one call per page of apps and "+
			"one per page of each app's authorizations; apps the gateway reports unbound are skipped).", aProduct(l.resource.flavor), l.TypeName),
		Attributes: map[string]listschema.Attribute{
			"instance_id": listInstanceID(),
			"app_id":      listFilter("Only the authorizations of this app."),
			"env_id":      listFilter("Only authorizations in this environment."),
			"api_id":      listFilter("Only the authorizations for this API."),
		},
	}
}

type appAuthorizationListConfig struct {
	InstanceID types.String `tfsdk:"instance_id"`
	AppID      types.String `tfsdk:"app_id"`
	EnvID      types.String `tfsdk:"env_id"`
	APIID      types.String `tfsdk:"api_id"`
}

func (l *appAuthorizationList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var c appAuthorizationListConfig
	if !l.Load(ctx, req, stream, &c) {
		return
	}
	g := l.Client.Gateway(l.resource.flavor)
	instanceID := c.InstanceID.ValueString()
	l.Stream(ctx, req, stream, func(ctx context.Context, emit framework.Emit) (string, string) {
		each := func(records []cloud.AppAuth) bool {
			for i := range records {
				a := &records[i]
				full, m := l.resource.newModel()
				m.InstanceID = types.StringValue(instanceID)
				full.fromRecord(a)
				m.Timeouts = framework.NoTimeouts(ctx, req)
				if !emit(fmt.Sprintf("%s → %s in %s", a.AppName, a.APIName, a.EnvName), full) {
					return false
				}
			}
			return true
		}
		err := eachAppAuth(ctx, g, instanceID, cloud.BoundAPIsFilter{AppID: c.AppID.ValueString(), APIID: c.APIID.ValueString(), EnvID: c.EnvID.ValueString()}, each)
		if err != nil {
			return "Error listing " + l.TypeName, readError(ctx, l.Client, instanceID, "Listing the authorizations on instance "+instanceID, err)
		}
		return "", ""
	})
}

// eachAppAuth hands each the authorizations of an instance that f selects, app by app, until each reports
// false: with an app, that app's; with only an API, those of the API; otherwise those of every app of the
// instance that has any, so the calls grow with the apps and the pages, never with the grants. An app that
// does not exist has none.
func eachAppAuth(ctx context.Context, g *cloud.GatewayClient, instanceID string, f cloud.BoundAPIsFilter, each func([]cloud.AppAuth) bool) error {
	switch {
	case f.AppID != "":
		records, err := listAppAuths(ctx, g, instanceID, f.EnvID, f.AppID, f.APIID)
		if framework.IsNotFound(err) {
			return nil
		}
		if err == nil {
			each(records)
		}
		return err
	case f.APIID != "":
		records, err := g.ListBoundApps(ctx, instanceID, cloud.BoundAppsFilter{APIID: f.APIID, EnvID: f.EnvID})
		if err == nil {
			// Filters are hints to the server; keep only what really matches.
			each(slices.DeleteFunc(records, func(a cloud.AppAuth) bool { return a.APIID != f.APIID || f.EnvID != "" && a.EnvID != f.EnvID }))
		}
		return err
	}
	return eachApp(ctx, g, instanceID, true, func(app cloud.App) (bool, error) {
		records, err := listAppAuths(ctx, g, instanceID, f.EnvID, app.ID, "")
		if framework.IsNotFound(err) {
			return true, nil // deleted since the apps were listed
		}
		return err == nil && each(records), err
	})
}

// eachApp calls fn for each app of an instance, in the gateway's order, until it reports false or fails;
// with bound, only for the apps the gateway does not report as authorized for no API. An app deleted since
// the apps were listed is passed over.
func eachApp(ctx context.Context, g *cloud.GatewayClient, instanceID string, bound bool, fn func(cloud.App) (bool, error)) error {
	apps, err := g.ListApps(ctx, instanceID)
	if err != nil {
		return err
	}
	for _, app := range apps {
		if bound && app.BindNum != nil && *app.BindNum == 0 {
			continue
		}
		more, err := fn(app)
		switch {
		case cloud.HasCode(err, cloud.CodeAppNotFound):
			continue // deleted since the apps were listed
		case err != nil || !more:
			return err
		}
	}
	return nil
}
