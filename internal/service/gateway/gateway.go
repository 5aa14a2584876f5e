// Package gateway holds the resources and data sources of API Gateway (APIG) and ROMA Connect: one
// implementation, parametrised by the gateway flavour, serves both products.
package gateway

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
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

// configureClient extracts the provider's client. A nil client with no error means the provider
// configuration is not known yet (planning with values that depend on other resources).
func configureClient(providerData any, diags *diag.Diagnostics) *cloud.Client {
	if providerData == nil {
		return nil
	}
	c, ok := providerData.(*cloud.Client)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("expected *cloud.Client, got %T; this is a bug in the provider", providerData))
		return nil
	}
	return c
}

// requireClient reports an error when a call needs the cloud but the provider is not configured yet.
func requireClient(c *cloud.Client, diags *diag.Diagnostics) bool {
	if c == nil {
		diags.AddError("Provider not configured",
			"The authz provider configuration depends on values that are not known yet, so the cloud cannot be called. "+
				"Apply the resources the provider configuration depends on first (terraform apply -target=...).")
		return false
	}
	return true
}

// errorDetail renders a failed operation for a diagnostic: what was attempted, on what, and the cloud's answer
// (error_code, error_msg and request ID).
func errorDetail(op string, err error) string {
	return fmt.Sprintf("%s: %s", op, describeErr(err))
}

// readError is the diagnostic detail of a failed read or delete. A missing instance is what a wrong project,
// region or token produces, so it is an error that keeps the state, not a sign that everything on it is gone.
func readError(ctx context.Context, c *cloud.Client, instanceID, op string, err error) string {
	if !cloud.HasCode(err, cloud.CodeInstanceNotFound) {
		return errorDetail(op, err)
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
		op, instanceID, project, region, describeErr(err))
}

// importHint tells how to adopt an object that already exists.
func importHint(typeName, importID string) string {
	return fmt.Sprintf("To manage it with Terraform, import it instead of creating it:\n\n  terraform import %s.<name> %s\n\nor use an import block with id = %q.", typeName, importID, importID)
}

// providerTypeName prefixes every resource and data source type.
const providerTypeName = "authz"

// typeName is the Terraform type name of a flavour's resource or data source, e.g. authz_roma_app_acl.
func typeName(f cloud.Flavor, suffix string) string {
	return providerTypeName + "_" + string(f) + "_" + suffix
}

// withTimeout bounds an operation by the timeout the user configured for it (or def), reporting a bad
// timeout value. ok is false when the operation must not go on.
func withTimeout(ctx context.Context, timeout func(context.Context, time.Duration) (time.Duration, diag.Diagnostics), def time.Duration, diags *diag.Diagnostics) (_ context.Context, cancel context.CancelFunc, ok bool) {
	d, tdiags := timeout(ctx, def)
	diags.Append(tdiags...)
	if tdiags.HasError() {
		return ctx, func() {}, false
	}
	ctx, cancel = context.WithTimeout(ctx, d)
	return ctx, cancel, true
}
