package framework

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
)

// NotFoundError is what find functions return when the cloud says the object does not exist — by one of
// its service's documented not-found codes, or by leaving it out of a list. It is the provider's one
// not-found convention: Read removes exactly this from the state, Delete counts exactly this as done, and
// every other error, a 404 of a wrong endpoint among them, stays an error.
type NotFoundError struct {
	What string // e.g. "the ACL of app x on instance y"
	Err  error  // the cloud's answer, when it said so with an error code
}

func (e *NotFoundError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s does not exist: %s", e.What, e.Err)
	}
	return e.What + " does not exist"
}

func (e *NotFoundError) Unwrap() error { return e.Err }

// NotFound builds the not-found error of what, caused by err (nil when a list simply lacked the object).
func NotFound(what string, err error) error { return &NotFoundError{What: what, Err: err} }

// IsNotFound reports whether err says the object does not exist.
func IsNotFound(err error) bool {
	var nf *NotFoundError
	return errors.As(err, &nf)
}

// Detail renders a failed operation for a diagnostic: what was attempted, on what, and the cloud's answer
// with its error_code, error_msg and request ID.
func Detail(op string, err error) string {
	return fmt.Sprintf("%s: %s", op, Describe(err))
}

// Describe renders an error for a diagnostic; per-item refusals show the cloud's code, message and request ID.
func Describe(err error) string {
	var itemErr *cloud.ItemError
	if errors.As(err, &itemErr) {
		if itemErr.Code == "" {
			return fmt.Sprintf("the cloud refused it: %s (request ID %s)", itemErr.Message, itemErr.RequestID)
		}
		return fmt.Sprintf("the cloud refused it: %s: %s (request ID %s)", itemErr.Code, itemErr.Message, itemErr.RequestID)
	}
	return strings.TrimSpace(err.Error())
}

// ImportHint tells how to adopt an object that already exists instead of creating it.
func ImportHint(typeName, importID string) string {
	return fmt.Sprintf("To manage it with Terraform, import it instead of creating it:\n\n  terraform import %s.<name> %s\n\nor use an import block with id = %q.", typeName, importID, importID)
}

// WarnRemoved removes a resource whose object no longer exists (or no longer stands) from the state, and says
// so: a warning diagnostic and a log line naming the resource and why — the cloud's not-found code and message
// when it gave one — so that the plan's proposal to create it again is explained.
func WarnRemoved(ctx context.Context, state *tfsdk.State, diags *diag.Diagnostics, typeName, id string, why error) {
	state.RemoveResource(ctx)
	reason := Describe(why)
	tflog.Warn(ctx, "Resource no longer exists in the cloud; removing it from the state", map[string]any{"resource": typeName, "id": id, "reason": reason})
	diags.AddWarning("Resource removed from the state: "+typeName,
		fmt.Sprintf("%s %s no longer exists in the cloud (%s), so it was removed from the state; the plan proposes to create it again.", typeName, id, reason))
}
