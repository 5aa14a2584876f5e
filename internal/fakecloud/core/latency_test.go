package core

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/fakecloudtest"
)

// TestLatency: every cloud API request is held for the latency before it is answered, whoever answers it
// (a service, IAM, or the front door); admin requests are not.
func TestLatency(t *testing.T) {
	t.Parallel()
	const latency = 100 * time.Millisecond
	_, f := startProbes(t, Options{Latency: latency, Admin: true})
	for _, path := range []string{projectCount, "/v3/projects", "/v9/nobody"} {
		start := time.Now()
		f.Do(http.MethodGet, path, nil)
		if took := time.Since(start); took < latency {
			t.Errorf("GET %s took %v, want at least %v", path, took, latency)
		}
	}
}

func TestLatencySparesAdminRequests(t *testing.T) {
	t.Parallel()
	// A latency no test could wait for: the admin request answers long before it would end.
	_, f := startProbes(t, Options{Latency: time.Hour, Admin: true})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.URL+"/_fakecloud/requests", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := f.HTTP.Do(req)
	if err != nil {
		t.Fatalf("admin request: %v", err)
	}
	fakecloudtest.Read(t, resp).ExpectStatus(t, http.StatusOK)

	// A cloud request is still held; its client gives up, and the server lets it go.
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, err = http.NewRequestWithContext(ctx, http.MethodGet, f.URL+projectCount, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", DefaultToken)
	if resp, err := f.HTTP.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("a cloud request was answered (%d) within its latency of an hour", resp.StatusCode)
	}
}
