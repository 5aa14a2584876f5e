package cloud

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// CodeOSMAuthorizationUnknown is the service-ticket business error (an HTTP 200 with an error_code) the
// provider acts on: the authorization does not exist. The documentation publishes no code for it; this is
// the fake cloud's chosen one, to be checked against the real service.
const CodeOSMAuthorizationUnknown = "OSM.01010004"

// Authorization statuses of the service-ticket service.
const (
	OSMInitializing     = -1
	OSMPending          = 0
	OSMAuthorized       = 1
	OSMRejected         = 2
	OSMExpired          = 3
	OSMWithdrawn        = 4
	OSMCanceled         = 5
	OSMApprovalPending  = 6
	OSMApprovalRejected = 7
)

// OSMStatusNames names the statuses as the provider shows them.
var OSMStatusNames = map[int]string{
	OSMInitializing: "initializing", OSMPending: "pending", OSMAuthorized: "authorized", OSMRejected: "rejected",
	OSMExpired: "expired", OSMWithdrawn: "withdrawn", OSMCanceled: "canceled", OSMApprovalPending: "approval_pending",
	OSMApprovalRejected: "approval_rejected",
}

// OSMClient holds the typed calls of the service-ticket (OSM) authorizations, an account-scoped service.
type OSMClient struct{ c *Client }

// OSM returns the service-ticket calls.
func (c *Client) OSM() *OSMClient { return &OSMClient{c: c} }

// OSMAuthorization is a support engineer's request for access, and the tenant's decision on it.
type OSMAuthorization struct {
	ID                string `json:"id"`
	Status            int    `json:"status"`
	IncidentID        string `json:"incident_id"`
	SimpleDescription string `json:"simple_description"`
	AuthDescribe      string `json:"auth_describe"`
	ResourceTypeID    string `json:"resource_type_id"`
	ResourceTypeName  string `json:"resource_type_name"`
	VisitTypeID       string `json:"visit_type_id"`
	VisitTypeName     string `json:"visit_type_name"`
	ContentTypeID     string `json:"content_type_id"`
	ContentTypeName   string `json:"content_type_name"`
	// The times, in epoch milliseconds (0: not set), whatever form the answer had (see osmtime.go).
	// CreateTime is in the list's answers only.
	CreateTime        int64  `json:"-"`
	AuthEffectiveTime int64  `json:"-"`
	AuthExpireTime    int64  `json:"-"`
	RejectReason      string `json:"reject_reason"`
	// CustomerID and ContentOfAuthLetter (the commitment letter) are in the list's answers only.
	CustomerID          string `json:"customer_id"`
	ContentOfAuthLetter string `json:"content_of_auth_letter"`
	CustomerName        string `json:"xcustomer_name"`
	// AuthHandlerName, AgencyName and Details are in the detail's answer only.
	AuthHandlerName string                   `json:"auth_handler_name"`
	AgencyName      string                   `json:"agency_name"`
	Details         []OSMAuthorizationDetail `json:"incident_auth_detail_list"`
}

// osmAuthorizationAnswer is an authorization as an answer carries it, its times still unread.
type osmAuthorizationAnswer struct {
	OSMAuthorization
	CreateTime        osmTime `json:"create_time"`
	AuthEffectiveTime osmTime `json:"auth_effective_time"`
	AuthExpireTime    osmTime `json:"auth_expire_time"`
}

// OSMTimeError is a time of an answer in no form the provider reads. The authorization comes with it, its
// other fields read, so that a caller needing only its status (taking access away) can go on.
type OSMTimeError struct {
	AuthorizationID, Field string
	Err                    error
}

func (e *OSMTimeError) Error() string {
	return fmt.Sprintf("reading %s of authorization %s: %v", e.Field, e.AuthorizationID, e.Err)
}

func (e *OSMTimeError) Unwrap() error { return e.Err }

// read reads the answer's times, zone-less ones in loc.
func (a osmAuthorizationAnswer) read(loc *time.Location) (OSMAuthorization, error) {
	out := a.OSMAuthorization
	for _, t := range []struct {
		name string
		in   osmTime
		out  *int64
	}{{"create_time", a.CreateTime, &out.CreateTime}, {"auth_effective_time", a.AuthEffectiveTime, &out.AuthEffectiveTime}, {"auth_expire_time", a.AuthExpireTime, &out.AuthExpireTime}} {
		ms, err := t.in.millis(loc)
		if err != nil {
			return out, &OSMTimeError{AuthorizationID: a.ID, Field: t.name, Err: err}
		}
		*t.out = ms
	}
	return out, nil
}

// OSMAuthorizationDetail is one thing an authorization gives access to: a console or a host.
type OSMAuthorizationDetail struct {
	ID           int64  `json:"id"`
	Port         int    `json:"port"`
	Account      string `json:"account"`
	Type         int    `json:"type"` // 0 console, 1 host
	InstanceID   string `json:"instance_id"`
	InstanceName string `json:"instance_name"`
	RegionID     string `json:"region_id"`
}

// OSMListFilter narrows the authorization list.
type OSMListFilter struct {
	Status     *int
	IncidentID string
	GroupID    string
}

// osmPageSize is the largest page the service serves.
const osmPageSize = 100

