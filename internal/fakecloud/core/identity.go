package core

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"regexp"
	"slices"
	"time"
)

// The one account (IAM domain) of the fake cloud, its user and credentials, and the two projects it starts
// with. Project IDs are 32 lower-case hex characters.
const (
	DefaultProjectID   = "0b5b0b8c5c0b4a6b9e8a6c4d2e1f0a9b"
	DefaultProjectName = "eu-de"                            // region name doubles as project name, as on the real clouds
	OtherProjectID     = "9f8e7d6c5b4a39281706f5e4d3c2b1a0" // a second project in the same domain
	OtherProjectName   = "eu-nl"
	DefaultDomainID    = "5d1c6b0a4e8f4c2d9a7b3e1f0c6d8a2b" // the account; X-Domain-Id of AK/SK callers of global services
	DefaultDomainName  = "demo-domain"
	DefaultUserName    = "demo-user"
	DefaultUserID      = "7c4e2a9d1b3f4e6a8c0d2f4b6a8e1c3d" // the user's ID, which objects a service records their creator by
	DefaultPassword    = "demo-password-123"
	DefaultAccessKey   = "FAKEACCESSKEY0000001"
	DefaultSecretKey   = "fakeSecretKey0000000000000000000000000001"
	DefaultToken       = "fake-token-default-project" // pre-issued, valid, scoped to DefaultProjectID
	OtherProjectToken  = "fake-token-other-project"   // pre-issued, valid, scoped to OtherProjectID
	DomainToken        = "fake-token-domain"          // pre-issued, valid, scoped to the account (for global services)
)

var projectIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// Credentials are the identities the server accepts.
type Credentials struct {
	ProjectID, ProjectName, OtherProjectID, OtherProjectName                       string
	DomainName, UserName, Password, AccessKey, SecretKey, Token, OtherProjectToken string
	DomainID, DomainToken                                                          string
}

// Credentials returns the identities the server accepts.
func (s *Server) Credentials() Credentials {
	return Credentials{
		ProjectID: DefaultProjectID, ProjectName: DefaultProjectName,
		OtherProjectID: OtherProjectID, OtherProjectName: OtherProjectName,
		DomainName: DefaultDomainName, UserName: DefaultUserName, Password: DefaultPassword,
		AccessKey: DefaultAccessKey, SecretKey: DefaultSecretKey,
		Token: DefaultToken, OtherProjectToken: OtherProjectToken,
		DomainID: DefaultDomainID, DomainToken: DomainToken,
	}
}

// identity is who exists and which tokens were issued; Server.mu guards it.
type identity struct {
	projects map[string]string // project ID → name (the region)
	tokens   map[string]token
	tempKeys map[string]tempKey // temporary access key → its secret, security token, expiry, principal (sts.go)
	iam      IAMFixture         // agencies, identity providers, the metadata service's agency (sts.go)
}

type token struct {
	projectID string    // "": scoped to the account
	expires   time.Time // zero: never
	user      string    // the IAM user (domain/name) a login issued it to; "" for the pre-issued ones
	principal string    // who holds it (AgencyFixture.Trusted); "" for the pre-issued ones: the user
}

func newIdentity() identity {
	return identity{
		projects: map[string]string{DefaultProjectID: DefaultProjectName, OtherProjectID: OtherProjectName},
		tokens: map[string]token{
			DefaultToken:      {projectID: DefaultProjectID},
			OtherProjectToken: {projectID: OtherProjectID},
			DomainToken:       {},
		},
		tempKeys: map[string]tempKey{},
	}
}

func (id identity) projectByName(name string) (string, bool) {
	for pid, pname := range id.projects {
		if pname == name {
			return pid, true
		}
	}
	return "", false
}

// Caller is who sent a request.
type Caller struct {
	// ProjectID is the project a token is scoped to; "" for an account-scoped token or an AK/SK caller.
	ProjectID string
	// Signed marks an AK/SK caller, who may act in every project of the account (of its agency, for the
	// temporary keys of one).
	Signed bool
	// Principal is who the credentials are of: "user", "agency:<name>" or "idp:<id>" (sts.go).
	Principal string
	// projects restrict a signed caller (an agency's or a federated user's temporary keys); nil: every one.
	projects []string
}

// authenticate accepts an IAM token (X-Auth-Token) or an AK/SK signature, answering failures in the
// service's codes.
func (s *Server) authenticate(c *Call) *Error {
	r := c.Request
	if tok := r.Header.Get("X-Auth-Token"); tok != "" {
		s.mu.Lock()
		t, known := s.id.tokens[tok]
		s.mu.Unlock()
		switch {
		case !known:
			return c.errs.TokenInvalid.With()
		case !t.expires.IsZero() && !s.opts.Now().Before(t.expires):
			return c.errs.TokenExpired.With()
		}
		c.Caller = Caller{ProjectID: t.projectID, Principal: cmp.Or(t.principal, principalUser)}
		return nil
	}
	if r.Header.Get("Authorization") != "" {
		key, err := s.verifySignature(r, c.Body, c.errs)
		if err != nil {
			return err
		}
		c.Caller = Caller{Signed: true, Principal: cmp.Or(key.principal, principalUser), projects: key.projects}
		return nil
	}
	return c.errs.TokenMissing.With()
}

// authorize checks that the caller may act where the call does: in the path's project (a token only in its
// own, an AK/SK caller in every project of the account) or in the account (a token scoped to it, an AK/SK
// caller naming it in X-Domain-Id).
func (s *Server) authorize(c *Call, scope Scope) *Error {
	c.AccountID = DefaultDomainID
	switch scope {
	case ScopeProject:
		pid := c.PathValue("project_id")
		s.mu.Lock()
		_, known := s.id.projects[pid]
		s.mu.Unlock()
		if !known || (!c.Caller.Signed && c.Caller.ProjectID != pid) || (c.Caller.projects != nil && !slices.Contains(c.Caller.projects, pid)) {
			return c.errs.Forbidden.With()
		}
		c.ProjectID = pid
	case ScopeAccount:
		if (c.Caller.Signed && c.Request.Header.Get("X-Domain-Id") != DefaultDomainID) ||
			(!c.Caller.Signed && c.Caller.ProjectID != "") {
			return c.errs.Forbidden.With()
		}
	}
	return nil
}

// NewID returns 32 random lower-case hex characters, the shape of every ID the clouds generate.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// FormatTime renders times the way the clouds do: RFC 3339 in UTC, whole seconds; the zero time as "".
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
