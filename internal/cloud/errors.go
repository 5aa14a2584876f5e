package cloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
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
	// Hint says what the user can do about it, e.g. which environment variables the credentials came from.
	Hint string
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
	if e.Hint != "" {
		b.WriteString(". ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// AsAPIError returns the *APIError inside err, if any.
func AsAPIError(err error) (*APIError, bool) {
	var apiErr *APIError
	ok := errors.As(err, &apiErr)
	return apiErr, ok
}

// HasCode reports whether err is an APIError with one of the given error codes. Services list their
// documented "this object does not exist" codes once (see the Code*NotFound constants of each service); only
// those mean gone. Any other 404 — a wrong endpoint answers one too — is an error like any other.
func HasCode(err error, codes ...string) bool {
	apiErr, ok := AsAPIError(err)
	if !ok {
		return false
	}
	return slices.Contains(codes, apiErr.Code)
}

const (
	requestIDHeader        = "X-Request-Id"
	openstackRequestHeader = "X-Openstack-Request-Id"
)

// IncompleteError is a call that did not complete because its context ended (a timeout, or Ctrl-C). It keeps
// the last answer the cloud gave before that, so a timeout after retries still shows what the cloud said.
type IncompleteError struct {
	Operation string
	Err       error     // context.Canceled or context.DeadlineExceeded
	Last      *APIError // the last error answer of an earlier attempt, if any
}

func (e *IncompleteError) Error() string {
	msg := fmt.Sprintf("%s: %s", e.Operation, e.Err)
	if e.Last != nil {
		msg += "; the last answer of the cloud was " + e.Last.Error()
	}
	return msg
}

func (e *IncompleteError) Unwrap() error { return e.Err }

// NotSentError is a call that failed before anything was sent: its endpoint, project or credentials could
// not be worked out, or its body not encoded. The cloud cannot have acted on it.
type NotSentError struct {
	Operation string
	Err       error
}

func (e *NotSentError) Error() string { return e.Operation + ": " + e.Err.Error() }
func (e *NotSentError) Unwrap() error { return e.Err }

// notSent marks err as the failure of a call that was never sent (nil stays nil).
func notSent(op string, err error) error {
	var ns *NotSentError
	if err == nil || errors.As(err, &ns) {
		return err
	}
	return &NotSentError{Operation: op, Err: err}
}

// Outcome is what a failed write says about whether the cloud carried it out.
type Outcome int

const (
	// NotApplied: the cloud refused the write (a 4xx answer, or the connection was never made).
	NotApplied Outcome = iota
	// MaybeApplied: the cloud answered 5xx, or dropped the connection: it may have acted, and is done.
	MaybeApplied
	// InFlight: the caller stopped waiting (timeout, Ctrl-C); the cloud may still be carrying the write out.
	InFlight
)

// OutcomeOf classifies the error of a write call.
func OutcomeOf(err error) Outcome {
	var (
		inc     *IncompleteError
		itemErr *ItemError
		opErr   *net.OpError
		ns      *NotSentError
	)
	switch {
	case err == nil, errors.As(err, &itemErr), errors.As(err, &ns):
		return NotApplied
	case errors.As(err, &inc), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return InFlight
	}
	if apiErr, ok := AsAPIError(err); ok {
		if apiErr.StatusCode >= http.StatusInternalServerError {
			return MaybeApplied
		}
		return NotApplied
	}
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return NotApplied
	}
	// A lost connection, or an answer that could not be read: the cloud may have acted.
	return MaybeApplied
}

// Transient reports whether a failure may go away when the call is repeated: throttling, server errors
// (the gateways' write conflict among them), lost connections and timeouts. Everything else needs a change
// by the user.
func Transient(err error) bool {
	var (
		urlErr *url.Error
		netErr net.Error
	)
	if apiErr, ok := AsAPIError(err); ok && !isIncomplete(err) {
		return apiErr.StatusCode == http.StatusTooManyRequests || apiErr.StatusCode >= http.StatusInternalServerError
	}
	return isIncomplete(err) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.As(err, &urlErr) || errors.As(err, &netErr) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

func isIncomplete(err error) bool {
	var inc *IncompleteError
	return errors.As(err, &inc)
}

// decodeError builds an APIError from a failed response body. Services answer
// {"error_code","error_msg"}; IAM may answer the Keystone form {"error":{"code","message"}}.
func decodeError(status int, header http.Header, body []byte) *APIError {
	apiErr := &APIError{StatusCode: status, RequestID: header.Get(requestIDHeader)}
	if apiErr.RequestID == "" {
		apiErr.RequestID = header.Get(openstackRequestHeader)
	}
	var flat struct {
		Code    string          `json:"error_code"`
		Message string          `json:"error_msg"`
		Error   json.RawMessage `json:"error"` // an object in the Keystone form; decoded apart, so that any other shape loses nothing
	}
	if err := json.Unmarshal(body, &flat); err != nil {
		apiErr.Message = truncate(strings.TrimSpace(string(body)), 512)
		return apiErr
	}
	apiErr.Code, apiErr.Message = flat.Code, flat.Message
	if apiErr.Code == "" && apiErr.Message == "" && len(flat.Error) > 0 {
		var keystone struct {
			Code    any    `json:"code"`
			Message string `json:"message"`
		}
		var text string
		switch {
		case json.Unmarshal(flat.Error, &keystone) == nil:
			apiErr.Message = keystone.Message
			if keystone.Code != nil {
				apiErr.Code = fmt.Sprint(keystone.Code)
			}
		case json.Unmarshal(flat.Error, &text) == nil:
			apiErr.Message = text
		}
	}
	return apiErr
}

// truncate cuts s to at most n bytes, at the start of a character so that UTF-8 stays UTF-8, and marks the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
