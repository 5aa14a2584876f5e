package sdkconformance

import (
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/osm"
	osmsdk "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/osm/v2"
	osmmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/osm/v2/model"
)

// The service-ticket authorizations every OSM subtest starts from.
const (
	osmGranted    = "osm-granted" // authorized, every field set: the widest answers
	osmPending    = "osm-pending" // to be authorized, one host: verify-host and accept
	osmToReject   = "osm-reject"
	osmHostDetail = 2001 // osmPending's host
	osmHostPass   = "s3cret-pass"
	osmUnknown    = "osm-nope"
)

func osmFixture(now time.Time) fakecloud.Fixture {
	ms := func(d time.Duration) int64 { return now.Add(d).UnixMilli() }
	described := func(a osm.Authorization) osm.Authorization {
		a.IncidentID, a.SimpleDescription, a.AuthDescribe = "CS2025030100"+a.ID[len(a.ID)-1:], "database slow", "log in to look at the slow queries"
		a.ResourceTypeID, a.ResourceTypeName, a.VisitTypeID, a.VisitTypeName = "1", "ECS", "2", "host login"
		a.ContentTypeID, a.ContentTypeName, a.CustomerName, a.ContentOfAuthLetter = "3", "read only", "sub-customer", "I will only read."
		a.CreateTime = ms(-2 * time.Hour)
		return a
	}
	return fakecloud.Fixture{OSM: osm.InAccount("",
		described(osm.Authorization{
			ID: osmGranted, Status: osm.StatusAuthorized, AuthEffectiveTime: ms(-time.Hour), AuthExpireTime: ms(24 * time.Hour),
			AuthHandlerName: fakecloud.DefaultUserName, AgencyID: "agency-1",
			Details: []osm.Detail{
				{ID: 1001, Type: osm.DetailHost, Port: 22, Account: "root", Password: "pw", InstanceID: "ecs-1", InstanceName: "db-host", RegionID: "eu-de",
					Granted: &osm.Credential{Port: 22, Account: "root"}},
				{ID: 1002, Type: osm.DetailConsole, RegionID: "eu-de"},
			},
		}),
		described(osm.Authorization{ID: osmPending, Status: osm.StatusPending, Details: []osm.Detail{
			{ID: osmHostDetail, Type: osm.DetailHost, Port: 22, Account: "ubuntu", Password: osmHostPass, InstanceID: "ecs-2", InstanceName: "web-host", RegionID: "eu-de"},
		}}),
		described(osm.Authorization{ID: osmToReject, Status: osm.StatusPending}),
	)}
}

