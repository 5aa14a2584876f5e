// Package standin serves stand-ins for the clouds' own Terraform providers in acceptance tests: only the
// resources whose state this provider accepts moved, with the schemas their public documentation gives,
// granting and revoking through the fake cloud's HTTP API with the repository's cloud client.
package standin

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
)

// HuaweiCloud serves a stand-in for huaweicloud/huaweicloud with huaweicloud_apig_application_authorization
// and huaweicloud_apig_application_acl, reaching the cloud with c.
func HuaweiCloud(c *cloud.Client) func() tfprotov6.ProviderServer {
	return providerserver.NewProtocol6(&standin{name: "huaweicloud", client: c, resources: []func() resource.Resource{
		func() resource.Resource { return &authorization{kind: huaweiAuthorization} },
		func() resource.Resource { return &acl{} },
	}})
}

// OpenTelekomCloud serves a stand-in for opentelekomcloud/opentelekomcloud with
// opentelekomcloud_apigw_application_authorization_v2, reaching the cloud with c.
func OpenTelekomCloud(c *cloud.Client) func() tfprotov6.ProviderServer {
	return providerserver.NewProtocol6(&standin{name: "opentelekomcloud", client: c, resources: []func() resource.Resource{
		func() resource.Resource { return &authorization{kind: otcAuthorization} },
	}})
}

// standin is a provider without configuration: the test hands it its client.
type standin struct {
	name      string
	client    *cloud.Client
	resources []func() resource.Resource
}

func (p *standin) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = p.name
}

func (p *standin) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (p *standin) Configure(_ context.Context, _ provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	resp.ResourceData = p.client
}

func (p *standin) Resources(context.Context) []func() resource.Resource { return p.resources }

func (p *standin) DataSources(context.Context) []func() datasource.DataSource { return nil }

// base is what both resources share: the client, and changes the stand-ins never make.
type base struct{ client *cloud.Client }

func (b *base) Configure(_ context.Context, req resource.ConfigureRequest, _ *resource.ConfigureResponse) {
	if c, ok := req.ProviderData.(*cloud.Client); ok {
		b.client = c
	}
}

func (b *base) gateway() *cloud.GatewayClient { return b.client.Gateway(cloud.FlavorAPIG) }

// Update is never needed: the tests create a source resource and move it away.
func (b *base) Update(_ context.Context, _ resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.Diagnostics.AddError("Stand-in cannot update", "The stand-in providers of the tests create, read and delete only.")
}

// authorizationKind is what the two providers' authorization resources differ in.
type authorizationKind struct {
	typeName string
	// instance is the attribute naming the gateway instance.
	instance string
	// id is the resource ID the provider sets.
	id func(instance, env, app string) string
	// huawei tells huaweicloud's attributes (optional region, api_ids_origin) from opentelekomcloud's
	// (computed region, timeouts).
	huawei bool
}

var (
	huaweiAuthorization = authorizationKind{typeName: "huaweicloud_apig_application_authorization", instance: "instance_id", huawei: true,
		id: func(instance, env, app string) string { return instance + "/" + env + "/" + app }}
	otcAuthorization = authorizationKind{typeName: "opentelekomcloud_apigw_application_authorization_v2", instance: "gateway_id",
		id: func(_, env, app string) string { return env + "/" + app }}
)

// authorization is the set of APIs one app may call in one environment. Like opentelekomcloud's (whose Read
// lists the app's authorizations by gateway and app alone), its Read does not filter by environment, so after
// a refresh api_ids holds the app's APIs of every environment.
type authorization struct {
	base
	kind authorizationKind
}

func (r *authorization) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = r.kind.typeName
}

func (r *authorization) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"id":             schema.StringAttribute{Computed: true},
		r.kind.instance:  schema.StringAttribute{Required: true},
		"application_id": schema.StringAttribute{Required: true},
		"env_id":         schema.StringAttribute{Required: true},
		"api_ids":        schema.SetAttribute{Required: true, ElementType: types.StringType},
	}
	s := schema.Schema{Attributes: attrs}
	if r.kind.huawei {
		attrs["region"] = schema.StringAttribute{Optional: true, Computed: true}
		attrs["api_ids_origin"] = schema.ListAttribute{Optional: true, Computed: true, ElementType: types.StringType}
	} else {
		// The plugin SDK's timeouts block, which the opentelekomcloud resource has.
		attrs["region"] = schema.StringAttribute{Computed: true}
		s.Blocks = map[string]schema.Block{"timeouts": schema.SingleNestedBlock{Attributes: map[string]schema.Attribute{
			"create": schema.StringAttribute{Optional: true},
			"update": schema.StringAttribute{Optional: true},
			"delete": schema.StringAttribute{Optional: true},
		}}}
	}
	resp.Schema = s
}

// attributes is a plan or a state.
type attributes interface {
	GetAttribute(ctx context.Context, p path.Path, target any) diag.Diagnostics
}

