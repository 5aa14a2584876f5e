package gateway

import (
	"cmp"
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

// App authorizations (api-notes.md §1 and §4): which app may call which API in which environment.

const (
	authSuccess = "SUCCESS"
	authSkipped = "SKIPPED"
	authFailed  = "FAILED"

	tunnelNormal = "NORMAL"
	tunnelGreen  = "GREEN"

	appAuthType = "APP" // the only API auth_type that can be authorized
)

var visitParamPattern = regexp.MustCompile(`^[a-zA-Z0-9_,]*$`)

type authCreateRequest struct {
	EnvID  string   `json:"env_id"`
	AppIDs []string `json:"app_ids"`
	APIIDs []string `json:"api_ids"`
	romaAuthOptions
}

// romaAuthOptions are the create fields only ROMA Connect knows; APIG ignores them.
type romaAuthOptions struct {
	AuthTunnel    string       `json:"auth_tunnel"`
	AuthWhitelist []string     `json:"auth_whitelist"`
	AuthBlacklist []string     `json:"auth_blacklist"`
	VisitParams   []visitParam `json:"visit_params"`
}

type visitParam struct {
	APIID      string  `json:"api_id"`
	AppID      string  `json:"app_id"`
	VisitParam *string `json:"visit_param"`
}

// validate checks the request in the gateway's order; state-dependent checks come later, in apply.
func (req *authCreateRequest) validate() *core.Error {
	switch {
	case req.EnvID == "":
		return errMissingParam.With("env_id")
	case !idPattern.MatchString(req.EnvID):
		return errInvalidParam.With("env_id")
	case len(req.AppIDs) == 0:
		return errInvalidParam.With("app_ids")
	case len(req.APIIDs) == 0:
		return errInvalidParam.With("api_ids")
	case req.AuthTunnel != tunnelNormal && req.AuthTunnel != tunnelGreen:
		return errInvalidParam.With("auth_tunnel")
	case req.AuthTunnel != tunnelGreen && len(req.AuthWhitelist) > 0:
		return errInvalidParam.With("auth_whitelist")
	case req.AuthTunnel != tunnelGreen && len(req.AuthBlacklist) > 0:
		return errInvalidParam.With("auth_blacklist")
	}
	for _, vp := range req.VisitParams {
		switch {
		case vp.APIID == "":
			return errMissingParam.With("api_id")
		case vp.VisitParam == nil:
			return errMissingParam.With("visit_param")
		case !visitParamPattern.MatchString(*vp.VisitParam):
			return errInvalidParam.With("visit_param")
		}
	}
	return nil
}

// visitParamFor picks the visit parameter given for (api, app); an entry without app_id applies to every app.
func (req *authCreateRequest) visitParamFor(apiID, appID string) string {
	for _, vp := range req.VisitParams {
		if vp.APIID == apiID && (vp.AppID == "" || vp.AppID == appID) {
			return *vp.VisitParam
		}
	}
	return ""
}

type authResult struct {
	Status    string `json:"status"`
	ErrorCode string `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
	APIName   string `json:"api_name"`
	AppName   string `json:"app_name"`
}

// authItem is one entry of the create answer, for one (app, API) pair.
type authItem struct {
	ID            string     `json:"id"`
	APIID         string     `json:"api_id"`
	AppID         string     `json:"app_id"`
	AuthTime      string     `json:"auth_time"`
	AuthRole      string     `json:"auth_role"`
	AuthTunnel    string     `json:"auth_tunnel"`
	AuthWhitelist []string   `json:"auth_whitelist"`
	AuthBlacklist []string   `json:"auth_blacklist"`
	VisitParams   string     `json:"visit_params"`
	AuthResult    authResult `json:"auth_result"`
	// withoutID leaves the id field out of the encoded item (see duplicateAuthResult).
	withoutID bool
}

// MarshalJSON encodes the item, without its id field when withoutID is set.
func (it authItem) MarshalJSON() ([]byte, error) {
	type plain authItem // without the method, so that encoding it does not recurse
	if !it.withoutID {
		return json.Marshal(plain(it))
	}
	// The outer id field hides the embedded one; nil leaves it out.
	return json.Marshal(struct {
		ID *string `json:"id,omitempty"`
		plain
	}{plain: plain(it)})
}

type authNames struct{ api, app string }

func newAuthItem(a *AppAuth, names authNames) authItem {
	return authItem{
		ID: a.ID, APIID: a.APIID, AppID: a.AppID, AuthTime: core.FormatTime(a.AuthTime), AuthRole: a.AuthRole,
		AuthTunnel: a.AuthTunnel, AuthWhitelist: nonNil(a.AuthWhitelist), AuthBlacklist: nonNil(a.AuthBlacklist),
		VisitParams: a.VisitParam, AuthResult: authResult{APIName: names.api, AppName: names.app},
	}
}

func failedAuthItem(a *AppAuth, names authNames, err *core.Error) authItem {
	item := newAuthItem(a, names)
	item.AuthResult.Status, item.AuthResult.ErrorCode, item.AuthResult.ErrorMsg = authFailed, err.Code, err.Msg
	return item
}

// addAuth stores an authorization record after checking what every record must satisfy: its app, API and
// environment exist, it is the only one for its (app, API, environment), and the app's quota is not used up.
func (in *instance) addAuth(a AppAuth, now time.Time) (*AppAuth, *core.Error) {
	if err := validateGivenID(a.ID); err != nil {
		return nil, err
	}
	if _, err := in.app(a.AppID); err != nil {
		return nil, err
	}
	if _, err := in.api(a.APIID); err != nil {
		return nil, err
	}
	if _, err := in.env(a.EnvID); err != nil {
		return nil, err
	}
	if _, taken := in.auths[a.ID]; taken || in.findAuth(a.AppID, a.APIID, a.EnvID) != nil {
		return nil, errAuthExists.With()
	}
	if in.countAuths(func(x *AppAuth) bool { return x.AppID == a.AppID }) >= maxAuthsPerApp {
		return nil, errAuthQuota.With(a.AppID, maxAuthsPerApp)
	}
	a.ID = cmp.Or(a.ID, core.NewID())
	a.InstanceID = in.id
	if a.AuthTime.IsZero() {
		a.AuthTime = now
	}
	a.AuthRole = cmp.Or(a.AuthRole, defaultAuthRole)
	a.AuthTunnel = cmp.Or(a.AuthTunnel, tunnelNormal)
	a.AuthWhitelist, a.AuthBlacklist = slices.Clone(a.AuthWhitelist), slices.Clone(a.AuthBlacklist)
	in.auths[a.ID] = &a
	return &a, nil
}

// authorize makes the result item for one (app, API) pair of a create request; the app and environment are
// known to exist.
func (g *Service) authorize(in *instance, req *authCreateRequest, appID, apiID string, now time.Time) authItem {
	rec := AppAuth{
		AppID: appID, APIID: apiID, EnvID: req.EnvID, AuthTunnel: req.AuthTunnel,
		AuthWhitelist: req.AuthWhitelist, AuthBlacklist: req.AuthBlacklist, VisitParam: req.visitParamFor(apiID, appID),
	}
	names := authNames{app: in.apps[appID].Name}
	api, known := in.apis[apiID]
	if !known {
		return failedAuthItem(&rec, names, errAPINotFound.With(apiID))
	}
	names.api = api.Name
	if _, published := in.pubs[pubKey{apiID, req.EnvID}]; !published {
		return failedAuthItem(&rec, names, errNotPublished.With(apiID))
	}
	if api.AuthType != appAuthType {
		return failedAuthItem(&rec, names, errNotAppAuth.With(apiID))
	}
	if existing := in.findAuth(appID, apiID, req.EnvID); existing != nil {
		return g.duplicateAuthResult(existing, names)
	}
	stored, err := in.addAuth(rec, now)
	if err != nil {
		return failedAuthItem(&rec, names, err)
	}
	item := newAuthItem(stored, names)
	item.AuthResult.Status = authSuccess
	return item
}

// createAppAuths is POST app-auths: one result item per (app, API) pair, failures included, in a 201.
func (g *Service) createAppAuths(c *call) (core.Reply, *core.Error) {
	var req authCreateRequest
	if err := c.Decode(&req); err != nil {
		return core.Fail(err)
	}
	if c.base.flavor != FlavorROMA {
		req.romaAuthOptions = romaAuthOptions{}
	}
	req.AuthTunnel = cmp.Or(req.AuthTunnel, tunnelNormal)
	if err := req.validate(); err != nil {
		return core.Fail(err)
	}
	in := c.inst
	return g.write(in, uniq(req.AppIDs), func() (core.Reply, *core.Error) {
		if _, err := in.env(req.EnvID); err != nil {
			return core.Fail(err)
		}
		for _, id := range req.AppIDs {
			if _, err := in.app(id); err != nil {
				return core.Fail(err)
			}
		}
		if err := g.rejectDuplicateAuths(in, &req); err != nil {
			return core.Fail(err)
		}
		now := g.now()
		items := []authItem{}
		for _, appID := range req.AppIDs {
			for _, apiID := range req.APIIDs {
				items = append(items, g.authorize(in, &req, appID, apiID, now))
			}
		}
		return core.Created(createAuthsBody(c.base, items))
	})
}

// authView is an item of binded-apis and binded-apps: a record joined with its API, app and environment.
type authView struct {
	ID            string   `json:"id"`
	APIID         string   `json:"api_id"`
	APIName       string   `json:"api_name"`
	GroupID       string   `json:"group_id"`
	GroupName     string   `json:"group_name"`
	APIType       int      `json:"api_type"`
	APIRemark     string   `json:"api_remark"`
	EnvID         string   `json:"env_id"`
	EnvName       string   `json:"env_name"`
	AuthRole      string   `json:"auth_role"`
	AuthTime      string   `json:"auth_time"`
	AppID         string   `json:"app_id"`
	AppName       string   `json:"app_name"`
	AppRemark     string   `json:"app_remark"`
	AppType       string   `json:"app_type"`
	AppCreator    string   `json:"app_creator"`
	PublishID     string   `json:"publish_id"`
	AuthTunnel    string   `json:"auth_tunnel"`
	AuthWhitelist []string `json:"auth_whitelist"`
	AuthBlacklist []string `json:"auth_blacklist"`
	VisitParam    string   `json:"visit_param"`
	RomaAppType   *string  `json:"roma_app_type,omitempty"` // ROMA Connect only
}

// authView joins a record with its API, app and environment, which always exist: deleting any of them
// deletes the record too.
func (in *instance) authView(a *AppAuth) authView {
	api, app, env := in.apis[a.APIID], in.apps[a.AppID], in.envs[a.EnvID]
	v := authView{
		ID: a.ID, APIID: api.ID, APIName: api.Name, GroupID: api.GroupID, GroupName: api.GroupName,
		APIType: api.Type, APIRemark: api.Remark, EnvID: env.ID, EnvName: env.Name,
		AuthRole: a.AuthRole, AuthTime: core.FormatTime(a.AuthTime),
		AppID: app.ID, AppName: app.Name, AppRemark: app.Remark, AppType: app.AppType, AppCreator: app.Creator,
		PublishID: in.pubs[pubKey{a.APIID, a.EnvID}].id, AuthTunnel: a.AuthTunnel,
		AuthWhitelist: nonNil(a.AuthWhitelist), AuthBlacklist: nonNil(a.AuthBlacklist), VisitParam: a.VisitParam,
	}
	if in.flavor == FlavorROMA {
		v.RomaAppType = &app.RomaAppType
	}
	return v
}

func (in *instance) authViews(auths []*AppAuth) []authView {
	views := make([]authView, 0, len(auths))
	for _, a := range auths {
		views = append(views, in.authView(a))
	}
	return views
}

// boundList collects the records of the object a required query parameter names (an app for binded-apis, an
// API for binded-apps) that pass the call's filters.
func boundList[R any](param string, find func(*instance, string) (R, *core.Error), filter func(in *instance, q url.Values, a *AppAuth) bool) func(*call, url.Values) ([]authView, *core.Error) {
	return func(c *call, q url.Values) ([]authView, *core.Error) {
		id := q.Get(param)
		if id == "" {
			return nil, errMissingParam.With(param)
		}
		in := c.inst
		if _, err := find(in, id); err != nil {
			return nil, err
		}
		auths := in.sortedAuths(func(a *AppAuth) bool { return filter(in, q, a) })
		return in.authViews(auths), nil
	}
}

// boundAPIsFilter picks the records of GET app-auths/binded-apis: one app's.
func boundAPIsFilter(in *instance, q url.Values, a *AppAuth) bool {
	api := in.apis[a.APIID]
	return a.AppID == q.Get("app_id") && matchExact(q, "api_id", a.APIID) && matchSubstring(q, "api_name", api.Name) &&
		matchExact(q, "group_id", api.GroupID) && matchSubstring(q, "group_name", api.GroupName) &&
		matchExact(q, "env_id", a.EnvID)
}

// boundAppsFilter picks the records of GET app-auths/binded-apps: one API's.
func boundAppsFilter(in *instance, q url.Values, a *AppAuth) bool {
	return a.APIID == q.Get("api_id") && matchExact(q, "app_id", a.AppID) &&
		matchSubstring(q, "app_name", in.apps[a.AppID].Name) && matchExact(q, "env_id", a.EnvID)
}

type apiOutline struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Remark     string `json:"remark"`
	GroupID    string `json:"group_id"`
	GroupName  string `json:"group_name"`
	AuthType   string `json:"auth_type"`
	RunEnvID   string `json:"run_env_id"`
	RunEnvName string `json:"run_env_name"`
	PublishID  string `json:"publish_id"`
	ReqURI     string `json:"req_uri"`
}

// listUnboundAPIs is GET app-auths/unbinded-apis: the APIs published in env_id that the app may not call
// there yet. Their auth_type is included, so a client can tell which of them can be authorized at all.
func (g *Service) listUnboundAPIs(c *call, q url.Values) ([]apiOutline, *core.Error) {
	appID, envID := q.Get("app_id"), q.Get("env_id")
	switch {
	case appID == "":
		return nil, errMissingParam.With("app_id")
	case envID == "":
		return nil, errMissingParam.With("env_id")
	}
	in := c.inst
	if _, err := in.app(appID); err != nil {
		return nil, err
	}
	env, err := in.env(envID)
	if err != nil {
		return nil, err
	}
	outlines := []apiOutline{}
	for _, api := range in.apis {
		pub, published := in.pubs[pubKey{api.ID, envID}]
		if !published || in.findAuth(appID, api.ID, envID) != nil ||
			!matchExact(q, "api_id", api.ID) || !matchSubstring(q, "api_name", api.Name) || !matchExact(q, "group_id", api.GroupID) {
			continue
		}
		outlines = append(outlines, apiOutline{
			ID: api.ID, Name: api.Name, Remark: api.Remark, GroupID: api.GroupID, GroupName: api.GroupName,
			AuthType: api.AuthType, RunEnvID: env.ID, RunEnvName: env.Name, PublishID: pub.id, ReqURI: api.ReqURI,
		})
	}
	slices.SortFunc(outlines, func(a, b apiOutline) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	return outlines, nil
}

// deleteAppAuth is DELETE app-auths/{app_auth_id} (seeds 000 and 001).
func (g *Service) deleteAppAuth(c *call) (core.Reply, *core.Error) {
	id := c.PathValue("app_auth_id")
	if !idPattern.MatchString(id) {
		return core.Fail(errInvalidPath.With("id"))
	}
	in := c.inst
	g.mu.Lock()
	a := in.auths[id] // records are never modified once stored, so a may be read without the lock
	g.mu.Unlock()
	if a == nil {
		return core.Fail(errAuthNotFound.With(id))
	}
	return g.write(in, []string{a.AppID}, func() (core.Reply, *core.Error) {
		if _, found := in.auths[id]; !found { // deleted while this write waited
			return core.Fail(errAuthNotFound.With(id))
		}
		delete(in.auths, id)
		return core.NoContent()
	})
}

// nonNil makes empty lists encode as [] rather than null, as the gateway answers.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func uniq(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}
