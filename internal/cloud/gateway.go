package cloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// Flavor selects a gateway product. APIG (dedicated gateway v2) and ROMA Connect (APIC) serve the same
// app-authorization and app-ACL calls under different base paths.
type Flavor string

const (
	FlavorAPIG Flavor = "apig"
	FlavorROMA Flavor = "roma"
)

// The gateways' error codes the provider acts on. The not-found codes are the only answers that mean "this
// object does not exist"; every other 404 (a wrong endpoint answers APIG.0101) is an error.
const (
	CodeAppNotFound      = "APIG.3004"
	CodeAuthNotFound     = "APIG.3009"
	CodeInstanceNotFound = "APIG.3030"
	CodeAppAuthExists    = "APIG.3316"
	// CodeUnknownRoute is the gateways' answer to a path they do not serve: a wrong endpoint, or an API
	// generation the instance does not have. It never means that an object is gone.
	CodeUnknownRoute = "APIG.0101"
	// CodeWriteConflict answers concurrent writes for one app. The gateway may have written its database
	// before the etcd sync failed, so a write answered with it may or may not have been carried out.
	CodeWriteConflict = "APIG.3500"
)

// GatewayClient holds the typed calls of one gateway flavour.
type GatewayClient struct {
	c      *Client
	flavor Flavor
}

// Gateway returns the typed calls of APIG or ROMA Connect.
func (c *Client) Gateway(f Flavor) *GatewayClient { return &GatewayClient{c: c, flavor: f} }

func (g *GatewayClient) service() Service {
	if g.flavor == FlavorROMA {
		return ServiceROMA
	}
	return ServiceAPIG
}

// instancePath is the base of the app-auth calls: /v2/{project}/apigw/instances/{id} on APIG,
// /v2/{project}/apic/instances/{id} on ROMA, or /v1/... when Config.ROMAAPIVersion selects an older ROMA
// Connect instance's API generation.
func (g *GatewayClient) instancePath(ctx context.Context, instanceID string) (string, error) {
	return g.basePath(ctx, instanceID, g.flavor == FlavorROMA && g.c.cfg.ROMAAPIVersion == ROMAAPIv1)
}

// v2Path is the base of every other call (apps' ACLs, environments, APIs), which ROMA serves under /v2 in
// both API generations.
func (g *GatewayClient) v2Path(ctx context.Context, instanceID string) (string, error) {
	return g.basePath(ctx, instanceID, false)
}

func (g *GatewayClient) basePath(ctx context.Context, instanceID string, romaV1 bool) (string, error) {
	projectID, err := g.c.ProjectID(ctx)
	if err != nil {
		return "", err
	}
	switch {
	case g.flavor == FlavorAPIG:
		return fmt.Sprintf("/v2/%s/apigw/instances/%s", url.PathEscape(projectID), url.PathEscape(instanceID)), nil
	case romaV1:
		return fmt.Sprintf("/v1/%s/apic/instances/%s", url.PathEscape(projectID), url.PathEscape(instanceID)), nil
	default:
		return fmt.Sprintf("/v2/%s/apic/instances/%s", url.PathEscape(projectID), url.PathEscape(instanceID)), nil
	}
}

// appAuthErr explains an unknown-route answer (404 APIG.0101) to a ROMA Connect app-auth call made in the
// current API generation: an older instance serves those calls only under /v1. It is a hint, not a
// fallback: the answer stays an error, and never means that anything is gone.
func (g *GatewayClient) appAuthErr(err error) error {
	if g.flavor != FlavorROMA || g.c.cfg.ROMAAPIVersion == ROMAAPIv1 {
		return err
	}
	if apiErr, ok := AsAPIError(err); ok && apiErr.StatusCode == http.StatusNotFound && apiErr.Code == CodeUnknownRoute && apiErr.Hint == "" {
		apiErr.Hint = "This ROMA Connect endpoint does not serve the /v2 app-authorization API. Older ROMA Connect " +
			"instances serve app authorizations only under /v1: if this is one, set the provider argument " +
			"roma_api_version = \"v1\" (or AUTHZ_ROMA_API_VERSION=v1); otherwise check the roma endpoint."
	}
	return err
}

