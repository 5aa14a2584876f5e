package framework

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// IdentityVersion is the version of every resource's identity schema. An identity is a public contract from its
// first release: configurations name its attributes in `import { identity = {...} }` blocks, list resources
// return it and Terraform keeps it in the state. Never rename, remove or retype an attribute of version 0; a
// change that cannot be avoided raises this version and gives the resource an identity upgrader
// (resource.ResourceWithUpgradeIdentity) from every earlier version.
const IdentityVersion = 0

// Identity names the attributes that identify a resource, in the order of its import ID. Each is a string
// attribute of the same name in the resource's schema, and each is known once the resource is created.
type Identity struct {
	Required []string // required in an import block
	Optional []string // may be left out of an import block, as they may be left off the end of the import ID
}

// IdentitySchema declares the resource's identity (Terraform ≥ 1.12, OpenTofu ≥ 1.12): the parts of its import
// ID, named as the arguments they come from. Clients without identity support never see it.
func (b *ResourceBase) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	attrs := make(map[string]identityschema.Attribute, len(b.Identity.Required)+len(b.Identity.Optional))
	for _, name := range b.Identity.Required {
		attrs[name] = identityschema.StringAttribute{RequiredForImport: true, Description: "The `" + name + "` argument."}
	}
	for _, name := range b.Identity.Optional {
		attrs[name] = identityschema.StringAttribute{OptionalForImport: true, Description: "The `" + name + "` argument; may be left out of an import block, as off the end of the import ID, for its default."}
	}
	resp.IdentitySchema = identityschema.Schema{Version: IdentityVersion, Attributes: attrs}
}

// ImportID is what an import names: the import ID of `terraform import` or of an `import { id = ... }` block,
// or for an `import { identity = {...} }` block the identity's parts joined as the import ID joins them, so
// that both are parsed, checked and defaulted by the same code. ok is false, with an error, when the identity
// cannot form an ID.
func (b *ResourceBase) ImportID(ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics) (_ string, ok bool) {
	if !byIdentity(req) {
		return req.ID, true
	}
	var parts []string
	var missing bool
	for i, name := range b.identityNames() {
		var v types.String
		if d := req.Identity.GetAttribute(ctx, path.Root(name), &v); d.HasError() {
			diags.Append(d...)
			return "", false
		}
		required := i < len(b.Identity.Required)
		switch value := v.ValueString(); {
		case v.IsNull() || v.IsUnknown() || value == "":
			if required {
				diags.AddAttributeError(path.Root(name), "Invalid import identity", fmt.Sprintf("The identity of %s needs %s.", b.TypeName, name))
				return "", false
			}
			missing = true
		case missing:
			diags.AddAttributeError(path.Root(name), "Invalid import identity",
				fmt.Sprintf("The identity of %s gives %s without the optional attributes before it (%s).", b.TypeName, name, strings.Join(b.Identity.Optional, ", ")))
			return "", false
		case strings.Contains(value, "/"):
			diags.AddAttributeError(path.Root(name), "Invalid import identity", fmt.Sprintf("The identity's %s %q must not contain a slash.", name, value))
			return "", false
		default:
			parts = append(parts, value)
		}
	}
	return strings.Join(parts, "/"), true
}

func (b *ResourceBase) identityNames() []string {
	return append(append(make([]string, 0, len(b.Identity.Required)+len(b.Identity.Optional)), b.Identity.Required...), b.Identity.Optional...)
}

// KeepIdentity sets the identity from the state: every identity attribute is the state attribute of the same
// name. Every Create, Update and ImportState defers it on its response (Read defers KeepReadIdentity), so that
// the identity follows the state whatever path the operation takes; a null state leaves the identity alone,
// and an identity attribute the state does not know yet stays null. Clients without identity support send
// none (identity nil).
func KeepIdentity(ctx context.Context, state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil || state.Raw.IsNull() || !state.Raw.IsKnown() {
		return
	}
	copyIdentity(ctx, state, identity, diags)
}

// attributeSource is a state or a list result's resource object.
type attributeSource interface {
	GetAttribute(ctx context.Context, p path.Path, target any) diag.Diagnostics
}

// copyIdentity sets each identity attribute to the source's attribute of the same name; an unknown one
// stays null.
func copyIdentity(ctx context.Context, src attributeSource, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	for name := range identity.Schema.GetAttributes() {
		var v types.String
		diags.Append(src.GetAttribute(ctx, path.Root(name), &v)...)
		if v.IsUnknown() {
			v = types.StringNull()
		}
		diags.Append(identity.SetAttribute(ctx, path.Root(name), v)...)
	}
}

// InvalidImport reports an import ID that does not parse; for an import by identity, it says the ID was made of
// the identity's parts.
func InvalidImport(req resource.ImportStateRequest, err error, diags *diag.Diagnostics) {
	if byIdentity(req) {
		diags.AddError("Invalid import identity", "The identity's parts, joined as an import ID, do not name a resource: "+err.Error())
		return
	}
	diags.AddError("Invalid import ID", err.Error())
}

// byIdentity reports whether an import names an identity (an import block's `identity`) rather than an ID.
func byIdentity(req resource.ImportStateRequest) bool {
	return req.ID == "" && req.Identity != nil && !req.Identity.Raw.IsNull()
}

// KeepReadIdentity is KeepIdentity for Read, deferred on its response: the identity of the state Read records
// or, when Read removes the resource, of the state it was given (the framework wants an identity either way,
// also from a client that sent none).
func KeepReadIdentity(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state := &resp.State
	if state.Raw.IsNull() {
		state = &req.State
	}
	KeepIdentity(ctx, state, resp.Identity, &resp.Diagnostics)
}
