package cloud

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// ModelArts' error codes the provider acts on. The documentation publishes no codes for "this object does
// not exist"; these are the fake cloud's chosen ones (one table there, one here), to be checked against the
// real service. An app that is gone needs none: it drops out of an API's list of authorized apps.
const (
	CodeModelArtsServiceNotFound = "ModelArts.3502"
	CodeModelArtsAPINotFound     = "ModelArts.3512"
)

// DefaultWorkspaceID is the workspace of projects that have created none.
const DefaultWorkspaceID = "0"

// ModelArtsClient holds the typed calls of ModelArts' app authentication of real-time services.
type ModelArtsClient struct{ c *Client }

// ModelArts returns ModelArts' calls.
func (c *Client) ModelArts() *ModelArtsClient { return &ModelArtsClient{c: c} }

// ModelArtsApp is an app that may be authorized to call service APIs.
type ModelArtsApp struct {
	AppID           string   `json:"app_id"`
	AppName         string   `json:"app_name"`
	AppRemark       string   `json:"app_remark"`
	AppKey          string   `json:"app_key"`
	AppSecret       string   `json:"app_secret"`
	AppCodes        []string `json:"app_codes"`
	AppType         string   `json:"app_type"`
	BoundedAPICount int      `json:"bounded_api_count"`
	CreatedAt       int64    `json:"created_at"`
	UpdatedAt       int64    `json:"updated_at"`
	ProjectID       string   `json:"project_id"`
	UserID          string   `json:"user_id"`
}

// ModelArtsAPI is the API of a real-time service.
type ModelArtsAPI struct {
	APIID          string `json:"api_id"`
	APIName        string `json:"api_name"`
	APIMethod      string `json:"api_method"`
	AuthType       string `json:"auth_type"`
	PredictURL     string `json:"predict_url"`
	ServiceID      string `json:"service_id"`
	ServiceName    string `json:"service_name"`
	SupportAppCode bool   `json:"support_app_code"`
}

// ModelArtsAuthResult is one app's item of an authorize or revoke answer. Failures come inside the 200:
// Success false with a Reason.
type ModelArtsAuthResult struct {
	APIID   string `json:"api_id"`
	AppID   string `json:"app_id"`
	AuthID  string `json:"auth_id"`
	Reason  string `json:"reason"`
	Success bool   `json:"success"`
	// RequestID is the X-Request-Id of the call that returned the item.
	RequestID string `json:"-"`
}

// Err returns the item's failure as an error, or nil when it succeeded.
func (r ModelArtsAuthResult) Err() error {
	if r.Success {
		return nil
	}
	return &ItemError{APIID: r.APIID, AppID: r.AppID, Message: r.Reason, RequestID: r.RequestID}
}

// ModelArtsAPIAuth is an app as an API's authorization list shows it.
type ModelArtsAPIAuth struct {
	App    ModelArtsApp `json:"app"`
	Authed bool         `json:"authed"`
}

func (m *ModelArtsClient) projectPath(ctx context.Context) (string, error) {
	projectID, err := m.c.ProjectID(ctx)
	if err != nil {
		return "", err
	}
	return "/v1/" + url.PathEscape(projectID), nil
}

func (m *ModelArtsClient) authPath(ctx context.Context, serviceID, apiID string) (string, error) {
	base, err := m.projectPath(ctx)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s/services/%s/app-auth-apis/%s", base, url.PathEscape(serviceID), url.PathEscape(apiID)), nil
}

type modelArtsAppsBody struct {
	Apps        []modelArtsAppRef `json:"apps"`
	WorkspaceID string            `json:"workspace_id,omitempty"`
}

type modelArtsAppRef struct {
	AppID string `json:"app_id"`
}

func appsBody(workspaceID string, appIDs []string) modelArtsAppsBody {
	body := modelArtsAppsBody{WorkspaceID: workspaceID}
	for _, id := range appIDs {
		body.Apps = append(body.Apps, modelArtsAppRef{AppID: id})
	}
	return body
}

// Authorize answers POST .../app-auth-apis/{api_id}/app-auth-api: it authorizes the apps to call the API.
// Per-app failures come back inside the 200: check every item's Err. Not retried once it may have reached
// the service; read the API's authorizations back to find out.
func (m *ModelArtsClient) Authorize(ctx context.Context, serviceID, apiID, workspaceID string, appIDs []string) ([]ModelArtsAuthResult, error) {
	return m.authCall(ctx, http.MethodPost, serviceID, apiID, workspaceID, appIDs, "auth_result")
}

