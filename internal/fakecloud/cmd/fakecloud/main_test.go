package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
)

// syncBuffer is a bytes.Buffer that run may write while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	fixture, err := json.Marshal(fakecloud.Fixture{Gateway: gateway.InProject(fakecloud.DefaultProjectID, gateway.InstanceFixture{
		ID: "gw1", Name: "gateway", Flavor: gateway.FlavorAPIG,
		Apps:     []gateway.App{{ID: "app1", Name: "app_one"}},
		APIs:     []gateway.API{{ID: "api1", Name: "api_one", ReqMethod: "GET", ReqURI: "/a", AuthType: "APP", PublishedEnvs: []string{releaseEnvID}}},
		AppAuths: []gateway.AppAuth{{AppID: "app1", APIID: "api1", EnvID: releaseEnvID}},
	})})
	if err != nil {
		t.Fatal(err)
	}
	fixturePath := filepath.Join(dir, "fixture.json")
	if err := os.WriteFile(fixturePath, fixture, 0o600); err != nil {
		t.Fatal(err)
	}
	urlFile := filepath.Join(dir, "url")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-fixture", fixturePath, "-url-file", urlFile, "-duplicate-auth-error"}, &out)
	}()

	url := waitForURL(t, urlFile, done)
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("url %q", url)
	}
	for _, want := range []string{"fakecloud " + version + " ", url, fakecloud.DefaultProjectID, fakecloud.DefaultAccessKey, fakecloud.DefaultSecretKey,
		fakecloud.DefaultToken, fakecloud.DefaultPassword, `apig = "` + url + `"`, `modelarts = "` + url + `"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, out.String())
		}
	}

	base := url + "/v2/" + fakecloud.DefaultProjectID + "/apigw/instances/gw1"
	if status, _ := send(t, http.MethodGet, base, ""); status != http.StatusOK {
		t.Errorf("instance from the fixture: %d", status)
	}
	// -duplicate-auth-error: the fixture's pair again fails the whole request.
	status, body := send(t, http.MethodPost, base+"/app-auths", `{"env_id":"`+releaseEnvID+`","app_ids":["app1"],"api_ids":["api1"]}`)
	if status != http.StatusBadRequest || !strings.Contains(body, `"APIG.3316"`) {
		t.Errorf("duplicate create: %d %s", status, body)
	}
	resp, err := http.Get(url + "/_fakecloud/requests") // admin is on by default
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("admin endpoint: %d", resp.StatusCode)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}
}

const releaseEnvID = "DEFAULT_ENVIRONMENT_RELEASE_ID"

// send makes a request with the default token and returns the status and body.
func send(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", fakecloud.DefaultToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func waitForURL(t *testing.T, path string, done <-chan error) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil {
			if !bytes.HasSuffix(b, []byte("\n")) {
				t.Fatalf("url file %q lacks its newline", b)
			}
			return strings.TrimSpace(string(b))
		}
		select {
		case err := <-done:
			t.Fatalf("run ended early: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatal("url file never appeared")
	return ""
}

func TestParseFlags(t *testing.T) {
	c, err := parseFlags(nil)
	if err != nil {
		t.Fatal(err)
	}
	want := config{listen: "127.0.0.1:8780", opts: fakecloud.Options{Admin: true}}
	if !reflect.DeepEqual(c, want) { // Options holds a func, so == cannot compare it
		t.Errorf("defaults %+v, want %+v", c, want)
	}

	c, err = parseFlags([]string{"-listen", ":9000", "-fixture", "f.json", "-url-file", "u", "-admin=false",
		"-write-delay", "250ms", "-duplicate-auth-error", "-conflict-after-write", "-latency", "50ms"})
	if err != nil {
		t.Fatal(err)
	}
	want = config{listen: ":9000", fixture: "f.json", urlFile: "u", opts: fakecloud.Options{Latency: 50 * time.Millisecond, Gateway: gateway.Options{
		WriteDelay: 250 * time.Millisecond, DuplicateAuthError: true, ConflictAfterWrite: true,
	}}}
	if !reflect.DeepEqual(c, want) { // Options holds a func, so == cannot compare it
		t.Errorf("got %+v, want %+v", c, want)
	}
}

func TestRunErrors(t *testing.T) {
	var out bytes.Buffer
	for _, args := range [][]string{
		{"-no-such-flag"},
		{"-listen", "127.0.0.1:0", "-fixture", filepath.Join(t.TempDir(), "missing.json")},
		{"-listen", "not an address"},
	} {
		if err := run(context.Background(), args, &out); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
}

func TestVersion(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-version"}, &out); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "fakecloud "+version+"\n"; got != want {
		t.Errorf("-version printed %q, want %q", got, want)
	}
}
