package gateway

import "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"

// This file keeps the behaviour the clouds' documentation leaves open (api-notes.md calls it "unconfirmed"),
// plus the documented limits, so that correcting the fake after observing the real service is a one-line change.
// Error codes and messages that were chosen are marked "chosen" in the table in errors.go. Choices that are
// plain enough to need no switch:
//   - DELETE app-acl on an app without an ACL answers 204, like one with an ACL (idempotent, as clients assume).
//   - Deleting an environment (possible only with nothing published in it) also deletes its authorizations.
//   - Name filters of the list calls (name, api_name, app_name, group_name) match substrings; id filters match exactly.
//   - A path no service claims is answered APIG.0101 as an unknown gateway API (the assembly makes the gateways
//     the core's front door): on the real clouds an API gateway stands in front of every service endpoint.

// Documented limits (APIG user guide).
const (
	maxAppsPerInstance = 50   // creating one more app answers 403 APIG.3103
	maxEnvsPerInstance = 10   // user-created environments; the built-in RELEASE is not counted (unconfirmed)
	maxAuthsPerApp     = 1000 // authorization records per app, counted over all environments (unconfirmed)
	maxACLValues       = 300  // unconfirmed: more values answer 400 APIG.2011 parameterName:app_acl_values
)

const (
	// defaultAuthRole is the auth_role of every authorization record created through the API.
	defaultAuthRole = "PROVIDER"

	// apiReqProtocol and apiBackendType are what every API is answered to have: the fake keeps no request
	// protocol or backend, which the SDK's model of an API requires (values from its enums; chosen).
	apiReqProtocol = "HTTPS"
	apiBackendType = "HTTP"

	// defaultAPIAuthType is the auth_type of an API created without one, as on the real gateway.
	defaultAPIAuthType = "NONE"

	// offlineRevokesAuths says whether taking an API offline in an environment also deletes its app
	// authorizations there. Unconfirmed; chosen false because authorizations are records of their own and
	// republishing the API should not silently lose them.
	offlineRevokesAuths = false
)

// romaBases are the base paths of ROMA Connect. The current API generation (SDK services/roma/v2, the
// default) serves every call under /v2 and nothing under /v1. An older instance (Options.ROMAV1, quirk roma-v1)
// serves the app-auth calls only under /v1 — seed 001 documents its cancel there — and answers create with a
// bare array; its instance, apps, environments, APIs, publishing and app ACLs stay on /v2, where the app-auth
// paths then answer APIG.0101 like any unknown route. Unconfirmed: which calls besides app-auths an older
// instance serves under /v1; none is chosen, so a client reaching them there is noticed.
func romaBases(v1 bool) []base {
	if !v1 {
		return []base{{flavor: FlavorROMA, prefix: romaV2Prefix, calls: allCalls}}
	}
	return []base{
		{flavor: FlavorROMA, prefix: romaV1Prefix, calls: appAuthCalls, romaV1: true},
		{flavor: FlavorROMA, prefix: romaV2Prefix, calls: objectCalls | appACLCalls},
	}
}

// duplicateAuthResult is the create answer for an (app, API, environment) that is already authorized.
// Unconfirmed: the real gateway may instead fail the whole request with 400 APIG.3316 (Options.DuplicateAuthError,
// see rejectDuplicateAuths); the default is a per-item SKIPPED carrying the existing record, so a client that
// lost a create response can recover its ID. The SDK's model makes the id optional, and with
// Options.SkippedWithoutID (quirk skipped-without-id) the item leaves it out: the record is then found only
// through binded-apis.
func (g *Service) duplicateAuthResult(existing *AppAuth, names authNames) authItem {
	item := newAuthItem(existing, names)
	item.withoutID = g.opts.SkippedWithoutID
	item.AuthResult.Status = authSkipped
	item.AuthResult.ErrorCode = errAuthExists.Code
	item.AuthResult.ErrorMsg = errAuthExists.Msg
	return item
}

// createAuthsBody shapes the 201 body of POST app-auths. Unconfirmed: ROMA Connect's /v1 API answers with a
// bare JSON array, while APIG and ROMA /v2 wrap the items in {"auths": [...]}.
func createAuthsBody(b base, items []authItem) any {
	if b.romaV1 {
		return items
	}
	return map[string]any{"auths": items}
}

// rejectDuplicateAuths is the Options.DuplicateAuthError alternative to duplicateAuthResult: a create naming an
// (app, API, environment) that is already authorized fails as a whole with 400 APIG.3316 and stores nothing.
// A pair named twice in one request counts too, so that no SKIPPED item appears with the switch on. The check
// comes before the per-item ones, as a request-level check would on the gateway.
func (g *Service) rejectDuplicateAuths(in *instance, req *authCreateRequest) *core.Error {
	if !g.opts.DuplicateAuthError {
		return nil
	}
	seen := map[[2]string]bool{}
	for _, appID := range req.AppIDs {
		for _, apiID := range req.APIIDs {
			pair := [2]string{appID, apiID}
			if seen[pair] || in.findAuth(appID, apiID, req.EnvID) != nil {
				return errAuthExists.With()
			}
			seen[pair] = true
		}
	}
	return nil
}

// writeConflict answers a write that meets one of its apps busy (see Service.write) with 500 APIG.3500.
// By default nothing changes. With Options.ConflictAfterWrite the write is applied first, modelling the etcd
// sync failing after the database write: the client loses the answer but not the change. A write its own
// checks reject keeps its own error, since nothing was written that could fail to sync.
func (g *Service) writeConflict(apply func() (core.Reply, *core.Error)) (core.Reply, *core.Error) {
	if g.opts.ConflictAfterWrite {
		if _, err := apply(); err != nil {
			return core.Fail(err)
		}
	}
	return core.Fail(errWriteConflict.With())
}
