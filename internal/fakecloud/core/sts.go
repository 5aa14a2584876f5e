package core

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// Temporary credentials: agencies (assume role, the SDK's iam/v3 CreateTemporaryAccessKeyByAgency and Open
// Telekom Cloud's assume_role token), OIDC ID tokens exchanged for IAM tokens (CreateTokenWithIdToken), IAM
// tokens exchanged for temporary keys (CreateTemporaryAccessKeyByToken) and the instance metadata's security
// key. Who may assume what is the fixture's "iam" section (IAMFixture); everything issued here expires.

// IAMFixture is the fixture's "iam" section: agencies, identity providers and what the metadata service
// hands out.
//
//	{"iam": {"credential_seconds": 4,
//	         "agencies": [{"name": "authz-admin", "trusted": ["user"], "projects": ["<project ID>"]},
//	                      {"name": "authz-member", "trusted": ["agency:authz-admin", "idp:ci"]}],
//	         "identity_providers": [{"id": "ci", "id_tokens": [{"value": "eyJ…", "expires_at": "2030-01-01T00:00:00Z"}]}],
//	         "metadata_agency": "authz-admin"}}
type IAMFixture struct {
	// CredentialSeconds caps the lifetime of every temporary key and agency or federated token issued; 0:
	// as asked (duration_seconds, 900 by default). Tests set a few seconds, below IAM's minimum of 900.
	CredentialSeconds int                       `json:"credential_seconds,omitempty"`
	Agencies          []AgencyFixture           `json:"agencies,omitempty"`
	IdentityProviders []IdentityProviderFixture `json:"identity_providers,omitempty"`
	// MetadataAgency names the agency the cloud server's metadata service hands keys of out; "": none (404).
	MetadataAgency string `json:"metadata_agency,omitempty"`
}

// AgencyFixture is an agency of the fake's one account (DefaultDomainName/DefaultDomainID).
type AgencyFixture struct {
	Name string `json:"name"`
	// Trusted are the principals that may assume it: "user" (the account's IAM user, by its keys, password
	// or tokens), "agency:<name>" (keys of that agency: chains), "idp:<id>" (federated users of an identity
	// provider).
	Trusted []string `json:"trusted"`
	// Projects are the project IDs the agency may act in; empty: every project of the account.
	Projects []string `json:"projects,omitempty"`
}

// IdentityProviderFixture is an OIDC identity provider and the ID tokens it issued.
type IdentityProviderFixture struct {
	ID       string           `json:"id"`
	IDTokens []IDTokenFixture `json:"id_tokens"`
	// Projects are the project IDs its federated users may act in without an agency; empty: every project.
	Projects []string `json:"projects,omitempty"`
}

