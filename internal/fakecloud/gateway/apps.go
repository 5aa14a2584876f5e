package gateway

import (
	"cmp"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

// Apps (api-notes.md §3): the credentials API callers authenticate with.

var (
	appKeyPattern    = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_-]{7,63}$`)
	appSecretPattern = regexp.MustCompile(`^[a-zA-Z0-9_!@#$%-]{8,64}$`)
)

// appFields are what a caller says about an app: the body of POST apps.
type appFields struct {
	Name      string `json:"name"`
	Remark    string `json:"remark"`
	AppKey    string `json:"app_key"`
	AppSecret string `json:"app_secret"`
}

func (f appFields) object() App {
	return App{Name: f.Name, Remark: f.Remark, AppKey: f.AppKey, AppSecret: f.AppSecret}
}

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
		UpdateTime: core.FormatTime(a.updated), RegisterTime: core.FormatTime(a.registered), Status: 1,
		AppType: a.AppType, RomaAppType: a.RomaAppType,
	}
}

// addApp creates an app after the checks the gateway makes, filling in what was left empty.
func (in *instance) addApp(a App, now time.Time) (*appRecord, *core.Error) {
	if err := core.FirstError(validateGivenID(a.ID), validateName(a.Name), validateRemark(a.Remark)); err != nil {
		return nil, err
	}
	if a.AppKey != "" && !appKeyPattern.MatchString(a.AppKey) {
		return nil, errInvalidParam.With("app_key")
	}
	if a.AppSecret != "" && !appSecretPattern.MatchString(a.AppSecret) {
		return nil, errInvalidParam.With("app_secret")
	}
	for _, other := range in.apps {
		if other.Name == a.Name {
			return nil, errAppNameTaken.With(a.Name)
		}
	}
	if len(in.apps) >= maxAppsPerInstance {
		return nil, errAppQuota.With(maxAppsPerInstance)
	}
	if _, taken := in.apps[a.ID]; taken {
		return nil, errInvalidParam.With("id")
	}
	a.ID = cmp.Or(a.ID, core.NewID())
	a.AppKey = cmp.Or(a.AppKey, core.NewID())
	a.AppSecret = cmp.Or(a.AppSecret, core.NewID())
	a.Creator = cmp.Or(a.Creator, "USER")
	a.AppType = cmp.Or(a.AppType, string(in.flavor))
	rec := &appRecord{App: a, registered: now, updated: now}
	in.apps[a.ID] = rec
	return rec, nil
}

// listApps is GET apps, each with the number of its authorizations.
func (g *Service) listApps(c *call, q url.Values) ([]appView, *core.Error) {
	in := c.inst
	views := viewsOf(in.apps, func(a *appRecord) bool { return matchExact(q, "id", a.ID) && matchSubstring(q, "name", a.Name) },
		func(a, b appView) int { return strings.Compare(a.Name, b.Name) })
	for i, v := range views {
		n := in.countAuths(func(x *AppAuth) bool { return x.AppID == v.ID })
		views[i].BindNum = &n
	}
	return views, nil
}
