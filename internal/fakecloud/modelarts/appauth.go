package modelarts

import (
	"cmp"
	"errors"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

// App authorizations (api-notes.md §5, seed 002): which app may call which service API, per workspace.

const (
	showAuthorized   = "AUTH"
	showUnauthorized = "UNAUTH"
)

// authResult is one app's item of an authorize, update or revoke answer; a failure has Success false, no
// AuthID and a Reason.
type authResult struct {
	APIID   string `json:"api_id"`
	AppID   string `json:"app_id"`
	AuthID  string `json:"auth_id"`
	Reason  string `json:"reason"`
	Success bool   `json:"success"`
}

func resultOf(k authKey, authID string) authResult {
	return authResult{APIID: k.apiID, AppID: k.appID, AuthID: authID, Success: true}
}

func failureOf(k authKey, why string) authResult {
	return authResult{APIID: k.apiID, AppID: k.appID, Reason: why}
}

// store records an authorization whose checks have passed.
func (p *project) store(k authKey, authID string) Authorization {
	a := Authorization{AuthID: cmp.Or(authID, core.NewID()), WorkspaceID: k.workspaceID, ServiceID: k.serviceID, APIID: k.apiID, AppID: k.appID}
	p.auths[k] = a
	return a
}

// addAuth stores an authorization for a fixture or a test after checking what every authorization must
// satisfy: its service and API exist, its app exists in its workspace, and it is the only one of its kind.
// Unlike the authorize call it lets the API use any authentication: an API may change its auth_type after
// apps were authorized to it.
func (p *project) addAuth(a Authorization) (Authorization, error) {
	a.WorkspaceID = cmp.Or(a.WorkspaceID, defaultWorkspaceID)
	if err := validateWorkspace(a.WorkspaceID); err != nil {
		return Authorization{}, err
	}
	if _, _, err := p.serviceAPI(a.ServiceID, a.APIID); err != nil {
		return Authorization{}, err
	}
	if p.appIn(a.AppID, a.WorkspaceID) == nil {
		return Authorization{}, errors.New(reasonAppNotFound.with(a.AppID, a.WorkspaceID))
	}
	if _, found := p.auths[a.key()]; found {
		return Authorization{}, errors.New(reasonAlreadyAuthorized.with(a.AppID, a.APIID))
	}
	if a.AuthID != "" && (!authIDPattern.MatchString(a.AuthID) || len(p.authsOf(func(x Authorization) bool { return x.AuthID == a.AuthID })) > 0) {
		return Authorization{}, errInvalidParam.With("auth_id")
	}
	return p.store(a.key(), a.AuthID), nil
}

// authAction is one app's part of an authorize, update or revoke call.
type authAction struct {
	resultKey string // the answer's key for the items
	showAPI   bool   // the answer carries the API too
	apply     func(p *project, k authKey, api *API) authResult
}

// authCall answers an authorize, update or revoke call: an unknown service or API fails it as a whole, and
// every app named gets its own item in the 200, in the order named, failures included.
func authCall(act authAction) handler {
	return func(c *call) (core.Reply, *core.Error) {
		appIDs, ws, err := decodeAppsRequest(c)
		if err != nil {
			return core.Fail(err)
		}
		svc, api, err := c.proj.serviceAPI(c.PathValue("service_id"), c.PathValue("api_id"))
		if err != nil {
			return core.Fail(err)
		}
		items := make([]authResult, 0, len(appIDs))
		for _, appID := range appIDs {
			items = append(items, act.apply(c.proj, authKey{ws, svc.id, api.ID, appID}, api))
		}
		body := map[string]any{act.resultKey: items}
		if act.showAPI {
			body["api"] = svc.apiView(api)
		}
		return core.OK(body)
	}
}

// grant authorizes an app: POST, or PUT (update) when again is set, where an app authorized already is a
// success rather than a failure.
func grant(again bool) authAction {
	return authAction{resultKey: "auth_result", showAPI: true, apply: func(p *project, k authKey, api *API) authResult {
		existing, authorized := p.auths[k]
		switch {
		case p.appIn(k.appID, k.workspaceID) == nil:
			return failureOf(k, reasonAppNotFound.with(k.appID, k.workspaceID))
		case api.AuthType != appAuthType:
			return failureOf(k, reasonNotAppAuth.with(api.ID, api.AuthType))
		case authorized && again:
			return resultOf(k, existing.AuthID)
		case authorized:
			return failureOf(k, reasonAlreadyAuthorized.with(k.appID, k.apiID))
		}
		return resultOf(k, p.store(k, "").AuthID)
	}}
}

// revoke takes an app's authorization away: DELETE, seed 002.
var revoke = authAction{resultKey: "unauth_result", apply: func(p *project, k authKey, _ *API) authResult {
	existing, authorized := p.auths[k]
	switch {
	case p.appIn(k.appID, k.workspaceID) == nil:
		return failureOf(k, reasonAppNotFound.with(k.appID, k.workspaceID))
	case !authorized:
		return failureOf(k, reasonNotAuthorized.with(k.appID, k.apiID))
	}
	delete(p.auths, k)
	return resultOf(k, existing.AuthID)
}}

type apiAuthView struct {
	App    appView `json:"app"`
	Authed bool    `json:"authed"`
}

// listAPIAuths is GET services/{service_id}/app-auth-apis/{api_id}/api-auths: the workspace's apps, each with
// whether it may call the API; show_only keeps the authorized (AUTH) or the other (UNAUTH) ones.
func listAPIAuths(c *call) (core.Reply, *core.Error) {
	ws, err := workspaceOf(c, "")
	if err != nil {
		return core.Fail(err)
	}
	show := c.Query("show_only")
	if show != "" && show != showAuthorized && show != showUnauthorized {
		return core.Fail(errInvalidParam.With("show_only"))
	}
	svc, api, err := c.proj.serviceAPI(c.PathValue("service_id"), c.PathValue("api_id"))
	if err != nil {
		return core.Fail(err)
	}
	items := []apiAuthView{}
	for _, a := range c.proj.appsNamed(ws, c.Query("app_name")) {
		_, authed := c.proj.auths[authKey{ws, svc.id, api.ID, a.ID}]
		if (show == showAuthorized && !authed) || (show == showUnauthorized && authed) {
			continue
		}
		items = append(items, apiAuthView{App: c.proj.appView(a), Authed: authed})
	}
	return core.Paged(paging, c.Request.URL.Query(), "auths", items)
}
