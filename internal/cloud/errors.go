package cloud

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// APIError is what every cloud service answers when a call fails: the HTTP status, the service's
// error_code and error_msg, and the request ID support needs to trace the call.
type APIError struct {
	StatusCode int
	Code       string
	Message    string
	RequestID  string
	// Operation names the call, e.g. "DELETE /v2/…/app-auths/{id}", to make diagnostics self-explanatory.
	Operation string
}

func (e *APIError) Error() string {
	var b strings.Builder
	if e.Operation != "" {
		b.WriteString(e.Operation)
		b.WriteString(": ")
	}
	switch {
	case e.Code != "" && e.Message != "":
		fmt.Fprintf(&b, "%s: %s", e.Code, e.Message)
	case e.Code != "":
		b.WriteString(e.Code)
	case e.Message != "":
		b.WriteString(e.Message)
	default:
		b.WriteString(http.StatusText(e.StatusCode))
	}
	fmt.Fprintf(&b, " (HTTP %d", e.StatusCode)
	if e.RequestID != "" {
		fmt.Fprintf(&b, ", request ID %s", e.RequestID)
	}
	b.WriteString(")")
	return b.String()
}

// AsAPIError returns the *APIError inside err, if any.
func AsAPIError(err error) (*APIError, bool) {
	var apiErr *APIError
	ok := errors.As(err, &apiErr)
	return apiErr, ok
}

// IsNotFound reports whether err means the object the call addressed does not exist.
func IsNotFound(err error) bool {
	apiErr, ok := AsAPIError(err)
	return ok && apiErr.StatusCode == http.StatusNotFound
}

// HasCode reports whether err is an APIError with one of the given error codes.
func HasCode(err error, codes ...string) bool {
	apiErr, ok := AsAPIError(err)
	if !ok {
		return false
	}
	for _, c := range codes {
		if apiErr.Code == c {
			return true
		}
	}
	return false
}

// IsConflict reports whether err is the gateway's answer to concurrent writes for one app.
func IsConflict(err error) bool { return HasCode(err, CodeEtcdSyncFailed) }

// Error codes the provider acts on. Everything else is only shown to the user.
const (
	CodeAppAuthExists      = "APIG.3316"
	CodeEtcdSyncFailed     = "APIG.3500"
	requestIDHeader        = "X-Request-Id"
	openstackRequestHeader = "X-Openstack-Request-Id"
)

// decodeError builds an APIError from a failed response body. Services answer
// {"error_code","error_msg"}; IAM may answer the Keystone form {"error":{"code","message"}}.
func decodeError(status int, header http.Header, body []byte) *APIError {
	apiErr := &APIError{StatusCode: status, RequestID: header.Get(requestIDHeader)}
	if apiErr.RequestID == "" {
		apiErr.RequestID = header.Get(openstackRequestHeader)
	}
	var flat struct {
		Code    string `json:"error_code"`
		Message string `json:"error_msg"`
		Error   *struct {
			Code    any    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(body, &flat); err != nil {
		apiErr.Message = truncate(strings.TrimSpace(string(body)), 512)
		return apiErr
	}
	apiErr.Code, apiErr.Message = flat.Code, flat.Message
	if apiErr.Code == "" && apiErr.Message == "" && flat.Error != nil {
		apiErr.Message = flat.Error.Message
		if flat.Error.Code != nil {
			apiErr.Code = fmt.Sprint(flat.Error.Code)
		}
	}
	return apiErr
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
