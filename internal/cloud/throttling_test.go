package cloud_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
)

// Under a throttling policy, concurrent calls all succeed, whatever max_retries says: the first 429s teach the
// client the policy, whose limit it then keeps to, holding calls until the policy lets them through.
func TestThrottledCallsSucceed(t *testing.T) {
	t.Parallel()
	srv, url := newFakeWith(t, fakecloud.Options{Throttles: fakecloud.Throttles{User: fakecloud.Throttle{Limit: 5, Window: time.Second}}})
	c := newClient(t, url, func(c *cloud.Config) { c.MaxRetries = 0 })
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			_, err := c.Gateway(cloud.FlavorAPIG).ListBoundAPIs(ctx, instanceID, cloud.BoundAPIsFilter{AppID: appID})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	var ok, throttled int
	for _, r := range srv.Requests() {
		switch r.Status {
		case http.StatusOK:
			ok++
		case http.StatusTooManyRequests:
			throttled++
		}
	}
	// At most every call once, while the policy is being learned; not a storm of retries.
	if ok != 20 || throttled > 20 {
		t.Errorf("%d answered, %d throttled; want 20 answered and at most 20 throttled", ok, throttled)
	}
}

// A call held back by throttling fails only when its deadline passes, with the cloud's throttling answer:
// its code, and the policy, limit and window it names.
func TestThrottledCallFailsAtItsDeadline(t *testing.T) {
	t.Parallel()
	_, url := newFakeWith(t, fakecloud.Options{Throttles: fakecloud.Throttles{User: fakecloud.Throttle{Limit: 1, Window: time.Hour}}})
	c := newClient(t, url, func(c *cloud.Config) { c.MaxRetries = 0 })
	g := c.Gateway(cloud.FlavorAPIG)
	if _, err := g.ListBoundAPIs(context.Background(), instanceID, cloud.BoundAPIsFilter{AppID: appID}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"answered 429", "held back by the pacer"} {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		_, err := g.ListBoundAPIs(ctx, instanceID, cloud.BoundAPIsFilter{AppID: appID})
		cancel()
		var inc *cloud.IncompleteError
		if !errors.As(err, &inc) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%s: got %v, want the deadline", name, err)
		}
		for _, want := range []string{"APIGW.0308", "policy user over ratelimit,limit:1,time:1 hour", "HTTP 429"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %q does not say %q", name, err, want)
			}
		}
	}
}
