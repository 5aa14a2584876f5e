package gateway

import (
	"cmp"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

// APIs and their publication in environments (api-notes.md §3).

var (
	apiMethods   = []string{"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "ANY"}
	apiAuthTypes = []string{"NONE", "APP", "IAM", "AUTHORIZER"}
)

// apiFields are what a caller says about an API: the body of POST apis, and the heart of every answer
// about one.
type apiFields struct {
	Name      string `json:"name"`
	GroupID   string `json:"group_id"`
	GroupName string `json:"group_name"`
	Type      int    `json:"type"`
	ReqMethod string `json:"req_method"`
	ReqURI    string `json:"req_uri"`
	AuthType  string `json:"auth_type"`
	Remark    string `json:"remark"`
}

func (f apiFields) object() API {
	return API{
		Name: f.Name, GroupID: f.GroupID, GroupName: f.GroupName, Type: f.Type,
		ReqMethod: f.ReqMethod, ReqURI: f.ReqURI, AuthType: f.AuthType, Remark: f.Remark,
	}
}

type apiView struct {
	ID string `json:"id"`
	apiFields
	// ReqProtocol and BackendType are required in the SDK's ApiInfoPerPage; the fake models neither.
	ReqProtocol  string `json:"req_protocol"`
	BackendType  string `json:"backend_type"`
	RegisterTime string `json:"register_time"`
}

func (a *apiRecord) view() apiView {
	return apiView{
		ID: a.ID,
		apiFields: apiFields{
			Name: a.Name, GroupID: a.GroupID, GroupName: a.GroupName, Type: a.Type,
			ReqMethod: a.ReqMethod, ReqURI: a.ReqURI, AuthType: a.AuthType, Remark: a.Remark,
		},
		ReqProtocol: apiReqProtocol, BackendType: apiBackendType,
		RegisterTime: core.FormatTime(a.registered),
	}
}

// addAPI creates an API; the fake has no API groups, so group_id and group_name are taken as given.
func (in *instance) addAPI(a API, now time.Time) (*apiRecord, *core.Error) {
	if err := core.FirstError(validateGivenID(a.ID), validateName(a.Name), validateRemark(a.Remark)); err != nil {
		return nil, err
	}
	a.Type = cmp.Or(a.Type, 1)
	a.AuthType = cmp.Or(a.AuthType, defaultAPIAuthType)
	switch {
	case a.ReqMethod == "":
		return nil, errMissingParam.With("req_method")
	case !slices.Contains(apiMethods, a.ReqMethod):
		return nil, errInvalidParam.With("req_method")
	case a.ReqURI == "":
		return nil, errMissingParam.With("req_uri")
	case !strings.HasPrefix(a.ReqURI, "/"):
		return nil, errInvalidParam.With("req_uri")
	case a.Type != 1 && a.Type != 2:
		return nil, errInvalidParam.With("type")
	case !slices.Contains(apiAuthTypes, a.AuthType):
		return nil, errInvalidParam.With("auth_type")
	}
	for _, other := range in.apis {
		if other.Name == a.Name && other.GroupID == a.GroupID {
			return nil, errAPINameTaken.With(a.Name)
		}
	}
	if _, taken := in.apis[a.ID]; taken {
		return nil, errInvalidParam.With("id")
	}
	a.ID = cmp.Or(a.ID, core.NewID())
	a.PublishedEnvs = nil
	rec := &apiRecord{API: a, registered: now}
	in.apis[a.ID] = rec
	return rec, nil
}

// listAPIs is GET apis.
func (g *Service) listAPIs(c *call, q url.Values) ([]apiView, *core.Error) {
	return viewsOf(c.inst.apis,
		func(a *apiRecord) bool {
			return matchExact(q, "id", a.ID) && matchSubstring(q, "name", a.Name) && matchExact(q, "group_id", a.GroupID)
		},
		func(a, b apiView) int { return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID)) }), nil
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
	pub := publication{id: core.NewID(), versionID: core.NewID(), remark: remark, at: now}
	in.pubs[pubKey{apiID, envID}] = pub
	return pub
}

// publishAPI is POST apis/action: {action: online|offline, env_id, api_id, remark}.
func (g *Service) publishAPI(c *call) (core.Reply, *core.Error) {
	var req struct {
		Action string `json:"action"`
		EnvID  string `json:"env_id"`
		APIID  string `json:"api_id"`
		Remark string `json:"remark"`
	}
	if err := c.Decode(&req); err != nil {
		return core.Fail(err)
	}
	for _, f := range []struct{ name, value string }{{"action", req.Action}, {"env_id", req.EnvID}, {"api_id", req.APIID}} {
		if f.value == "" {
			return core.Fail(errMissingParam.With(f.name))
		}
	}
	if req.Action != "online" && req.Action != "offline" {
		return core.Fail(errInvalidParam.With("action"))
	}
	if err := validateRemark(req.Remark); err != nil {
		return core.Fail(err)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	in := c.inst
	if _, err := in.env(req.EnvID); err != nil {
		return core.Fail(err)
	}
	api, err := in.api(req.APIID)
	if err != nil {
		return core.Fail(err)
	}
	key := pubKey{req.APIID, req.EnvID}
	pub, published := in.pubs[key]
	switch {
	case req.Action == "online":
		pub = in.publish(req.APIID, req.EnvID, req.Remark, g.now())
	case !published:
		return core.Fail(errNotPublished.With(req.APIID))
	default:
		delete(in.pubs, key)
		if offlineRevokesAuths {
			in.deleteAuths(func(a *AppAuth) bool { return a.APIID == req.APIID && a.EnvID == req.EnvID })
		}
	}
	return core.Created(publishView{
		PublishID: pub.id, APIID: api.ID, APIName: api.Name, EnvID: req.EnvID, Remark: pub.remark,
		PublishTime: core.FormatTime(pub.at), VersionID: pub.versionID,
	})
}
