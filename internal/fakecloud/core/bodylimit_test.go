package core

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestBodyLimit: a body over Options.MaxBodyBytes is answered 413 in the code of whoever owns the path,
// whether its length is declared or it arrives chunked, before or after authentication would have failed;
// a body at the limit passes.
func TestBodyLimit(t *testing.T) {
	t.Parallel()
	s, f := startProbes(t, Options{MaxBodyBytes: 16, Admin: true})
	exactly := `{"by":1}` + strings.Repeat(" ", 8)
	f.Do(http.MethodPost, projectCount, exactly).ExpectStatus(t, http.StatusCreated)
	over := exactly + " "
	f.Do(http.MethodPost, projectCount, over).ExpectError(t, http.StatusRequestEntityTooLarge, "PROBE.0413")
	f.Do(http.MethodPost, projectCount, over, "X-Auth-Token", "").ExpectError(t, http.StatusRequestEntityTooLarge, "PROBE.0413")
	f.Do(http.MethodPost, "/v3/auth/tokens", over).ExpectError(t, http.StatusRequestEntityTooLarge, "IAM.0011")
	f.Do(http.MethodPost, "/_fakecloud/faults", over).ExpectError(t, http.StatusRequestEntityTooLarge, "FAKECLOUD.0413")

	// Chunked: no length is declared, so the limit is found while reading.
	req, err := http.NewRequest(http.MethodPost, f.URL+projectCount, io.MultiReader(strings.NewReader(over), strings.NewReader("")))
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = -1
	req.Header.Set("X-Auth-Token", DefaultToken)
	resp, err := f.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, resp); resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(got, `"PROBE.0413"`) {
		t.Errorf("chunked: %d %s", resp.StatusCode, got)
	}
	if got := s.SnapshotFixture().Sections["pprobe"]; string(got) != `{"`+DefaultProjectID+`":1}` {
		t.Errorf("state %s: a refused body changed it", got)
	}
}

// TestBodyLimitReadsNoMoreThanTheLimit: a client declaring a huge body gets its 413 without the server
// waiting for the body, and the connection is closed rather than drained.
func TestBodyLimitReadsNoMoreThanTheLimit(t *testing.T) {
	t.Parallel()
	s, _ := startProbes(t, Options{})
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	conn, err := net.Dial("tcp", strings.TrimPrefix(hs.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	// 10 GiB declared, 5 bytes sent: a server reading the body first would wait for the rest.
	_, err = io.WriteString(conn, "POST "+projectCount+" HTTP/1.1\r\nHost: x\r\nX-Auth-Token: "+DefaultToken+
		"\r\nContent-Type: application/json\r\nContent-Length: 10737418240\r\n\r\n{\"by\"")
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	body := readAll(t, resp)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, `"PROBE.0413"`) || !strings.Contains(body, "1048576") {
		t.Fatalf("got %d %s", resp.StatusCode, body)
	}
	if !resp.Close {
		t.Error("the connection is kept open: the server would have to read the rest of the body")
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Errorf("after the answer: %v, want the connection closed", err)
	}
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRouteTable: every call is in the table with its service, scope and error table, IAM's included; the
// admin endpoints are there exactly when they are served.
func TestRouteTable(t *testing.T) {
	t.Parallel()
	s, _ := startProbes(t, Options{})
	type row struct{ service, method, pattern, scope string }
	var got []row
	for _, r := range s.Routes() {
		got = append(got, row{r.Service, r.Method, r.Pattern, r.Scope.String()})
		if r.Admin() {
			t.Errorf("admin endpoint %s %s listed without Options.Admin", r.Method, r.Pattern)
		}
		public := r.Pattern == "/v3/auth/tokens" || r.Pattern == "/v3.0/OS-AUTH/id-token/tokens" || r.Pattern == "/openstack/latest/securitykey"
		if r.Authenticated() == public {
			t.Errorf("%s %s: Authenticated() = %v", r.Method, r.Pattern, r.Authenticated())
		}
	}
	want := []row{
		{"iam", "POST", "/v3/auth/tokens", "public"},
		{"iam", "GET", "/v3/projects", "any caller"},
		{"iam", "GET", "/v3/auth/domains", "any caller"},
		{"iam", "POST", "/v3.0/OS-CREDENTIAL/securitytokens", "any caller"},
		{"iam", "POST", "/v3.0/OS-AUTH/id-token/tokens", "public"},
		{"iam", "GET", "/openstack/latest/securitykey", "public"},
		{"pprobe", "POST", "/v1/{project_id}/pprobe/count", "project"},
		{"pprobe", "GET", "/v1/{project_id}/pprobe/count", "project"},
		{"aprobe", "POST", "/v2/aprobe/count", "account"},
		{"aprobe", "GET", "/v2/aprobe/count", "account"},
	}
	if len(got) != len(want) {
		t.Fatalf("routes %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("route %d: %v, want %v", i, got[i], want[i])
		}
	}
	if r := s.Routes()[6]; r.Errors != probeErrors {
		t.Errorf("errors of a probe route %+v", r.Errors)
	}

	admin := New(Options{Admin: true})
	admin.Register(&adminProbe{probe: newProbe("aprobe", ScopeAccount)})
	var adminRoutes []string
	for _, r := range admin.Routes() {
		if r.Admin() {
			if r.Authenticated() {
				t.Errorf("admin endpoint %s %s is authenticated", r.Method, r.Pattern)
			}
			adminRoutes = append(adminRoutes, r.Service+" "+r.Method+" "+r.Pattern)
		}
	}
	if want := "admin GET /_fakecloud/requests|admin DELETE /_fakecloud/requests|admin GET /_fakecloud/state|admin POST /_fakecloud/fixture|" +
		"admin POST /_fakecloud/faults|admin DELETE /_fakecloud/faults|aprobe POST /_fakecloud/aprobe/counts/{id}/reset"; strings.Join(adminRoutes, "|") != want {
		t.Errorf("admin routes\n%s, want\n%s", strings.Join(adminRoutes, "|"), want)
	}
}

// TestRegisterRefusesIncompleteErrors: a service that leaves a row of its error table unset would make the
// core answer with status 0; it is refused at registration.
func TestRegisterRefusesIncompleteErrors(t *testing.T) {
	t.Parallel()
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "BodyTooLarge") {
			t.Errorf("recovered %v", r)
		}
	}()
	p := &incompleteProbe{probe: newProbe("pprobe", ScopeProject)}
	New(Options{}).Register(p)
}

type incompleteProbe struct{ *probe }

func (p *incompleteProbe) Errors() ServiceErrors {
	errs := probeErrors
	errs.BodyTooLarge = ErrorDef{}
	return errs
}
