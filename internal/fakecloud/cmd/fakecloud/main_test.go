package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
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
	fixture, err := json.Marshal(fakecloud.Fixture{Projects: []fakecloud.ProjectFixture{{
		ID:        fakecloud.DefaultProjectID,
		Instances: []fakecloud.InstanceFixture{{ID: "gw1", Name: "gateway", Flavor: fakecloud.FlavorAPIG}},
	}}})
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
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-fixture", fixturePath, "-url-file", urlFile}, &out)
	}()

	url := waitForURL(t, urlFile, done)
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("url %q", url)
	}
	for _, want := range []string{url, fakecloud.DefaultProjectID, fakecloud.DefaultAccessKey, fakecloud.DefaultSecretKey,
		fakecloud.DefaultToken, fakecloud.DefaultPassword, `apig = "` + url + `"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, out.String())
		}
	}

	req, err := http.NewRequest(http.MethodGet, url+"/v2/"+fakecloud.DefaultProjectID+"/apigw/instances/gw1", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", fakecloud.DefaultToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("instance from the fixture: %d", resp.StatusCode)
	}
	resp, err = http.Get(url + "/_fakecloud/requests") // admin is on by default
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
