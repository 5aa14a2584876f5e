package fakecloud

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"time"
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
func (req *authCreateRequest) validate() *apiError {
	switch {
	case req.EnvID == "":
		return errMissingParam.with("env_id")
	case !idPattern.MatchString(req.EnvID):
		return errInvalidParam.with("env_id")
	case len(req.AppIDs) == 0:
		return errInvalidParam.with("app_ids")
	case len(req.APIIDs) == 0:
		return errInvalidParam.with("api_ids")
	case req.AuthTunnel != tunnelNormal && req.AuthTunnel != tunnelGreen:
		return errInvalidParam.with("auth_tunnel")
	case req.AuthTunnel != tunnelGreen && len(req.AuthWhitelist) > 0:
		return errInvalidParam.with("auth_whitelist")
	case req.AuthTunnel != tunnelGreen && len(req.AuthBlacklist) > 0:
		return errInvalidParam.with("auth_blacklist")
	}
	for _, vp := range req.VisitParams {
		switch {
		case vp.APIID == "":
			return errMissingParam.with("api_id")
		case vp.VisitParam == nil:
			return errMissingParam.with("visit_param")
		case !visitParamPattern.MatchString(*vp.VisitParam):
			return errInvalidParam.with("visit_param")
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
}

type authNames struct{ api, app string }

func newAuthItem(a *AppAuth, names authNames) authItem {
	return authItem{
		ID: a.ID, APIID: a.APIID, AppID: a.AppID, AuthTime: formatTime(a.AuthTime), AuthRole: a.AuthRole,
		AuthTunnel: a.AuthTunnel, AuthWhitelist: nonNil(a.AuthWhitelist), AuthBlacklist: nonNil(a.AuthBlacklist),
		VisitParams: a.VisitParam, AuthResult: authResult{APIName: names.api, AppName: names.app},
	}
}

func failedAuthItem(a *AppAuth, names authNames, err *apiError) authItem {
	item := newAuthItem(a, names)
	item.AuthResult.Status, item.AuthResult.ErrorCode, item.AuthResult.ErrorMsg = authFailed, err.code, err.msg
	return item
}

// addAuth stores an authorization record after checking what every record must satisfy: its app, API and
// environment exist, it is the only one for its (app, API, environment), and the app's quota is not used up.
func (in *instance) addAuth(a AppAuth, now time.Time) (*AppAuth, *apiError) {
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
		return nil, errAuthExists.with()
	}
	if in.countAuths(func(x *AppAuth) bool { return x.AppID == a.AppID }) >= maxAuthsPerApp {
		return nil, errAuthQuota.with(a.AppID, maxAuthsPerApp)
	}
	a.ID = cmp.Or(a.ID, newID())
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
func (in *instance) authorize(req *authCreateRequest, appID, apiID string, now time.Time) authItem {
	rec := AppAuth{
		AppID: appID, APIID: apiID, EnvID: req.EnvID, AuthTunnel: req.AuthTunnel,
		AuthWhitelist: req.AuthWhitelist, AuthBlacklist: req.AuthBlacklist, VisitParam: req.visitParamFor(apiID, appID),
	}
	names := authNames{app: in.apps[appID].Name}
	api, known := in.apis[apiID]
	if !known {
		return failedAuthItem(&rec, names, errAPINotFound.with(apiID))
	}
	names.api = api.Name
	if _, published := in.pubs[pubKey{apiID, req.EnvID}]; !published {
		return failedAuthItem(&rec, names, errNotPublished.with(apiID))
	}
	if api.AuthType != appAuthType {
		return failedAuthItem(&rec, names, errNotAppAuth.with(apiID))
	}
	if existing := in.findAuth(appID, apiID, req.EnvID); existing != nil {
		return duplicateAuthResult(existing, names)
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
func (s *Server) createAppAuths(c *call) (reply, *apiError) {
	var req authCreateRequest
	if err := c.decode(&req); err != nil {
		return fail(err)
	}
	if c.gw.flavor != FlavorROMA {
		req.romaAuthOptions = romaAuthOptions{}
	}
	req.AuthTunnel = cmp.Or(req.AuthTunnel, tunnelNormal)
	if err := req.validate(); err != nil {
		return fail(err)
	}
	in := c.inst
	return s.write(in, uniq(req.AppIDs), func() (reply, *apiError) {
		if _, err := in.env(req.EnvID); err != nil {
			return fail(err)
		}
		for _, id := range req.AppIDs {
			if _, err := in.app(id); err != nil {
				return fail(err)
			}
		}
		if err := s.rejectDuplicateAuths(in, &req); err != nil {
			return fail(err)
		}
		now := s.now()
		items := []authItem{}
		for _, appID := range req.AppIDs {
			for _, apiID := range req.APIIDs {
				items = append(items, in.authorize(&req, appID, apiID, now))
			}
		}
		return created(createAuthsBody(c.gw, items))
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
		AuthRole: a.AuthRole, AuthTime: formatTime(a.AuthTime),
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

// listBoundAPIs is GET app-auths/binded-apis: the records of one app.
func (s *Server) listBoundAPIs(c *call) (reply, *apiError) {
	p, err := pageOf(c)
	if err != nil {
		return fail(err)
	}
	q := c.r.URL.Query()
	appID := q.Get("app_id")
	if appID == "" {
		return fail(errMissingParam.with("app_id"))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in := c.inst
	if _, err := in.app(appID); err != nil {
		return fail(err)
	}
	auths := in.sortedAuths(func(a *AppAuth) bool {
		api := in.apis[a.APIID]
		return a.AppID == appID && matchExact(q, "api_id", a.APIID) && matchSubstring(q, "api_name", api.Name) &&
			matchExact(q, "group_id", api.GroupID) && matchSubstring(q, "group_name", api.GroupName) &&
			matchExact(q, "env_id", a.EnvID)
	})
	return listReply(p, in.authViews(auths), "auths")
}

// listBoundApps is GET app-auths/binded-apps: the records of one API.
func (s *Server) listBoundApps(c *call) (reply, *apiError) {
	p, err := pageOf(c)
	if err != nil {
		return fail(err)
	}
	q := c.r.URL.Query()
	apiID := q.Get("api_id")
	if apiID == "" {
		return fail(errMissingParam.with("api_id"))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in := c.inst
	if _, err := in.api(apiID); err != nil {
		return fail(err)
	}
	auths := in.sortedAuths(func(a *AppAuth) bool {
		return a.APIID == apiID && matchExact(q, "app_id", a.AppID) &&
			matchSubstring(q, "app_name", in.apps[a.AppID].Name) && matchExact(q, "env_id", a.EnvID)
	})
	return listReply(p, in.authViews(auths), "auths")
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
func (s *Server) listUnboundAPIs(c *call) (reply, *apiError) {
	p, err := pageOf(c)
	if err != nil {
		return fail(err)
	}
	q := c.r.URL.Query()
	appID, envID := q.Get("app_id"), q.Get("env_id")
	switch {
	case appID == "":
		return fail(errMissingParam.with("app_id"))
	case envID == "":
		return fail(errMissingParam.with("env_id"))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in := c.inst
	if _, err := in.app(appID); err != nil {
		return fail(err)
	}
	env, err := in.env(envID)
	if err != nil {
		return fail(err)
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
	return listReply(p, outlines, "apis")
}

// deleteAppAuth is DELETE app-auths/{app_auth_id} (seeds 000 and 001).
func (s *Server) deleteAppAuth(c *call) (reply, *apiError) {
	id := c.r.PathValue("app_auth_id")
	if !idPattern.MatchString(id) {
		return fail(errInvalidPath.with("id"))
	}
	in := c.inst
	s.mu.Lock()
	a := in.auths[id] // records are never modified once stored, so a may be read without the lock
	s.mu.Unlock()
	if a == nil {
		return fail(errAuthNotFound.with(id))
	}
	return s.write(in, []string{a.AppID}, func() (reply, *apiError) {
		if _, found := in.auths[id]; !found { // deleted while this write waited
			return fail(errAuthNotFound.with(id))
		}
		delete(in.auths, id)
		return noContent()
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
