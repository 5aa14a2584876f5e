package cloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// Temporary credentials: keys or tokens the provider obtains from IAM (assume role, chains of agencies, OIDC
// ID tokens, Open Telekom Cloud's agency tokens) or from the cloud server's metadata service. One exchange
// serves every request of the client, and it is made again before the credentials expire (refreshMargin).

// AssumeRole is one agency to assume (the provider's assume_role blocks; a chain assumes each with the keys
// of the one before).
type AssumeRole struct {
	AgencyName string
	DomainName string
	DomainID   string
	// Duration is the keys' lifetime in seconds (900 to 43200); 0: IAM's default.
	Duration int
}

// OIDC exchanges an identity provider's ID token for an IAM token, then for temporary keys, of the agency
// when one is named (the provider's assume_role_with_oidc block).
type OIDC struct {
	IdPID       string
	IDToken     string
	IDTokenFile string // read at every exchange: CI systems rotate the file
	Agency      *AssumeRole
}

// DefaultMetadataURL is the cloud server metadata service's base URL.
const DefaultMetadataURL = "http://169.254.169.254"

// refreshMargin is how long before their expiry credentials are exchanged again: a third of their lifetime,
// at most five minutes (IAM's keys live 15 minutes to 12 hours). A request signed just before then still
// has the margin to arrive, and its retries are signed again with the new keys.
func refreshMargin(lifetime time.Duration) time.Duration {
	return min(5*time.Minute, lifetime/3)
}

// session is credentials until they expire, and the project a token of them is scoped to.
type session struct {
	creds     credentials
	issued    time.Time
	expires   time.Time
	projectID string
}

func (s session) fresh() bool {
	return s.creds != nil && time.Until(s.expires) > refreshMargin(s.expires.Sub(s.issued))
}

// exchange is credentials obtained through fetch and refreshed before they expire. A refusal (IAM answered
// 4xx other than 429) is remembered for the life of the provider: the call that met it fails, and so does
// every later one, without asking again.
type exchange struct {
	// fetch obtains credentials for scope; perScope says whether they differ by scope (tokens) or not (keys).
	fetch    func(ctx context.Context, scope Scope) (session, error)
	perScope bool
	signs    bool // the credentials are keys, which sign requests

	mu       sync.Mutex
	sessions map[Scope]session
	refused  error
}

func (e *exchange) authenticate(ctx context.Context, req *http.Request) error {
	info, _ := ctx.Value(callKey{}).(callInfo)
	s, err := e.session(ctx, services[info.service].scope)
	if err != nil {
		return err
	}
	return s.creds.authenticate(ctx, req)
}

