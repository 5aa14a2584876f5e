package osm

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/fakecloudtest"
)

// The standard fixture's authorized request was made at t0-3h (2025-03-01 09:00 UTC) for t0-1h .. t0+1h.

func TestAnswerTimesAreStringsInTheCallersZone(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	tests := []struct {
		zone                     string
		create, effective, until string
	}{
		{"", "2025-03-01 17:00:00", "2025-03-01 19:00:00", "2025-03-01 21:00:00"}, // GMT+8, the service's default
		{"GMT+8", "2025-03-01 17:00:00", "2025-03-01 19:00:00", "2025-03-01 21:00:00"},
		{"GMT", "2025-03-01 09:00:00", "2025-03-01 11:00:00", "2025-03-01 13:00:00"},
		{"UTC-03:30", "2025-03-01 05:30:00", "2025-03-01 07:30:00", "2025-03-01 09:30:00"},
		{"GMT+0545", "2025-03-01 14:45:00", "2025-03-01 16:45:00", "2025-03-01 18:45:00"},
		{"Europe/Berlin", "2025-03-01 10:00:00", "2025-03-01 12:00:00", "2025-03-01 14:00:00"},
	}
	for _, tt := range tests {
		list := f.Do(http.MethodGet, listPath+"?incident_id=INC-1&status=1", nil, headerTimeZone, tt.zone)
		list.ExpectStatus(t, http.StatusOK)
		items := list.Object(t)["incident_auth_list"].([]any)
		if len(items) != 1 {
			t.Fatalf("%q: %s", tt.zone, list.Body)
		}
		item := items[0].(map[string]any)
		if item["create_time"] != tt.create || item["auth_effective_time"] != tt.effective || item["auth_expire_time"] != tt.until {
			t.Errorf("%q: list item times %v %v %v", tt.zone, item["create_time"], item["auth_effective_time"], item["auth_expire_time"])
		}
		detail := f.Do(http.MethodGet, authPath(authorizedID), nil, headerTimeZone, tt.zone).Object(t)
		if detail["auth_effective_time"] != tt.effective || detail["auth_expire_time"] != tt.until {
			t.Errorf("%q: detail times %v %v", tt.zone, detail["auth_effective_time"], detail["auth_expire_time"])
		}
	}
	for _, zone := range []string{"GMT+15", "GMT+8:61", "Mars/Olympus", "Local", "+8"} {
		expectFailure(t, f.Do(http.MethodGet, authPath(authorizedID), nil, headerTimeZone, zone), errParam.Code)
	}
	// A time not set is absent, not empty.
	if body := string(f.Do(http.MethodGet, authPath(pendingID), nil).Body); strings.Contains(body, "auth_effective_time") || strings.Contains(body, "auth_expire_time") {
		t.Errorf("unset window answered: %s", body)
	}
}

func TestAnswerTimesAsEpochMillisecondsWithTheQuirk(t *testing.T) {
	t.Parallel()
	c := core.New(core.Options{Now: fakecloudtest.NewClock().Now})
	c.Register(New(Options{EpochTimes: true}, c.Now))
	if err := load(c, standardFixture()); err != nil {
		t.Fatal(err)
	}
	f := fakecloudtest.Start(t, c, core.DomainToken)
	detail := f.Do(http.MethodGet, authPath(authorizedID), nil, headerTimeZone, "GMT-5").Object(t)
	// JSON numbers decode as float64; these are whole milliseconds.
	if detail["auth_effective_time"] != float64(t0-ms(time.Hour)) || detail["auth_expire_time"] != float64(t0+ms(time.Hour)) {
		t.Errorf("detail times %v %v", detail["auth_effective_time"], detail["auth_expire_time"])
	}
	item := f.Do(http.MethodGet, listPath+"?incident_id=INC-1&status=1", nil).Object(t)["incident_auth_list"].([]any)[0].(map[string]any)
	if item["create_time"] != float64(t0-ms(3*time.Hour)) {
		t.Errorf("list create_time %v", item["create_time"])
	}
}

// The list and the detail answer the fields the SDK's models give each: IncidentOrderAuthV2 and
// ShowAuthorizationDetailResponse.
func TestListAndDetailFieldsAreTheSDKs(t *testing.T) {
	t.Parallel()
	f := startStandard(t)
	item := f.Do(http.MethodGet, listPath+"?incident_id=INC-1", nil).Object(t)["incident_auth_list"].([]any)[0].(map[string]any)
	for _, detailOnly := range []string{"auth_handler_name", "content_type_id", "content_type_name", "incident_auth_detail_list", "agency_name"} {
		if _, ok := item[detailOnly]; ok {
			t.Errorf("list item has %s", detailOnly)
		}
	}
	detail := f.Do(http.MethodGet, authPath(pendingID), nil).Object(t)
	for _, listOnly := range []string{"create_time", "customer_id", "content_of_auth_letter"} {
		if _, ok := detail[listOnly]; ok {
			t.Errorf("detail has %s", listOnly)
		}
	}
}
