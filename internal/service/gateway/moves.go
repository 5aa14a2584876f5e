package gateway

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
	"github.com/cloudauthz/terraform-provider-authz/internal/validate"
)

// Moves from the clouds' own providers: a `moved` block whose `from` is a resource of the huaweicloud or
// opentelekomcloud provider and whose `to` is an APIG resource of this one (Terraform ≥ 1.8, OpenTofu ≥ 1.10).
// A move calls nothing: it takes the source's IDs and gives the state an import of those IDs would give, and
// the Read that follows decides from the cloud what the resource holds. The source's own record of what it
// holds is not trusted: the source providers read an app's authorizations without an environment filter, so
// their api_ids may name APIs of other environments, and a set that took them over would plan to revoke them
// there. Whatever differs between the cloud and the configuration then shows as an ordinary plan.

// sourceProvider is a provider whose resources moves are accepted from, named as in its registry address.
type sourceProvider struct{ namespace, typ string }

var (
	huaweiCloud      = sourceProvider{namespace: "huaweicloud", typ: "huaweicloud"}
	openTelekomCloud = sourceProvider{namespace: "opentelekomcloud", typ: "opentelekomcloud"}
)

func (p sourceProvider) String() string { return p.namespace + "/" + p.typ }

// is reports whether a source provider address names p. The namespace and type decide, whatever the host:
// Terraform sends registry.terraform.io/NAMESPACE/TYPE, OpenTofu registry.opentofu.org/NAMESPACE/TYPE, and a
// mirror or private registry another host. OpenTofu before 1.12.4 (and 1.11.12) sent a shortened address: its
// moveResourceStateTransform (internal/tofu/upgrade_resource_state.go) passed
// prevAddr.Resource.Resource.ImpliedProvider(), the resource type's prefix up to its first underscore
// ("huaweicloud" for huaweicloud_apig_application_acl); 1.12.6 in the Go module cache passes the previous
// provider's full address (addrs.Provider.String()), which is what #4355 fixed. A bare name is accepted when
// it is the provider's type, and the NAMESPACE/TYPE form too, which is how OpenTofu shows a provider of its
// default registry (ForDisplay).
func (p sourceProvider) is(address string) bool {
	parts := strings.Split(strings.ToLower(address), "/")
	switch len(parts) {
	case 1:
		return parts[0] == p.typ
	case 2:
		return parts[0] == p.namespace && parts[1] == p.typ
	case 3:
		return parts[0] != "" && parts[1] == p.namespace && parts[2] == p.typ
	}
	return false
}

// moveSource is a resource type of a source provider whose state one of this provider's resources accepts.
type moveSource struct {
	provider sourceProvider
	typeName string
	// schema is the source's schema (version 0) as its public documentation describes it: enough to decode
	// its state. Attributes the state has beyond it are ignored.
	schema schema.Schema
	// ids names, for each identity attribute of the target in import-ID order, the source attribute it is
	// taken from.
	ids []string
}

// movedSchemaVersion is the version of the source schemas below, the one they have had from their first release.
const movedSchemaVersion = 0

var (
	// huaweicloud_apig_application_authorization: the APIs one app may call in one environment.
	huaweiAppAuthorization = moveSource{
		provider: huaweiCloud,
		typeName: "huaweicloud_apig_application_authorization",
		schema: schema.Schema{Attributes: map[string]schema.Attribute{
			"id":             schema.StringAttribute{Computed: true}, // <instance_id>/<env_id>/<application_id>
			"region":         schema.StringAttribute{Optional: true, Computed: true},
			"instance_id":    schema.StringAttribute{Required: true},
			"application_id": schema.StringAttribute{Required: true},
			"env_id":         schema.StringAttribute{Required: true},
			"api_ids":        schema.SetAttribute{Required: true, ElementType: types.StringType},
			"api_ids_origin": schema.ListAttribute{Optional: true, Computed: true, ElementType: types.StringType},
		}},
		ids: []string{"instance_id", "env_id", "application_id"},
	}
	// opentelekomcloud_apigw_application_authorization_v2: the same on Open Telekom Cloud, where the instance
	// is a gateway. Its timeouts block is left out, as nothing of it moves.
	otcAppAuthorization = moveSource{
		provider: openTelekomCloud,
		typeName: "opentelekomcloud_apigw_application_authorization_v2",
		schema: schema.Schema{Attributes: map[string]schema.Attribute{
			"id":             schema.StringAttribute{Computed: true}, // <env_id>/<application_id>
			"gateway_id":     schema.StringAttribute{Required: true},
			"application_id": schema.StringAttribute{Required: true},
			"env_id":         schema.StringAttribute{Required: true},
			"api_ids":        schema.SetAttribute{Required: true, ElementType: types.StringType},
			"region":         schema.StringAttribute{Computed: true},
		}},
		ids: []string{"gateway_id", "env_id", "application_id"},
	}
	// huaweicloud_apig_application_acl: the IP allow or deny list of one app.
	huaweiAppACL = moveSource{
		provider: huaweiCloud,
		typeName: "huaweicloud_apig_application_acl",
		schema: schema.Schema{Attributes: map[string]schema.Attribute{
			"id":             schema.StringAttribute{Computed: true}, // the application_id
			"region":         schema.StringAttribute{Optional: true, Computed: true},
			"instance_id":    schema.StringAttribute{Required: true},
			"application_id": schema.StringAttribute{Required: true},
			"type":           schema.StringAttribute{Required: true},
			"values":         schema.ListAttribute{Required: true, ElementType: types.StringType},
		}},
		ids: []string{"instance_id", "application_id"},
	}
)

