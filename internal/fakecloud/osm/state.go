package osm

import (
	"cmp"
	"slices"
	"strings"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

// The statuses of an authorization (api-notes.md §6).
const (
	StatusInitializing     = -1
	StatusPending          = 0 // to be authorized: the tenant may accept or reject it
	StatusAuthorized       = 1
	StatusRejected         = 2
	StatusExpired          = 3 // an authorized request whose window has ended
	StatusWithdrawn        = 4 // by the engineer
	StatusCanceled         = 5 // by the tenant, after accepting
	StatusApprovalPending  = 6 // accepted, waiting for an approval the request asked for
	StatusApprovalRejected = 7
)

// validStatus says whether st is one of the statuses above.
func validStatus(st int) bool { return st >= StatusInitializing && st <= StatusApprovalRejected }

// Detail types.
const (
	DetailConsole = 0
	DetailHost    = 1
)

// Authorization is a support engineer's request for access and the tenant's decision on it, as fixtures,
// snapshots and the test accessors hold it. Times are epoch milliseconds; 0 is unset.
type Authorization struct {
	ID                string `json:"id"` // 1-32 letters, digits, hyphens or underscores
	Status            int    `json:"status"`
	IncidentID        string `json:"incident_id,omitempty"` // the service ticket
	SimpleDescription string `json:"simple_description,omitempty"`
	AuthDescribe      string `json:"auth_describe,omitempty"`
	ResourceTypeID    string `json:"resource_type_id,omitempty"`
	ResourceTypeName  string `json:"resource_type_name,omitempty"`
	VisitTypeID       string `json:"visit_type_id,omitempty"`
	VisitTypeName     string `json:"visit_type_name,omitempty"`
	ContentTypeID     string `json:"content_type_id,omitempty"`
	ContentTypeName   string `json:"content_type_name,omitempty"`
	// CustomerName is the sub-customer the request is for; the list filter sub_customer_name matches it.
	CustomerName string `json:"xcustomer_name,omitempty"`
	// ContentOfAuthLetter is the commitment letter the engineer signed, which the list answers.
	ContentOfAuthLetter string `json:"content_of_auth_letter,omitempty"`
	CreateTime          int64  `json:"create_time,omitempty"` // 0 = when it is added
	AuthEffectiveTime   int64  `json:"auth_effective_time,omitempty"`
	AuthExpireTime      int64  `json:"auth_expire_time,omitempty"` // 0 = no end; an authorized request reads as expired from then on
	// NeedsApproval makes an accept move the request to approval in progress (6) instead of authorized (1).
	NeedsApproval bool   `json:"needs_approval,omitempty"`
	GroupID       string `json:"group_id,omitempty"` // a call naming another group_id has no permission on it
	// What the tenant's decision recorded.
	RejectReason    string   `json:"reject_reason,omitempty"`
	AuthHandlerName string   `json:"auth_handler_name,omitempty"` // the user who accepted, rejected or canceled it
	AgencyID        string   `json:"agency_id,omitempty"`         // the agency an accept granted
	Details         []Detail `json:"details,omitempty"`
}

// Detail is one thing an authorization asks access to: a console or a host. For a host, Port, Account and
// Password are its login, which verify-host checks; the API never answers them, and snapshots leave the
// password out.
type Detail struct {
	ID           int64  `json:"id,omitempty"` // unique in the account; 0 = generated
	Type         int    `json:"type"`         // DetailConsole or DetailHost
	Port         int    `json:"port,omitempty"`
	Account      string `json:"account,omitempty"`
	Password     string `json:"password,omitempty"`
	InstanceID   string `json:"instance_id,omitempty"`
	InstanceName string `json:"instance_name,omitempty"`
	RegionID     string `json:"region_id,omitempty"`
	// Granted is the login the tenant handed the engineer when accepting; the API answers its port and
	// account as the detail's, never its password.
	Granted *Credential `json:"granted,omitempty"`
}

// Credential is a login to a host.
type Credential struct {
	Port     int    `json:"port,omitempty"`
	Account  string `json:"account,omitempty"`
	Password string `json:"password,omitempty"`
}

// account holds the authorizations of one account.
type account struct {
	auths   map[string]*Authorization
	details map[int64]string // detail ID → the authorization holding it
}

func newAccount() *account {
	return &account{auths: map[string]*Authorization{}, details: map[int64]string{}}
}

// settle brings every authorization up to the clock: an authorized request whose window has ended is expired.
func (acct *account) settle(now int64) {
	for _, a := range acct.auths {
		a.settle(now)
	}
}

func (a *Authorization) settle(now int64) {
	if a.Status == StatusAuthorized && a.AuthExpireTime != 0 && a.AuthExpireTime <= now {
		a.Status = StatusExpired
	}
}

func (acct *account) add(a *Authorization) {
	acct.auths[a.ID] = a
	for _, d := range a.Details {
		acct.details[d.ID] = a.ID
	}
}

func (acct *account) remove(id string) {
	for _, d := range acct.auths[id].Details {
		delete(acct.details, d.ID)
	}
	delete(acct.auths, id)
}

// detail finds a detail by ID with its authorization.
func (acct *account) detail(id int64) (*Authorization, *Detail) {
	a := acct.auths[acct.details[id]]
	if a == nil {
		return nil, nil
	}
	return a, a.detail(id)
}

func (a *Authorization) detail(id int64) *Detail {
	for i := range a.Details {
		if a.Details[i].ID == id {
			return &a.Details[i]
		}
	}
	return nil
}

// sorted returns the authorizations that pass keep in the order the list answers them (listOrder).
func (acct *account) sorted(keep func(*Authorization) bool) []*Authorization {
	var out []*Authorization
	for _, a := range acct.auths {
		if keep(a) {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, listOrder)
	return out
}

// byID orders authorizations in snapshots and the accessors.
func byID(a, b Authorization) int { return strings.Compare(a.ID, b.ID) }

// A move is a change of status: who makes it (the tenant through the API, or the engineer), the statuses it
// acts on, and where it leads. Any other status answers "Operation failed." (errOperationFailed).
type move struct {
	from []int
	to   int
}

var (
	moveAccept   = move{from: []int{StatusPending}, to: StatusAuthorized} // StatusApprovalPending when the request needs approval
	moveReject   = move{from: []int{StatusPending}, to: StatusRejected}
	moveCancel   = move{from: []int{StatusAuthorized, StatusApprovalPending}, to: StatusCanceled}
	moveWithdraw = move{from: []int{StatusPending, StatusAuthorized, StatusApprovalPending}, to: StatusWithdrawn}
)

// allows says whether the move acts on a.
func (m move) allows(a *Authorization) bool { return slices.Contains(m.from, a.Status) }

// copyAuthorization returns a deep copy, passwords included.
func copyAuthorization(a *Authorization) Authorization {
	c := *a
	c.Details = slices.Clone(a.Details)
	for i, d := range c.Details {
		if d.Granted != nil {
			g := *d.Granted
			c.Details[i].Granted = &g
		}
	}
	return c
}

// withoutPasswords returns a deep copy without any password, for snapshots.
func withoutPasswords(a *Authorization) Authorization {
	c := copyAuthorization(a)
	for i := range c.Details {
		c.Details[i].Password = ""
		if g := c.Details[i].Granted; g != nil {
			g.Password = ""
		}
	}
	return c
}

// summaryView is an authorization as the list answers it (the SDK's IncidentOrderAuthV2): no details, no
// handler, no content type; the creation time, the customer and the commitment letter only here.
type summaryView struct {
	ID                  string  `json:"id"`
	Status              int     `json:"status"`
	IncidentID          string  `json:"incident_id"`
	SimpleDescription   string  `json:"simple_description"`
	AuthDescribe        string  `json:"auth_describe"`
	ResourceTypeID      string  `json:"resource_type_id"`
	ResourceTypeName    string  `json:"resource_type_name"`
	VisitTypeID         string  `json:"visit_type_id"`
	VisitTypeName       string  `json:"visit_type_name"`
	CreateTime          apiTime `json:"create_time"`
	AuthEffectiveTime   apiTime `json:"auth_effective_time,omitzero"`
	AuthExpireTime      apiTime `json:"auth_expire_time,omitzero"`
	RejectReason        string  `json:"reject_reason,omitempty"`
	CustomerID          string  `json:"customer_id"`
	CustomerName        string  `json:"xcustomer_name,omitempty"`
	ContentOfAuthLetter string  `json:"content_of_auth_letter,omitempty"`
}

// detailedView is an authorization as the detail call answers it (the SDK's ShowAuthorizationDetailResponse):
// with its details, the handler and the content type, without the creation time and the customer ID.
type detailedView struct {
	ID                string       `json:"id"`
	Status            int          `json:"status"`
	IncidentID        string       `json:"incident_id"`
	SimpleDescription string       `json:"simple_description"`
	AuthDescribe      string       `json:"auth_describe"`
	ResourceTypeID    string       `json:"resource_type_id"`
	ResourceTypeName  string       `json:"resource_type_name"`
	VisitTypeID       string       `json:"visit_type_id"`
	VisitTypeName     string       `json:"visit_type_name"`
	ContentTypeID     string       `json:"content_type_id"`
	ContentTypeName   string       `json:"content_type_name"`
	AuthEffectiveTime apiTime      `json:"auth_effective_time,omitzero"`
	AuthExpireTime    apiTime      `json:"auth_expire_time,omitzero"`
	RejectReason      string       `json:"reject_reason,omitempty"`
	CustomerName      string       `json:"xcustomer_name,omitempty"`
	AuthHandlerName   string       `json:"auth_handler_name,omitempty"`
	Details           []detailView `json:"incident_auth_detail_list"`
}

type detailView struct {
	ID           int64  `json:"id"`
	Port         int    `json:"port,omitempty"`
	Account      string `json:"account,omitempty"`
	Type         int    `json:"type"`
	InstanceID   string `json:"instance_id,omitempty"`
	InstanceName string `json:"instance_name,omitempty"`
	RegionID     string `json:"region_id,omitempty"`
}

func (a *Authorization) summary(accountID string, f timeFormat) summaryView {
	return summaryView{
		ID: a.ID, Status: a.Status, IncidentID: a.IncidentID, SimpleDescription: a.SimpleDescription, AuthDescribe: a.AuthDescribe,
		ResourceTypeID: a.ResourceTypeID, ResourceTypeName: a.ResourceTypeName, VisitTypeID: a.VisitTypeID, VisitTypeName: a.VisitTypeName,
		CreateTime: f.at(a.CreateTime), AuthEffectiveTime: f.at(a.AuthEffectiveTime), AuthExpireTime: f.at(a.AuthExpireTime),
		RejectReason: a.RejectReason, CustomerID: accountID, CustomerName: a.CustomerName, ContentOfAuthLetter: a.ContentOfAuthLetter,
	}
}

func (a *Authorization) detailed(f timeFormat) detailedView {
	v := detailedView{
		ID: a.ID, Status: a.Status, IncidentID: a.IncidentID, SimpleDescription: a.SimpleDescription, AuthDescribe: a.AuthDescribe,
		ResourceTypeID: a.ResourceTypeID, ResourceTypeName: a.ResourceTypeName, VisitTypeID: a.VisitTypeID, VisitTypeName: a.VisitTypeName,
		ContentTypeID: a.ContentTypeID, ContentTypeName: a.ContentTypeName,
		AuthEffectiveTime: f.at(a.AuthEffectiveTime), AuthExpireTime: f.at(a.AuthExpireTime),
		RejectReason: a.RejectReason, CustomerName: a.CustomerName, AuthHandlerName: a.AuthHandlerName,
		Details: make([]detailView, 0, len(a.Details)),
	}
	for _, d := range a.Details {
		dv := detailView{ID: d.ID, Type: d.Type, InstanceID: d.InstanceID, InstanceName: d.InstanceName, RegionID: d.RegionID}
		if d.Granted != nil {
			dv.Port, dv.Account = d.Granted.Port, d.Granted.Account
		}
		v.Details = append(v.Details, dv)
	}
	return v
}

// defaultAccount resolves the accessors' "" to the fake cloud's one account.
func defaultAccount(id string) string { return cmp.Or(id, core.DefaultDomainID) }
