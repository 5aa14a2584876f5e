package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/fakecloudtest"
)

// probe is the smallest service: a counter per project and one per account, so the core's tests see what it
// does for every service without depending on a real one. It answers in PROBE.* codes.
type probe struct {
	name  string
	scope Scope

	mu     sync.Mutex
	counts map[string]int // project or account ID → POSTs
}

var probeErrors = ServiceErrors{
	Malformed:          ErrorDef{Status: http.StatusBadRequest, Code: "PROBE.0400", Msg: "malformed"},
	BodyTooLarge:       ErrorDef{Status: http.StatusRequestEntityTooLarge, Code: "PROBE.0413", Msg: "body over %d bytes"},
	TokenMissing:       ErrorDef{Status: http.StatusUnauthorized, Code: "PROBE.0401", Msg: "token missing"},
	TokenExpired:       ErrorDef{Status: http.StatusUnauthorized, Code: "PROBE.0402", Msg: "token expired"},
	TokenInvalid:       ErrorDef{Status: http.StatusUnauthorized, Code: "PROBE.0403", Msg: "token invalid"},
	Forbidden:          ErrorDef{Status: http.StatusForbidden, Code: "PROBE.0404", Msg: "forbidden"},
	SignatureMalformed: ErrorDef{Status: http.StatusUnauthorized, Code: "PROBE.0405", Msg: "signature malformed"},
	AccessKeyUnknown:   ErrorDef{Status: http.StatusUnauthorized, Code: "PROBE.0406", Msg: "access key %s unknown"},
	ClockSkew:          ErrorDef{Status: http.StatusUnauthorized, Code: "PROBE.0407", Msg: "date %s skewed"},
	SignatureMismatch:  ErrorDef{Status: http.StatusUnauthorized, Code: "PROBE.0408", Msg: "signature mismatch"},
	UnknownRoute:       ErrorDef{Status: http.StatusNotFound, Code: "PROBE.0409", Msg: "no such call"},
	SystemError:        ErrorDef{Status: http.StatusInternalServerError, Code: "PROBE.0500", Msg: "system error"},
}

func newProbe(name string, scope Scope) *probe {
	return &probe{name: name, scope: scope, counts: map[string]int{}}
}

func (p *probe) Name() string          { return p.name }
func (p *probe) Scope() Scope          { return p.scope }
func (p *probe) Errors() ServiceErrors { return probeErrors }

// prefix is where the probe's calls are: per project, or for the account.
func (p *probe) prefix() string {
	if p.scope == ScopeProject {
		return "/v1/{project_id}/" + p.name
	}
	return "/v2/" + p.name
}

func (p *probe) Routes(r *Routes) {
	r.Claim(p.prefix() + "/")
	r.Handle("POST", p.prefix()+"/count", p.count)
	r.Handle("GET", p.prefix()+"/count", p.show)
}

// where is the tenant a call acts for.
func (p *probe) where(c *Call) string {
	if p.scope == ScopeProject {
		return c.ProjectID
	}
	return c.AccountID
}

func (p *probe) count(c *Call) (Reply, *Error) {
	var req struct {
		By int `json:"by"`
	}
	if err := c.Decode(&req); err != nil {
		return Fail(err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.counts[p.where(c)] += req.By
	return Created(map[string]int{"count": p.counts[p.where(c)]})
}

func (p *probe) show(c *Call) (Reply, *Error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return OK(map[string]int{"count": p.counts[p.where(c)]})
}

// The probe's fixture section is {"<tenant ID>": count}; every tenant must exist.
func (p *probe) LoadSection(section json.RawMessage, tenants Tenants) (func(), error) {
	var counts map[string]int
	if err := DecodeStrict(bytes.NewReader(section), &counts); err != nil {
		return nil, err
	}
	for id := range counts {
		if (p.scope == ScopeProject && !tenants.HasProject(id)) || (p.scope == ScopeAccount && !tenants.HasAccount(id)) {
			return nil, errors.New("unknown tenant " + id)
		}
	}
	return func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		for id, n := range counts {
			p.counts[id] = n
		}
	}, nil
}

func (p *probe) SnapshotSection() any {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.counts) == 0 {
		return nil
	}
	out := map[string]int{}
	for id, n := range p.counts {
		out[id] = n
	}
	return out
}

// startProbes serves a core with a project-scoped probe "pprobe" and an account-scoped probe "aprobe".
func startProbes(t *testing.T, opts Options) (*Server, *fakecloudtest.Client) {
	t.Helper()
	s := New(opts)
	s.Register(newProbe("pprobe", ScopeProject))
	s.Register(newProbe("aprobe", ScopeAccount))
	return s, fakecloudtest.Start(t, s, DefaultToken)
}
