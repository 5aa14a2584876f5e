package core

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/fakecloudtest"
)

func TestParseThrottle(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Throttle{
		"20/1s": {20, time.Second}, "600/1m": {600, time.Minute}, "5/s": {5, time.Second}, "100/m": {100, time.Minute},
		"7/10s": {7, 10 * time.Second}, "1000/1h": {1000, time.Hour},
	} {
		got, err := ParseThrottle(in)
		if err != nil || got != want {
			t.Errorf("ParseThrottle(%q) = %v, %v; want %v", in, got, err, want)
		}
		if again, err := ParseThrottle(got.String()); err != nil || again != got {
			t.Errorf("ParseThrottle(%q.String() = %q) = %v, %v", in, got.String(), again, err)
		}
	}
	for _, in := range []string{"", "20", "0/1s", "-1/1s", "x/1s", "20/500ms", "20/1.5s", "20/0s", "20/"} {
		if got, err := ParseThrottle(in); err == nil {
			t.Errorf("ParseThrottle(%q) = %v, want an error", in, got)
		}
	}
}

// throttledBody is what the front door answers over a policy.
func expectThrottled(t *testing.T, r fakecloudtest.Response, policy, limitAndWindow string) {
	t.Helper()
	r.ExpectError(t, http.StatusTooManyRequests, "APIGW.0308")
	want := "The throttling threshold has been reached: policy " + policy + " over ratelimit," + limitAndWindow
	if msg, _ := r.Object(t)["error_msg"].(string); msg != want {
		t.Errorf("error_msg %q, want %q", msg, want)
	}
	if ra := r.Header.Get("Retry-After"); ra != "" {
		t.Errorf("Retry-After %q: the front door sends none", ra)
	}
}

// TestThrottleUser: the user policy admits Limit requests of a credential per window of the clock, refuses the
// rest with 429 APIGW.0308 naming the policy, and admits again in the next window; another credential has its
// own count, the login is not counted by it, and the admin endpoints are never throttled.
func TestThrottleUser(t *testing.T) {
	t.Parallel()
	clock := fakecloudtest.NewClock()
	s, f := startProbes(t, Options{Now: clock.Now, Admin: true, Throttles: Throttles{User: Throttle{Limit: 3, Window: time.Minute}}})
	for range 3 {
		f.Do(http.MethodGet, projectCount, nil).ExpectStatus(t, http.StatusOK)
	}
	expectThrottled(t, f.Do(http.MethodGet, projectCount, nil), "user", "limit:3,time:1 minute")
	// Refused requests do not count: the count stays at the limit.
	expectThrottled(t, f.Do(http.MethodGet, "/v3/projects", nil), "user", "limit:3,time:1 minute")
	// Another credential, and the login, which carries none, go through.
	f.Do(http.MethodGet, "/v3/projects", nil, "X-Auth-Token", OtherProjectToken).ExpectStatus(t, http.StatusOK)
	login := f.Do(http.MethodPost, "/v3/auth/tokens", fakecloudtest.PasswordLogin(DefaultUserName, DefaultPassword, DefaultDomainName,
		map[string]any{"project": map[string]any{"name": DefaultProjectName}}), "X-Auth-Token", "")
	login.ExpectStatus(t, http.StatusCreated)
	// Tokens of one IAM user count together: a second login does not reset the count.
	issued := login.Header.Get("X-Subject-Token")
	for range 3 {
		f.Do(http.MethodGet, projectCount, nil, "X-Auth-Token", issued).ExpectStatus(t, http.StatusOK)
	}
	again := f.Do(http.MethodPost, "/v3/auth/tokens", fakecloudtest.PasswordLogin(DefaultUserName, DefaultPassword, DefaultDomainName,
		map[string]any{"project": map[string]any{"name": DefaultProjectName}}), "X-Auth-Token", "")
	expectThrottled(t, f.Do(http.MethodGet, projectCount, nil, "X-Auth-Token", again.Header.Get("X-Subject-Token")), "user", "limit:3,time:1 minute")
	// Admin endpoints are not the cloud's.
	for range 5 {
		f.Do(http.MethodGet, "/_fakecloud/requests", nil).ExpectStatus(t, http.StatusOK)
	}
	// The next window of the clock admits again.
	clock.Advance(time.Minute)
	f.Do(http.MethodGet, projectCount, nil).ExpectStatus(t, http.StatusOK)

	// The request log shows the refusals.
	var refused int
	for _, r := range s.Requests() {
		if r.Status == http.StatusTooManyRequests {
			refused++
		}
	}
	if refused != 3 {
		t.Errorf("the request log holds %d answers 429, want 3", refused)
	}
}

// TestThrottleIP: the IP policy counts every cloud request of an address, the login included; turning the
// policies off admits everything.
func TestThrottleIP(t *testing.T) {
	t.Parallel()
	clock := fakecloudtest.NewClock()
	s, f := startProbes(t, Options{Now: clock.Now, Throttles: Throttles{IP: Throttle{Limit: 2, Window: 10 * time.Second}}})
	f.Do(http.MethodPost, "/v3/auth/tokens", fakecloudtest.PasswordLogin(DefaultUserName, DefaultPassword, DefaultDomainName,
		map[string]any{"project": map[string]any{"name": DefaultProjectName}}), "X-Auth-Token", "").ExpectStatus(t, http.StatusCreated)
	f.Do(http.MethodGet, projectCount, nil, "X-Auth-Token", OtherProjectToken).ExpectStatus(t, http.StatusForbidden)
	expectThrottled(t, f.Do(http.MethodGet, projectCount, nil), "ip", "limit:2,time:10 seconds")
	if err := s.SetThrottles(Throttles{}); err != nil {
		t.Fatal(err)
	}
	f.Do(http.MethodGet, projectCount, nil).ExpectStatus(t, http.StatusOK)
	if err := s.SetThrottles(Throttles{IP: Throttle{Limit: 1, Window: 1500 * time.Millisecond}}); err == nil {
		t.Error("a window of 1.5 s was accepted")
	}
}

// TestThrottleConcurrent: of many concurrent requests in one window, exactly the limit is admitted (run with
// -race: the counts are shared by every request).
func TestThrottleConcurrent(t *testing.T) {
	t.Parallel()
	clock := fakecloudtest.NewClock()
	_, f := startProbes(t, Options{Now: clock.Now, Throttles: Throttles{User: Throttle{Limit: 7, Window: time.Hour}, IP: Throttle{Limit: 1000, Window: time.Hour}}})
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		statuses = map[int]int{}
	)
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := f.Do(http.MethodGet, projectCount, nil)
			mu.Lock()
			statuses[r.Status]++
			mu.Unlock()
			if r.Status == http.StatusTooManyRequests && !strings.Contains(string(r.Body), "policy user over ratelimit,limit:7,time:1 hour") {
				t.Errorf("429 body %s", r.Body)
			}
		}()
	}
	wg.Wait()
	if statuses[http.StatusOK] != 7 || statuses[http.StatusTooManyRequests] != 33 {
		t.Errorf("statuses %v, want 7 × 200 and 33 × 429", statuses)
	}
}
