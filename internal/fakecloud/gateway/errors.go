package gateway

import (
	"net/http"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

type errorDef = core.ErrorDef

// The error table: every code and message the gateways answer comes from here. Rows marked "chosen" are not
// confirmed by the clouds' documentation (see api-notes.md); the rest are quoted from it.
var (
	// Requests the gateway cannot parse or that break a parameter rule.
	errParameter    = errorDef{Status: http.StatusBadRequest, Code: "APIG.2000", Msg: "Parameter error"}
	errBodyTooLarge = errorDef{Status: http.StatusRequestEntityTooLarge, Code: "APIG.0201", Msg: "Request entity too large: the body exceeds %d bytes"} // chosen
	errMissingParam = errorDef{Status: http.StatusBadRequest, Code: "APIG.2001", Msg: "The request parameters must be specified,parameterName:%s"}
	errInvalidParam = errorDef{Status: http.StatusBadRequest, Code: "APIG.2011", Msg: "Invalid parameter value,parameterName:%s. Please refer to the support documentation"}
	errInvalidPath  = errorDef{Status: http.StatusBadRequest, Code: "APIG.2012", Msg: "Invalid parameter value,parameterName:%s. Please refer to the support documentation"}
	errInvalidIP    = errorDef{Status: http.StatusBadRequest, Code: "APIG.2015", Msg: "Invalid IP address."}

	// Authentication. The AK/SK rows share the real gateway's APIG.0301 and differ by message, as on the clouds.
	errTokenMissing = errorDef{Status: http.StatusUnauthorized, Code: "APIG.1000", Msg: "Incorrect token or token resolution failed"}
	errTokenExpired = errorDef{Status: http.StatusUnauthorized, Code: "APIG.1001", Msg: "Incorrect token or token resolution failed"}
	errTokenWrong   = errorDef{Status: http.StatusUnauthorized, Code: "APIG.1002", Msg: "Incorrect token or token resolution failed"}
	errNoPermission = errorDef{Status: http.StatusForbidden, Code: "APIG.1005", Msg: "No permissions to request this method"}
	errSigMalformed = errorDef{Status: http.StatusUnauthorized, Code: "APIG.0301", Msg: "Incorrect IAM authentication information: malformed Authorization or X-Sdk-Date header"}               // chosen
	errSigUnknownAK = errorDef{Status: http.StatusUnauthorized, Code: "APIG.0301", Msg: "Incorrect IAM authentication information: Get secretKey failed,ak:%s,err:ak not exist"}                // chosen
	errSigClockSkew = errorDef{Status: http.StatusUnauthorized, Code: "APIG.0301", Msg: "Incorrect IAM authentication information: X-Sdk-Date %s is more than 15 minutes from the server time"} // chosen
	errSigMismatch  = errorDef{Status: http.StatusUnauthorized, Code: "APIG.0301", Msg: "Incorrect IAM authentication information: verify aksk signature fail"}                                 // chosen
	errUnknownRoute = errorDef{Status: http.StatusNotFound, Code: "APIG.0101", Msg: "The API does not exist or has not been published in the environment"}                                      // chosen

	// Objects that do not exist.
	errAPINotFound      = errorDef{Status: http.StatusNotFound, Code: "APIG.3002", Msg: "API %s does not exist"}
	errEnvNotFound      = errorDef{Status: http.StatusNotFound, Code: "APIG.3003", Msg: "Environment %s does not exist"}
	errAppNotFound      = errorDef{Status: http.StatusNotFound, Code: "APIG.3004", Msg: "App %s does not exist"}
	errAuthNotFound     = errorDef{Status: http.StatusNotFound, Code: "APIG.3009", Msg: "The app authorization record does not exist,id:%s"}
	errInstanceNotFound = errorDef{Status: http.StatusNotFound, Code: "APIG.3030", Msg: "The instance does not exist;id:%s"}

	// Business rules.
	errAPINameTaken  = errorDef{Status: http.StatusBadRequest, Code: "APIG.3202", Msg: "The API name already exists,name:%s"}                                   // chosen
	errAppNameTaken  = errorDef{Status: http.StatusBadRequest, Code: "APIG.3203", Msg: "The app name already exists,name:%s"}                                   // message chosen
	errEnvNameTaken  = errorDef{Status: http.StatusBadRequest, Code: "APIG.3204", Msg: "The environment name already exists,name:%s"}                           // chosen
	errAppQuota      = errorDef{Status: http.StatusForbidden, Code: "APIG.3103", Msg: "The number of apps has reached the upper limit %d"}                      // message chosen
	errEnvQuota      = errorDef{Status: http.StatusForbidden, Code: "APIG.3104", Msg: "The number of environments has reached the upper limit %d"}              // chosen
	errAuthQuota     = errorDef{Status: http.StatusForbidden, Code: "APIG.3106", Msg: "The number of APIs authorized to app %s has reached the upper limit %d"} // chosen
	errEnvInUse      = errorDef{Status: http.StatusForbidden, Code: "APIG.3418", Msg: "The environment has published APIs,id:%s"}                               // message chosen
	errNotPublished  = errorDef{Status: http.StatusBadRequest, Code: "APIG.3040", Msg: "The API has not been published in the environment,api_id:%s"}           // chosen
	errNotAppAuth    = errorDef{Status: http.StatusBadRequest, Code: "APIG.3041", Msg: "The API does not use app authentication,api_id:%s"}                     // chosen
	errAuthExists    = errorDef{Status: http.StatusBadRequest, Code: "APIG.3316", Msg: "The API authorization record already exists."}
	errWriteConflict = errorDef{Status: http.StatusInternalServerError, Code: "APIG.3500", Msg: "Failed to synchronize data to etcd."}
	errSystem        = errorDef{Status: http.StatusInternalServerError, Code: "APIG.9999", Msg: "System error"}
)

// serviceErrors are the rows above that the core answers on the gateways' behalf.
var serviceErrors = core.ServiceErrors{
	Malformed: errParameter, BodyTooLarge: errBodyTooLarge,
	TokenMissing: errTokenMissing, TokenExpired: errTokenExpired, TokenInvalid: errTokenWrong, Forbidden: errNoPermission,
	SignatureMalformed: errSigMalformed, AccessKeyUnknown: errSigUnknownAK, ClockSkew: errSigClockSkew, SignatureMismatch: errSigMismatch,
	UnknownRoute: errUnknownRoute,
	SystemError:  errSystem,
}
