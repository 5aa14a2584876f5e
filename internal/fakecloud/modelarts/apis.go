package modelarts

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

// Real-time services and their APIs. The fake serves only what app authentication needs of them: they come
// from fixtures, and the calls list them.

var apiAuthTypes = []string{"APP", "IAM", "NONE"}

type apiView struct {
	APIID          string `json:"api_id"`
	APIName        string `json:"api_name"`
	APIMethod      string `json:"api_method"`
	AuthType       string `json:"auth_type"`
	PredictURL     string `json:"predict_url"`
	ServiceID      string `json:"service_id"`
	ServiceName    string `json:"service_name"`
	SupportAppCode bool   `json:"support_app_code"`
}

func (s *serviceRecord) apiView(a *API) apiView {
	return apiView{
		APIID: a.ID, APIName: a.Name, APIMethod: apiMethod, AuthType: a.AuthType, PredictURL: a.PredictURL,
		ServiceID: s.id, ServiceName: s.name, SupportAppCode: a.SupportAppCode,
	}
}

// addService adds a service from a fixture, filling in what was left empty.
func (p *project) addService(sf ServiceFixture) error {
	sf.ID = cmp.Or(sf.ID, newUUID())
	switch {
	case !serviceIDPattern.MatchString(sf.ID):
		return errors.New("service_id is not a UUID")
	case p.services[sf.ID] != nil:
		return errors.New("the service exists already")
	case sf.Name == "":
		return errors.New("missing service_name")
	}
	for _, other := range p.services {
		if other.name == sf.Name {
			return fmt.Errorf("service name %s is taken by service %s", sf.Name, other.id)
		}
	}
	svc := &serviceRecord{id: sf.ID, name: sf.Name}
	for _, a := range sf.APIs {
		a.ID = cmp.Or(a.ID, core.NewID())
		a.AuthType = cmp.Or(a.AuthType, defaultAPIAuthType)
		a.PredictURL = cmp.Or(a.PredictURL, fmt.Sprintf(predictURLFormat, sf.ID, a.Name))
		_, err := svc.api(a.ID)
		switch {
		case !apiIDPattern.MatchString(a.ID):
			return fmt.Errorf("api %q: invalid api_id %s", a.Name, a.ID)
		case err == nil:
			return fmt.Errorf("api %q: api_id %s is listed twice", a.Name, a.ID)
		case a.Name == "":
			return fmt.Errorf("api %s: missing api_name", a.ID)
		case !slices.Contains(apiAuthTypes, a.AuthType):
			return fmt.Errorf("api %q: auth_type %q is none of %v", a.Name, a.AuthType, apiAuthTypes)
		}
		svc.apis = append(svc.apis, &a)
	}
	p.services[sf.ID] = svc
	return nil
}

// listAPIs is GET services/{service_id}/app-auth-apis: the service's APIs, in its order.
func listAPIs(c *call) (core.Reply, *core.Error) {
	svc, err := c.proj.service(c.PathValue("service_id"))
	if err != nil {
		return core.Fail(err)
	}
	views := make([]apiView, 0, len(svc.apis))
	for _, a := range svc.apis {
		views = append(views, svc.apiView(a))
	}
	return core.Paged(paging, c.Request.URL.Query(), "apis", views)
}

type serviceAuthsView struct {
	EnableAppAuth bool            `json:"enable_app_auth"`
	AppAuthAPI    *appAuthAPIView `json:"app_auth_api,omitempty"`
}

type appAuthAPIView struct {
	APIID      string    `json:"api_id"`
	AuthedApps []appView `json:"authed_apps"`
}

// showServiceAuths is GET services/{service_id}/api-auths: whether the service uses app authentication, and
// the apps authorized to its first API that does, in the query's workspace (see quirks.go).
func showServiceAuths(c *call) (core.Reply, *core.Error) {
	ws, err := workspaceOf(c, "")
	if err != nil {
		return core.Fail(err)
	}
	svc, err := c.proj.service(c.PathValue("service_id"))
	if err != nil {
		return core.Fail(err)
	}
	i := slices.IndexFunc(svc.apis, func(a *API) bool { return a.AuthType == appAuthType })
	if i < 0 {
		return core.OK(serviceAuthsView{})
	}
	api := svc.apis[i]
	apps := c.proj.sortedApps(func(a *appRecord) bool {
		_, authed := c.proj.auths[authKey{ws, svc.id, api.ID, a.ID}]
		return authed
	})
	return core.OK(serviceAuthsView{EnableAppAuth: true, AppAuthAPI: &appAuthAPIView{APIID: api.ID, AuthedApps: c.proj.appViews(apps)}})
}