// ids reads the instance, environment, app and APIs of the authorization from a plan or state.
func (r *authorization) ids(ctx context.Context, src attributes, diags *diag.Diagnostics) (instance, env, app string, apiIDs []string) {
	var i, e, a types.String
	var apis types.Set
	diags.Append(src.GetAttribute(ctx, path.Root(r.kind.instance), &i)...)
	diags.Append(src.GetAttribute(ctx, path.Root("env_id"), &e)...)
	diags.Append(src.GetAttribute(ctx, path.Root("application_id"), &a)...)
	diags.Append(src.GetAttribute(ctx, path.Root("api_ids"), &apis)...)
	diags.Append(apis.ElementsAs(ctx, &apiIDs, false)...)
	return i.ValueString(), e.ValueString(), a.ValueString(), apiIDs
}

func (r *authorization) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	instance, env, app, apiIDs := r.ids(ctx, req.Plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	results, err := r.gateway().CreateAppAuths(ctx, instance, cloud.CreateAppAuthsRequest{EnvID: env, AppIDs: []string{app}, APIIDs: apiIDs})
	if err == nil {
		for _, item := range results {
			if err = item.Err(); err != nil {
				break
			}
		}
	}
	if err != nil {
		resp.Diagnostics.AddError("Error authorizing APIs", err.Error())
		return
	}
	resp.State.Raw = req.Plan.Raw.Copy()
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), r.kind.id(instance, env, app))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("region"), r.client.Config().Region)...)
	if r.kind.huawei {
		origin, d := types.ListValueFrom(ctx, types.StringType, apiIDs)
		resp.Diagnostics.Append(d...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("api_ids_origin"), origin)...)
	}
}

func (r *authorization) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	instance, _, app, _ := r.ids(ctx, req.State, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	records, err := r.gateway().ListBoundAPIs(ctx, instance, cloud.BoundAPIsFilter{AppID: app})
	if err != nil {
		resp.Diagnostics.AddError("Error listing authorized APIs", err.Error())
		return
	}
	if len(records) == 0 {
		resp.State.RemoveResource(ctx)
		return
	}
	var apiIDs []string
	for _, a := range records {
		apiIDs = append(apiIDs, a.APIID)
	}
	slices.Sort(apiIDs)
	set, d := types.SetValueFrom(ctx, types.StringType, slices.Compact(apiIDs))
	resp.Diagnostics.Append(d...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("api_ids"), set)...)
}

func (r *authorization) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	instance, env, app, apiIDs := r.ids(ctx, req.State, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	records, err := r.gateway().ListBoundAPIs(ctx, instance, cloud.BoundAPIsFilter{AppID: app, EnvID: env})
	if err != nil {
		resp.Diagnostics.AddError("Error listing authorized APIs", err.Error())
		return
	}
	for _, a := range records {
		if a.EnvID == env && slices.Contains(apiIDs, a.APIID) {
			if err := r.gateway().DeleteAppAuth(ctx, instance, a.ID); err != nil {
				resp.Diagnostics.AddError("Error cancelling an authorization", err.Error())
			}
		}
	}
}

// acl is huaweicloud_apig_application_acl: the IP allow or deny list of one app.
type acl struct{ base }

func (r *acl) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "huaweicloud_apig_application_acl"
}

func (r *acl) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":             schema.StringAttribute{Computed: true},
		"region":         schema.StringAttribute{Optional: true, Computed: true},
		"instance_id":    schema.StringAttribute{Required: true},
		"application_id": schema.StringAttribute{Required: true},
		"type":           schema.StringAttribute{Required: true},
		"values":         schema.ListAttribute{Required: true, ElementType: types.StringType},
	}}
}

type aclModel struct {
	ID            types.String `tfsdk:"id"`
	Region        types.String `tfsdk:"region"`
	InstanceID    types.String `tfsdk:"instance_id"`
	ApplicationID types.String `tfsdk:"application_id"`
	Type          types.String `tfsdk:"type"`
	Values        []string     `tfsdk:"values"`
}

func (r *acl) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m aclModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	if _, err := r.gateway().PutAppACL(ctx, m.InstanceID.ValueString(), m.ApplicationID.ValueString(), m.Type.ValueString(), m.Values); err != nil {
		resp.Diagnostics.AddError("Error setting the ACL", err.Error())
		return
	}
	m.ID, m.Region = m.ApplicationID, types.StringValue(r.client.Config().Region)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *acl) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m aclModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	got, exists, err := r.gateway().GetAppACL(ctx, m.InstanceID.ValueString(), m.ApplicationID.ValueString())
	switch {
	case err != nil:
		resp.Diagnostics.AddError("Error reading the ACL", err.Error())
	case !exists:
		resp.State.RemoveResource(ctx)
	default:
		m.Type, m.Values = types.StringValue(got.Type), got.Values
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	}
}

func (r *acl) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m aclModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	if err := r.gateway().DeleteAppACL(ctx, m.InstanceID.ValueString(), m.ApplicationID.ValueString()); err != nil {
		resp.Diagnostics.AddError("Error deleting the ACL", err.Error())
	}
}
