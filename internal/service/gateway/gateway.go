// Package gateway holds the resources and data sources of API Gateway (APIG) and ROMA Connect: one
// implementation, parametrised by the gateway flavour, serves both products.
package gateway

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
)

// product is the name users know a flavour by, for descriptions and messages.
func product(f cloud.Flavor) string {
	if f == cloud.FlavorROMA {
		return "ROMA Connect"
	}
	return "API Gateway (APIG dedicated gateway)"
}

// aProduct is product with its indefinite article: "an API Gateway …", "a ROMA Connect".
func aProduct(f cloud.Flavor) string {
	if f == cloud.FlavorROMA {
		return "a " + product(f)
	}
	return "an " + product(f)
}

// romaAuthAPINote is what a description of an app-authorization resource or data source says about the API
// generation it calls: nothing on APIG; on ROMA Connect, that it uses /v2 unless roma_api_version says v1.
func romaAuthAPINote(f cloud.Flavor) string {
	if f != cloud.FlavorROMA {
		return ""
	}
	return " It calls ROMA Connect's current app-authorization API, `/v2/{project_id}/apic/instances/{instance_id}/app-auths`; " +
		"an older instance that serves app authorizations only under `/v1` answers it `APIG.0101`: set the provider argument " +
		"`roma_api_version = \"v1\"` for such an instance."
}

// romaACLAPINote says, on ROMA Connect, that app ACLs are /v2 calls in either API generation.
func romaACLAPINote(f cloud.Flavor) string {
	if f != cloud.FlavorROMA {
		return ""
	}
	return " ROMA Connect serves app ACLs under `/v2` in either API generation, so `roma_api_version` does not change this call."
}

// readError is the diagnostic detail of a failed read or delete. A missing instance is what a wrong project,
// region or token produces, so it is an error that keeps the state, not a sign that everything on it is gone.
func readError(ctx context.Context, c *cloud.Client, instanceID, op string, err error) string {
	if !cloud.HasCode(err, cloud.CodeInstanceNotFound) {
		return framework.Detail(op, err)
	}
	project, _ := c.ProjectID(ctx)
	region := c.Config().Region
	if region == "" {
		region = "(not set)"
	}
	return fmt.Sprintf("%s: instance %s was not found in project %s, region %s: %s\n\n"+
		"A wrong project_id, project_name, region, endpoint or token in the provider configuration gives this answer, "+
		"so Terraform keeps the resource in its state. Correct the provider configuration; if the instance really was "+
		"deleted, remove its resources from the state with `terraform state rm <address>`.",
		op, instanceID, project, region, framework.Describe(err))
}

// typeName is the Terraform type name of a flavour's resource or data source, e.g. authz_roma_app_acl.
func typeName(f cloud.Flavor, suffix string) string {
	return framework.ProviderTypeName + "_" + string(f) + "_" + suffix
}

// flavors are the gateway products; each gets the same resources and data sources.
var flavors = []cloud.Flavor{cloud.FlavorAPIG, cloud.FlavorROMA}

// Resources are the gateway resources of every flavour.
func Resources() []func() resource.Resource {
	var out []func() resource.Resource
	for _, f := range flavors {
		out = append(out, NewAppAuthorizationResource(f), NewAppAuthorizationSetResource(f), NewAppACLResource(f))
	}
	return out
}

// ListResources are the gateway list resources of every flavour: one for each resource type of single
// grants (the authoritative sets are exclusive by design and need none).
func ListResources() []func() list.ListResource {
	var out []func() list.ListResource
	for _, f := range flavors {
		out = append(out, NewAppAuthorizationList(f), NewAppACLList(f))
	}
	return out
}

// DataSources are the gateway data sources of every flavour.
func DataSources() []func() datasource.DataSource {
	var out []func() datasource.DataSource
	for _, f := range flavors {
		out = append(out, NewAppAuthorizationsDataSource(f), NewAppACLDataSource(f))
	}
	return out
}