// prepare resolves the account for AK/SK callers and returns the optional headers every call carries.
func (o *OSMClient) prepare(ctx context.Context) (map[string]string, error) {
	if _, err := o.c.DomainID(ctx); err != nil {
		return nil, err
	}
	h := map[string]string{}
	for name, v := range map[string]string{"X-Site": o.c.cfg.Site, "X-Language": o.c.cfg.Language, "X-Time-Zone": o.c.cfg.TimeZone} {
		if v != "" {
			h[name] = v
		}
	}
	return h, nil
}

const osmBase = "/v2/servicerequest/authorizations"

// List answers GET /v2/servicerequest/authorizations, following every page.
func (o *OSMClient) List(ctx context.Context, f OSMListFilter) ([]OSMAuthorization, error) {
	h, err := o.prepare(ctx)
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	if f.Status != nil {
		q.Set("status", strconv.Itoa(*f.Status))
	}
	setIf(q, "incident_id", f.IncidentID)
	setIf(q, "group_id", f.GroupID)
	loc, err := ParseTimeZone(o.c.cfg.TimeZone)
	if err != nil {
		return nil, err
	}
	answers, err := listPages[osmAuthorizationAnswer](ctx, o.c, call{service: ServiceOSM, path: osmBase, query: q, headers: h}, "incident_auth_list", "count", osmPageSize)
	if err != nil {
		return nil, err
	}
	out := make([]OSMAuthorization, len(answers))
	for i, a := range answers {
		if out[i], err = a.read(loc); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Get answers GET /v2/servicerequest/authorizations/{id}.
func (o *OSMClient) Get(ctx context.Context, id, groupID string) (OSMAuthorization, error) {
	h, err := o.prepare(ctx)
	if err != nil {
		return OSMAuthorization{}, err
	}
	loc, err := ParseTimeZone(o.c.cfg.TimeZone)
	if err != nil {
		return OSMAuthorization{}, err
	}
	q := url.Values{}
	setIf(q, "group_id", groupID)
	var answer osmAuthorizationAnswer
	if err := o.c.do(ctx, call{service: ServiceOSM, method: http.MethodGet, path: osmBase + "/" + url.PathEscape(id), query: q, out: &answer, headers: h}); err != nil {
		return OSMAuthorization{}, err
	}
	// With an *OSMTimeError, the authorization's other fields are read all the same.
	return answer.read(loc)
}

// OSMHostCredential is the account a support engineer may use on one host of an authorization.
type OSMHostCredential struct {
	DetailID int64  `json:"auth_detail_id"`
	Port     int    `json:"port,omitempty"`
	Account  string `json:"account,omitempty"`
	Password string `json:"password,omitempty"`
}

// OSMAcceptRequest is the body of an accept.
type OSMAcceptRequest struct {
	Details       []OSMHostCredential `json:"auth_detail_list,omitempty"`
	EffectiveTime int64               `json:"auth_effective_time,omitempty"` // epoch milliseconds
	ExpireTime    int64               `json:"auth_expire_time,omitempty"`    // epoch milliseconds
	GroupID       string              `json:"group_id,omitempty"`
	AgencyID      string              `json:"agency_id,omitempty"`
}

// Accept answers PUT /v2/servicerequest/authorizations/{id}: the tenant grants the access asked for.
func (o *OSMClient) Accept(ctx context.Context, id string, req OSMAcceptRequest) error {
	h, err := o.prepare(ctx)
	if err != nil {
		return err
	}
	return o.c.do(ctx, call{service: ServiceOSM, method: http.MethodPut, path: osmBase + "/" + url.PathEscape(id), body: req, headers: h})
}

// Actions on an authorization.
const (
	OSMReject = "reject"
	OSMCancel = "cancel"
)

// Act answers PUT /v2/servicerequest/authorizations/{id}/action?action_id= (seed 004): reject a pending
// request, or cancel an accepted one.
func (o *OSMClient) Act(ctx context.Context, id, action, rejectReason, groupID string) error {
	h, err := o.prepare(ctx)
	if err != nil {
		return err
	}
	body := struct {
		RejectReason string `json:"reject_reason,omitempty"`
		GroupID      string `json:"group_id,omitempty"`
	}{rejectReason, groupID}
	return o.c.do(ctx, call{service: ServiceOSM, method: http.MethodPut, path: osmBase + "/" + url.PathEscape(id) + "/action",
		query: url.Values{"action_id": {action}}, body: body, headers: h})
}

// VerifyHost answers POST .../authorization-details/{detail_id}/verify-host: whether the account and
// password open the host.
func (o *OSMClient) VerifyHost(ctx context.Context, detailID int64, port int, account, password, groupID string) error {
	h, err := o.prepare(ctx)
	if err != nil {
		return err
	}
	body := struct {
		Port     int    `json:"port"`
		Account  string `json:"account"`
		Password string `json:"password"`
		GroupID  string `json:"group_id,omitempty"`
	}{port, account, password, groupID}
	// A check changes nothing, so it is retried like a read.
	return o.c.do(ctx, call{service: ServiceOSM, method: http.MethodPost, path: osmBase + "/authorization-details/" + strconv.FormatInt(detailID, 10) + "/verify-host",
		body: body, headers: h, idempotent: true})
}
