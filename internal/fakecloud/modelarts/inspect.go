package modelarts

import (
	"cmp"
	"errors"
	"fmt"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

// Inspection and behind-the-back changes for tests. projectID "" means core.DefaultProjectID, and
// workspaceID "" the default workspace "0".

// Authorized returns the IDs of the apps authorized to call the API in the workspace, sorted; none for an
// unknown service or API.
func (s *Service) Authorized(projectID, serviceID, apiID, workspaceID string) []string {
	var ids []string
	s.inspect(projectID, func(p *project) {
		for _, a := range p.authsOf(func(a Authorization) bool {
			return a.WorkspaceID == cmp.Or(workspaceID, defaultWorkspaceID) && a.ServiceID == serviceID && a.APIID == apiID
		}) {
			ids = append(ids, a.AppID)
		}
	})
	return ids
}

// Authorizations returns every authorization of the project, in every workspace, sorted.
func (s *Service) Authorizations(projectID string) []Authorization {
	var out []Authorization
	s.inspect(projectID, func(p *project) { out = p.authsOf(func(Authorization) bool { return true }) })
	return out
}

// Authorize authorizes the app to call the API as if it was done in the console. The service, API and app
// must exist (the app in the workspace) and the app must not be authorized yet; the API may use any
// authentication.
func (s *Service) Authorize(projectID, serviceID, apiID, workspaceID, appID string) error {
	return s.change(projectID, func(p *project) error {
		_, err := p.addAuth(Authorization{WorkspaceID: workspaceID, ServiceID: serviceID, APIID: apiID, AppID: appID})
		return err
	})
}

// Revoke takes the app's authorization to call the API away; it fails when there is none.
func (s *Service) Revoke(projectID, serviceID, apiID, workspaceID, appID string) error {
	return s.change(projectID, func(p *project) error {
		k := authKey{cmp.Or(workspaceID, defaultWorkspaceID), serviceID, apiID, appID}
		if _, found := p.auths[k]; !found {
			return errors.New(reasonNotAuthorized.with(appID, apiID))
		}
		delete(p.auths, k)
		return nil
	})
}

// RemoveApp deletes an app with its authorizations, which the API refuses to do.
func (s *Service) RemoveApp(projectID, appID string) error {
	return s.change(projectID, func(p *project) error {
		if _, err := p.app(appID); err != nil {
			return err
		}
		p.removeApp(appID)
		return nil
	})
}

// RemoveAPI deletes a service's API with its authorizations, as deleting or redeploying a service without
// it does.
func (s *Service) RemoveAPI(projectID, serviceID, apiID string) error {
	return s.change(projectID, func(p *project) error {
		svc, _, err := p.serviceAPI(serviceID, apiID)
		if err != nil {
			return err
		}
		p.removeAPI(svc, apiID)
		return nil
	})
}

func (s *Service) inspect(projectID string, f func(*project)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.projects[cmp.Or(projectID, core.DefaultProjectID)]; p != nil {
		f(p)
	}
}

// change runs f on the project, which it adds if need be, and says what failed.
func (s *Service) change(projectID string, f func(*project) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := f(s.project(cmp.Or(projectID, core.DefaultProjectID))); err != nil {
		return fmt.Errorf("fakecloud: %w", err)
	}
	return nil
}
