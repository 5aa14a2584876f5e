package osm

import (
	"testing"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/fakecloudtest"
)

// fuzzRoutes are the service tickets' calls: {id} is the ID the call names in its path.
var fuzzRoutes = []fakecloudtest.FuzzRoute{
	{Method: "GET", Path: basePath},
	{Method: "GET", Path: basePath + "/{id}", ID: pendingID},
	{Method: "PUT", Path: basePath + "/{id}", ID: pendingID},
	{Method: "PUT", Path: basePath + "/{id}/action", ID: pendingID},
	{Method: "PUT", Path: basePath + "/{id}/action", ID: authorizedID},
	{Method: "POST", Path: basePath + "/authorization-details/{id}/verify-host", ID: "101"},
}

// FuzzHandlers sends fuzzed queries, bodies and optional headers to every OSM call, with a valid
// account-scoped token, against the standard fixture: whatever comes, the answer keeps the clouds' envelope,
// a business error in a 200 included (fakecloudtest.FuzzCall).
func FuzzHandlers(f *testing.F) {
	for _, seed := range []struct {
		route     uint8
		id, query string
		body      string
		header    uint8
		value     string
	}{
		{0, "", "status=0&incident_id=INC-1&group_id=g1&offset=0&limit=100&simple_description=Disk", "", 0, ""},
		{0, "", "limit=0&status=99&offset=-1", "", 1, "2"},
		{1, "", "group_id=g2", "", 2, "en-us"},
		{2, "", "", `{"auth_detail_list":[{"auth_detail_id":101,"port":22,"account":"root","password":"x"}],"auth_effective_time":0,"auth_expire_time":0,"group_id":"g1","agency_id":"a"}`, 3, "GMT+1"},
		{2, approvalID, "", `{"auth_detail_list":[{"auth_detail_id":101},{"auth_detail_id":101}],"auth_expire_time":-1}`, 0, ""},
		{3, "", "action_id=reject", `{"reject_reason":"not now","group_id":"g1"}`, 0, ""},
		{4, "", "action_id=cancel", "", 0, ""},
		{3, "a/b", "action_id=withdraw", `{"reject_reason":""}`, 0, ""},
		{5, "", "", `{"port":22,"account":"root","password":"s3cret-pw","group_id":"g1"}`, 0, ""},
		{5, "9223372036854775808", "", `{"port":0}`, 0, ""},
		{2, "", "", "not json", 0, ""},
	} {
		f.Add(seed.route, seed.id, seed.query, []byte(seed.body), seed.header, seed.value)
	}
	srv := fakecloudtest.StartFuzz(f)
	headers := []string{"", headerSite, headerLanguage, headerTimeZone}
	f.Fuzz(func(t *testing.T, route uint8, id, rawQuery string, body []byte, header uint8, value string) {
		c, _, _ := newFake(core.Options{})
		if err := load(c, standardFixture()); err != nil {
			t.Fatalf("load: %v", err)
		}
		srv.Serve(c)
		r := fuzzRoutes[int(route)%len(fuzzRoutes)]
		var extra []string
		if h := headers[int(header)%len(headers)]; h != "" {
			extra = []string{h, value}
		}
		srv.FuzzCall(t, core.DomainToken, r.Method, r.PathWith(id), rawQuery, body, extra...)
	})
}
