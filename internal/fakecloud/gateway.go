package fakecloud

import (
	"cmp"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// gatewayBase is one base path a gateway flavour is served under. APIG and ROMA Connect answer the same
// calls the same way, so one set of handlers serves every base.
type gatewayBase struct {
	flavor Flavor
	prefix string
	// romaV1 marks ROMA Connect's first API generation: it answers create app-auths with a bare array
	// (see createAuthsBody) and has no app ACL calls.
	romaV1 bool
}

var gatewayBases = []gatewayBase{
	{flavor: FlavorAPIG, prefix: "/v2/{project_id}/apigw/instances/{instance_id}"},
	{flavor: FlavorROMA, prefix: "/v1/{project_id}/apic/instances/{instance_id}", romaV1: true},
	{flavor: FlavorROMA, prefix: "/v2/{project_id}/apic/instances/{instance_id}"},
}

func (s *Server) registerGateway(mux *http.ServeMux, g gatewayBase) {
	enter := s.enterGateway(g)
	handle := func(method, path string, h handler) {
		mux.HandleFunc(method+" "+g.prefix+path, s.route(enter, h))
	}
	handle("GET", "", s.showInstance)
	handle("POST", "/apps", s.createApp)
	handle("GET", "/apps", s.listApps)
	handle("GET", "/apps/{app_id}", s.showApp)
	handle("DELETE", "/apps/{app_id}", s.deleteApp)
	handle("POST", "/envs", s.createEnv)
	handle("GET", "/envs", s.listEnvs)
	handle("DELETE", "/envs/{env_id}", s.deleteEnv)
	handle("POST", "/apis", s.createAPI)
	handle("GET", "/apis", s.listAPIs)
	handle("GET", "/apis/{api_id}", s.showAPI)
	handle("DELETE", "/apis/{api_id}", s.deleteAPI)
	handle("POST", "/apis/action", s.publishAPI)
	handle("POST", "/app-auths", s.createAppAuths)
	handle("GET", "/app-auths/binded-apis", s.listBoundAPIs)
	handle("GET", "/app-auths/unbinded-apis", s.listUnboundAPIs)
	handle("GET", "/app-auths/binded-apps", s.listBoundApps)
	handle("DELETE", "/app-auths/{app_auth_id}", s.deleteAppAuth)
	if !g.romaV1 {
		handle("PUT", "/apps/{app_id}/app-acl", s.putAppACL)
		handle("GET", "/apps/{app_id}/app-acl", s.showAppACL)
		handle("DELETE", "/apps/{app_id}/app-acl", s.deleteAppACL)
	}
}

// enterGateway authenticates the caller, checks it may use the path's project and finds the path's instance,
// which must be of the base's flavour.
func (s *Server) enterGateway(g gatewayBase) func(*call) *apiError {
	return func(c *call) *apiError {
		if err := s.authenticate(c); err != nil {
			return err
		}
		instanceID := c.r.PathValue("instance_id")
		s.mu.Lock()
		defer s.mu.Unlock()
		p, err := s.authorizeProject(c, c.r.PathValue("project_id"))
		if err != nil {
			return err
		}
		in := p.instances[instanceID]
		if in == nil || in.flavor != g.flavor {
			return errInstanceNotFound.with(instanceID)
		}
		// Instances are never removed, so the pointer stays valid after the lock is released.
		c.inst, c.gw = in, g
		return nil
	}
}

// write applies a gateway write that touches appIDs. The real gateway takes a while to spread a write to its
// nodes (etcd), and a second write for the same app meanwhile fails with APIG.3500; the fake keeps the apps
// busy for Options.WriteDelay and answers the same (see writeConflict). apply runs under s.mu and does the
// validation that depends on state, so it sees the state as it is after the delay.
func (s *Server) write(in *instance, appIDs []string, apply func() (reply, *apiError)) (reply, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if slices.ContainsFunc(appIDs, func(id string) bool { return in.busy[id] }) {
		return s.writeConflict(apply)
	}
	if s.opts.WriteDelay > 0 {
		for _, id := range appIDs {
			in.busy[id] = true
		}
		held := s.writeHeld
		s.mu.Unlock()
		if held != nil {
			held()
		}
		time.Sleep(s.opts.WriteDelay)
		s.mu.Lock()
		for _, id := range appIDs {
			delete(in.busy, id)
		}
	}
	return apply()
}

var (
	// idPattern is the gateway's rule for IDs in paths and bodies.
	idPattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)
	// namePattern is the rule for app, environment and API names: 3-64 characters, starting with a letter.
	namePattern      = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]{2,63}$`)
	appKeyPattern    = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_-]{7,63}$`)
	appSecretPattern = regexp.MustCompile(`^[a-zA-Z0-9_!@#$%-]{8,64}$`)
)

