package modelarts

import (
	"fmt"
	"net/http"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

type errorDef = core.ErrorDef

// The error table: every code, message and per-app failure reason ModelArts answers comes from here. The API
// reference publishes only ModelArts.0104; every other row is "chosen" (see api-notes.md §5). The three
// not-found codes are fixed: the provider acts on them (internal/cloud/modelarts.go).
var (
	// Requests ModelArts cannot parse or that break a parameter rule: one code, as on the real service.
	errMalformed    = errorDef{Status: http.StatusBadRequest, Code: "ModelArts.0104", Msg: "Parameter error."}
	errBodyTooLarge = errorDef{Status: http.StatusRequestEntityTooLarge, Code: "ModelArts.0104", Msg: "Parameter error: the request body exceeds %d bytes."} // status and message chosen
	errMissingParam = errorDef{Status: http.StatusBadRequest, Code: "ModelArts.0104", Msg: "Parameter error: %s is required."}                               // message chosen
	errInvalidParam = errorDef{Status: http.StatusBadRequest, Code: "ModelArts.0104", Msg: "Parameter error: %s is invalid."}                                // message chosen

	// Authentication. The AK/SK rows share one code and differ by message.
	errTokenMissing = errorDef{Status: http.StatusUnauthorized, Code: "ModelArts.0101", Msg: "Authentication failed: the request carries neither X-Auth-Token nor an AK/SK signature."}  // chosen
	errTokenExpired = errorDef{Status: http.StatusUnauthorized, Code: "ModelArts.0102", Msg: "Authentication failed: the token has expired."}                                            // chosen
	errTokenInvalid = errorDef{Status: http.StatusUnauthorized, Code: "ModelArts.0103", Msg: "Authentication failed: the token is invalid."}                                             // chosen
	errForbidden    = errorDef{Status: http.StatusForbidden, Code: "ModelArts.0105", Msg: "No permission to access this project."}                                                       // chosen
	errSigMalformed = errorDef{Status: http.StatusUnauthorized, Code: "ModelArts.0106", Msg: "AK/SK authentication failed: malformed Authorization or X-Sdk-Date header."}               // chosen
	errSigUnknownAK = errorDef{Status: http.StatusUnauthorized, Code: "ModelArts.0106", Msg: "AK/SK authentication failed: access key %s does not exist."}                               // chosen
	errSigClockSkew = errorDef{Status: http.StatusUnauthorized, Code: "ModelArts.0106", Msg: "AK/SK authentication failed: X-Sdk-Date %s is more than 15 minutes from the server time."} // chosen
	errSigMismatch  = errorDef{Status: http.StatusUnauthorized, Code: "ModelArts.0106", Msg: "AK/SK authentication failed: the signature does not match."}                               // chosen
	errUnknownRoute = errorDef{Status: http.StatusNotFound, Code: "ModelArts.0107", Msg: "The requested API does not exist."}                                                            // chosen
	errSystem       = errorDef{Status: http.StatusInternalServerError, Code: "ModelArts.0050", Msg: "Internal error. Try again later."}                                                  // chosen

	// Objects that do not exist.
	errServiceNotFound = errorDef{Status: http.StatusNotFound, Code: "ModelArts.3502", Msg: "Service %s does not exist."}           // code fixed, message chosen
	errAPINotFound     = errorDef{Status: http.StatusNotFound, Code: "ModelArts.3512", Msg: "API %s does not exist in service %s."} // code fixed, message chosen
	errAppNotFound     = errorDef{Status: http.StatusNotFound, Code: "ModelArts.3513", Msg: "App %s does not exist."}               // code fixed, message chosen

	// Business rules.
	errAppNameTaken = errorDef{Status: http.StatusBadRequest, Code: "ModelArts.3514", Msg: "App name %s already exists."}                                              // chosen
	errAppQuota     = errorDef{Status: http.StatusBadRequest, Code: "ModelArts.3515", Msg: "The number of apps has reached the upper limit of %d."}                    // chosen
	errAppInUse     = errorDef{Status: http.StatusBadRequest, Code: "ModelArts.3516", Msg: "App %s is authorized to call %d API(s); cancel the authorizations first."} // chosen
)

// reason is the text of a per-app failure inside a 200 (the "reason" of an auth_result or unauth_result
// item); it is a fmt format.
type reason string

func (r reason) with(args ...any) string { return fmt.Sprintf(string(r), args...) }

// The reasons of per-app failures; all chosen.
const (
	reasonAppNotFound       reason = "App %s does not exist in workspace %s."
	reasonNotAppAuth        reason = "API %s does not use app authentication (its auth_type is %s)."
	reasonAlreadyAuthorized reason = "App %s is already authorized to call API %s."
	reasonNotAuthorized     reason = "App %s is not authorized to call API %s."
)

// serviceErrors are the rows above that the core answers on ModelArts' behalf.
var serviceErrors = core.ServiceErrors{
	Malformed: errMalformed, BodyTooLarge: errBodyTooLarge,
	TokenMissing: errTokenMissing, TokenExpired: errTokenExpired, TokenInvalid: errTokenInvalid, Forbidden: errForbidden,
	SignatureMalformed: errSigMalformed, AccessKeyUnknown: errSigUnknownAK, ClockSkew: errSigClockSkew, SignatureMismatch: errSigMismatch,
	UnknownRoute: errUnknownRoute,
	SystemError:  errSystem,
}
