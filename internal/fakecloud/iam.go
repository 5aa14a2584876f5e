package fakecloud

import (
	"net/http"
	"slices"
	"strings"
)

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
		} `json:"identity"`
		Scope struct {
			Project struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"project"`
		} `json:"scope"`
	} `json:"auth"`
}

type nameRef struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
}

type tokenBody struct {
	Token struct {
		ExpiresAt string   `json:"expires_at"`
		IssuedAt  string   `json:"issued_at"`
		Methods   []string `json:"methods"`
		Project   struct {
			ID     string  `json:"id"`
			Name   string  `json:"name"`
			Domain nameRef `json:"domain"`
		} `json:"project"`
		User struct {
			Name   string  `json:"name"`
			Domain nameRef `json:"domain"`
		} `json:"user"`
	} `json:"token"`
}

// issueToken is POST /v3/auth/tokens with a password identity scoped to a project.
func (s *Server) issueToken(c *call) (reply, *apiError) {
	var req tokenRequest
	if err := c.decode(&req); err != nil {
		return fail(errIAMBadRequest.with("body"))
	}
	id := req.Auth.Identity
	user := id.Password.User
	scope := req.Auth.Scope.Project
	switch {
	case !slices.Contains(id.Methods, "password"):
		return fail(errIAMBadRequest.with("auth.identity.methods"))
	case user.Name == "" || user.Password == "" || user.Domain.Name == "":
		return fail(errIAMBadRequest.with("auth.identity.password.user"))
	case scope.ID == "" && scope.Name == "":
		return fail(errIAMBadRequest.with("auth.scope.project"))
	}
	if user.Name != DefaultUserName || user.Password != DefaultPassword || user.Domain.Name != DefaultDomainName {
		return fail(errIAMLogin.with())
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.projects[scope.ID]
	if scope.ID == "" {
		p = s.st.projectByName(scope.Name)
	}
	if p == nil || (scope.Name != "" && p.name != scope.Name) {
		return fail(errIAMNoProject.with())
	}
	now := s.now()
	tok := "fake-token-" + newID()
	s.st.tokens[tok] = token{projectID: p.id, expires: now.Add(tokenLifetime)}

	var body tokenBody
	t := &body.Token
	t.ExpiresAt, t.IssuedAt = formatTime(now.Add(tokenLifetime)), formatTime(now)
	t.Methods = []string{"password"}
	t.Project.ID, t.Project.Name = p.id, p.name
	t.Project.Domain = nameRef{ID: domainID, Name: DefaultDomainName}
	t.User.Name, t.User.Domain = DefaultUserName, nameRef{ID: domainID, Name: DefaultDomainName}
	return reply{status: http.StatusCreated, body: body, header: http.Header{"X-Subject-Token": {tok}}}, nil
}

type projectView struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	DomainID string `json:"domain_id"`
	Enabled  bool   `json:"enabled"`
}

// listProjects is GET /v3/projects, which clients use to turn a region name into a project ID.
func (s *Server) listProjects(c *call) (reply, *apiError) {
	name := c.query("name")
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []projectView{}
	for _, p := range s.st.projects {
		if name == "" || p.name == name {
			out = append(out, projectView{ID: p.id, Name: p.name, DomainID: domainID, Enabled: true})
		}
	}
	slices.SortFunc(out, func(a, b projectView) int { return strings.Compare(a.Name, b.Name) })
	return ok(map[string]any{"projects": out})
}

// authenticate accepts an IAM token (X-Auth-Token) or an AK/SK signature, and records the token's scope.
func (s *Server) authenticate(c *call) *apiError {
	if tok := c.r.Header.Get("X-Auth-Token"); tok != "" {
		s.mu.Lock()
		t, known := s.st.tokens[tok]
		s.mu.Unlock()
		switch {
		case !known:
			return errTokenWrong.with()
		case !t.expires.IsZero() && !s.opts.Now().Before(t.expires):
			return errTokenExpired.with()
		}
		c.scope = t.projectID
		return nil
	}
	if c.r.Header.Get("Authorization") != "" {
		return s.verifySignature(c.r, c.body)
	}
	return errTokenMissing.with()
}

// authorizeProject checks that the caller may act in projectID: a token only in its own project, an AK/SK
// caller in every project of the domain. s.mu must be held.
func (s *Server) authorizeProject(c *call, projectID string) (*project, *apiError) {
	p := s.st.projects[projectID]
	if p == nil || (c.scope != "" && c.scope != projectID) {
		return nil, errNoPermission.with()
	}
	return p, nil
}
