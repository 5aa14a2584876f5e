package core

import (
	"encoding/json"
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/fakecloudtest"
)

// loggingProbe is an account-scoped probe that declares optional headers for the request log.
type loggingProbe struct{ *probe }

func (loggingProbe) LoggedHeaders() []string { return []string{"X-Site", "x-language"} }

// TestRequestLogHeaders: the log shows the headers a service declares, by canonical name, and no other.
func TestRequestLogHeaders(t *testing.T) {
	t.Parallel()
	s := New(Options{Admin: true, Now: fakecloudtest.NewClock().Now})
	s.Register(loggingProbe{newProbe("aprobe", ScopeAccount)})
	f := startServer(t, s)
	f.Do(http.MethodGet, accountCount, nil, "X-Auth-Token", DomainToken, "X-Site", "1", "X-Language", "en-us", "X-Other", "x")
	f.Do(http.MethodGet, accountCount, nil, "X-Auth-Token", DomainToken)

	recs := s.Requests()
	if len(recs) != 2 {
		t.Fatalf("log %+v", recs)
	}
	if want := map[string]string{"X-Site": "1", "X-Language": "en-us"}; !maps.Equal(recs[0].Headers.Map(), want) {
		t.Errorf("headers %v, want %v", recs[0].Headers.Map(), want)
	}
	if want := MakeHeaders(map[string]string{"x-language": "en-us", "x-site": "1"}); recs[0].Headers != want || recs[0].Headers.Get("x-site") != "1" {
		t.Errorf("headers %v compare unequal to %v", recs[0].Headers.Map(), want.Map())
	}
	if !recs[1].Headers.IsZero() || recs[1].Headers.Map() != nil {
		t.Errorf("headers of a request without any: %v", recs[1].Headers.Map())
	}

	var viaAdmin []RequestRecord
	if err := json.Unmarshal(f.Do(http.MethodGet, "/_fakecloud/requests", nil).Body, &viaAdmin); err != nil || len(viaAdmin) != 2 {
		t.Fatalf("admin log %v %v", viaAdmin, err)
	}
	if viaAdmin[0] != recs[0] || viaAdmin[1] != recs[1] {
		t.Errorf("admin log %+v, want %+v", viaAdmin, recs)
	}
	raw := f.Do(http.MethodGet, "/_fakecloud/requests", nil).Body
	if !strings.Contains(string(raw), `"headers":{"X-Language":"en-us","X-Site":"1"}`) || strings.Count(string(raw), `"headers"`) != 1 {
		t.Errorf("admin log JSON %s", raw)
	}
}
