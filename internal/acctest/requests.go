package acctest

import (
	"net/http"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
)

// IsWrite reports whether a logged request asks the cloud to change something; getting an IAM token does not.
func IsWrite(r fakecloud.RequestRecord) bool {
	switch r.Method {
	case http.MethodPost:
		return r.Path != "/v3/auth/tokens"
	case http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

// Writes returns the write requests logged so far, answered or not.
func (f *FakeCloud) Writes() []fakecloud.RequestRecord {
	var out []fakecloud.RequestRecord
	for _, r := range f.Requests() {
		if IsWrite(r) {
			out = append(out, r)
		}
	}
	return out
}

// WaitUntilIdle waits until every logged request has been answered and none has arrived for a moment, so
// that writes a client gave up on have landed before the test looks at the fake cloud. A connection the
// fake cloud dropped on purpose (Fault.DropConnection) leaves its request unanswered for good.
func (f *FakeCloud) WaitUntilIdle(t *testing.T, timeout time.Duration) {
	t.Helper()
	const settle = 100 * time.Millisecond
	var quietSince time.Time
	n := -1
	WaitFor(t, timeout, "the fake cloud to answer every request", func() bool {
		reqs := f.Requests()
		for _, r := range reqs {
			if r.Status == 0 {
				quietSince = time.Time{}
				return false
			}
		}
		if len(reqs) != n || quietSince.IsZero() {
			n, quietSince = len(reqs), time.Now()
		}
		return time.Since(quietSince) >= settle
	})
}