// CreateAppAuthsRequest is the body of POST .../app-auths. The tunnel, list and visit-param fields are
// ROMA Connect's; APIG ignores them.
type CreateAppAuthsRequest struct {
	EnvID         string       `json:"env_id"`
	AppIDs        []string     `json:"app_ids"`
	APIIDs        []string     `json:"api_ids"`
	AuthTunnel    string       `json:"auth_tunnel,omitempty"`
	AuthWhitelist []string     `json:"auth_whitelist,omitempty"`
	AuthBlacklist []string     `json:"auth_blacklist,omitempty"`
	VisitParams   []VisitParam `json:"visit_params,omitempty"`
}

// VisitParam is a ROMA per-API access parameter.
type VisitParam struct {
	APIID      string `json:"api_id"`
	AppID      string `json:"app_id,omitempty"`
	VisitParam string `json:"visit_param"`
}

// Auth result statuses of one created pair.
const (
	AuthSucceeded = "SUCCESS"
	AuthSkipped   = "SKIPPED"
	AuthFailed    = "FAILED"
)

// AppAuthResult is one (app, API) item of a create response.
type AppAuthResult struct {
	ID            string   `json:"id"`
	APIID         string   `json:"api_id"`
	AppID         string   `json:"app_id"`
	AuthTime      string   `json:"auth_time"`
	AuthRole      string   `json:"auth_role"`
	AuthTunnel    string   `json:"auth_tunnel"`
	AuthWhitelist []string `json:"auth_whitelist"`
	AuthBlacklist []string `json:"auth_blacklist"`
	// RequestID is the X-Request-Id of the create call that returned the item.
	RequestID  string `json:"-"`
	AuthResult struct {
		Status    string `json:"status"`
		ErrorCode string `json:"error_code"`
		ErrorMsg  string `json:"error_msg"`
		APIName   string `json:"api_name"`
		AppName   string `json:"app_name"`
	} `json:"auth_result"`
}

// Err returns the item's failure as an error, or nil when it did not fail.
func (r AppAuthResult) Err() error {
	if r.AuthResult.Status != AuthFailed {
		return nil
	}
	return &ItemError{APIID: r.APIID, AppID: r.AppID, Code: r.AuthResult.ErrorCode, Message: r.AuthResult.ErrorMsg, RequestID: r.RequestID}
}

// ItemError is one failed item inside an otherwise successful batch answer.
type ItemError struct {
	APIID, AppID  string
	Code, Message string
	RequestID     string
}

func (e *ItemError) Error() string {
	return fmt.Sprintf("authorizing API %s for app %s failed: %s: %s (request ID %s)", e.APIID, e.AppID, e.Code, e.Message, e.RequestID)
}

// CreateAppAuths answers POST .../app-auths. Per-item failures come back inside a 201: check every item's Err.
// The call is not retried after it may have reached the server; re-read with ListBoundAPIs to find out.
func (g *GatewayClient) CreateAppAuths(ctx context.Context, instanceID string, req CreateAppAuthsRequest) ([]AppAuthResult, error) {
	base, err := g.instancePath(ctx, instanceID)
	if err != nil {
		return nil, err
	}
	var raw json.RawMessage
	var header http.Header
	if err := g.c.do(ctx, call{service: g.service(), method: http.MethodPost, path: base + "/app-auths", body: req, out: &raw, header: &header}); err != nil {
		return nil, g.appAuthErr(err)
	}
	items, err := decodeAppAuthResults(raw)
	for i := range items {
		items[i].RequestID = header.Get(requestIDHeader)
	}
	return items, err
}

// decodeAppAuthResults accepts both known create-response shapes: {"auths":[...]} and a bare array (ROMA v1).
func decodeAppAuthResults(raw json.RawMessage) ([]AppAuthResult, error) {
	var items []AppAuthResult
	if err := json.Unmarshal(raw, &items); err == nil {
		return items, nil
	}
	var wrapped struct {
		Auths []AppAuthResult `json:"auths"`
	}
	if err := json.Unmarshal(raw, &wrapped); err != nil {
		return nil, fmt.Errorf("decoding app-auths create response: %w", err)
	}
	return wrapped.Auths, nil
}

