package core

import (
	"fmt"
	"net/http"
)

// Error is an error answer: its HTTP status and the {"error_code","error_msg"} body. Batch calls that report
// per-item failures inside a success use only its code and message.
type Error struct {
	Status int
	Code   string
	Msg    string
}

func (e *Error) Error() string { return e.Code + ": " + e.Msg }

// ErrorDef is one row of a service's error table; Msg is a fmt format filled by With.
type ErrorDef struct {
	Status int
	Code   string
	Msg    string
}

// With makes the error answer of the row, its message formatted with args.
func (d ErrorDef) With(args ...any) *Error {
	msg := d.Msg
	if len(args) > 0 {
		msg = fmt.Sprintf(d.Msg, args...)
	}
	return &Error{Status: d.Status, Code: d.Code, Msg: msg}
}

// The core's own error table; every service has its own (IAM's is in iam.go).
var (
	// errAdminBadRequest answers the fake's own admin endpoints.
	errAdminBadRequest = ErrorDef{http.StatusBadRequest, "FAKECLOUD.0400", "%s"}
	errAdminTooLarge   = ErrorDef{http.StatusRequestEntityTooLarge, "FAKECLOUD.0413", "The request body is larger than %d bytes"}
	// errNoService answers a path no service claims while no front door is set (see Server.SetFrontDoor).
	errNoService = ErrorDef{http.StatusNotFound, "FAKECLOUD.0404", "No service of the fake cloud answers this path"}
	errInternal  = ErrorDef{http.StatusInternalServerError, "FAKECLOUD.0500", "Internal error"}
	// errThrottled is the API front door's answer to a request over a throttling policy (throttle.go): the
	// policy's name, its limit and its window. The clouds send no Retry-After with it.
	errThrottled = ErrorDef{http.StatusTooManyRequests, "APIGW.0308", "The throttling threshold has been reached: policy %s over ratelimit,limit:%d,time:%s"}
)
