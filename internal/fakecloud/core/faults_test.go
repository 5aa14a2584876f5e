package core

import (
	"net/http"
	"strings"
	"testing"
)

func TestInjectFaultPanicsOnBadRegexp(t *testing.T) {
	t.Parallel()
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(error).Error(), "path_regexp") {
			t.Errorf("recovered %v", r)
		}
	}()
	New(Options{}).InjectFault(Fault{PathRegexp: "("})
}

// TestFaultDefaults: a fault without status or code answers the SystemError of the service whose path it
// hits; on IAM's paths IAM's, and on paths nobody claims the front door's.
func TestFaultDefaults(t *testing.T) {
	t.Parallel()
	s, f := startProbes(t, Options{})
	s.InjectFault(Fault{})
	f.Do(http.MethodGet, projectCount, nil).ExpectError(t, http.StatusInternalServerError, "PROBE.0500")
	f.Do(http.MethodGet, "/v3/projects", nil).ExpectError(t, http.StatusInternalServerError, "IAM.0107")
	f.Do(http.MethodGet, "/v9/whatever", nil).ExpectError(t, http.StatusInternalServerError, "FAKECLOUD.0500")
}
