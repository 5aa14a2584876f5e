package osm

import (
	"net/http"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

type errorDef = core.ErrorDef

// The error table: every code and message the service-ticket service answers comes from here. The codes are
// those api-notes.md §6 quotes; rows marked "chosen" (a code or message the documentation does not publish)
// are the fake's picks. The business codes are fixed: the provider acts on them (internal/cloud/osm.go).
var (
	// Business errors: the real service answers them as HTTP 200 with a non-empty error_code.
	errParam            = errorDef{Status: http.StatusOK, Code: "OSM.01010001", Msg: "Param validation failed."}
	errNoPermission     = errorDef{Status: http.StatusOK, Code: "OSM.01010002", Msg: "No operation permission."}
	errPasswordMismatch = errorDef{Status: http.StatusOK, Code: "OSM.01010003", Msg: "Account and password not matched."}
	errNotFound         = errorDef{Status: http.StatusOK, Code: "OSM.01010004", Msg: "The authorization does not exist."} // chosen: an unknown authorization or detail ID
	errOperationFailed  = errorDef{Status: http.StatusOK, Code: "OSM.01010014", Msg: "Operation failed."}                 // a decision the status does not allow

	// Transport-level errors, with real HTTP statuses. Every message is chosen; the AK/SK rows share the
	// token rows' code and differ by message.
	errMalformed    = errorDef{Status: http.StatusBadRequest, Code: "OSM.0001", Msg: "The request body is invalid."}                                                         // message chosen
	errBodyTooLarge = errorDef{Status: http.StatusRequestEntityTooLarge, Code: "OSM.0001", Msg: "The request body exceeds %d bytes."}                                        // status and message chosen
	errTokenMissing = errorDef{Status: http.StatusUnauthorized, Code: "OSM.0002", Msg: "Authentication failed: the request carries neither X-Auth-Token nor a signature."}   // message chosen
	errTokenExpired = errorDef{Status: http.StatusUnauthorized, Code: "OSM.0002", Msg: "Authentication failed: the token has expired."}                                      // message chosen
	errTokenInvalid = errorDef{Status: http.StatusUnauthorized, Code: "OSM.0002", Msg: "Authentication failed: the token is invalid."}                                       // message chosen
	errSigMalformed = errorDef{Status: http.StatusUnauthorized, Code: "OSM.0002", Msg: "Authentication failed: malformed Authorization or X-Sdk-Date header."}               // message chosen
	errSigUnknownAK = errorDef{Status: http.StatusUnauthorized, Code: "OSM.0002", Msg: "Authentication failed: access key %s does not exist."}                               // message chosen
	errSigClockSkew = errorDef{Status: http.StatusUnauthorized, Code: "OSM.0002", Msg: "Authentication failed: X-Sdk-Date %s is more than 15 minutes from the server time."} // message chosen
	errSigMismatch  = errorDef{Status: http.StatusUnauthorized, Code: "OSM.0002", Msg: "Authentication failed: the signature does not match."}                               // message chosen
	errForbidden    = errorDef{Status: http.StatusForbidden, Code: "OSM.0003", Msg: "Forbidden: the caller does not act for this account."}                                  // message chosen: a project-scoped token, or X-Domain-Id not the account
	errUnknownRoute = errorDef{Status: http.StatusNotFound, Code: "OSM.0005", Msg: "The requested API does not exist."}                                                      // chosen
	errSystem       = errorDef{Status: http.StatusInternalServerError, Code: "OSM.0004", Msg: "Internal server error."}                                                      // message chosen
)

// serviceErrors are the rows above that the core answers on the service's behalf.
var serviceErrors = core.ServiceErrors{
	Malformed: errMalformed, BodyTooLarge: errBodyTooLarge,
	TokenMissing: errTokenMissing, TokenExpired: errTokenExpired, TokenInvalid: errTokenInvalid, Forbidden: errForbidden,
	SignatureMalformed: errSigMalformed, AccessKeyUnknown: errSigUnknownAK, ClockSkew: errSigClockSkew, SignatureMismatch: errSigMismatch,
	UnknownRoute: errUnknownRoute,
	SystemError:  errSystem,
}
