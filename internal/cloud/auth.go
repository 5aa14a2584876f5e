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
	headers, err := signer.Sign(b.Build(), k.ak, k.sk)
	if err != nil {
		return fmt.Errorf("signing request: %w", err)
	}
	for name, value := range headers {
		req.Header.Set(name, value)
	}
	return nil
}

// passwordLogin exchanges user name and password for a project-scoped token once per client, and again
// only when the token is close to expiry.
type passwordLogin struct {
	client *Client

	mu      sync.Mutex
	value   string
	expires time.Time
	project string
	// refused is IAM's answer to a login it refused. It is remembered for the life of the provider: repeating
	// a wrong password for every resource would only lock the IAM user.
	refused error
}

func (p *passwordLogin) authenticate(ctx context.Context, req *http.Request) error {
	tok, err := p.token(ctx)
	if err != nil {
		return err
	}
	req.Header.Set("X-Auth-Token", tok)
	return nil
}

func (p *passwordLogin) token(ctx context.Context) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.value != "" && time.Until(p.expires) > 5*time.Minute {
		return p.value, nil
	}
	if p.refused != nil {
		return "", p.refused
	}
	cfg := p.client.cfg
	scope := ProjectScope{ID: cfg.ProjectID, Name: cfg.ProjectName}
	if scope.ID == "" && scope.Name == "" {
		scope.Name = cfg.Region
	}
	tok, err := p.client.IAM().CreatePasswordToken(ctx, PasswordTokenRequest{
		UserName: cfg.UserName, Password: cfg.Password, DomainName: cfg.DomainName, Scope: scope,
	})
	if err != nil {
		err = fmt.Errorf("obtaining an IAM token for user %q in domain %q: %w", cfg.UserName, cfg.DomainName, err)
		if apiErr, ok := AsAPIError(err); ok && apiErr.StatusCode < http.StatusInternalServerError && apiErr.StatusCode != http.StatusTooManyRequests {
			p.refused = err
		}
		return "", err
	}
	p.value, p.expires, p.project = tok.Value, tok.ExpiresAt, tok.ProjectID
	return p.value, nil
}

func (p *passwordLogin) projectID() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.project
}

// authTransport adds credentials to every attempt, so a retried request carries a fresh signature.
type authTransport struct {
	next   http.RoundTripper
	client *Client
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	info, _ := req.Context().Value(callKey{}).(callInfo)
	if info.noAuth || t.client.creds == nil {
		return t.next.RoundTrip(req)
	}
	req = req.Clone(req.Context())
	if err := t.client.creds.authenticate(req.Context(), req); err != nil {
		return nil, notSent(req.Method+" "+req.URL.Path, err)
	}
	// AK/SK callers name their project, or for account-scoped services their account, in a header, as the
	// official SDKs do; it is not part of the signature.
	if _, ok := t.client.creds.(accessKey); ok {
		switch id, _ := t.client.resolvedProject.Load().(string); {
		case services[info.service].scope == AccountScoped:
			if t.client.cfg.DomainID != "" {
				req.Header.Set("X-Domain-Id", t.client.cfg.DomainID)
			}
		case id != "":
			req.Header.Set("X-Project-Id", id)
		}
	}
	return t.next.RoundTrip(req)
}
