package core

import (
	"net/http"
	"slices"
	"strings"
)

// IAM, the token service (api-notes.md §0): password logins scoped to a project or to the account, the
// project lookup clients use to turn a region name into a project ID, and the account lookup AK/SK clients
// of global services use to find the X-Domain-Id to send. It answers in its own IAM.* codes, and in the shapes
// of the SDK's services/iam/v3 models, every field they require included (sdkconformance checks them).

// iamErrors are IAM's answers, in its own codes. Every row is chosen: the public IAM error list documents
// none of these cases.
var (
	errIAMBadRequest = ErrorDef{http.StatusBadRequest, "IAM.0011", "Request parameter %s is invalid."}
	errIAMLogin      = ErrorDef{http.StatusUnauthorized, "IAM.0001", "The username or password is wrong."}
	errIAMNoProject  = ErrorDef{http.StatusBadRequest, "IAM.0003", "The project does not exist."}
	errIAMNoDomain   = ErrorDef{http.StatusBadRequest, "IAM.0004", "The domain does not exist."}

	iamErrors = ServiceErrors{
		Malformed:          ErrorDef{http.StatusBadRequest, "IAM.0011", "Request parameter body is invalid."},
		BodyTooLarge:       ErrorDef{http.StatusRequestEntityTooLarge, "IAM.0011", "Request parameter body is larger than %d bytes."},
		TokenMissing:       ErrorDef{http.StatusUnauthorized, "IAM.0101", "The request you have made requires authentication."},
		TokenExpired:       ErrorDef{http.StatusUnauthorized, "IAM.0102", "The token has expired."},
		TokenInvalid:       ErrorDef{http.StatusUnauthorized, "IAM.0103", "The token is invalid."},
		Forbidden:          ErrorDef{http.StatusForbidden, "IAM.0104", "You are not authorized to perform the requested action."},
		SignatureMalformed: ErrorDef{http.StatusUnauthorized, "IAM.0105", "Incorrect IAM authentication information: malformed Authorization or X-Sdk-Date header"},
		AccessKeyUnknown:   ErrorDef{http.StatusUnauthorized, "IAM.0105", "Incorrect IAM authentication information: Get secretKey failed,ak:%s,err:ak not exist"},
		ClockSkew:          ErrorDef{http.StatusUnauthorized, "IAM.0105", "Incorrect IAM authentication information: X-Sdk-Date %s is more than 15 minutes from the server time"},
		SignatureMismatch:  ErrorDef{http.StatusUnauthorized, "IAM.0105", "Incorrect IAM authentication information: verify aksk signature fail"},
		UnknownRoute:       ErrorDef{http.StatusNotFound, "IAM.0106", "The requested resource could not be found."},
		SystemError:        ErrorDef{http.StatusInternalServerError, "IAM.0107", "Internal server error."},
	}
)

// iamService names IAM's calls in the route table; no service may take the name.
const iamService = "iam"

func (s *Server) registerIAM() {
	r := &Routes{srv: s, service: iamService, errs: iamErrors}
	r.handle("POST", "/v3/auth/tokens", scopePublic, s.issueToken)
	r.handle("GET", "/v3/projects", scopeAnyCaller, s.listProjects)
	r.handle("GET", "/v3/auth/domains", scopeAnyCaller, s.listAuthDomains)
	s.registerSTS()
}

type nameRef struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
}

type tokenRequest struct {
	Auth struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password struct {
				User struct {
					Name     string `json:"name"`
					Password string `json:"password"`
					Domain   struct {
						Name string `json:"name"`
					} `json:"domain"`
				} `json:"user"`
			} `json:"password"`
			// AssumeRole is Open Telekom Cloud's agency token (sts.go).
			AssumeRole *struct {
				DomainName string `json:"domain_name"`
				DomainID   string `json:"domain_id"`
				XRoleName  string `json:"xrole_name"`
			} `json:"assume_role"`
		} `json:"identity"`
		Scope struct {
			Project *nameRef `json:"project"`
			Domain  *nameRef `json:"domain"`
		} `json:"scope"`
	} `json:"auth"`
}

type projectRef struct {
	ID     string  `json:"id"`
	Name   string  `json:"name"`
	Domain nameRef `json:"domain"`
}

// tokenBody is the SDK's KeystoneCreateUserTokenByPasswordResponse.
type tokenBody struct {
	Token struct {
		ExpiresAt string      `json:"expires_at"`
		IssuedAt  string      `json:"issued_at"`
		Methods   []string    `json:"methods"`
		Project   *projectRef `json:"project,omitempty"`
		Domain    *nameRef    `json:"domain,omitempty"` // an account-scoped token's scope
		// The fake has no endpoint catalog and no roles; the model requires both lists.
		Catalog []struct{} `json:"catalog"`
		Roles   []nameRef  `json:"roles"`
		User    struct {
			ID     string  `json:"id"`
			Name   string  `json:"name"`
			Domain nameRef `json:"domain"`
			// PasswordExpiresAt is "" as for a user whose password never expires; a federated user has none.
			PasswordExpiresAt *string `json:"password_expires_at,omitempty"`
			// OSFederation is a federated user's identity provider (the SDK's FederationUserBody, sts.go).
			OSFederation *osFederation `json:"OS-FEDERATION,omitempty"`
		} `json:"user"`
	} `json:"token"`
}