// Reauthorize answers PUT .../app-auth-apis/{api_id}/app-auth-api (update authorization, same body as
// Authorize): apps authorized already succeed with the ID of their authorization. It is how an authorization
// whose create answer was lost learns its ID, which no list tells.
func (m *ModelArtsClient) Reauthorize(ctx context.Context, serviceID, apiID, workspaceID string, appIDs []string) ([]ModelArtsAuthResult, error) {
	return m.authCall(ctx, http.MethodPut, serviceID, apiID, workspaceID, appIDs, "auth_result")
}

// Revoke answers DELETE .../app-auth-apis/{api_id}/app-auth-api (seed 002): it takes the apps' authorization
// to call the API away. Per-app failures come back inside the 200.
func (m *ModelArtsClient) Revoke(ctx context.Context, serviceID, apiID, workspaceID string, appIDs []string) ([]ModelArtsAuthResult, error) {
	return m.authCall(ctx, http.MethodDelete, serviceID, apiID, workspaceID, appIDs, "unauth_result")
}

func (m *ModelArtsClient) authCall(ctx context.Context, method, serviceID, apiID, workspaceID string, appIDs []string, key string) ([]ModelArtsAuthResult, error) {
	base, err := m.authPath(ctx, serviceID, apiID)
	if err != nil {
		return nil, err
	}
	var out map[string]json.RawMessage
	var header http.Header
	if err := m.c.do(ctx, call{service: ServiceModelArts, method: method, path: base + "/app-auth-api", body: appsBody(workspaceID, appIDs), out: &out, header: &header}); err != nil {
		return nil, err
	}
	var items []ModelArtsAuthResult
	if raw, ok := out[key]; ok {
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, fmt.Errorf("decoding %s: %w", key, err)
		}
	}
	for i := range items {
		items[i].RequestID = header.Get(requestIDHeader)
	}
	return items, nil
}

// Authorization filters of an API's app list.
const (
	ShowAuthorized   = "AUTH"
	ShowUnauthorized = "UNAUTH"
)

// APIAuthsFilter narrows GET .../api-auths.
type APIAuthsFilter struct {
	ShowOnly    string // ShowAuthorized, ShowUnauthorized or "" for both
	AppName     string
	WorkspaceID string
}

// ListAPIAuths answers GET .../app-auth-apis/{api_id}/api-auths: the apps of the project with whether each
// may call the API, following every page.
func (m *ModelArtsClient) ListAPIAuths(ctx context.Context, serviceID, apiID string, f APIAuthsFilter) ([]ModelArtsAPIAuth, error) {
	base, err := m.authPath(ctx, serviceID, apiID)
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	setIf(q, "show_only", f.ShowOnly)
	setIf(q, "app_name", f.AppName)
	setIf(q, "workspace_id", f.WorkspaceID)
	return modelArtsListAll[ModelArtsAPIAuth](ctx, m, base+"/api-auths", q, "auths")
}

// ListAPIs answers GET /v1/{project_id}/services/{service_id}/app-auth-apis: the APIs of a service.
func (m *ModelArtsClient) ListAPIs(ctx context.Context, serviceID string) ([]ModelArtsAPI, error) {
	base, err := m.projectPath(ctx)
	if err != nil {
		return nil, err
	}
	return modelArtsListAll[ModelArtsAPI](ctx, m, base+"/services/"+url.PathEscape(serviceID)+"/app-auth-apis", url.Values{}, "apis")
}

// ListApps answers GET /v1/{project_id}/app-auth/apps, narrowed to names containing appName when it is set.
func (m *ModelArtsClient) ListApps(ctx context.Context, appName, workspaceID string) ([]ModelArtsApp, error) {
	base, err := m.projectPath(ctx)
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	setIf(q, "app_name", appName)
	setIf(q, "workspace_id", workspaceID)
	return modelArtsListAll[ModelArtsApp](ctx, m, base+"/app-auth/apps", q, "apps")
}

// modelArtsPageSize is the page ModelArts lists are read in.
const modelArtsPageSize = 500

func modelArtsListAll[T any](ctx context.Context, m *ModelArtsClient, path string, q url.Values, key string) ([]T, error) {
	return listPages[T](ctx, m.c, call{service: ServiceModelArts, path: path, query: q}, key, "total_count", modelArtsPageSize)
}