// AppAuth is one authorization record as the list calls report it.
type AppAuth struct {
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
	RomaAppType   string   `json:"roma_app_type"`
}

// BoundAPIsFilter narrows GET .../app-auths/binded-apis; AppID is required.
type BoundAPIsFilter struct {
	AppID     string
	APIID     string
	APIName   string
	GroupID   string
	GroupName string
	EnvID     string
}

// ListBoundAPIs answers GET .../app-auths/binded-apis, following every page.
func (g *GatewayClient) ListBoundAPIs(ctx context.Context, instanceID string, f BoundAPIsFilter) ([]AppAuth, error) {
	q := url.Values{"app_id": {f.AppID}}
	setIf(q, "api_id", f.APIID)
	setIf(q, "api_name", f.APIName)
	setIf(q, "group_id", f.GroupID)
	setIf(q, "group_name", f.GroupName)
	setIf(q, "env_id", f.EnvID)
	return listAppAuthCall[AppAuth](ctx, g, instanceID, "/app-auths/binded-apis", q, "auths")
}

// BoundAppsFilter narrows GET .../app-auths/binded-apps; APIID is required.
type BoundAppsFilter struct {
	APIID   string
	AppID   string
	AppName string
	EnvID   string
}

// ListBoundApps answers GET .../app-auths/binded-apps, following every page.
func (g *GatewayClient) ListBoundApps(ctx context.Context, instanceID string, f BoundAppsFilter) ([]AppAuth, error) {
	q := url.Values{"api_id": {f.APIID}}
	setIf(q, "app_id", f.AppID)
	setIf(q, "app_name", f.AppName)
	setIf(q, "env_id", f.EnvID)
	return listAppAuthCall[AppAuth](ctx, g, instanceID, "/app-auths/binded-apps", q, "auths")
}

