package cloud

import (
	"bytes"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// sensitiveHeaders are never logged in clear.
var sensitiveHeaders = map[string]bool{
	"X-Auth-Token":     true,
	"X-Subject-Token":  true,
	"X-Security-Token": true,
	"Authorization":    true,
}

// sensitiveJSON matches JSON string members whose values are secrets.
var sensitiveJSON = regexp.MustCompile(`("(?:password|app_secret|secret|secret_key|security_token|securitytoken|token|access_token|id_token|signature)"\s*:\s*)"(?:[^"\\]|\\.)*"`)

// sensitiveIDToken matches the ID token of an OIDC exchange, {"id_token": {"id": "<the ID token>"}}.
var sensitiveIDToken = regexp.MustCompile(`("id_token"\s*:\s*\{\s*"id"\s*:\s*)"(?:[^"\\]|\\.)*"`)

// sensitiveJSONLists matches JSON members whose values are lists of secrets: the AppCodes of a ModelArts app,
// which call its APIs as a password would.
var sensitiveJSONLists = regexp.MustCompile(`("app_codes"\s*:\s*\[)\s*"(?:[^"\\]|\\.)*"(?:\s*,\s*"(?:[^"\\]|\\.)*")*\s*\]`)

// sensitiveKeys are the fragments every key sensitiveJSON and sensitiveJSONLists match contains: a body
// holding none of them has nothing to mask, and most do not (a list of a thousand records is costly to run a
// regexp over).
var sensitiveKeys = [][]byte{[]byte("password"), []byte("secret"), []byte("token"), []byte("signature"), []byte("app_codes")}

// maskBody hides secret values in a JSON body.
func maskBody(b []byte) string {
	for _, k := range sensitiveKeys {
		if bytes.Contains(b, k) {
			masked := sensitiveJSON.ReplaceAllString(string(b), `$1"***"`)
			masked = sensitiveIDToken.ReplaceAllString(masked, `$1"***"`)
			return sensitiveJSONLists.ReplaceAllString(masked, `$1"***"]`)
		}
	}
	return string(b)
}

// maskHeaders renders headers with secrets hidden; an AK/SK Authorization keeps its access key visible,
// which is what one needs to tell which key signed a request.
func maskHeaders(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for name, values := range h {
		v := strings.Join(values, ", ")
		if sensitiveHeaders[http.CanonicalHeaderKey(name)] {
			v = maskSecretHeader(v)
		}
		out[name] = v
	}
	return out
}

func maskSecretHeader(v string) string {
	if strings.HasPrefix(v, "SDK-HMAC-SHA256 ") {
		if i := strings.Index(v, "Signature="); i >= 0 {
			return v[:i] + "Signature=***"
		}
	}
	return "***"
}

// loggingTransport logs every attempt at DEBUG (method, URL, status, request ID, duration) and the headers
// and bodies at TRACE, with secrets masked.
type loggingTransport struct {
	next http.RoundTripper
}

func (t *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	fields := map[string]any{"method": req.Method, "url": req.URL.Redacted()}
	var reqBody []byte
	if req.Body != nil && req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			reqBody, _ = io.ReadAll(io.LimitReader(rc, maxResponseBytes))
			_ = rc.Close()
		}
	}
	tflog.Trace(ctx, "cloud request", merge(fields, map[string]any{"headers": maskHeaders(req.Header), "body": maskBody(reqBody)}))

	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	fields["duration_ms"] = time.Since(start).Milliseconds()
	if err != nil {
		tflog.Debug(ctx, "cloud request failed", merge(fields, map[string]any{"error": err.Error()}))
		return nil, err
	}
	fields["status"] = resp.StatusCode
	fields["request_id"] = resp.Header.Get(requestIDHeader)
	tflog.Debug(ctx, "cloud response", fields)

	body, readErr := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if readErr == nil {
		tflog.Trace(ctx, "cloud response body", merge(fields, map[string]any{"headers": maskHeaders(resp.Header), "body": maskBody(body)}))
	}
	return resp, readErr
}

func merge(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