func TestOSM(t *testing.T) {
	t.Parallel()
	now := time.Now()
	c := start(t, fakecloud.Options{}, osmFixture(now))
	cli := osmsdk.NewOsmClient(c.globalClient(t, osmsdk.OsmClientBuilder(), ""))
	id := func(s string) *string { return &s }

	t.Run("ListAuthorizations", func(t *testing.T) {
		resp := sdkCall(t, c, http.StatusOK, cli.ListAuthorizations, &osmmodel.ListAuthorizationsRequest{})
		got := collect(resp.IncidentAuthList, func(a osmmodel.IncidentOrderAuthV2) *string { return a.Id })
		slices.Sort(got)
		if want := []string{osmGranted, osmPending, osmToReject}; deref(resp.Count) != 3 || !slices.Equal(got, want) {
			t.Errorf("count %d, IDs %v; want %v", deref(resp.Count), got, want)
		}
	})
	t.Run("ShowAuthorizationDetail", func(t *testing.T) {
		// The SDK reads zone-less times as UTC, so ask for them in UTC to compare the window with the fixture's.
		resp := sdkCall(t, c, http.StatusOK, cli.ShowAuthorizationDetail, &osmmodel.ShowAuthorizationDetailRequest{AuthorizationId: osmGranted, XTimeZone: id("GMT")})
		if deref(resp.Id) != osmGranted || deref(resp.Status) != osm.StatusAuthorized || len(deref(resp.IncidentAuthDetailList)) != 2 {
			t.Errorf("detail %s", resp)
		}
		if want := now.Add(24 * time.Hour).Truncate(time.Second); resp.AuthExpireTime == nil || !time.Time(*resp.AuthExpireTime).Equal(want) {
			t.Errorf("auth_expire_time %v, want %v", resp.AuthExpireTime, want.UTC())
		}
	})
	t.Run("CheckHosts", func(t *testing.T) {
		resp := sdkCall(t, c, http.StatusOK, cli.CheckHosts, &osmmodel.CheckHostsRequest{
			AuthorizationDetailId: osmHostDetail, Body: &osmmodel.VerifyHostV2Req{Port: 22, Account: "ubuntu", Password: osmHostPass}})
		if code := deref(resp.ErrorCode); code != "" {
			t.Errorf("error_code %q for the host's own login", code)
		}
	})
	t.Run("ConfirmAuthorizations", func(t *testing.T) {
		start, end := now.UnixMilli(), now.Add(48*time.Hour).UnixMilli()
		resp := sdkCall(t, c, http.StatusOK, cli.ConfirmAuthorizations, &osmmodel.ConfirmAuthorizationsRequest{
			AuthorizationId: osmPending, Body: &osmmodel.AgreeTenantAuthorizationV2Req{
				AuthDetailList:    &[]osmmodel.TenantAgreeAuthDetailV2{{AuthDetailId: osmHostDetail, Port: ptr[int32](22), Account: id("ubuntu"), Password: id(osmHostPass)}},
				AuthEffectiveTime: &start, AuthExpireTime: &end,
			}})
		if code := deref(resp.ErrorCode); code != "" {
			t.Fatalf("error_code %q: %s", code, deref(resp.ErrorMsg))
		}
		// The accepted request now has a window and a handler: the detail answers them in the model's types.
		detail := sdkCall(t, c, http.StatusOK, cli.ShowAuthorizationDetail, &osmmodel.ShowAuthorizationDetailRequest{AuthorizationId: osmPending})
		if deref(detail.Status) != osm.StatusAuthorized || detail.AuthEffectiveTime == nil || detail.AuthExpireTime == nil {
			t.Errorf("after accept: %s", detail)
		}
	})
	t.Run("UpdateAuthorizations", func(t *testing.T) {
		for _, tt := range []struct {
			id, action string
			reason     *string
			want       int32
		}{
			{osmToReject, "reject", id("no access to production"), osm.StatusRejected},
			{osmGranted, "cancel", nil, osm.StatusCanceled},
		} {
			resp := sdkCall(t, c, http.StatusOK, cli.UpdateAuthorizations, &osmmodel.UpdateAuthorizationsRequest{
				AuthorizationId: tt.id, ActionId: &tt.action, Body: &osmmodel.OperateAuthorizationV2Req{RejectReason: tt.reason}})
			if code := deref(resp.ErrorCode); code != "" {
				t.Errorf("%s %s: error_code %q: %s", tt.action, tt.id, code, deref(resp.ErrorMsg))
			}
			if a, _ := c.OSM().Authorization("", tt.id); int32(a.Status) != tt.want {
				t.Errorf("%s %s: status %d, want %d", tt.action, tt.id, a.Status, tt.want)
			}
		}
	})

	// OSM answers business errors as HTTP 200 with an error_code: the SDK reports them as a response whose
	// ErrorCode is set, not as an error. Transport-level ones are errors.
	t.Run("errors", func(t *testing.T) {
		for _, tt := range []namedCase{
			{"UpdateAuthorizations of an unknown authorization", func(t *testing.T) {
				action := "cancel"
				resp := sdkCall(t, c, http.StatusOK, cli.UpdateAuthorizations, &osmmodel.UpdateAuthorizationsRequest{
					AuthorizationId: osmUnknown, ActionId: &action, Body: &osmmodel.OperateAuthorizationV2Req{}})
				if deref(resp.ErrorCode) != "OSM.01010004" || deref(resp.ErrorMsg) == "" {
					t.Errorf("error_code %q, error_msg %q; want OSM.01010004 and a message", deref(resp.ErrorCode), deref(resp.ErrorMsg))
				}
			}},
			{"CheckHosts with a wrong password", func(t *testing.T) {
				resp := sdkCall(t, c, http.StatusOK, cli.CheckHosts, &osmmodel.CheckHostsRequest{
					AuthorizationDetailId: osmHostDetail, Body: &osmmodel.VerifyHostV2Req{Port: 22, Account: "ubuntu", Password: "wrong"}})
				if deref(resp.ErrorCode) != "OSM.01010003" {
					t.Errorf("error_code %q, want OSM.01010003", deref(resp.ErrorCode))
				}
			}},
			{"ListAuthorizations for another account", func(t *testing.T) {
				other := osmsdk.NewOsmClient(c.globalClient(t, osmsdk.OsmClientBuilder(), "11111111111111111111111111111111"))
				sdkError(t, c, http.StatusForbidden, "OSM.0003", other.ListAuthorizations, &osmmodel.ListAuthorizationsRequest{})
			}},
			{"ShowAuthorizationDetail of an unknown authorization", func(t *testing.T) {
				// ShowAuthorizationDetailResponse has no error_code: the SDK sees an empty authorization and no
				// error, so a client must read error_code from the body itself. Only the envelope is checked here.
				resp, err := cli.ShowAuthorizationDetail(&osmmodel.ShowAuthorizationDetailRequest{AuthorizationId: osmUnknown})
				ex := c.rec.lastExchange()
				if err != nil || resp.Id != nil || ex.status != http.StatusOK {
					t.Errorf("the SDK reports %v, %v (%d %s); want no error and no authorization", resp, err, ex.status, ex.body)
				}
				expectShape(t, "ShowAuthorizationDetail", ex, reflect.TypeFor[errorBody]())
			}},
		} {
			t.Run(tt.name, tt.run)
		}
	})
}

// TestOSMEpochTimesAreCaught runs the checker against the fake's one documented alternative the SDK cannot
// read (the quirk osm-epoch-times): if it saw nothing there, its silence elsewhere would prove nothing.
func TestOSMEpochTimesAreCaught(t *testing.T) {
	t.Parallel()
	c := start(t, fakecloud.Options{Quirks: []string{fakecloud.QuirkOSMEpochTimes}}, osmFixture(time.Now()))
	cli := osmsdk.NewOsmClient(c.globalClient(t, osmsdk.OsmClientBuilder(), ""))
	if _, err := cli.ListAuthorizations(&osmmodel.ListAuthorizationsRequest{}); err == nil {
		t.Error("the SDK read epoch numbers as sdktime.SdkTime")
	}
	got := checkShape(c.rec.lastExchange().body, reflect.TypeFor[osmmodel.ListAuthorizationsResponse]())
	var fields []string
	for _, p := range got {
		field, finding, _ := strings.Cut(p, ": ")
		if !strings.HasPrefix(finding, "number ") || !strings.Contains(finding, "takes a date-time string") {
			t.Errorf("unexpected report %s", p)
		}
		fields = append(fields, field)
	}
	want := []string{"incident_auth_list[0].auth_effective_time", "incident_auth_list[0].auth_expire_time", "incident_auth_list[0].create_time"}
	if !slices.Equal(fields, want) {
		t.Errorf("reports on %v, want %v:\n%s", fields, want, strings.Join(got, "\n"))
	}
}
