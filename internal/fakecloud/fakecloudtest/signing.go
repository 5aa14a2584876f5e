package fakecloudtest

import (
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
)

// SignedRequest is a request built with the official SDK and signed with its signer, so the fake's verifier
// is tested against the reference implementation rather than against itself.
type SignedRequest struct {
	Method, Path string
	Query        map[string]string
	Body         string
	AK, SK       string
	Date         time.Time         // X-Sdk-Date; zero = now
	Headers      map[string]string // more headers, unsigned, e.g. X-Project-Id or X-Domain-Id
}

// Send signs the request, lets tamper change it after signing, and sends it to the client's server.
func (sr SignedRequest) Send(c *Client, tamper func(*http.Request)) Response {
	t := c.T
	t.Helper()
	b := request.NewHttpRequestBuilder().WithEndpoint(c.URL).WithPath(sr.Path).WithMethod(sr.Method).
		AddHeaderParam("Host", strings.TrimPrefix(c.URL, "http://"))
	for k, v := range sr.Headers {
		b = b.AddHeaderParam(k, v)
	}
	for k, v := range sr.Query {
		b = b.AddQueryParam(k, reflect.ValueOf(v))
	}
	if sr.Body != "" {
		b = b.AddHeaderParam("Content-Type", "application/json;charset=UTF-8").WithBody("", sr.Body)
	} else {
		b = b.AddHeaderParam("Content-Type", "application/json")
	}
	if !sr.Date.IsZero() {
		b = b.AddHeaderParam("X-Sdk-Date", sr.Date.UTC().Format("20060102T150405Z"))
	}
	sdkReq := b.Build()
	signed, err := signer.Sign(sdkReq, sr.AK, sr.SK)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	httpReq, err := sdkReq.ConvertRequest()
	if err != nil {
		t.Fatalf("convert: %v", err)
	}
	for k, v := range signed {
		httpReq.Header.Set(k, v)
	}
	if tamper != nil {
		tamper(httpReq)
	}
	resp, err := c.HTTP.Do(httpReq)
	if err != nil {
		t.Fatal(err)
	}
	return Read(t, resp)
}
