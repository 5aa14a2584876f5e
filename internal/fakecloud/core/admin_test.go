package core

import (
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/fakecloudtest"
)

// adminProbe is a probe with an admin endpoint of its own that resets a tenant's count.
type adminProbe struct {
	*probe
	resets atomic.Int32
}

func (p *adminProbe) Routes(r *Routes) {
	p.probe.Routes(r)
	r.Admin("POST", p.name+"/counts/{id}/reset", func(req *http.Request) error {
		if req.PathValue("id") != DefaultDomainID {
			return errors.New("unknown tenant " + req.PathValue("id"))
		}
		p.resets.Add(1)
		return nil
	})
}

func startServer(t *testing.T, s *Server) *fakecloudtest.Client {
	t.Helper()
	return fakecloudtest.Start(t, s, DefaultToken)
}

// TestServiceAdminEndpoints: a service's admin endpoint answers 204 or 400 with the error's text, is not
// logged, and does not exist without Options.Admin.
func TestServiceAdminEndpoints(t *testing.T) {
	t.Parallel()
	p := &adminProbe{probe: newProbe("aprobe", ScopeAccount)}
	s := New(Options{Admin: true})
	s.Register(p)
	f := startServer(t, s)
	f.Do(http.MethodPost, "/_fakecloud/aprobe/counts/"+DefaultDomainID+"/reset", nil, "X-Auth-Token", "").ExpectStatus(t, http.StatusNoContent)
	if msg := f.Do(http.MethodPost, "/_fakecloud/aprobe/counts/nobody/reset", nil).ExpectError(t, http.StatusBadRequest, "FAKECLOUD.0400"); msg != "unknown tenant nobody" {
		t.Errorf("message %q", msg)
	}
	f.Do(http.MethodGet, "/_fakecloud/aprobe/counts/"+DefaultDomainID+"/reset", nil).ExpectError(t, http.StatusNotFound, "FAKECLOUD.0404")
	if n := p.resets.Load(); n != 1 {
		t.Errorf("%d resets", n)
	}
	if recs := s.Requests(); len(recs) != 0 {
		t.Errorf("admin requests logged: %+v", recs)
	}

	closed := New(Options{})
	closed.Register(&adminProbe{probe: newProbe("aprobe", ScopeAccount)})
	startServer(t, closed).Do(http.MethodPost, "/_fakecloud/aprobe/counts/"+DefaultDomainID+"/reset", nil).
		ExpectError(t, http.StatusNotFound, "FAKECLOUD.0404")
}
