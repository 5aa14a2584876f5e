package cloud_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/osm"
)

// A call that runs out of time while retrying still tells what the cloud answered last.
func TestTimeoutKeepsTheLastAnswer(t *testing.T) {
	srv, url := newFake(t)
	srv.InjectFault(fakecloud.Fault{Method: "GET", PathRegexp: `binded-apis`, Status: 503, ErrorCode: "APIG.9999", ErrorMsg: "System error", RetryAfter: "1"})
	c := newClient(t, url, func(c *cloud.Config) { c.MaxRetries = 10 })
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := c.Gateway(cloud.FlavorAPIG).ListBoundAPIs(ctx, instanceID, cloud.BoundAPIsFilter{AppID: appID})
	var inc *cloud.IncompleteError
	if !errors.As(err, &inc) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want an IncompleteError wrapping the deadline", err)
	}
	for _, want := range []string{"context deadline exceeded", "APIG.9999: System error", "HTTP 503", "request ID "} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
	if cloud.OutcomeOf(err) != cloud.InFlight || !cloud.Transient(err) {
		t.Errorf("a timed-out call must count as in flight and transient")
	}
}

// A refused login is remembered: repeating it for every resource would lock the IAM user.
func TestRefusedLoginIsTriedOnce(t *testing.T) {
	srv, url := newFake(t)
	c := newClient(t, url, func(c *cloud.Config) {
		c.Token, c.ProjectID, c.ProjectName = "", "", fakecloud.DefaultProjectName
		c.UserName, c.Password, c.DomainName = fakecloud.DefaultUserName, "wrong", fakecloud.DefaultDomainName
		c.CredentialsFrom = "HW_USER_NAME, HW_USER_PASSWORD, HW_DOMAIN_NAME"
	})
	var wg sync.WaitGroup
	var failures atomic.Int32
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Gateway(cloud.FlavorAPIG).ListBoundAPIs(context.Background(), instanceID, cloud.BoundAPIsFilter{AppID: appID})
			if err != nil && strings.Contains(err.Error(), "IAM.0001") && strings.Contains(err.Error(), "HW_USER_PASSWORD") {
				failures.Add(1)
			}
		}()
	}
	wg.Wait()
	if failures.Load() != 20 {
		t.Errorf("%d of 20 calls failed with the login error naming the variables", failures.Load())
	}
	if n := countRequests(srv, "POST", "/v3/auth/tokens"); n != 1 {
		t.Errorf("%d login attempts, want 1", n)
	}
}

// A server error during login is not remembered: it may go away.
func TestLoginServerErrorIsRetried(t *testing.T) {
	srv, url := newFake(t)
	srv.InjectFault(fakecloud.Fault{Method: "POST", PathRegexp: `/v3/auth/tokens`, Times: 1, Status: 500})
	c := newClient(t, url, func(c *cloud.Config) {
		c.Token, c.ProjectID, c.ProjectName = "", "", fakecloud.DefaultProjectName
		c.UserName, c.Password, c.DomainName = fakecloud.DefaultUserName, fakecloud.DefaultPassword, fakecloud.DefaultDomainName
	})
	if _, err := c.Gateway(cloud.FlavorAPIG).ListBoundAPIs(context.Background(), instanceID, cloud.BoundAPIsFilter{AppID: appID}); err != nil {
		t.Fatal(err)
	}
}

// A provider that reaches the gateways through endpoints needs no region; a service without an endpoint
// fails only when it is called, naming what is missing.
func TestEndpointsAreDerivedOnlyWhenCalled(t *testing.T) {
	_, url := newFake(t)
	c := newClient(t, url, func(c *cloud.Config) {
		c.Region = ""
		c.Endpoints = map[cloud.Service]string{cloud.ServiceAPIG: url}
	})
	if _, err := c.Gateway(cloud.FlavorAPIG).ListBoundAPIs(context.Background(), instanceID, cloud.BoundAPIsFilter{AppID: appID}); err != nil {
		t.Fatalf("APIG through its endpoint: %v", err)
	}
	_, err := c.Gateway(cloud.FlavorROMA).ListBoundAPIs(context.Background(), instanceID, cloud.BoundAPIsFilter{AppID: appID})
	if err == nil || !strings.Contains(err.Error(), "region is required to derive the roma endpoint") {
		t.Errorf("got %v", err)
	}
}

