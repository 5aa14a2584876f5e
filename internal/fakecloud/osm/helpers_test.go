package osm

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/fakecloudtest"
)

type response = fakecloudtest.Response

// Authorizations of the standard test fixture, all in the default account.
const (
	pendingID    = "auth-pending"    // 0, group g1, a host (101: port 22, root / s3cret-pw) and a console (102)
	approvalID   = "auth-approval"   // 0, needs approval, group g2, a host (201)
	authorizedID = "auth-authorized" // 1 until t0+1h, its host 301 handed over as port 2222, account ops
	openID       = "auth-open"       // 1 with no end
	rejectedID   = "auth-rejected"   // 2
	initID       = "auth-init"       // -1

	hostPassword = "s3cret-pw"
)

// t0 is when the test clock starts, in epoch milliseconds.
var t0 = fakecloudtest.NewClock().Now().UnixMilli()

func ms(d time.Duration) int64 { return d.Milliseconds() }

// standardFixture holds an authorization in most statuses, newest first: pending (t0-1h), approval (t0-2h),
// authorized (t0-3h), open (t0-4h), rejected (t0-5h), init (t0-6h).
func standardFixture() Fixture {
	return InAccount("",
		Authorization{
			ID: pendingID, IncidentID: "INC-1", SimpleDescription: "Disk full on web-1", AuthDescribe: "Log in to web-1 to clean /var",
			ResourceTypeID: "ecs", ResourceTypeName: "ECS", VisitTypeID: "host", VisitTypeName: "Host login",
			ContentTypeID: "ops", ContentTypeName: "Operations", CustomerName: "Team Blue", GroupID: "g1",
			CreateTime: t0 - ms(time.Hour),
			Details: []Detail{
				{ID: 101, Type: DetailHost, Port: 22, Account: "root", Password: hostPassword, InstanceID: "ecs-1", InstanceName: "web-1", RegionID: "eu-de"},
				{ID: 102, Type: DetailConsole, InstanceID: "console"},
			},
		},
		Authorization{
			ID: approvalID, IncidentID: "INC-2", SimpleDescription: "Database slow", CustomerName: "Team Red", GroupID: "g2", NeedsApproval: true,
			CreateTime: t0 - ms(2*time.Hour),
			Details:    []Detail{{ID: 201, Type: DetailHost, Port: 3389, Account: "Administrator", Password: "pw-201"}},
		},
		Authorization{
			ID: authorizedID, Status: StatusAuthorized, IncidentID: "INC-1", SimpleDescription: "Disk full again", GroupID: "g1",
			CreateTime: t0 - ms(3*time.Hour), AuthEffectiveTime: t0 - ms(time.Hour), AuthExpireTime: t0 + ms(time.Hour),
			AuthHandlerName: core.DefaultUserName,
			Details: []Detail{{ID: 301, Type: DetailHost, Port: 22, Account: "root", Password: "pw-301",
				Granted: &Credential{Port: 2222, Account: "ops", Password: "handed-over"}}},
		},
		Authorization{ID: openID, Status: StatusAuthorized, IncidentID: "INC-3", CreateTime: t0 - ms(4*time.Hour), AuthEffectiveTime: t0 - ms(time.Hour)},
		Authorization{ID: rejectedID, Status: StatusRejected, IncidentID: "INC-4", RejectReason: "not now", CreateTime: t0 - ms(5*time.Hour)},
		Authorization{ID: initID, Status: StatusInitializing, IncidentID: "INC-5", CreateTime: t0 - ms(6*time.Hour)},
	)
}

// fake is the service plugged into a core of its own, behind a real HTTP listener, as the provider meets it;
// requests carry the account-scoped core.DomainToken.
type fake struct {
	*Service
	*fakecloudtest.Client
	core  *core.Server
	clock *fakecloudtest.Clock
}

// newFake plugs the service into a core as the fake cloud's assembly does, on the test clock, without serving.
func newFake(opts core.Options) (*core.Server, *Service, *fakecloudtest.Clock) {
	clk := fakecloudtest.NewClock()
	opts.Now = clk.Now
	c := core.New(opts)
	s := New(Options{}, c.Now)
	c.Register(s)
	return c, s, clk
}

func start(t *testing.T, fixture Fixture, opts ...core.Options) *fake {
	t.Helper()
	c, s, clk := newFake(append(opts, core.Options{})[0])
	if err := load(c, fixture); err != nil {
		t.Fatalf("load: %v", err)
	}
	return &fake{Service: s, Client: fakecloudtest.Start(t, c, core.DomainToken), core: c, clock: clk}
}

