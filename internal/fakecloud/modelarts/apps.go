package modelarts

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

// Apps (api-notes.md §5): the credentials that may be authorized to call service APIs.

var appTypes = []string{"APIG", "APIC", "DEDICATE_APIG"}

type appView struct {
	AppID           string   `json:"app_id"`
	AppName         string   `json:"app_name"`
	AppRemark       string   `json:"app_remark"`
	AppKey          string   `json:"app_key"`
	AppSecret       string   `json:"app_secret"`
	AppCodes        []string `json:"app_codes"`
	AppType         string   `json:"app_type"`
	BoundedAPICount int      `json:"bounded_api_count"`
	CreatedAt       int64    `json:"created_at"` // epoch milliseconds
	UpdatedAt       int64    `json:"updated_at"`
	ProjectID       string   `json:"project_id"`
	UserID          string   `json:"user_id"`
}

func (p *project) appView(a *appRecord) appView {
	return appView{
		AppID: a.ID, AppName: a.Name, AppRemark: a.Remark, AppKey: a.AppKey, AppSecret: a.AppSecret, AppCodes: []string{},
		AppType: a.AppType, BoundedAPICount: p.boundAPICount(a.ID),
		CreatedAt: a.created.UnixMilli(), UpdatedAt: a.updated.UnixMilli(), ProjectID: p.id, UserID: core.DefaultUserID,
	}
}

func (p *project) appViews(apps []*appRecord) []appView {
	views := make([]appView, 0, len(apps))
	for _, a := range apps {
		views = append(views, p.appView(a))
	}
	return views
}

// appsNamed returns the workspace's apps whose names contain name, by name.
func (p *project) appsNamed(workspaceID, name string) []*appRecord {
	return p.sortedApps(func(a *appRecord) bool { return a.WorkspaceID == workspaceID && strings.Contains(a.Name, name) })
}

// addApp creates an app after the checks ModelArts makes, filling in what was left empty.
func (p *project) addApp(a App, now time.Time) (*appRecord, *core.Error) {
	a.WorkspaceID = cmp.Or(a.WorkspaceID, defaultWorkspaceID)
	a.AppType = cmp.Or(a.AppType, defaultAppType)
	if err := core.FirstError(validateAppName(a.Name), validateRemark(a.Remark), validateWorkspace(a.WorkspaceID)); err != nil {
		return nil, err
	}
	if !slices.Contains(appTypes, a.AppType) {
		return nil, errInvalidParam.With("app_type")
	}
	switch _, idTaken := p.apps[a.ID]; {
	case p.appByName(a.Name) != nil:
		return nil, errAppNameTaken.With(a.Name)
	case len(p.apps) >= maxAppsPerProject:
		return nil, errAppQuota.With(maxAppsPerProject)
	case idTaken || (a.ID != "" && !appIDPattern.MatchString(a.ID)):
		return nil, errInvalidParam.With("app_id")
	}
	a.ID = cmp.Or(a.ID, core.NewID())
	a.AppKey = cmp.Or(a.AppKey, core.NewID())
	a.AppSecret = cmp.Or(a.AppSecret, core.NewID())
	rec := &appRecord{App: a, created: now, updated: now}
	p.apps[a.ID] = rec
	return rec, nil
}

// createApp is POST app-auth/apps.
func createApp(c *call) (core.Reply, *core.Error) {
	var req struct {
		Name        string `json:"app_name"`
		Remark      string `json:"app_remark"`
		WorkspaceID string `json:"workspace_id"`
	}
	if err := c.Decode(&req); err != nil {
		return core.Fail(err)
	}
	ws, err := workspaceOf(c, req.WorkspaceID)
	if err != nil {
		return core.Fail(err)
	}
	rec, err := c.proj.addApp(App{Name: req.Name, Remark: req.Remark, WorkspaceID: ws}, c.now)
	if err != nil {
		return core.Fail(err)
	}
	return core.OK(map[string]appView{"app": c.proj.appView(rec)})
}

// listApps is GET app-auth/apps: the workspace's apps, narrowed by app_name.
func listApps(c *call) (core.Reply, *core.Error) {
	ws, err := workspaceOf(c, "")
	if err != nil {
		return core.Fail(err)
	}
	apps := c.proj.appsNamed(ws, c.Query("app_name"))
	return core.Paged(paging, c.Request.URL.Query(), "apps", c.proj.appViews(apps))
}

// appExists is GET app-auth/apps/{app_name}/exists: whether the name is taken in the project.
func appExists(c *call) (core.Reply, *core.Error) {
	return core.OK(map[string]bool{"exists": c.proj.appByName(c.PathValue("app_name")) != nil})
}

// deleteApp is DELETE app-auth/apps/{app_id}: only an app no API is authorized for can go.
func deleteApp(c *call) (core.Reply, *core.Error) {
	id := c.PathValue("app_id")
	if _, err := c.proj.app(id); err != nil {
		return core.Fail(err)
	}
	if n := c.proj.boundAPICount(id); n > 0 {
		return core.Fail(errAppInUse.With(id, n))
	}
	c.proj.removeApp(id)
	return core.Reply{Status: http.StatusOK}, nil
}