const maxRemarkLength = 255

func validateName(name string) *apiError {
	switch {
	case name == "":
		return errMissingParam.with("name")
	case !namePattern.MatchString(name):
		return errInvalidParam.with("name")
	}
	return nil
}

func validateRemark(remark string) *apiError {
	if utf8.RuneCountInString(remark) > maxRemarkLength {
		return errInvalidParam.with("remark")
	}
	return nil
}

// validateGivenID checks an ID a fixture or test supplies; generated IDs always pass.
func validateGivenID(id string) *apiError {
	if id != "" && !idPattern.MatchString(id) {
		return errInvalidParam.with("id")
	}
	return nil
}

// page is the offset/limit window of a list call (api-notes.md §0).
type page struct{ offset, limit int }

const (
	defaultPageLimit = 20
	maxPageLimit     = 500
)

func pageOf(c *call) (page, *apiError) {
	p := page{limit: defaultPageLimit}
	q := c.r.URL.Query()
	for _, f := range []struct {
		name string
		dst  *int
	}{{"offset", &p.offset}, {"limit", &p.limit}} {
		if v := q.Get(f.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return page{}, errInvalidParam.with(f.name)
			}
			*f.dst = n
		}
	}
	p.offset = max(p.offset, 0)
	if p.limit <= 0 {
		p.limit = defaultPageLimit
	}
	p.limit = min(p.limit, maxPageLimit)
	return p, nil
}

// listReply answers {"total": all matches, "size": items in this page, key: the page}.
func listReply[T any](p page, items []T, key string) (reply, *apiError) {
	start := min(p.offset, len(items))
	end := min(start+p.limit, len(items))
	window := append([]T{}, items[start:end]...)
	return ok(map[string]any{"total": len(items), "size": len(window), key: window})
}

// Query filters of the list calls: an absent or empty parameter lets everything through.
func matchExact(q url.Values, name, value string) bool {
	f := q.Get(name)
	return f == "" || f == value
}

func matchSubstring(q url.Values, name, value string) bool {
	return strings.Contains(value, q.Get(name))
}

type instanceView struct {
	ID           string `json:"id"`
	InstanceName string `json:"instance_name"`
	Status       string `json:"status"`
}

func (s *Server) showInstance(c *call) (reply, *apiError) {
	return ok(instanceView{ID: c.inst.id, InstanceName: c.inst.name, Status: "Running"})
}

// Apps.

type appView struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Remark       string `json:"remark"`
	Creator      string `json:"creator"`
	UpdateTime   string `json:"update_time"`
	AppKey       string `json:"app_key"`
	AppSecret    string `json:"app_secret"`
	RegisterTime string `json:"register_time"`
	Status       int    `json:"status"`
	AppType      string `json:"app_type"`
	RomaAppType  string `json:"roma_app_type,omitempty"`
	BindNum      *int   `json:"bind_num,omitempty"` // in lists only
}

func (a *appRecord) view() appView {
	return appView{
		ID: a.ID, Name: a.Name, Remark: a.Remark, Creator: a.Creator, AppKey: a.AppKey, AppSecret: a.AppSecret,
		UpdateTime: formatTime(a.updated), RegisterTime: formatTime(a.registered), Status: 1,
		AppType: a.AppType, RomaAppType: a.RomaAppType,
	}
}