// MoveState accepts, on APIG, the state of the source providers' authorization resources. ROMA Connect has
// no counterpart there, so its sets accept none.
func (r *appAuthorizationSetResource) MoveState(context.Context) []resource.StateMover {
	if r.flavor != cloud.FlavorAPIG {
		return nil
	}
	return []resource.StateMover{
		huaweiAppAuthorization.mover(r.TypeName, r.Identity, importedSet),
		otcAppAuthorization.mover(r.TypeName, r.Identity, importedSet),
	}
}

// MoveState accepts, on APIG, the state of huaweicloud_apig_application_acl.
func (r *appACLResource) MoveState(context.Context) []resource.StateMover {
	if r.flavor != cloud.FlavorAPIG {
		return nil
	}
	return []resource.StateMover{huaweiAppACL.mover(r.TypeName, r.Identity, nil)}
}

// importedSet gives a moved set what ImportState gives an imported one besides its IDs: an empty api_ids, for
// Read to fill from the cloud.
func importedSet(ctx context.Context, state *tfsdk.State) diag.Diagnostics {
	return state.SetAttribute(ctx, path.Root("api_ids"), framework.StringSetValue{SetValue: types.SetValueMust(types.StringType, nil)})
}

// movesNote is the sentence of a resource's description that says which moves it accepts.
func movesNote(f cloud.Flavor, sources ...moveSource) string {
	if f != cloud.FlavorAPIG || len(sources) == 0 {
		return " It accepts no `moved` block from another provider's resource."
	}
	names := make([]string, len(sources))
	for i, s := range sources {
		names[i] = fmt.Sprintf("`%s` (%s)", s.typeName, s.provider)
	}
	return fmt.Sprintf(" A `moved` block (Terraform 1.8 or later, OpenTofu 1.10 or later) moves the state of %s into it without any call "+
		"that changes the cloud; the next refresh reads what the cloud holds.", strings.Join(names, " or "))
}

// mover is the StateMover taking this source's state into the target type, whose identity (and import ID)
// is made of the source attributes s.ids names; more sets what else an import would set, if anything.
func (s moveSource) mover(target string, identity framework.Identity, more func(context.Context, *tfsdk.State) diag.Diagnostics) resource.StateMover {
	if len(identity.Required) != len(s.ids) || len(identity.Optional) > 0 {
		panic(fmt.Sprintf("gateway: %s gives %d IDs, but the identity of %s is %v", s.typeName, len(s.ids), target, identity))
	}
	sourceSchema := s.schema
	return resource.StateMover{
		SourceSchema: &sourceSchema,
		StateMover: func(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
			if req.SourceTypeName != s.typeName || !s.provider.is(req.SourceProviderAddress) {
				return // not this source: the next mover, or the framework's error when none takes it
			}
			summary := "Error moving " + s.typeName + " to " + target
			if req.SourceSchemaVersion != movedSchemaVersion {
				resp.Diagnostics.AddError(summary, fmt.Sprintf("The state of %s is of schema version %d; %s accepts version %d only. "+
					"Remove the resource from the state (terraform state rm) and import it as %s instead.",
					s.typeName, req.SourceSchemaVersion, target, movedSchemaVersion, target))
				return
			}
			if req.SourceState == nil {
				resp.Diagnostics.AddError(summary, fmt.Sprintf("The state of %s does not have the attributes its documentation describes (%s), "+
					"so it cannot be moved. Remove it from the state (terraform state rm) and import it as %s instead.",
					s.typeName, strings.Join(s.ids, ", "), target))
				return
			}
			parts := make([]string, len(s.ids))
			for i, name := range s.ids {
				var v types.String
				if resp.Diagnostics.Append(req.SourceState.GetAttribute(ctx, path.Root(name), &v)...); resp.Diagnostics.HasError() {
					return
				}
				parts[i] = v.ValueString()
				problem := ""
				switch {
				case parts[i] == "":
					problem = "has no " + name
				case !validate.IsID(parts[i]):
					problem = fmt.Sprintf("has %s %q, which is not a gateway ID", name, parts[i])
				default:
					continue
				}
				resp.Diagnostics.AddError(summary, fmt.Sprintf("The state of %s %s, so it cannot be moved. Remove the resource from the state "+
					"(terraform state rm) and import it as %s instead.", s.typeName, problem, target))
				return
			}
			state := &resp.TargetState
			resp.Diagnostics.Append(state.SetAttribute(ctx, path.Root("id"), strings.Join(parts, "/"))...)
			for i, name := range identity.Required {
				resp.Diagnostics.Append(state.SetAttribute(ctx, path.Root(name), parts[i])...)
			}
			if more != nil {
				resp.Diagnostics.Append(more(ctx, state)...)
			}
			framework.KeepIdentity(ctx, state, resp.TargetIdentity, &resp.Diagnostics)
		},
	}
}
