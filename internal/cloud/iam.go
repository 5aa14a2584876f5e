package cloud

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// IAMClient holds the typed calls of the identity service.
type IAMClient struct{ c *Client }

// IAM returns the identity service's calls.
func (c *Client) IAM() *IAMClient { return &IAMClient{c: c} }

// Project is an IAM project.
type Project struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ListProjects answers GET /v3/projects?name=.
func (i *IAMClient) ListProjects(ctx context.Context, name string) ([]Project, error) {
	var out struct {
		Projects []Project `json:"projects"`
	}
	err := i.c.do(ctx, call{service: ServiceIAM, method: http.MethodGet, path: "/v3/projects", query: url.Values{"name": {name}}, out: &out})
	return out.Projects, err
}

// ProjectScope selects the project a token is scoped to, by ID or by name.
type ProjectScope struct {
	ID   string
	Name string
}

// PasswordTokenRequest is a password login, for a token scoped to a project or to the whole account.
type PasswordTokenRequest struct {
	UserName     string
	Password     string
	DomainName   string
	Scope        ProjectScope
	AccountScope bool // scope the token to the account (domain DomainName) instead of a project
}

// Domain is an IAM account.
type Domain struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ListAuthDomains answers GET /v3/auth/domains: the accounts the caller's credentials belong to.
func (i *IAMClient) ListAuthDomains(ctx context.Context) ([]Domain, error) {
	var out struct {
		Domains []Domain `json:"domains"`
	}
	err := i.c.do(ctx, call{service: ServiceIAM, method: http.MethodGet, path: "/v3/auth/domains", out: &out})
	return out.Domains, err
}

// Token is an IAM token and what it is scoped to.
type Token struct {
	Value     string
	ExpiresAt time.Time
	ProjectID string
}

// CreatePasswordToken answers POST /v3/auth/tokens with a password identity; the token comes back in the
// X-Subject-Token header.
func (i *IAMClient) CreatePasswordToken(ctx context.Context, r PasswordTokenRequest) (Token, error) {
	type named struct {
		Name string `json:"name"`
	}
	type scopeProject struct {
		ID     string `json:"id,omitempty"`
		Name   string `json:"name,omitempty"`
		Domain *named `json:"domain,omitempty"`
	}
	var body struct {
		Auth struct {
			Identity struct {
				Methods  []string `json:"methods"`
				Password struct {
					User struct {
						Name     string `json:"name"`
						Password string `json:"password"`
						Domain   named  `json:"domain"`
					} `json:"user"`
				} `json:"password"`
			} `json:"identity"`
			Scope struct {
				Project *scopeProject `json:"project,omitempty"`
				Domain  *named        `json:"domain,omitempty"`
			} `json:"scope"`
		} `json:"auth"`
	}
	body.Auth.Identity.Methods = []string{"password"}
	u := &body.Auth.Identity.Password.User
	u.Name, u.Password, u.Domain.Name = r.UserName, r.Password, r.DomainName
	if r.AccountScope {
		body.Auth.Scope.Domain = &named{Name: r.DomainName}
	} else {
		body.Auth.Scope.Project = &scopeProject{ID: r.Scope.ID, Name: r.Scope.Name}
	}

	var out tokenAnswer
	var header http.Header
	// A login creates nothing that matters twice, so it is retried like a read.
	err := i.c.do(ctx, call{service: ServiceIAM, method: http.MethodPost, path: "/v3/auth/tokens", body: body, out: &out, noAuth: true, idempotent: true, header: &header})
	if err != nil {
		return Token{}, err
	}
	return out.token(header)
}
