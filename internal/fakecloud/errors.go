package fakecloud

import (
	"fmt"
	"net/http"
)

// apiError is an error answer: its HTTP status and the {"error_code","error_msg"} body. Inside a 201 of a
// batch call (app-auths create) only the code and message are used, as per-item results.
type apiError struct {
	status int
	code   string
	msg    string
}

func (e *apiError) Error() string { return e.code + ": " + e.msg }

// errorDef is one row of the error table; msg is a fmt format filled by with.
type errorDef struct {
	status int
	code   string
	msg    string
}

func (d errorDef) with(args ...any) *apiError {
	msg := d.msg
	if len(args) > 0 {
		msg = fmt.Sprintf(d.msg, args...)
	}
	return &apiError{status: d.status, code: d.code, msg: msg}
}

// The error table: every code and message the fake cloud answers comes from here. Rows marked "chosen" are not
// confirmed by the clouds' documentation (see api-notes.md); the rest are quoted from it.
var (
	// Requests the gateway cannot parse or that break a parameter rule.
	errParameter    = errorDef{http.StatusBadRequest, "APIG.2000", "Parameter error"}
	errMissingParam = errorDef{http.StatusBadRequest, "APIG.2001", "The request parameters must be specified,parameterName:%s"}
	errInvalidParam = errorDef{http.StatusBadRequest, "APIG.2011", "Invalid parameter value,parameterName:%s. Please refer to the support documentation"}
	errInvalidPath  = errorDef{http.StatusBadRequest, "APIG.2012", "Invalid parameter value,parameterName:%s. Please refer to the support documentation"}
	errInvalidIP    = errorDef{http.StatusBadRequest, "APIG.2015", "Invalid IP address."}

	// Authentication. The AK/SK rows share the real gateway's APIG.0301 and differ by message, as on the clouds.
	errTokenMissing  = errorDef{http.StatusUnauthorized, "APIG.1000", "Incorrect token or token resolution failed"}
	errTokenExpired  = errorDef{http.StatusUnauthorized, "APIG.1001", "Incorrect token or token resolution failed"}
	errTokenWrong    = errorDef{http.StatusUnauthorized, "APIG.1002", "Incorrect token or token resolution failed"}
	errNoPermission  = errorDef{http.StatusForbidden, "APIG.1005", "No permissions to request this method"}
	errSigMalformed  = errorDef{http.StatusUnauthorized, "APIG.0301", "Incorrect IAM authentication information: malformed Authorization or X-Sdk-Date header"}               // chosen
	errSigUnknownAK  = errorDef{http.StatusUnauthorized, "APIG.0301", "Incorrect IAM authentication information: Get secretKey failed,ak:%s,err:ak not exist"}                // chosen
	errSigClockSkew  = errorDef{http.StatusUnauthorized, "APIG.0301", "Incorrect IAM authentication information: X-Sdk-Date %s is more than 15 minutes from the server time"} // chosen
	errSigMismatch   = errorDef{http.StatusUnauthorized, "APIG.0301", "Incorrect IAM authentication information: verify aksk signature fail"}                                 // chosen
	errUnknownRoute  = errorDef{http.StatusNotFound, "APIG.0101", "The API does not exist or has not been published in the environment"}                                      // chosen
	errIAMBadRequest = errorDef{http.StatusBadRequest, "IAM.0011", "Request parameter %s is invalid."}                                                                        // chosen
	errIAMLogin      = errorDef{http.StatusUnauthorized, "IAM.0001", "The username or password is wrong."}                                                                    // chosen
	errIAMNoProject  = errorDef{http.StatusBadRequest, "IAM.0003", "The project does not exist."}                                                                             // chosen

	// Objects that do not exist.
	errAPINotFound      = errorDef{http.StatusNotFound, "APIG.3002", "API %s does not exist"}
	errEnvNotFound      = errorDef{http.StatusNotFound, "APIG.3003", "Environment %s does not exist"}
	errAppNotFound      = errorDef{http.StatusNotFound, "APIG.3004", "App %s does not exist"}
	errAuthNotFound     = errorDef{http.StatusNotFound, "APIG.3009", "The app authorization record does not exist,id:%s"}
	errInstanceNotFound = errorDef{http.StatusNotFound, "APIG.3030", "The instance does not exist;id:%s"}

	// Business rules.
	errAPINameTaken    = errorDef{http.StatusBadRequest, "APIG.3202", "The API name already exists,name:%s"}                                   // chosen
	errAppNameTaken    = errorDef{http.StatusBadRequest, "APIG.3203", "The app name already exists,name:%s"}                                   // message chosen
	errEnvNameTaken    = errorDef{http.StatusBadRequest, "APIG.3204", "The environment name already exists,name:%s"}                           // chosen
	errAppQuota        = errorDef{http.StatusForbidden, "APIG.3103", "The number of apps has reached the upper limit %d"}                      // message chosen
	errEnvQuota        = errorDef{http.StatusForbidden, "APIG.3104", "The number of environments has reached the upper limit %d"}              // chosen
	errAuthQuota       = errorDef{http.StatusForbidden, "APIG.3106", "The number of APIs authorized to app %s has reached the upper limit %d"} // chosen
	errEnvInUse        = errorDef{http.StatusForbidden, "APIG.3418", "The environment has published APIs,id:%s"}                               // message chosen
	errNotPublished    = errorDef{http.StatusBadRequest, "APIG.3040", "The API has not been published in the environment,api_id:%s"}           // chosen
	errNotAppAuth      = errorDef{http.StatusBadRequest, "APIG.3041", "The API does not use app authentication,api_id:%s"}                     // chosen
	errAuthExists      = errorDef{http.StatusBadRequest, "APIG.3316", "The API authorization record already exists."}
	errWriteConflict   = errorDef{http.StatusInternalServerError, "APIG.3500", "Failed to synchronize data to etcd."}
	errSystem          = errorDef{http.StatusInternalServerError, "APIG.9999", "System error"}
	errAdminBadRequest = errorDef{http.StatusBadRequest, "FAKECLOUD.0400", "%s"} // the fake's own admin endpoints
)
