package osm

import (
	"cmp"
	"strings"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

// This file keeps the behaviour the documentation leaves open (api-notes.md §6), plus the documented limits,
// so that correcting the fake after observing the real service is a one-line change. Codes and messages that
// were chosen are marked "chosen" in errors.go. Choices plain enough to need no switch:
//   - Every business failure is the one fixed message of its code; the message says nothing of which
//     parameter failed, as the real service's short (at most 32 characters) messages cannot.
//   - A malformed authorization ID (not 1-32 letters, digits, hyphens, underscores) or a detail ID that is not
//     an integer is a parameter error; a well-formed one that names nothing is errNotFound.
//   - A call naming a group_id other than the authorization's (also when it has none) has no permission
//     on it (errNoPermission); a call naming none acts on every group. The list takes group_id as a filter.
//   - An accept or action on a status its move does not act on answers errOperationFailed; expiry is
//     evaluated first, so accepting or canceling an authorization whose window has just ended fails.
//   - Accepting does not check host logins: the tenant checks them with verify-host first. Every credential
//     names a detail of the authorization, each detail once; console details take credentials too.
//   - verify-host on a console detail is a parameter error: there is no host to log in to. It checks the
//     login whatever the authorization's status is; a host seeded without a password matches none.
//   - Only an authorized request expires; one in approval keeps its status until it is approved or not.
//   - X-Site and X-Language are checked but change no answer: names are not translated. X-Time-Zone sets the
//     zone of the answers' times (times.go).
//   - Name filters of the list (simple_description, sub_customer_name against xcustomer_name) match
//     substrings; incident_id and group_id match exactly.

// Documented limits.
const (
	maxIDLength     = 32   // authorization IDs
	maxCredentials  = 6    // auth_detail_list of an accept
	maxRejectReason = 300  // characters
	maxGroupID      = 64   // characters, also agency_id (unconfirmed)
	maxAccount      = 64   // characters of a host account
	maxPassword     = 1024 // characters of a host password
	maxPort         = 65535
	maxHeaderValue  = 32 // X-Language and X-Time-Zone
	defaultLimit    = 10 // list page size when limit is absent
	maxLimit        = 100
)

// The optional headers of every call.
const (
	headerSite     = "X-Site" // 0 China site (default), 1 international
	headerLanguage = "X-Language"
	headerTimeZone = "X-Time-Zone"
)

// firstDetailID is the first authorization detail ID the fake hands out; the real IDs are large integers.
const firstDetailID = 1000001

// succeeded is the answer of a write that succeeded: the real service answers the two fields, empty.
// Unconfirmed: it may leave them out, which clients must read as success too.
var succeeded = map[string]string{"error_code": "", "error_msg": ""}

// acceptWindow resolves the window of an accept. Unconfirmed: an absent auth_effective_time means now, and
// an absent auth_expire_time means the access has no end (it stays authorized until it is canceled or
// withdrawn). A given expiry must come after both the start and now.
func acceptWindow(effective, expire, now int64) (int64, int64, *core.Error) {
	if effective < 0 || expire < 0 {
		return 0, 0, errParam.With()
	}
	effective = cmp.Or(effective, now)
	if expire != 0 && (expire <= effective || expire <= now) {
		return 0, 0, errParam.With()
	}
	return effective, expire, nil
}

// listOrder is the order of the list: newest first, then by ID. Unconfirmed.
func listOrder(a, b *Authorization) int {
	return cmp.Or(cmp.Compare(b.CreateTime, a.CreateTime), strings.Compare(a.ID, b.ID))
}

// permitted checks the group_id a call names against the authorization's.
func permitted(a *Authorization, groupID string) *core.Error {
	if groupID != "" && groupID != a.GroupID {
		return errNoPermission.With()
	}
	return nil
}
