// Command floorprovider is the benchmarks' floor: a plugin-framework provider whose resources do nothing.
// What Terraform and the plugin framework cost per resource is measured against floor_thing, which has two
// attributes. floor_wide has the shape of authz_apig_app_authorization (four arguments that replace it, seven
// computed attributes, a timeouts block, an identity of its four arguments) and a state of the same size (computed
// values of the cloud's lengths): it shows how much of a resource's cost is Terraform's and the framework's for
// such a resource, before any code of the provider runs. Terraform writes the whole state after every resource
// it applies, so the size of each instance's state counts as much as its schema.
package main

import (
	"context"
	"crypto/md5"
	"fmt"
	"log"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func main() {
	err := providerserver.Serve(context.Background(), func() provider.Provider { return floorProvider{} },
		providerserver.ServeOpts{Address: "registry.terraform.io/cloudauthz/floor"})
	if err != nil {
		log.Fatal(err)
	}
}

var _ provider.Provider = floorProvider{}

type floorProvider struct{}

func (floorProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "floor"
}

func (floorProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (floorProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource { return thing{} },
		func() resource.Resource { return wide{} },
	}
}

func (floorProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

var _ resource.Resource = thing{}

// thing is floor_thing: Create sets its id, everything else keeps what Terraform already has.
type thing struct{}

func (thing) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_thing"
}

func (thing) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Does nothing; a benchmark's floor.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The name, set at create.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Any string.",
				Required:            true,
			},
		},
	}
}

func (thing) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m thingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.ID = m.Name
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (thing) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (thing) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
}

func (thing) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

type thingModel struct {
	ID   types.String `tfsdk:"id"`
	Name types.String `tfsdk:"name"`
}

var (
	_ resource.Resource             = wide{}
	_ resource.ResourceWithIdentity = wide{}
)

// wide is floor_wide: Create copies its arguments, sets every computed attribute to a value of the length and
// form the cloud gives it, and sets the identity; Read, Update and Delete keep what Terraform already has.
type wide struct{}

func (wide) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_wide"
}

var wideArguments = []string{"instance_id", "env_id", "app_id", "api_id"}

// wideComputed is each computed attribute with a value of the form and length the gateway answers with; the
// ID and API name differ per resource, as they do in the cloud.
var wideComputed = map[string]func(apiID string) string{
	"id":        func(apiID string) string { return fmt.Sprintf("%x", md5.Sum([]byte(apiID))) },
	"auth_time": func(string) string { return "2026-12-07T14:20:52Z" },
	"auth_role": func(string) string { return "PROVIDER" },
	"api_name":  func(apiID string) string { return "api_" + apiID[max(0, len(apiID)-4):] },
	"app_name":  func(string) string { return "app_0000" },
	"env_name":  func(string) string { return "RELEASE" },
	"group_id":  func(string) string { return "d0000000000000000000000000000000" },
}

func (wide) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := map[string]schema.Attribute{}
	for _, name := range wideArguments {
		attrs[name] = schema.StringAttribute{
			MarkdownDescription: "Any string; changing it replaces the resource.",
			Required:            true,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		}
	}
	for name := range wideComputed {
		attrs[name] = schema.StringAttribute{
			MarkdownDescription: "Set at create.",
			Computed:            true,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Does nothing, with the schema of an app authorization; a benchmark's floor.",
		Attributes:          attrs,
		Blocks:              map[string]schema.Block{"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Delete: true})},
	}
}

// IdentitySchema is the app authorization's identity: its four arguments.
func (wide) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	attrs := map[string]identityschema.Attribute{}
	for _, name := range wideArguments {
		attrs[name] = identityschema.StringAttribute{RequiredForImport: true, Description: "The argument."}
	}
	resp.IdentitySchema = identityschema.Schema{Attributes: attrs}
}

func (wide) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.State.Raw = req.Plan.Raw.Copy()
	var apiID types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("api_id"), &apiID)...)
	for name, value := range wideComputed {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), value(apiID.ValueString()))...)
	}
	if resp.Identity == nil { // a client without identity support
		return
	}
	for _, name := range wideArguments {
		var v types.String
		resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root(name), &v)...)
		resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root(name), v)...)
	}
}

func (wide) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (wide) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
}

func (wide) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