// IDTokenFixture is an ID token the provider issued; the fake checks it by value, not by signature.
type IDTokenFixture struct {
	Value     string    `json:"value"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Principals named in AgencyFixture.Trusted.
const (
	principalUser   = "user"
	principalAgency = "agency:"
	principalIdP    = "idp:"
)

// IAM's answers for temporary credentials. The codes are chosen: the public IAM error list documents these
// cases only by message.
var (
	errIAMAgency       = ErrorDef{http.StatusForbidden, "IAM.0020", "Agency %s in domain %s does not exist or does not trust the caller."}
	errIAMNoIdP        = ErrorDef{http.StatusNotFound, "IAM.0021", "The identity provider %s does not exist."}
	errIAMIDToken      = ErrorDef{http.StatusUnauthorized, "IAM.0022", "The id_token is invalid for identity provider %s."}
	errIAMIDTokenExp   = ErrorDef{http.StatusUnauthorized, "IAM.0023", "The id_token has expired."}
	errIAMNoMetadata   = ErrorDef{http.StatusNotFound, "IAM.0024", "No agency is bound to this server."}
	errIAMScope        = ErrorDef{http.StatusForbidden, "IAM.0025", "The principal may not act in project %s."}
	errIAMNeedsToken   = ErrorDef{http.StatusBadRequest, "IAM.0011", "Request parameter %s is invalid: the token method needs X-Auth-Token."}
	defaultSTSDuration = 900 * time.Second
)

// tempKey is a temporary access key: its secret, security token, expiry and whose it is.
type tempKey struct {
	secret, securityToken string
	expires               time.Time
	principal             string
	projects              []string // nil: every project
}

func (s *Server) registerSTS() {
	r := &Routes{srv: s, service: iamService, errs: iamErrors}
	r.handle("POST", "/v3.0/OS-CREDENTIAL/securitytokens", scopeAnyCaller, s.issueSecurityToken)
	r.handle("POST", "/v3.0/OS-AUTH/id-token/tokens", scopePublic, s.issueFederatedToken)
	r.handle("GET", "/openstack/latest/securitykey", scopePublic, s.metadataSecurityKey)
}

// lifetime is how long a temporary credential asked for d lasts: d, capped by the fixture's
// credential_seconds. Server.mu held.
func (s *Server) lifetime(d time.Duration) time.Duration {
	if d <= 0 {
		d = defaultSTSDuration
	}
	if capped := time.Duration(s.id.iam.CredentialSeconds) * time.Second; capped > 0 && capped < d {
		return capped
	}
	return d
}

// assumable finds the agency name in domain (by name or ID) that principal may assume. Server.mu held.
func (s *Server) assumable(name, domainName, domainID, principal string) (AgencyFixture, *Error) {
	domain := domainName
	if domain == "" {
		domain = domainID
	}
	inDomain := (domainName == "" || domainName == DefaultDomainName) && (domainID == "" || domainID == DefaultDomainID) && domain != ""
	i := slices.IndexFunc(s.id.iam.Agencies, func(a AgencyFixture) bool { return a.Name == name })
	if !inDomain || i < 0 || !slices.Contains(s.id.iam.Agencies[i].Trusted, principal) {
		return AgencyFixture{}, errIAMAgency.With(name, domain)
	}
	return s.id.iam.Agencies[i], nil
}

// projectsOf is what a principal may act in: nil for every project. Server.mu held.
func (s *Server) projectsOf(principal string) []string {
	for _, a := range s.id.iam.Agencies {
		if principalAgency+a.Name == principal {
			return a.Projects
		}
	}
	for _, p := range s.id.iam.IdentityProviders {
		if principalIdP+p.ID == principal {
			return p.Projects
		}
	}
	return nil
}

// newTempKey issues a temporary key of principal for d. Server.mu held.
func (s *Server) newTempKey(principal string, d time.Duration) (credentialView, tempKey) {
	k := tempKey{secret: "tmpsk-" + NewID(), securityToken: "tmpst-" + NewID() + NewID(),
		expires: s.opts.Now().UTC().Add(s.lifetime(d)), principal: principal, projects: s.projectsOf(principal)}
	ak := "TMPAK" + NewID()[:15]
	s.id.tempKeys[ak] = k
	return credentialView{Access: ak, Secret: k.secret, SecurityToken: k.securityToken, ExpiresAt: k.expires.Format("2006-01-02T15:04:05.000000Z")}, k
}

// credentialView is the SDK's Credential.
type credentialView struct {
	Access        string `json:"access"`
	Secret        string `json:"secret"`
	SecurityToken string `json:"securitytoken"`
	ExpiresAt     string `json:"expires_at"`
}

type stsRequest struct {
	Auth struct {
		Identity struct {
			Methods    []string `json:"methods"`
			AssumeRole *struct {
				AgencyName      string `json:"agency_name"`
				DomainName      string `json:"domain_name"`
				DomainID        string `json:"domain_id"`
				DurationSeconds int    `json:"duration_seconds"`
			} `json:"assume_role"`
			Token *struct {
				DurationSeconds int `json:"duration_seconds"`
			} `json:"token"`
		} `json:"identity"`
	} `json:"auth"`
}

// issueSecurityToken is POST /v3.0/OS-CREDENTIAL/securitytokens: temporary keys of an agency the caller may
// assume (assume_role), or of the caller's own token (token).
func (s *Server) issueSecurityToken(c *Call) (Reply, *Error) {
	var req stsRequest
	if err := c.Decode(&req); err != nil {
		return Fail(err)
	}
	id := req.Auth.Identity
	duration := func(seconds int) (time.Duration, *Error) {
		if seconds != 0 && (seconds < 900 || seconds > 43200) {
			return 0, errIAMBadRequest.With("duration_seconds")
		}
		return time.Duration(seconds) * time.Second, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var view credentialView
	switch {
	case slices.Equal(id.Methods, []string{"assume_role"}) && id.AssumeRole != nil:
		ar := id.AssumeRole
		d, err := duration(ar.DurationSeconds)
		if err != nil {
			return Fail(err)
		}
		agency, err := s.assumable(ar.AgencyName, ar.DomainName, ar.DomainID, c.Caller.Principal)
		if err != nil {
			return Fail(err)
		}
		view, _ = s.newTempKey(principalAgency+agency.Name, d)
	case slices.Equal(id.Methods, []string{"token"}):
		if c.Request.Header.Get("X-Auth-Token") == "" {
			return Fail(errIAMNeedsToken.With("auth.identity.methods"))
		}
		var seconds int
		if id.Token != nil {
			seconds = id.Token.DurationSeconds
		}
		d, err := duration(seconds)
		if err != nil {
			return Fail(err)
		}
		view, _ = s.newTempKey(c.Caller.Principal, d)
	default:
		return Fail(errIAMBadRequest.With("auth.identity.methods"))
	}
	return Reply{Status: http.StatusCreated, Body: map[string]any{"credential": view}}, nil
}

type idTokenRequest struct {
	Auth struct {
		IDToken struct {
			ID string `json:"id"`
		} `json:"id_token"`
		Scope *struct {
			Project *nameRef `json:"project"`
		} `json:"scope"`
	} `json:"auth"`
}

// issueFederatedToken is POST /v3.0/OS-AUTH/id-token/tokens: an ID token of the identity provider X-Idp-Id
// exchanged for an IAM token of its federated user, scoped to the project asked for.
func (s *Server) issueFederatedToken(c *Call) (Reply, *Error) {
	var req idTokenRequest
	if err := c.Decode(&req); err != nil {
		return Fail(err)
	}
	idpID := c.Request.Header.Get("X-Idp-Id")
	if idpID == "" {
		return Fail(errIAMBadRequest.With("X-Idp-Id"))
	}
	if req.Auth.IDToken.ID == "" {
		return Fail(errIAMBadRequest.With("auth.id_token.id"))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.id.iam.IdentityProviders, func(p IdentityProviderFixture) bool { return p.ID == idpID })
	if i < 0 {
		return Fail(errIAMNoIdP.With(idpID))
	}
	idp := s.id.iam.IdentityProviders[i]
	j := slices.IndexFunc(idp.IDTokens, func(t IDTokenFixture) bool { return t.Value == req.Auth.IDToken.ID })
	switch {
	case j < 0:
		return Fail(errIAMIDToken.With(idpID))
	case !s.Now().Before(idp.IDTokens[j].ExpiresAt):
		return Fail(errIAMIDTokenExp.With())
	}
	tok := token{principal: principalIdP + idp.ID, expires: s.Now().Add(s.lifetime(0))}
	if sc := req.Auth.Scope; sc != nil && sc.Project != nil {
		pid := sc.Project.ID
		if pid == "" {
			pid, _ = s.id.projectByName(sc.Project.Name)
		}
		if _, known := s.id.projects[pid]; !known {
			return Fail(errIAMNoProject.With())
		}
		if idp.Projects != nil && !slices.Contains(idp.Projects, pid) {
			return Fail(errIAMScope.With(pid))
		}
		tok.projectID = pid
	}
	value := "fake-federated-" + NewID()
	s.id.tokens[value] = tok
	return Reply{Status: http.StatusCreated, Body: s.tokenView(tok, "token"), Header: http.Header{"X-Subject-Token": {value}}}, nil
}

// issueAgencyToken is Open Telekom Cloud's POST /v3/auth/tokens with the assume_role method: a token of an
// agency the caller (its X-Auth-Token, or an AK/SK signature) may assume, scoped to a project the agency may
// act in.
func (s *Server) issueAgencyToken(c *Call, req tokenRequest) (Reply, *Error) {
	if err := s.authenticate(c); err != nil {
		return Fail(err)
	}
	ar := req.Auth.Identity.AssumeRole
	project := req.Auth.Scope.Project
	if ar == nil || ar.XRoleName == "" {
		return Fail(errIAMBadRequest.With("auth.identity.assume_role"))
	}
	domain := req.Auth.Scope.Domain
	if (project == nil || project.ID == "" && project.Name == "") && domain == nil {
		return Fail(errIAMBadRequest.With("auth.scope.project"))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	agency, err := s.assumable(ar.XRoleName, ar.DomainName, ar.DomainID, c.Caller.Principal)
	if err != nil {
		return Fail(err)
	}
	var pid string // "": scoped to the account
	if project != nil {
		if pid = project.ID; pid == "" {
			pid, _ = s.id.projectByName(project.Name)
		}
		if _, known := s.id.projects[pid]; !known {
			return Fail(errIAMNoProject.With())
		}
		if agency.Projects != nil && !slices.Contains(agency.Projects, pid) {
			return Fail(errIAMScope.With(pid))
		}
	} else if (domain.ID != "" && domain.ID != DefaultDomainID) || (domain.Name != "" && domain.Name != DefaultDomainName) {
		return Fail(errIAMNoDomain.With())
	}
	tok := token{projectID: pid, principal: principalAgency + agency.Name, expires: s.Now().Add(s.lifetime(0))}
	value := "fake-agency-" + NewID()
	s.id.tokens[value] = tok
	return Reply{Status: http.StatusCreated, Body: s.tokenView(tok, "assume_role"), Header: http.Header{"X-Subject-Token": {value}}}, nil
}

// tokenView is the body of a token answer. Server.mu held.
func (s *Server) tokenView(tok token, method string) tokenBody {
	var body tokenBody
	t := &body.Token
	t.ExpiresAt, t.IssuedAt = FormatTime(tok.expires), FormatTime(s.Now())
	t.Methods = []string{method}
	t.Catalog, t.Roles = []struct{}{}, []nameRef{}
	account := nameRef{ID: DefaultDomainID, Name: DefaultDomainName}
	if tok.projectID == "" {
		t.Domain = &account
	} else {
		t.Project = &projectRef{ID: tok.projectID, Name: s.id.projects[tok.projectID], Domain: account}
	}
	t.User.ID, t.User.Name, t.User.Domain = DefaultUserID, DefaultUserName, account
	never := ""
	switch {
	case strings.HasPrefix(tok.principal, principalIdP):
		t.User.ID, t.User.Name = NewID(), tok.principal
		t.User.OSFederation = &osFederation{Groups: []any{}}
		t.User.OSFederation.IdentityProvider.ID = strings.TrimPrefix(tok.principal, principalIdP)
		t.User.OSFederation.Protocol.ID = "oidc"
	case tok.principal != principalUser:
		t.User.ID, t.User.Name, t.User.PasswordExpiresAt = NewID(), tok.principal, &never // an agency's session
	default:
		t.User.PasswordExpiresAt = &never
	}
	return body
}

// osFederation is the SDK's OsFederationInfo.
type osFederation struct {
	IdentityProvider struct {
		ID string `json:"id"`
	} `json:"identity_provider"`
	Protocol struct {
		ID string `json:"id"`
	} `json:"protocol"`
	Groups []any `json:"groups"`
}

// metadataSecurityKey is the cloud server metadata service's GET /openstack/latest/securitykey: temporary
// keys of the agency bound to the server. The real service answers on 169.254.169.254 without credentials;
// tests point the provider's metadata URL here.
func (s *Server) metadataSecurityKey(*Call) (Reply, *Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := s.id.iam.MetadataAgency
	if name == "" {
		return Fail(errIAMNoMetadata.With())
	}
	view, _ := s.newTempKey(principalAgency+name, 0)
	return OK(map[string]any{"credential": view})
}
