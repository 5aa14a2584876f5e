package cloud

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeError checks how every service's answers become errors: never a panic; an error exactly for a
// status outside 2xx, or for OSM's 200 with an error_code; the status and request ID kept; error_code and
// error_msg kept as the body has them when it is JSON; otherwise the body itself as the message, cut short
// but never in the middle of a character.
func FuzzDecodeError(f *testing.F) {
	for _, seed := range []struct {
		status int
		body   string
		svc    uint8
	}{
		{404, `{"error_code":"APIG.3004","error_msg":"App app1 does not exist"}`, 0},
		{500, `{"error_code":"APIG.3500","error_msg":"Failed to synchronize data to etcd."}`, 1},
		{401, `{"error":{"code":401,"message":"The request you have made requires authentication.","title":"Unauthorized"}}`, 4},
		{200, `{"error_code":"OSM.01010001","error_msg":"Param validation failed."}`, 3},
		{200, `{"error_code":"","incident_auth_list":[]}`, 3},
		{200, `{"error_code":7}`, 3},
		{502, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\r\n", 2},
		{503, strings.Repeat("Dienst vorübergehend nicht verfügbar – bitte später erneut versuchen. ", 8), 0},
		{403, "", 2},
		{429, "null", 0},
		{302, `{"error_code":"APIG.0000"}`, 1},
		{-1, "\x00\xff", 4},
	} {
		f.Add(seed.status, []byte(seed.body), seed.svc)
	}
	svcs := []Service{ServiceAPIG, ServiceROMA, ServiceModelArts, ServiceOSM, ServiceIAM}
	f.Fuzz(func(t *testing.T, status int, body []byte, which uint8) {
		svc := svcs[int(which)%len(svcs)]
		header := http.Header{}
		header.Set(requestIDHeader, "req-1")
		apiErr := services[svc].failure(status, header, body)

		var flat struct {
			Code    string `json:"error_code"`
			Message string `json:"error_msg"`
		}
		isJSON := json.Unmarshal(body, &flat) == nil
		success := status >= 200 && status <= 299
		if wantErr := !success || (svc == ServiceOSM && isJSON && flat.Code != ""); (apiErr != nil) != wantErr {
			t.Fatalf("%s answered %d %q: error %v, want one: %v", svc, status, body, apiErr, wantErr)
		}
		if apiErr == nil {
			return
		}

		if apiErr.StatusCode != status || apiErr.RequestID != "req-1" {
			t.Fatalf("%s answered %d %q: error has status %d and request ID %q", svc, status, body, apiErr.StatusCode, apiErr.RequestID)
		}
		msg := apiErr.Error()
		if !strings.Contains(msg, fmt.Sprintf("(HTTP %d, request ID req-1)", status)) {
			t.Fatalf("%s answered %d %q: error %q does not name the status and request ID", svc, status, body, msg)
		}
		if utf8.Valid(body) && (!utf8.ValidString(apiErr.Message) || !utf8.ValidString(msg)) {
			t.Fatalf("%s answered %d with UTF-8 %q, but the error %q is not UTF-8", svc, status, body, msg)
		}
		switch {
		case isJSON && (flat.Code != "" || flat.Message != ""):
			if apiErr.Code != flat.Code || apiErr.Message != flat.Message {
				t.Fatalf("%s answered %d %q: error has code %q and message %q", svc, status, body, apiErr.Code, apiErr.Message)
			}
		case !isJSON:
			// The message is the body as it came, trimmed, or the start of it.
			trimmed := strings.TrimSpace(string(body))
			short, cut := strings.CutSuffix(apiErr.Message, "…")
			if apiErr.Code != "" || !(apiErr.Message == trimmed || cut && strings.HasPrefix(trimmed, short) && len(short) <= 512) {
				t.Fatalf("%s answered %d %q: error has code %q and message %q", svc, status, body, apiErr.Code, apiErr.Message)
			}
		}
	})
}