// addApp creates an app after the checks the gateway makes, filling in what was left empty.
func (in *instance) addApp(a App, now time.Time) (*appRecord, *apiError) {
	for _, err := range []*apiError{validateGivenID(a.ID), validateName(a.Name), validateRemark(a.Remark)} {
		if err != nil {
			return nil, err
		}
	}
	if a.AppKey != "" && !appKeyPattern.MatchString(a.AppKey) {
		return nil, errInvalidParam.with("app_key")
	}
	if a.AppSecret != "" && !appSecretPattern.MatchString(a.AppSecret) {
		return nil, errInvalidParam.with("app_secret")
	}
	for _, other := range in.apps {
		if other.Name == a.Name {
			return nil, errAppNameTaken.with(a.Name)
		}
	}
	if len(in.apps) >= maxAppsPerInstance {
		return nil, errAppQuota.with(maxAppsPerInstance)
	}
	if _, taken := in.apps[a.ID]; taken {
		return nil, errInvalidParam.with("id")
	}
	a.ID = cmp.Or(a.ID, newID())
	a.AppKey = cmp.Or(a.AppKey, newID())
	a.AppSecret = cmp.Or(a.AppSecret, newID())
	a.Creator = cmp.Or(a.Creator, "USER")
	a.AppType = cmp.Or(a.AppType, string(in.flavor))
	rec := &appRecord{App: a, registered: now, updated: now}
	in.apps[a.ID] = rec
	return rec, nil
}

