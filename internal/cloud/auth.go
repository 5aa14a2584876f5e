package cloud

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sync"
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
// close to expiry.
type passwordLogin struct {
	client *Client

	mu      sync.Mutex
	tokens  map[Scope]Token
	project string
	// refused is IAM's answer to a login it refused. It is remembered for the life of the provider: repeating
	// a wrong password for every resource would only lock the IAM user.
	refused error
}

func (p *passwordLogin) authenticate(ctx context.Context, req *http.Request) error {
	info, _ := ctx.Value(callKey{}).(callInfo)
	tok, err := p.token(ctx, services[info.service].scope)
	if err != nil {
		return err
	}
	req.Header.Set("X-Auth-Token", tok)
	return nil
}

func (p *passwordLogin) token(ctx context.Context, scope Scope) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if tok, ok := p.tokens[scope]; ok && time.Until(tok.ExpiresAt) > 5*time.Minute {
		return tok.Value, nil
	}
	if p.refused != nil {
		return "", p.refused
	}
	cfg := p.client.cfg
	req := PasswordTokenRequest{UserName: cfg.UserName, Password: cfg.Password, DomainName: cfg.DomainName}
	if scope == AccountScoped {
		req.AccountScope = true
	} else {
		req.Scope = ProjectScope{ID: cfg.ProjectID, Name: cfg.ProjectName}
		if req.Scope.ID == "" && req.Scope.Name == "" {
			req.Scope.Name = cfg.Region
		}
	}
	tok, err := p.client.IAM().CreatePasswordToken(ctx, req)
	if err != nil {
		err = fmt.Errorf("obtaining an IAM token for user %q in domain %q: %w", cfg.UserName, cfg.DomainName, err)
		if apiErr, ok := AsAPIError(err); ok && apiErr.StatusCode < http.StatusInternalServerError && apiErr.StatusCode != http.StatusTooManyRequests {
			p.refused = err
		}
		return "", err
	}
	if p.tokens == nil {
		p.tokens = map[Scope]Token{}
	}
	p.tokens[scope] = tok
	if tok.ProjectID != "" {
		p.project = tok.ProjectID
	}
	return tok.Value, nil
}

// projectID logs in for the project, which tells its ID.
func (p *passwordLogin) projectID(ctx context.Context) (string, error) {
	if _, err := p.token(ctx, ProjectScoped); err != nil {
		return "", err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.project, nil
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
