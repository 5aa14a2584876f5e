// Package gateway holds the resources and data sources of API Gateway (APIG) and ROMA Connect: one
// implementation, parametrised by the gateway flavour, serves both products.
package gateway

import (
	"context"
	"errors"
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
// (error_code, error_msg and request ID are in the APIError's text).
func errorDetail(op string, err error) string {
	var itemErr *cloud.ItemError
	if errors.As(err, &itemErr) {
		return fmt.Sprintf("%s: the cloud refused it: %s: %s (request ID %s)", op, itemErr.Code, itemErr.Message, itemErr.RequestID)
	}
	return fmt.Sprintf("%s: %s", op, err)
}

// importHint tells how to adopt an object that already exists.
func importHint(typeName, importID string) string {
	return fmt.Sprintf("To manage it with Terraform, import it instead of creating it:\n\n  terraform import %s.<name> %s\n\nor use an import block with id = %q.", typeName, importID, importID)
}

type diagnostics = diag.Diagnostics

// stateSetter is the part of tfsdk.State that writes a whole model.
type stateSetter interface {
	Set(ctx context.Context, val any) diag.Diagnostics
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