// issueToken is POST /v3/auth/tokens with a password identity scoped to a project or to the account.
func (s *Server) issueToken(c *Call) (Reply, *Error) {
	var req tokenRequest
	if err := c.Decode(&req); err != nil {
		return Fail(err)
	}
	id := req.Auth.Identity
	if slices.Contains(id.Methods, "assume_role") {
		return s.issueAgencyToken(c, req)
	}
	user := id.Password.User
	project, domain := req.Auth.Scope.Project, req.Auth.Scope.Domain
	switch {
	case !slices.Contains(id.Methods, "password"):
		return Fail(errIAMBadRequest.With("auth.identity.methods"))
	case user.Name == "" || user.Password == "" || user.Domain.Name == "":
		return Fail(errIAMBadRequest.With("auth.identity.password.user"))
	case project != nil && domain != nil:
		return Fail(errIAMBadRequest.With("auth.scope"))
	case domain != nil && domain.ID == "" && domain.Name == "":
		return Fail(errIAMBadRequest.With("auth.scope.domain"))
	case domain == nil && (project == nil || project.ID == "" && project.Name == ""):
		return Fail(errIAMBadRequest.With("auth.scope.project"))
	}
	if user.Name != DefaultUserName || user.Password != DefaultPassword || user.Domain.Name != DefaultDomainName {
		return Fail(errIAMLogin.With())
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	var tok token
	if domain != nil {
		if (domain.ID != "" && domain.ID != DefaultDomainID) || (domain.Name != "" && domain.Name != DefaultDomainName) {
			return Fail(errIAMNoDomain.With())
		}
	} else {
		pid := project.ID
		if pid == "" {
			pid, _ = s.id.projectByName(project.Name)
		}
		name, known := s.id.projects[pid]
		if !known || (project.Name != "" && name != project.Name) {
			return Fail(errIAMNoProject.With())
		}
		tok.projectID = pid
	}
	now := s.Now()
	tok.expires = now.Add(tokenLifetime)
	tok.user = user.Domain.Name + "/" + user.Name
	tok.principal = principalUser
	value := "fake-token-" + NewID()
	s.id.tokens[value] = tok
	return Reply{Status: http.StatusCreated, Body: s.tokenView(tok, "password"), Header: http.Header{"X-Subject-Token": {value}}}, nil
}

// links is the SDK's Links: the object's own URL, and the neighbouring pages, which are never there (null) as
// the fake does not page. The model requires all three.
type links struct {
	Self     string  `json:"self"`
	Previous *string `json:"previous"`
	Next     *string `json:"next"`
}

// selfLink is the URL of path on the server the request came to, as IAM writes its links.
func selfLink(c *Call, path string) string {
	scheme := "http"
	if c.Request.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host + path
}

// projectView is the SDK's ProjectResult. A region's project is a child of the account.
type projectView struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	DomainID    string `json:"domain_id"`
	ParentID    string `json:"parent_id"`
	Enabled     bool   `json:"enabled"`
	IsDomain    bool   `json:"is_domain"`
	Description string `json:"description"`
	Links       links  `json:"links"`
}

// listProjects is GET /v3/projects, which clients use to turn a region name into a project ID.
func (s *Server) listProjects(c *Call) (Reply, *Error) {
	name := c.Query("name")
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []projectView{}
	for id, pname := range s.id.projects {
		if name == "" || pname == name {
			out = append(out, projectView{
				ID: id, Name: pname, DomainID: DefaultDomainID, ParentID: DefaultDomainID, Enabled: true,
				Links: links{Self: selfLink(c, "/v3/projects/"+id)},
			})
		}
	}
	slices.SortFunc(out, func(a, b projectView) int { return strings.Compare(a.Name, b.Name) })
	return OK(map[string]any{"projects": out, "links": links{Self: selfLink(c, c.Request.URL.RequestURI())}})
}

// domainView is the SDK's Domains.
type domainView struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Enabled     bool   `json:"enabled"`
	Description string `json:"description"`
	Links       struct {
		Self string `json:"self"`
	} `json:"links"`
}

// listAuthDomains is GET /v3/auth/domains: the accounts the caller's credentials may act in, the one account
// of the fake cloud for any caller. An AK/SK client learns from it the account ID to send as X-Domain-Id.
func (s *Server) listAuthDomains(c *Call) (Reply, *Error) {
	d := domainView{ID: DefaultDomainID, Name: DefaultDomainName, Enabled: true}
	d.Links.Self = selfLink(c, "/v3/domains/"+DefaultDomainID)
	return OK(map[string]any{"domains": []domainView{d}, "links": map[string]string{"self": selfLink(c, "/v3/auth/domains")}})
}
