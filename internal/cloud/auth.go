package cloud

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	sdkrequest "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
)

// credentials add authentication to one outgoing request attempt.
type credentials interface {
	authenticate(ctx context.Context, req *http.Request) error
}

type staticToken string

func (t staticToken) authenticate(_ context.Context, req *http.Request) error {
	req.Header.Set("X-Auth-Token", string(t))
	return nil
}

// accessKey signs requests with SDK-HMAC-SHA256 using the official SDK's signer.
type accessKey struct {
	ak, sk, securityToken string
}

func (k accessKey) authenticate(_ context.Context, req *http.Request) error {
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return err
		}
		_ = req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	if k.securityToken != "" {
		req.Header.Set("X-Security-Token", k.securityToken)
	}
	b := sdkrequest.NewHttpRequestBuilder().
		WithEndpoint(req.URL.Scheme+"://"+req.URL.Host).
		WithPath(req.URL.Path).
		WithMethod(req.Method).
		AddHeaderParam("Host", req.URL.Host).
		AddHeaderParam("Content-Type", req.Header.Get("Content-Type"))
	if k.securityToken != "" {
		b = b.AddHeaderParam("X-Security-Token", k.securityToken)
	}
	for key, values := range req.URL.Query() {
		if len(values) == 1 {
			b = b.AddQueryParam(key, reflect.ValueOf(values[0]))
		} else {
			b = b.AddQueryParam(key, reflect.ValueOf(values))
		}
	}
	if body != nil {
		b = b.WithBody("", string(body))
	}
	sdkReq := b.Build()
	headers, err := signer.Sign(sdkReq, k.ak, k.sk)
	if err != nil {
		return fmt.Errorf("signing request: %w", err)
	}
	for name, value := range headers {
		req.Header.Set(name, value)
	}
	// For a body that is not JSON the signer signs X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD instead of the
	// body, adding it to the request it signed but not to the headers it returns.
	const contentHash = "X-Sdk-Content-Sha256"
	if v, ok := sdkReq.GetHeaderParams()[contentHash]; ok {
		req.Header.Set(contentHash, v)
	}
	return nil
}

// passwordLogin exchanges user name and password for a token once per client and scope — one for the
// project, one for the account (domain) that account-scoped services need — and again only when a token is
// close to expiry (temporary.go). A refused login is remembered for the life of the provider: repeating a
// wrong password for every resource would only lock the IAM user.
func passwordLogin(c *Client) *exchange {
	return &exchange{perScope: true, fetch: func(ctx context.Context, scope Scope) (session, error) {
		cfg := c.cfg
		req := PasswordTokenRequest{UserName: cfg.UserName, Password: cfg.Password, DomainName: cfg.DomainName}
		if scope == AccountScoped {
			req.AccountScope = true
		} else {
			req.Scope = ProjectScope{ID: cfg.ProjectID, Name: cfg.ProjectName}
			if req.Scope.ID == "" && req.Scope.Name == "" {
				req.Scope.Name = cfg.Region
			}
		}
		tok, err := c.IAM().CreatePasswordToken(ctx, req)
		if err != nil {
			return session{}, fmt.Errorf("obtaining an IAM token for user %q in domain %q: %w", cfg.UserName, cfg.DomainName, err)
		}
		return session{creds: staticToken(tok.Value), issued: time.Now(), expires: tok.ExpiresAt, projectID: tok.ProjectID}, nil
	}}
}

// authTransport adds credentials to every attempt, so a retried request carries a fresh signature.
type authTransport struct {
	next   http.RoundTripper
	client *Client
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	info, _ := req.Context().Value(callKey{}).(callInfo)
	creds := t.client.creds
	if info.creds != nil {
		creds = info.creds
	}
	if info.noAuth || creds == nil {
		return t.next.RoundTrip(req)
	}
	req = req.Clone(req.Context())
	if err := creds.authenticate(req.Context(), req); err != nil {
		return nil, notSent(req.Method+" "+req.URL.Path, err)
	}
	// AK/SK callers name their project, or for account-scoped services their account, in a header, as the
	// official SDKs do; it is not part of the signature.
	if signsRequests(creds) {
		switch id, _ := t.client.resolvedProject.Load().(string); {
		case services[info.service].scope == AccountScoped:
			if domain, _ := t.client.resolvedDomain.Load().(string); domain != "" {
				req.Header.Set("X-Domain-Id", domain)
			}
		case id != "":
			req.Header.Set("X-Project-Id", id)
		}
	}
	return t.next.RoundTrip(req)
}