// UnboundAPI is an API published in an environment that an app may not call yet.
type UnboundAPI struct {
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

// ListUnboundAPIs answers GET .../app-auths/unbinded-apis, following every page.
func (g *GatewayClient) ListUnboundAPIs(ctx context.Context, instanceID, appID, envID string) ([]UnboundAPI, error) {
	q := url.Values{"app_id": {appID}, "env_id": {envID}}
	return listAppAuthCall[UnboundAPI](ctx, g, instanceID, "/app-auths/unbinded-apis", q, "apis")
}

// DeleteAppAuth answers DELETE .../app-auths/{app_auth_id} (204). An empty authID is refused without a
// call: DELETE .../app-auths/ names no record.
func (g *GatewayClient) DeleteAppAuth(ctx context.Context, instanceID, authID string) error {
	if authID == "" {
		return notSent("cancelling an app authorization of instance "+instanceID, errors.New("no authorization record ID given"))
	}
	base, err := g.instancePath(ctx, instanceID)
	if err != nil {
		return err
	}
	err = g.c.do(ctx, call{service: g.service(), method: http.MethodDelete, path: base + "/app-auths/" + url.PathEscape(authID)})
	return g.appAuthErr(err)
}

// pageSize is the largest page the gateways serve.
const pageSize = 500

// listAppAuthCall follows offset/limit paging of an app-auth list whose items sit under key.
func listAppAuthCall[T any](ctx context.Context, g *GatewayClient, instanceID, suffix string, q url.Values, key string) ([]T, error) {
	base, err := g.instancePath(ctx, instanceID)
	if err != nil {
		return nil, err
	}
	items, err := listPages[T](ctx, g.c, call{service: g.service(), path: base + suffix, query: q}, key, "total", pageSize)
	return items, g.appAuthErr(err)
}

// listV2 follows offset/limit paging of a list of the instance's other objects (environments, APIs).
func listV2[T any](ctx context.Context, g *GatewayClient, instanceID, suffix string, key string) ([]T, error) {
	base, err := g.v2Path(ctx, instanceID)
	if err != nil {
		return nil, err
	}
	return listPages[T](ctx, g.c, call{service: g.service(), path: base + suffix, query: url.Values{}}, key, "total", pageSize)
}

func setIf(q url.Values, key, value string) {
	if value != "" {
		q.Set(key, value)
	}
}

// ACL types: PERMIT is an allow list, DENY a deny list.
const (
	ACLPermit = "PERMIT"
	ACLDeny   = "DENY"
)

// AppACL is an app's access control list: the IP addresses, ranges and CIDR blocks it may (PERMIT) or may
// not (DENY) call from.
type AppACL struct {
	AppID  string   `json:"app_id,omitempty"`
	Type   string   `json:"app_acl_type"`
	Values []string `json:"app_acl_values"`
}

func (g *GatewayClient) appACLPath(ctx context.Context, instanceID, appID string) (string, error) {
	base, err := g.v2Path(ctx, instanceID)
	if err != nil {
		return "", err
	}
	return base + "/apps/" + url.PathEscape(appID) + "/app-acl", nil
}

// PutAppACL answers PUT .../apps/{app_id}/app-acl: it replaces the whole ACL, type included.
func (g *GatewayClient) PutAppACL(ctx context.Context, instanceID, appID, aclType string, values []string) (AppACL, error) {
	p, err := g.appACLPath(ctx, instanceID, appID)
	if err != nil {
		return AppACL{}, err
	}
	var out AppACL
	err = g.c.do(ctx, call{service: g.service(), method: http.MethodPut, path: p, body: AppACL{Type: aclType, Values: values}, out: &out})
	return out, err
}

// GetAppACL answers GET .../apps/{app_id}/app-acl. An app without an ACL answers an empty object: the
// second result is false then.
func (g *GatewayClient) GetAppACL(ctx context.Context, instanceID, appID string) (AppACL, bool, error) {
	p, err := g.appACLPath(ctx, instanceID, appID)
	if err != nil {
		return AppACL{}, false, err
	}
	var out AppACL
	if err := g.c.do(ctx, call{service: g.service(), method: http.MethodGet, path: p, out: &out}); err != nil {
		return AppACL{}, false, err
	}
	return out, out.Type != "", nil
}

// DeleteAppACL answers DELETE .../apps/{app_id}/app-acl (204).
func (g *GatewayClient) DeleteAppACL(ctx context.Context, instanceID, appID string) error {
	p, err := g.appACLPath(ctx, instanceID, appID)
	if err != nil {
		return err
	}
	return g.c.do(ctx, call{service: g.service(), method: http.MethodDelete, path: p})
}

// Environment is an environment APIs are published in.
type Environment struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Remark string `json:"remark"`
}

// ListEnvironments answers GET .../envs, following every page.
func (g *GatewayClient) ListEnvironments(ctx context.Context, instanceID string) ([]Environment, error) {
	return listV2[Environment](ctx, g, instanceID, "/envs", "envs")
}

// API is an API of a gateway instance.
type API struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	GroupID   string `json:"group_id"`
	GroupName string `json:"group_name"`
	AuthType  string `json:"auth_type"`
	ReqMethod string `json:"req_method"`
	ReqURI    string `json:"req_uri"`
}

// ListAPIs answers GET .../apis, following every page.
func (g *GatewayClient) ListAPIs(ctx context.Context, instanceID string) ([]API, error) {
	return listV2[API](ctx, g, instanceID, "/apis", "apis")
}

// App is an app (credential) of a gateway instance, as a list names it. The list also carries each app's key
// and secret: they are not decoded.
type App struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// BindNum is how many APIs the app is authorized for, when the gateway says.
	BindNum *int `json:"bind_num"`
}

// ListApps answers GET .../apps, following every page.
func (g *GatewayClient) ListApps(ctx context.Context, instanceID string) ([]App, error) {
	return listV2[App](ctx, g, instanceID, "/apps", "apps")
}