// Waiting for a write lock ends with the context.
func TestLockHonoursTheContext(t *testing.T) {
	_, url := newFake(t)
	c := newClient(t, url, nil)
	unlock, err := c.Lock(context.Background(), "apig/"+appID)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.Lock(ctx, "apig/"+appID); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a second writer got %v, want the deadline", err)
	}
	other, err := c.Lock(context.Background(), "apig/another-app")
	if err != nil {
		t.Fatalf("another app's lock: %v", err)
	}
	other()
	unlock()
	again, err := c.Lock(context.Background(), "apig/"+appID)
	if err != nil {
		t.Fatal(err)
	}
	again()
}

func TestOutcomeOf(t *testing.T) {
	cases := []struct {
		err       error
		outcome   cloud.Outcome
		transient bool
	}{
		{&cloud.APIError{StatusCode: 400, Code: "APIG.2011"}, cloud.NotApplied, false},
		{&cloud.APIError{StatusCode: 404, Code: "APIG.0101"}, cloud.NotApplied, false},
		{&cloud.APIError{StatusCode: 429}, cloud.NotApplied, true},
		{&cloud.APIError{StatusCode: 500, Code: cloud.CodeWriteConflict}, cloud.MaybeApplied, true},
		{&cloud.ItemError{Code: "APIG.3040"}, cloud.NotApplied, false},
		{fmt.Errorf("POST /x: %w", context.Canceled), cloud.InFlight, true},
		{&cloud.IncompleteError{Err: context.DeadlineExceeded}, cloud.InFlight, true},
	}
	for _, c := range cases {
		if got := cloud.OutcomeOf(c.err); got != c.outcome {
			t.Errorf("OutcomeOf(%v) = %d, want %d", c.err, got, c.outcome)
		}
		if got := cloud.Transient(c.err); got != c.transient {
			t.Errorf("Transient(%v) = %v, want %v", c.err, got, c.transient)
		}
	}
}

// Service tickets are account-level: a password login gets a token for the account for them, a
// project-scoped token is refused with the service's own code, and AK/SK callers name the account.
func TestAccountScopedCalls(t *testing.T) {
	srv, url := newFake(t)
	if err := srv.Load(fakecloud.Fixture{OSM: osm.InAccount("", osm.Authorization{ID: "Auth-scope", Status: osm.StatusPending})}); err != nil {
		t.Fatal(err)
	}
	password := func(c *cloud.Config) {
		c.Token, c.ProjectID, c.ProjectName = "", "", fakecloud.DefaultProjectName
		c.UserName, c.Password, c.DomainName = fakecloud.DefaultUserName, fakecloud.DefaultPassword, fakecloud.DefaultDomainName
	}
	aksk := func(c *cloud.Config) {
		c.Token, c.AccessKey, c.SecretKey = "", fakecloud.DefaultAccessKey, fakecloud.DefaultSecretKey
	}
	for name, mutate := range map[string]func(*cloud.Config){"password": password, "AK/SK": aksk} {
		c := newClient(t, url, mutate)
		if _, err := c.OSM().Get(context.Background(), "Auth-scope", ""); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		// The project-scoped calls of the same client keep working.
		if _, err := c.Gateway(cloud.FlavorAPIG).ListBoundAPIs(context.Background(), instanceID, cloud.BoundAPIsFilter{AppID: appID}); err != nil {
			t.Errorf("%s, gateway: %v", name, err)
		}
	}
	_, err := newClient(t, url, nil).OSM().Get(context.Background(), "Auth-scope", "")
	if apiErr, ok := cloud.AsAPIError(err); !ok || apiErr.Code != "OSM.0003" || apiErr.StatusCode != 403 {
		t.Errorf("a project-scoped token got %v, want 403 OSM.0003", err)
	}
	// A business error arrives as a 200 with an error code, and is an error all the same.
	_, err = newClient(t, url, aksk).OSM().Get(context.Background(), "Auth-nosuch", "")
	if !cloud.HasCode(err, cloud.CodeOSMAuthorizationUnknown) {
		t.Errorf("an unknown authorization got %v, want %s", err, cloud.CodeOSMAuthorizationUnknown)
	}
}