func startStandard(t *testing.T, opts ...core.Options) *fake {
	t.Helper()
	return start(t, standardFixture(), opts...)
}

// load loads an OSM section through the core, as the assembly does.
func load(c *core.Server, f Fixture) error {
	raw, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return c.LoadFixture(core.Fixture{Sections: map[string]json.RawMessage{"osm": raw}})
}

const (
	listPath   = basePath
	verifyPath = basePath + "/authorization-details/"
)

func authPath(id string) string   { return basePath + "/" + id }
func actionPath(id string) string { return basePath + "/" + id + "/action" }

// expectFailure checks a business failure: HTTP 200 with the code.
func expectFailure(t *testing.T, r response, code string) {
	t.Helper()
	r.ExpectError(t, http.StatusOK, code)
}

// expectSuccess checks a write's success: HTTP 200 with an empty error code.
func expectSuccess(t *testing.T, r response) {
	t.Helper()
	r.ExpectStatus(t, http.StatusOK)
	if got := r.Object(t); got["error_code"] != "" || got["error_msg"] != "" {
		t.Fatalf("not a success: %s", r.Body)
	}
}

// status reads an authorization's status through the API.
func (f *fake) status(id string) int {
	f.T.Helper()
	return f.show(id).Status
}

// show reads an authorization through the API.
func (f *fake) show(id string) authorizationView {
	f.T.Helper()
	var v authorizationView
	resp := f.Do(http.MethodGet, authPath(id), nil)
	resp.ExpectStatus(f.T, http.StatusOK)
	resp.Decode(f.T, &v)
	return v
}

// authorizationView is an authorization as a test reads an answer, list item or detail alike: every field
// either call may answer, and the times back in epoch milliseconds whatever their form (number, or a string
// in the default zone).
type authorizationView struct {
	ID                  string        `json:"id"`
	Status              int           `json:"status"`
	IncidentID          string        `json:"incident_id"`
	SimpleDescription   string        `json:"simple_description"`
	AuthDescribe        string        `json:"auth_describe"`
	ResourceTypeID      string        `json:"resource_type_id"`
	ResourceTypeName    string        `json:"resource_type_name"`
	VisitTypeID         string        `json:"visit_type_id"`
	VisitTypeName       string        `json:"visit_type_name"`
	ContentTypeID       string        `json:"content_type_id"`
	ContentTypeName     string        `json:"content_type_name"`
	CreateTime          int64         `json:"-"`
	AuthEffectiveTime   int64         `json:"-"`
	AuthExpireTime      int64         `json:"-"`
	RejectReason        string        `json:"reject_reason"`
	CustomerID          string        `json:"customer_id"`
	CustomerName        string        `json:"xcustomer_name"`
	AuthHandlerName     string        `json:"auth_handler_name"`
	ContentOfAuthLetter string        `json:"content_of_auth_letter"`
	Details             *[]detailView `json:"incident_auth_detail_list"`
}

func (v *authorizationView) UnmarshalJSON(b []byte) error {
	type plain authorizationView
	var raw struct {
		plain
		CreateTime        json.RawMessage `json:"create_time"`
		AuthEffectiveTime json.RawMessage `json:"auth_effective_time"`
		AuthExpireTime    json.RawMessage `json:"auth_expire_time"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*v = authorizationView(raw.plain)
	for _, t := range []struct {
		raw json.RawMessage
		dst *int64
	}{{raw.CreateTime, &v.CreateTime}, {raw.AuthEffectiveTime, &v.AuthEffectiveTime}, {raw.AuthExpireTime, &v.AuthExpireTime}} {
		var err error
		if *t.dst, err = answeredMillis(t.raw); err != nil {
			return err
		}
	}
	return nil
}

// answeredMillis reads a time of an answer: absent, epoch milliseconds, or answerTimeLayout in GMT+8.
func answeredMillis(raw json.RawMessage) (int64, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	var ms int64
	if err := json.Unmarshal(raw, &ms); err == nil {
		return ms, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return 0, err
	}
	at, err := time.ParseInLocation(answerTimeLayout, s, defaultZone)
	return at.UnixMilli(), err
}

// listedBody is a list answer as a test reads it.
type listedBody struct {
	Count int                 `json:"count"`
	Items []authorizationView `json:"incident_auth_list"`
}
