package gateway

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/core"
)

// Inspection and behind-the-back changes for tests. projectID "" means core.DefaultProjectID.

// instanceFor finds an instance for the helpers below; g.mu must be held.
func (g *Service) instanceFor(projectID, instanceID string) (*instance, error) {
	projectID = cmp.Or(projectID, core.DefaultProjectID)
	in := g.projects[projectID][instanceID]
	if in == nil {
		return nil, fmt.Errorf("fakecloud: unknown instance %s in project %s", instanceID, projectID)
	}
	return in, nil
}

// AppAuths returns copies of the instance's authorization records, sorted by ID; nil for an unknown instance.
func (g *Service) AppAuths(projectID, instanceID string) []AppAuth {
	g.mu.Lock()
	defer g.mu.Unlock()
	in, err := g.instanceFor(projectID, instanceID)
	if err != nil {
		return nil
	}
	out := make([]AppAuth, 0, len(in.auths))
	for _, a := range in.auths {
		out = append(out, copyAuth(a))
	}
	slices.SortFunc(out, func(a, b AppAuth) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// AppACL returns a copy of the app's ACL, if it has one.
func (g *Service) AppACL(projectID, instanceID, appID string) (AppACL, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	in, err := g.instanceFor(projectID, instanceID)
	if err != nil {
		return AppACL{}, false
	}
	acl, found := in.acls[appID]
	if !found {
		return AppACL{}, false
	}
	return AppACL{AppID: acl.AppID, Type: acl.Type, Values: slices.Clone(acl.Values)}, true
}

// AddAppAuth stores a record as if it was created in the console: its app, API and environment must exist,
// but the API need not be published or use app authentication. It returns the record with its ID.
func (g *Service) AddAppAuth(projectID, instanceID string, a AppAuth) (AppAuth, error) {
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	in, err := g.instanceFor(projectID, instanceID)
	if err != nil {
		return AppAuth{}, err
	}
	stored, apiErr := in.addAuth(a, now)
	if apiErr != nil {
		return AppAuth{}, fmt.Errorf("fakecloud: %w", apiErr)
	}
	return copyAuth(stored), nil
}

// RemoveAppAuth deletes a record behind the provider's back.
func (g *Service) RemoveAppAuth(projectID, instanceID, authID string) error {
	return g.change(projectID, instanceID, func(in *instance) error {
		if in.auths[authID] == nil {
			return errAuthNotFound.With(authID)
		}
		delete(in.auths, authID)
		return nil
	})
}

// RemoveAppACL deletes an app's ACL behind the provider's back; it fails when the app has none.
func (g *Service) RemoveAppACL(projectID, instanceID, appID string) error {
	return g.change(projectID, instanceID, func(in *instance) error {
		if in.acls[appID] == nil {
			return fmt.Errorf("app %s has no ACL", appID)
		}
		delete(in.acls, appID)
		return nil
	})
}

// RemoveInstance deletes an instance with everything it holds, as deleting it in the console does: the
// gateways' API has no call for it.
func (g *Service) RemoveInstance(projectID, instanceID string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, err := g.instanceFor(projectID, instanceID); err != nil {
		return err
	}
	delete(g.projects[cmp.Or(projectID, core.DefaultProjectID)], instanceID)
	return nil
}

// RemoveApp deletes an app with its authorizations and ACL.
func (g *Service) RemoveApp(projectID, instanceID, appID string) error {
	return g.drop(projectID, instanceID, appID, dropApp)
}

// RemoveAPI deletes an API with its publications and authorizations.
func (g *Service) RemoveAPI(projectID, instanceID, apiID string) error {
	return g.drop(projectID, instanceID, apiID, dropAPI)
}

func (g *Service) drop(projectID, instanceID, id string, drop func(*instance, string) *core.Error) error {
	return g.change(projectID, instanceID, func(in *instance) error {
		if err := drop(in, id); err != nil {
			return err
		}
		return nil
	})
}

func (g *Service) change(projectID, instanceID string, f func(*instance) error) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	in, err := g.instanceFor(projectID, instanceID)
	if err != nil {
		return err
	}
	if err := f(in); err != nil {
		return fmt.Errorf("fakecloud: %w", err)
	}
	return nil
}