func (e *exchange) session(ctx context.Context, scope Scope) (session, error) {
	if !e.perScope {
		scope = ProjectScoped
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if s, ok := e.sessions[scope]; ok && s.fresh() {
		return s, nil
	}
	if e.refused != nil {
		return session{}, e.refused
	}
	s, err := e.fetch(ctx, scope)
	if err != nil {
		var refusedLocally *refusal
		if apiErr, ok := AsAPIError(err); ok && apiErr.StatusCode < http.StatusInternalServerError && apiErr.StatusCode != http.StatusTooManyRequests && !errors.As(err, &refusedLocally) {
			err = &refusal{err: err}
		}
		if errors.As(err, &refusedLocally) {
			e.refused = err
		}
		return session{}, err
	}
	if e.sessions == nil {
		e.sessions = map[Scope]session{}
	}
	e.sessions[scope] = s
	return s, nil
}

func (e *exchange) projectID(ctx context.Context) (string, error) {
	if !e.perScope {
		return "", nil
	}
	s, err := e.session(ctx, ProjectScoped)
	return s.projectID, err
}

// refusal is a failure of the credentials found while exchanging them: IAM refused them (a 4xx other than 429),
// or the configuration cannot give them (an unreadable ID token file). It is not tried again: the call that
// met it fails at once (checkRetry), and so does every later one.
type refusal struct{ err error }

func (r *refusal) Error() string { return r.err.Error() }
func (r *refusal) Unwrap() error { return r.err }

// signsRequests reports whether creds sign requests with keys (which then name their project or account in
// a header) rather than carry a token.
func signsRequests(creds credentials) bool {
	switch c := creds.(type) {
	case accessKey:
		return true
	case *exchange:
		return c.signs
	}
	return false
}

// TemporaryKey is a temporary access key: its secret, security token and expiry.
type TemporaryKey struct {
	Access, Secret, SecurityToken string
	ExpiresAt                     time.Time
}

type credentialBody struct {
	Credential struct {
		Access        string    `json:"access"`
		Secret        string    `json:"secret"`
		SecurityToken string    `json:"securitytoken"`
		ExpiresAt     time.Time `json:"expires_at"`
	} `json:"credential"`
}

func (b credentialBody) key() (TemporaryKey, error) {
	c := b.Credential
	if c.Access == "" || c.Secret == "" || c.SecurityToken == "" {
		return TemporaryKey{}, errors.New("the answer holds no complete credential")
	}
	return TemporaryKey{Access: c.Access, Secret: c.Secret, SecurityToken: c.SecurityToken, ExpiresAt: c.ExpiresAt}, nil
}

// CreateTemporaryAccessKeyByAgency answers POST /v3.0/OS-CREDENTIAL/securitytokens with the assume_role method,
// sent with the caller's credentials by.
func (i *IAMClient) CreateTemporaryAccessKeyByAgency(ctx context.Context, by credentials, r AssumeRole) (TemporaryKey, error) {
	type assumeRole struct {
		AgencyName      string `json:"agency_name"`
		DomainName      string `json:"domain_name,omitempty"`
		DomainID        string `json:"domain_id,omitempty"`
		DurationSeconds int    `json:"duration_seconds,omitempty"`
	}
	var body struct {
		Auth struct {
			Identity struct {
				Methods    []string   `json:"methods"`
				AssumeRole assumeRole `json:"assume_role"`
			} `json:"identity"`
		} `json:"auth"`
	}
	body.Auth.Identity.Methods = []string{"assume_role"}
	body.Auth.Identity.AssumeRole = assumeRole{AgencyName: r.AgencyName, DomainName: r.DomainName, DomainID: r.DomainID, DurationSeconds: r.Duration}
	var out credentialBody
	if err := i.c.do(ctx, call{service: ServiceIAM, method: http.MethodPost, path: "/v3.0/OS-CREDENTIAL/securitytokens", body: body, out: &out, idempotent: true, creds: by}); err != nil {
		return TemporaryKey{}, err
	}
	return out.key()
}

// CreateTemporaryAccessKeyByToken answers POST /v3.0/OS-CREDENTIAL/securitytokens with the token method: keys
// of the holder of token.
func (i *IAMClient) CreateTemporaryAccessKeyByToken(ctx context.Context, token string, duration int) (TemporaryKey, error) {
	var body struct {
		Auth struct {
			Identity struct {
				Methods []string `json:"methods"`
				Token   struct {
					DurationSeconds int `json:"duration_seconds,omitempty"`
				} `json:"token"`
			} `json:"identity"`
		} `json:"auth"`
	}
	body.Auth.Identity.Methods = []string{"token"}
	body.Auth.Identity.Token.DurationSeconds = duration
	var out credentialBody
	if err := i.c.do(ctx, call{service: ServiceIAM, method: http.MethodPost, path: "/v3.0/OS-CREDENTIAL/securitytokens", body: body, out: &out, idempotent: true, creds: staticToken(token)}); err != nil {
		return TemporaryKey{}, err
	}
	return out.key()
}

// tokenAnswer is the part of a token answer the provider reads.
type tokenAnswer struct {
	Token struct {
		ExpiresAt time.Time `json:"expires_at"`
		Project   Project   `json:"project"`
	} `json:"token"`
}

func (a tokenAnswer) token(header http.Header) (Token, error) {
	tok := Token{Value: header.Get("X-Subject-Token"), ExpiresAt: a.Token.ExpiresAt, ProjectID: a.Token.Project.ID}
	if tok.Value == "" {
		return Token{}, errors.New("IAM answered without an X-Subject-Token header")
	}
	return tok, nil
}

// CreateTokenWithIDToken answers POST /v3.0/OS-AUTH/id-token/tokens: an IAM token for an identity provider's
// ID token, scoped to a project.
func (i *IAMClient) CreateTokenWithIDToken(ctx context.Context, idpID, idToken string, scope ProjectScope) (Token, error) {
	type project struct {
		ID   string `json:"id,omitempty"`
		Name string `json:"name,omitempty"`
	}
	var body struct {
		Auth struct {
			IDToken struct {
				ID string `json:"id"`
			} `json:"id_token"`
			Scope struct {
				Project project `json:"project"`
			} `json:"scope"`
		} `json:"auth"`
	}
	body.Auth.IDToken.ID = idToken
	body.Auth.Scope.Project = project(scope)
	var out tokenAnswer
	var header http.Header
	err := i.c.do(ctx, call{service: ServiceIAM, method: http.MethodPost, path: "/v3.0/OS-AUTH/id-token/tokens", body: body, out: &out,
		noAuth: true, idempotent: true, header: &header, headers: map[string]string{"X-Idp-Id": idpID}})
	if err != nil {
		return Token{}, err
	}
	return out.token(header)
}

// CreateAgencyToken answers Open Telekom Cloud's POST /v3/auth/tokens with the assume_role method: a token of
// the agency xroleName of domainName, sent with the caller's credentials by, scoped to a project or, with
// accountScope, to the agency's account.
func (i *IAMClient) CreateAgencyToken(ctx context.Context, by credentials, domainName, xroleName string, scope ProjectScope, accountScope bool) (Token, error) {
	type named struct {
		ID   string `json:"id,omitempty"`
		Name string `json:"name,omitempty"`
	}
	var body struct {
		Auth struct {
			Identity struct {
				Methods    []string `json:"methods"`
				AssumeRole struct {
					DomainName string `json:"domain_name"`
					XRoleName  string `json:"xrole_name"`
				} `json:"assume_role"`
			} `json:"identity"`
			Scope struct {
				Project *named `json:"project,omitempty"`
				Domain  *named `json:"domain,omitempty"`
			} `json:"scope"`
		} `json:"auth"`
	}
	body.Auth.Identity.Methods = []string{"assume_role"}
	body.Auth.Identity.AssumeRole.DomainName, body.Auth.Identity.AssumeRole.XRoleName = domainName, xroleName
	if accountScope {
		body.Auth.Scope.Domain = &named{Name: domainName}
	} else {
		body.Auth.Scope.Project = &named{ID: scope.ID, Name: scope.Name}
	}
	var out tokenAnswer
	var header http.Header
	err := i.c.do(ctx, call{service: ServiceIAM, method: http.MethodPost, path: "/v3/auth/tokens", body: body, out: &out, idempotent: true, header: &header, creds: by})
	if err != nil {
		return Token{}, err
	}
	return out.token(header)
}

// MetadataSecurityKey answers the cloud server metadata service's GET /openstack/latest/securitykey: temporary
// keys of the agency bound to the server.
func (c *Client) MetadataSecurityKey(ctx context.Context) (TemporaryKey, error) {
	var out credentialBody
	if err := c.do(ctx, call{service: ServiceIAM, base: c.cfg.metadataURL(), method: http.MethodGet, path: "/openstack/latest/securitykey", out: &out, noAuth: true}); err != nil {
		return TemporaryKey{}, err
	}
	return out.key()
}

func (c Config) metadataURL() string {
	if c.MetadataURL != "" {
		return strings.TrimRight(c.MetadataURL, "/")
	}
	return DefaultMetadataURL
}

// keySession makes the session of a temporary key.
func keySession(k TemporaryKey) session {
	return session{creds: accessKey{ak: k.Access, sk: k.Secret, securityToken: k.SecurityToken}, issued: time.Now(), expires: k.ExpiresAt}
}

// temporaryCredentials builds the exchange a configuration asks for around base, the credentials it names
// itself (nil when the exchange needs none), or returns base unchanged when it asks for none.
func (c *Client) temporaryCredentials(base credentials) credentials {
	cfg := c.cfg
	iam := c.IAM()
	// assumeChain assumes each role of roles with the keys of the one before, starting from by.
	assumeChain := func(ctx context.Context, by credentials, roles []AssumeRole, names func(int) string) (session, error) {
		var s session
		for k, role := range roles {
			key, err := iam.CreateTemporaryAccessKeyByAgency(ctx, by, role)
			if err != nil {
				return session{}, fmt.Errorf("%s: assuming agency %q of domain %q: %w", names(k), role.AgencyName, role.DomainName+role.DomainID, err)
			}
			s = keySession(key)
			by = s.creds
		}
		return s, nil
	}
	switch {
	case cfg.OIDC != nil:
		o := *cfg.OIDC
		return &exchange{signs: true, fetch: func(ctx context.Context, _ Scope) (session, error) {
			idToken, setting := o.IDToken, "assume_role_with_oidc.id_token"
			if o.IDTokenFile != "" {
				setting = "assume_role_with_oidc.id_token_file"
				data, err := os.ReadFile(o.IDTokenFile)
				if err != nil {
					return session{}, &refusal{fmt.Errorf("%s: cannot read the ID token: %w", setting, err)}
				}
				idToken = strings.TrimSpace(string(data))
			}
			scope := ProjectScope{ID: cfg.ProjectID, Name: cfg.ProjectName}
			if scope.ID == "" && scope.Name == "" {
				scope.Name = cfg.Region
			}
			tok, err := iam.CreateTokenWithIDToken(ctx, o.IdPID, idToken, scope)
			if err != nil {
				return session{}, fmt.Errorf("%s (identity provider assume_role_with_oidc.idp_id %q): exchanging the ID token: %w", setting, o.IdPID, err)
			}
			if o.Agency != nil {
				return assumeChain(ctx, staticToken(tok.Value), []AssumeRole{*o.Agency}, func(int) string { return "assume_role_with_oidc.agency_name" })
			}
			key, err := iam.CreateTemporaryAccessKeyByToken(ctx, tok.Value, 0)
			if err != nil {
				return session{}, fmt.Errorf("assume_role_with_oidc (identity provider %q): obtaining temporary keys: %w", o.IdPID, err)
			}
			return keySession(key), nil
		}}
	case cfg.UseMetadata:
		metadata := &exchange{signs: true, fetch: func(ctx context.Context, _ Scope) (session, error) {
			key, err := c.MetadataSecurityKey(ctx)
			if err != nil {
				return session{}, fmt.Errorf("use_instance_metadata: asking the metadata service at %s (metadata_url) for keys: %w", cfg.metadataURL(), err)
			}
			return keySession(key), nil
		}}
		if len(cfg.AssumeRoles) == 0 {
			return metadata
		}
		base = metadata
	}
	switch {
	case len(cfg.AssumeRoles) > 0:
		roles := cfg.AssumeRoles
		return &exchange{signs: true, fetch: func(ctx context.Context, _ Scope) (session, error) {
			return assumeChain(ctx, base, roles, func(k int) string { return fmt.Sprintf("assume_role[%d]", k) })
		}}
	case cfg.AgencyName != "":
		return &exchange{perScope: true, fetch: func(ctx context.Context, scope Scope) (session, error) {
			project := ProjectScope{Name: cfg.DelegatedProject}
			if project.Name == "" {
				project = ProjectScope{ID: cfg.ProjectID, Name: cfg.ProjectName}
				if project.ID == "" && project.Name == "" {
					project.Name = cfg.Region
				}
			}
			tok, err := iam.CreateAgencyToken(ctx, base, cfg.AgencyDomainName, cfg.AgencyName, project, scope == AccountScoped)
			if err != nil {
				return session{}, fmt.Errorf("agency_name %q of agency_domain_name %q (delegated_project %q): obtaining the agency's token: %w",
					cfg.AgencyName, cfg.AgencyDomainName, project.Name+project.ID, err)
			}
			return session{creds: staticToken(tok.Value), issued: time.Now(), expires: tok.ExpiresAt, projectID: tok.ProjectID}, nil
		}}
	}
	return base
}