func (s *Server) createApp(c *call) (reply, *apiError) {
	var req struct {
		Name      string `json:"name"`
		Remark    string `json:"remark"`
		AppKey    string `json:"app_key"`
		AppSecret string `json:"app_secret"`
	}
	if err := c.decode(&req); err != nil {
		return fail(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, err := c.inst.addApp(App{Name: req.Name, Remark: req.Remark, AppKey: req.AppKey, AppSecret: req.AppSecret}, s.now())
	if err != nil {
		return fail(err)
	}
	return created(rec.view())
}

func (s *Server) listApps(c *call) (reply, *apiError) {
	p, err := pageOf(c)
	if err != nil {
		return fail(err)
	}
	q := c.r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	in := c.inst
	views := []appView{}
	for _, a := range in.apps {
		if matchExact(q, "id", a.ID) && matchSubstring(q, "name", a.Name) {
			v := a.view()
			n := in.countAuths(func(x *AppAuth) bool { return x.AppID == a.ID })
			v.BindNum = &n
			views = append(views, v)
		}
	}
	slices.SortFunc(views, func(a, b appView) int { return strings.Compare(a.Name, b.Name) })
	return listReply(p, views, "apps")
}

func (s *Server) showApp(c *call) (reply, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := c.inst.app(c.r.PathValue("app_id"))
	if err != nil {
		return fail(err)
	}
	return ok(a.view())
}

func (s *Server) deleteApp(c *call) (reply, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := c.inst.app(c.r.PathValue("app_id"))
	if err != nil {
		return fail(err)
	}
	c.inst.removeApp(a.ID)
	return noContent()
}

// Environments.

type envView struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Remark     string `json:"remark"`
	CreateTime string `json:"create_time"`
}

func (in *instance) addEnv(e Env, now time.Time) (*envRecord, *apiError) {
	for _, err := range []*apiError{validateGivenID(e.ID), validateName(e.Name), validateRemark(e.Remark)} {
		if err != nil {
			return nil, err
		}
	}
	for _, other := range in.envs {
		if other.Name == e.Name {
			return nil, errEnvNameTaken.with(e.Name)
		}
	}
	if len(in.envs)-1 >= maxEnvsPerInstance { // the built-in RELEASE does not count
		return nil, errEnvQuota.with(maxEnvsPerInstance)
	}
	if _, taken := in.envs[e.ID]; taken {
		return nil, errInvalidParam.with("id")
	}
	e.ID = cmp.Or(e.ID, newID())
	rec := &envRecord{Env: e, created: now}
	in.envs[e.ID] = rec
	return rec, nil
}

func (e *envRecord) view() envView {
	return envView{ID: e.ID, Name: e.Name, Remark: e.Remark, CreateTime: formatTime(e.created)}
}

func (s *Server) createEnv(c *call) (reply, *apiError) {
	var req struct {
		Name   string `json:"name"`
		Remark string `json:"remark"`
	}
	if err := c.decode(&req); err != nil {
		return fail(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, err := c.inst.addEnv(Env{Name: req.Name, Remark: req.Remark}, s.now())
	if err != nil {
		return fail(err)
	}
	return created(rec.view())
}

func (s *Server) listEnvs(c *call) (reply, *apiError) {
	p, err := pageOf(c)
	if err != nil {
		return fail(err)
	}
	q := c.r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	views := []envView{}
	for _, e := range c.inst.envs {
		if matchSubstring(q, "name", e.Name) {
			views = append(views, e.view())
		}
	}
	slices.SortFunc(views, func(a, b envView) int { return strings.Compare(a.Name, b.Name) })
	return listReply(p, views, "envs")
}

func (s *Server) deleteEnv(c *call) (reply, *apiError) {
	id := c.r.PathValue("env_id")
	if id == releaseEnvID {
		return fail(errInvalidPath.with("env_id"))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in := c.inst
	if _, err := in.env(id); err != nil {
		return fail(err)
	}
	for k := range in.pubs {
		if k.envID == id {
			return fail(errEnvInUse.with(id))
		}
	}
	in.removeEnv(id)
	return noContent()
}

// APIs.

var (
	apiMethods   = []string{"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "ANY"}
	apiAuthTypes = []string{"NONE", "APP", "IAM", "AUTHORIZER"}
)

type apiView struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	GroupID      string `json:"group_id"`
	GroupName    string `json:"group_name"`
	Type         int    `json:"type"`
	ReqMethod    string `json:"req_method"`
	ReqURI       string `json:"req_uri"`
	AuthType     string `json:"auth_type"`
	Remark       string `json:"remark"`
	RegisterTime string `json:"register_time"`
}

func (a *apiRecord) view() apiView {
	return apiView{
		ID: a.ID, Name: a.Name, GroupID: a.GroupID, GroupName: a.GroupName, Type: a.Type,
		ReqMethod: a.ReqMethod, ReqURI: a.ReqURI, AuthType: a.AuthType, Remark: a.Remark,
		RegisterTime: formatTime(a.registered),
	}
}

// addAPI creates an API; the fake has no API groups, so group_id and group_name are taken as given.
func (in *instance) addAPI(a API, now time.Time) (*apiRecord, *apiError) {
	for _, err := range []*apiError{validateGivenID(a.ID), validateName(a.Name), validateRemark(a.Remark)} {
		if err != nil {
			return nil, err
		}
	}
	a.Type = cmp.Or(a.Type, 1)
	a.AuthType = cmp.Or(a.AuthType, defaultAPIAuthType)
	switch {
	case a.ReqMethod == "":
		return nil, errMissingParam.with("req_method")
	case !slices.Contains(apiMethods, a.ReqMethod):
		return nil, errInvalidParam.with("req_method")
	case a.ReqURI == "":
		return nil, errMissingParam.with("req_uri")
	case !strings.HasPrefix(a.ReqURI, "/"):
		return nil, errInvalidParam.with("req_uri")
	case a.Type != 1 && a.Type != 2:
		return nil, errInvalidParam.with("type")
	case !slices.Contains(apiAuthTypes, a.AuthType):
		return nil, errInvalidParam.with("auth_type")
	}
	for _, other := range in.apis {
		if other.Name == a.Name && other.GroupID == a.GroupID {
			return nil, errAPINameTaken.with(a.Name)
		}
	}
	if _, taken := in.apis[a.ID]; taken {
		return nil, errInvalidParam.with("id")
	}
	a.ID = cmp.Or(a.ID, newID())
	a.PublishedEnvs = nil
	rec := &apiRecord{API: a, registered: now}
	in.apis[a.ID] = rec
	return rec, nil
}

func (s *Server) createAPI(c *call) (reply, *apiError) {
	var req struct {
		Name      string `json:"name"`
		GroupID   string `json:"group_id"`
		GroupName string `json:"group_name"`
		Type      int    `json:"type"`
		ReqMethod string `json:"req_method"`
		ReqURI    string `json:"req_uri"`
		AuthType  string `json:"auth_type"`
		Remark    string `json:"remark"`
	}
	if err := c.decode(&req); err != nil {
		return fail(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, err := c.inst.addAPI(API{
		Name: req.Name, GroupID: req.GroupID, GroupName: req.GroupName, Type: req.Type,
		ReqMethod: req.ReqMethod, ReqURI: req.ReqURI, AuthType: req.AuthType, Remark: req.Remark,
	}, s.now())
	if err != nil {
		return fail(err)
	}
	return created(rec.view())
}

func (s *Server) listAPIs(c *call) (reply, *apiError) {
	p, err := pageOf(c)
	if err != nil {
		return fail(err)
	}
	q := c.r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	views := []apiView{}
	for _, a := range c.inst.apis {
		if matchExact(q, "id", a.ID) && matchSubstring(q, "name", a.Name) && matchExact(q, "group_id", a.GroupID) {
			views = append(views, a.view())
		}
	}
	slices.SortFunc(views, func(a, b apiView) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	return listReply(p, views, "apis")
}

func (s *Server) showAPI(c *call) (reply, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := c.inst.api(c.r.PathValue("api_id"))
	if err != nil {
		return fail(err)
	}
	return ok(a.view())
}

// deleteAPI also deletes the API's publications and authorizations, as the gateway does.
func (s *Server) deleteAPI(c *call) (reply, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := c.inst.api(c.r.PathValue("api_id"))
	if err != nil {
		return fail(err)
	}
	c.inst.removeAPI(a.ID)
	return noContent()
}

type publishView struct {
	PublishID   string `json:"publish_id"`
	APIID       string `json:"api_id"`
	APIName     string `json:"api_name"`
	EnvID       string `json:"env_id"`
	Remark      string `json:"remark"`
	PublishTime string `json:"publish_time"`
	VersionID   string `json:"version_id"`
}

// publish puts api online in env, replacing an earlier publication there (a new version).
func (in *instance) publish(apiID, envID, remark string, now time.Time) publication {
	pub := publication{id: newID(), versionID: newID(), remark: remark, at: now}
	in.pubs[pubKey{apiID, envID}] = pub
	return pub
}

// publishAPI is POST apis/action: {action: online|offline, env_id, api_id, remark}.
func (s *Server) publishAPI(c *call) (reply, *apiError) {
	var req struct {
		Action string `json:"action"`
		EnvID  string `json:"env_id"`
		APIID  string `json:"api_id"`
		Remark string `json:"remark"`
	}
	if err := c.decode(&req); err != nil {
		return fail(err)
	}
	for _, f := range []struct{ name, value string }{{"action", req.Action}, {"env_id", req.EnvID}, {"api_id", req.APIID}} {
		if f.value == "" {
			return fail(errMissingParam.with(f.name))
		}
	}
	if req.Action != "online" && req.Action != "offline" {
		return fail(errInvalidParam.with("action"))
	}
	if err := validateRemark(req.Remark); err != nil {
		return fail(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in := c.inst
	if _, err := in.env(req.EnvID); err != nil {
		return fail(err)
	}
	api, err := in.api(req.APIID)
	if err != nil {
		return fail(err)
	}
	key := pubKey{req.APIID, req.EnvID}
	pub, published := in.pubs[key]
	switch {
	case req.Action == "online":
		pub = in.publish(req.APIID, req.EnvID, req.Remark, s.now())
	case !published:
		return fail(errNotPublished.with(req.APIID))
	default:
		delete(in.pubs, key)
		if offlineRevokesAuths {
			in.deleteAuths(func(a *AppAuth) bool { return a.APIID == req.APIID && a.EnvID == req.EnvID })
		}
	}
	return created(publishView{
		PublishID: pub.id, APIID: api.ID, APIName: api.Name, EnvID: req.EnvID, Remark: pub.remark,
		PublishTime: formatTime(pub.at), VersionID: pub.versionID,
	})
}
