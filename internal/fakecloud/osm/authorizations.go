package osm

import (
	"math"
	"strings"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

// The calls on authorizations (api-notes.md §6). Business failures answer HTTP 200 with the error body.

type listBody struct {
	Count int           `json:"count"` // every match
	Items []summaryView `json:"incident_auth_list"`
}

// listAuthorizations is GET /v2/servicerequest/authorizations: the page offset/limit asks for of the
// authorizations that pass the filters, without their details.
func listAuthorizations(c *call) (core.Reply, *core.Error) {
	q := c.Request.URL.Query()
	status, byStatus, err := intQuery(q, "status", StatusInitializing, StatusApprovalRejected)
	if err != nil {
		return core.Fail(err)
	}
	offset, _, err := intQuery(q, "offset", 0, math.MaxInt32)
	if err != nil {
		return core.Fail(err)
	}
	limit, given, err := intQuery(q, "limit", 1, maxLimit)
	if err != nil {
		return core.Fail(err)
	}
	if !given {
		limit = defaultLimit
	}
	incidentID, description, customer, groupID := q.Get("incident_id"), q.Get("simple_description"), q.Get("sub_customer_name"), q.Get("group_id")
	if err := maxLength(groupID, maxGroupID); err != nil {
		return core.Fail(err)
	}

	matches := c.acct.sorted(func(a *Authorization) bool {
		return (!byStatus || a.Status == status) &&
			(incidentID == "" || a.IncidentID == incidentID) &&
			(groupID == "" || a.GroupID == groupID) &&
			strings.Contains(a.SimpleDescription, description) &&
			strings.Contains(a.CustomerName, customer)
	})
	start := min(offset, len(matches))
	page := matches[start:min(start+limit, len(matches))]
	body := listBody{Count: len(matches), Items: make([]summaryView, 0, len(page))}
	for _, a := range page {
		body.Items = append(body.Items, a.summary(c.AccountID, c.times))
	}
	return core.OK(body)
}

// showAuthorization is GET /v2/servicerequest/authorizations/{authorization_id}, details included.
func showAuthorization(c *call) (core.Reply, *core.Error) {
	groupID := c.Query("group_id")
	if err := maxLength(groupID, maxGroupID); err != nil {
		return core.Fail(err)
	}
	a, err := c.authorization(groupID)
	if err != nil {
		return core.Fail(err)
	}
	return core.OK(a.detailed(c.times))
}

// acceptRequest is the body of an accept: the logins handed to the engineer, by detail, and the window.
type acceptRequest struct {
	Credentials []struct {
		DetailID int64 `json:"auth_detail_id"`
		Credential
	} `json:"auth_detail_list"`
	EffectiveTime int64  `json:"auth_effective_time"`
	ExpireTime    int64  `json:"auth_expire_time"`
	GroupID       string `json:"group_id"`
	AgencyID      string `json:"agency_id"`
}

func (req *acceptRequest) validate() *core.Error {
	if len(req.Credentials) > maxCredentials {
		return errParam.With()
	}
	seen := map[int64]bool{}
	for _, cred := range req.Credentials {
		if cred.DetailID <= 0 || seen[cred.DetailID] || cred.Port < 0 || cred.Port > maxPort {
			return errParam.With()
		}
		seen[cred.DetailID] = true
		if err := core.FirstError(maxLength(cred.Account, maxAccount), maxLength(cred.Password, maxPassword)); err != nil {
			return err
		}
	}
	return core.FirstError(maxLength(req.GroupID, maxGroupID), maxLength(req.AgencyID, maxGroupID))
}

// acceptAuthorization is PUT /v2/servicerequest/authorizations/{authorization_id}: the tenant grants a
// pending request for a window, handing over host logins.
func acceptAuthorization(c *call) (core.Reply, *core.Error) {
	var req acceptRequest
	if err := decode(c, &req); err != nil {
		return core.Fail(err)
	}
	if err := req.validate(); err != nil {
		return core.Fail(err)
	}
	effective, expire, err := acceptWindow(req.EffectiveTime, req.ExpireTime, c.now)
	if err != nil {
		return core.Fail(err)
	}
	a, err := c.authorization(req.GroupID)
	if err != nil {
		return core.Fail(err)
	}
	for _, cred := range req.Credentials {
		if a.detail(cred.DetailID) == nil {
			return core.Fail(errParam.With())
		}
	}
	if !moveAccept.allows(a) {
		return core.Fail(errOperationFailed.With())
	}

	a.Status = moveAccept.to
	if a.NeedsApproval {
		a.Status = StatusApprovalPending
	}
	a.AuthEffectiveTime, a.AuthExpireTime = effective, expire
	a.AgencyID, a.AuthHandlerName = req.AgencyID, core.DefaultUserName
	for _, cred := range req.Credentials {
		granted := cred.Credential
		a.detail(cred.DetailID).Granted = &granted
	}
	return core.OK(succeeded)
}

// The actions of PUT .../{authorization_id}/action?action_id=.
const (
	actionReject = "reject"
	actionCancel = "cancel"
)

// actOnAuthorization is PUT /v2/servicerequest/authorizations/{authorization_id}/action (seed 004): reject a
// pending request, with a reason, or cancel an accepted one.
func actOnAuthorization(c *call) (core.Reply, *core.Error) {
	var req struct {
		RejectReason string `json:"reject_reason"`
		GroupID      string `json:"group_id"`
	}
	if err := decode(c, &req); err != nil {
		return core.Fail(err)
	}
	action := c.Query("action_id")
	var m move
	switch action {
	case actionReject:
		m = moveReject
		if err := required(req.RejectReason, maxRejectReason); err != nil {
			return core.Fail(err)
		}
	case actionCancel:
		m = moveCancel
	default:
		return core.Fail(errParam.With())
	}
	if err := core.FirstError(maxLength(req.RejectReason, maxRejectReason), maxLength(req.GroupID, maxGroupID)); err != nil {
		return core.Fail(err)
	}
	a, err := c.authorization(req.GroupID)
	if err != nil {
		return core.Fail(err)
	}
	if !m.allows(a) {
		return core.Fail(errOperationFailed.With())
	}

	a.Status, a.AuthHandlerName = m.to, core.DefaultUserName
	if action == actionReject {
		a.RejectReason = req.RejectReason
	}
	return core.OK(succeeded)
}

// verifyHost is POST /v2/servicerequest/authorizations/authorization-details/{authorization_detail_id}/verify-host:
// whether a login opens the detail's host. It changes nothing.
func verifyHost(c *call) (core.Reply, *core.Error) {
	var req struct {
		Credential
		GroupID string `json:"group_id"`
	}
	if err := decode(c, &req); err != nil {
		return core.Fail(err)
	}
	if req.Port < 1 || req.Port > maxPort {
		return core.Fail(errParam.With())
	}
	if err := core.FirstError(required(req.Account, maxAccount), required(req.Password, maxPassword), maxLength(req.GroupID, maxGroupID)); err != nil {
		return core.Fail(err)
	}
	d, err := c.hostDetail(req.GroupID)
	if err != nil {
		return core.Fail(err)
	}
	if d.Password == "" || req.Credential != (Credential{Port: d.Port, Account: d.Account, Password: d.Password}) {
		return core.Fail(errPasswordMismatch.With())
	}
	return core.OK(succeeded)
}
