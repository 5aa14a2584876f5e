// Package modelarts holds the resources and data sources of ModelArts' app authentication of real-time
// services: which apps may call a service's APIs.
package modelarts

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/cloud/pacing"
	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
)

// Resources are the ModelArts resources.
func Resources() []func() resource.Resource {
	return []func() resource.Resource{NewAppAuthorizationResource, NewAPIAuthorizationSetResource}
}

// ListResources are the ModelArts list resources (`terraform query`): one for the resource type of single
// authorizations (the authorization set is exclusive by design and needs none).
func ListResources() []func() list.ListResource {
	return []func() list.ListResource{NewAppAuthorizationList}
}

// DataSources are the ModelArts data sources.
func DataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{NewAPIAuthorizationsDataSource, NewAppsDataSource}
}

const (
	defaultCreateTimeout = 10 * time.Minute
	defaultUpdateTimeout = 10 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
	// listTTL is how long the list of an API's authorized apps serves reads, unless a write to the API
	// comes first.
	listTTL = 30 * time.Second
)

// apiRef identifies one service API in one workspace.
type apiRef struct {
	ServiceID, APIID, WorkspaceID string
}

func (ref apiRef) String() string {
	return fmt.Sprintf("API %s of service %s (workspace %s)", ref.APIID, ref.ServiceID, ref.WorkspaceID)
}

func (ref apiRef) cacheKey() string { return ref.WorkspaceID + "/" + ref.ServiceID + "/" + ref.APIID }

// shared is the state the ModelArts resources of one provider share: the authorized apps of APIs, read once
// for many resources, and the authorizations waiting to go out together.
type shared struct {
	authed pacing.ListCache[cloud.ModelArtsAPIAuth]
	apis   pacing.ListCache[cloud.ModelArtsAPI]
	grants pacing.Batcher[string, framework.ItemOutcome[cloud.ModelArtsAuthResult]]
}

type sharedKey struct{}

func sharedOf(c *cloud.Client) *shared {
	return c.Shared(sharedKey{}, func() any {
		return &shared{authed: pacing.ListCache[cloud.ModelArtsAPIAuth]{TTL: listTTL}, apis: pacing.ListCache[cloud.ModelArtsAPI]{TTL: listTTL}}
	}).(*shared)
}

// listAuthorized returns the apps authorized to call the API, read fresh. A service or API that does not
// exist is not found: its authorizations went with it.
func listAuthorized(ctx context.Context, c *cloud.Client, ref apiRef) ([]cloud.ModelArtsAPIAuth, error) {
	auths, err := c.ModelArts().ListAPIAuths(ctx, ref.ServiceID, ref.APIID, cloud.APIAuthsFilter{ShowOnly: cloud.ShowAuthorized, WorkspaceID: ref.WorkspaceID})
	if cloud.HasCode(err, cloud.CodeModelArtsServiceNotFound, cloud.CodeModelArtsAPINotFound) {
		return nil, framework.NotFound(ref.String(), err)
	}
	if err != nil {
		return nil, err
	}
	// The filter is a hint to the server; keep only what is really authorized.
	return slices.DeleteFunc(auths, func(a cloud.ModelArtsAPIAuth) bool { return !a.Authed }), nil
}

// authorizedApps is listAuthorized keyed by app ID.
func authorizedApps(ctx context.Context, c *cloud.Client, ref apiRef) (map[string]cloud.ModelArtsApp, error) {
	auths, err := listAuthorized(ctx, c, ref)
	if err != nil {
		return nil, err
	}
	apps := make(map[string]cloud.ModelArtsApp, len(auths))
	for _, a := range auths {
		apps[a.App.AppID] = a.App
	}
	return apps, nil
}

// findAuthorizedApp looks the app up among the API's authorized apps, a list concurrent reads share. It is
// not found when the list lacks it, or the service or API does not exist.
func findAuthorizedApp(ctx context.Context, c *cloud.Client, ref apiRef, appID string) (cloud.ModelArtsApp, error) {
	auths, err := sharedOf(c).authed.Get(ctx, ref.cacheKey(), func(ctx context.Context) ([]cloud.ModelArtsAPIAuth, error) {
		return listAuthorized(ctx, c, ref)
	})
	if err != nil {
		return cloud.ModelArtsApp{}, err
	}
	for _, a := range auths {
		if a.App.AppID == appID {
			return a.App, nil
		}
	}
	return cloud.ModelArtsApp{}, framework.NotFound(fmt.Sprintf("the authorization of app %s to call %s", appID, ref), nil)
}

// findAPI looks an API up among its service's APIs, a list concurrent reads share. It is not found when
// the service lacks it or does not exist.
func findAPI(ctx context.Context, c *cloud.Client, serviceID, apiID string) (cloud.ModelArtsAPI, error) {
	apis, err := sharedOf(c).apis.Get(ctx, serviceID, func(ctx context.Context) ([]cloud.ModelArtsAPI, error) {
		return c.ModelArts().ListAPIs(ctx, serviceID)
	})
	if cloud.HasCode(err, cloud.CodeModelArtsServiceNotFound) {
		return cloud.ModelArtsAPI{}, framework.NotFound("service "+serviceID, err)
	}
	if err != nil {
		return cloud.ModelArtsAPI{}, err
	}
	for _, a := range apis {
		if a.APIID == apiID {
			return a, nil
		}
	}
	return cloud.ModelArtsAPI{}, framework.NotFound(fmt.Sprintf("API %s of service %s", apiID, serviceID), nil)
}

// errAlreadyAuthorized is the failure of an app that was authorized before the call.
var errAlreadyAuthorized = errors.New("the app is already authorized to call the API")

// grantOutcome says, per app ID, what an authorization achieved.
type grantOutcome = framework.Outcome[string, cloud.ModelArtsAuthResult]

// grant authorizes the apps to call the API, with framework.Write's guarantee: after a call whose outcome
// is unknown (5xx, lost connection, timeout, Ctrl-C) it reads back with a fresh context and sends again only
// for the apps that are still not authorized. An app authorized already is adopted when adopt is set (an
// authoritative set), or when an earlier attempt of this call may have authorized it; otherwise it fails
// with errAlreadyAuthorized.
func grant(ctx context.Context, c *cloud.Client, ref apiRef, appIDs []string, adopt bool) grantOutcome {
	return grantWrite(c, ref, adopt).Run(ctx, appIDs)
}

// grantWrite is the authorization of apps to call the API, keyed by app ID. ModelArts answers an app that
// is authorized already as a failure like any other, so an item it does not answer as a success is
// settled by the list of authorized apps: listed, it was authorized before; not listed, it failed. The
// list does not tell an authorization's ID; learnAuthIDs asks for it.
func grantWrite(c *cloud.Client, ref apiRef, adopt bool) *framework.Write[string, cloud.ModelArtsAuthResult] {
	return &framework.Write[string, cloud.ModelArtsAuthResult]{
		Send: func(ctx context.Context, appIDs []string) ([]cloud.ModelArtsAuthResult, error) {
			defer sharedOf(c).authed.Invalidate(ref.cacheKey())
			// Sorted, so that a call does not depend on the order in which a batch's resources arrived.
			return c.ModelArts().Authorize(ctx, ref.ServiceID, ref.APIID, ref.WorkspaceID, slices.Sorted(slices.Values(appIDs)))
		},
		Key: func(r cloud.ModelArtsAuthResult) (string, bool) { return r.AppID, true },
		Judge: func(appID string, r cloud.ModelArtsAuthResult, answered bool) (framework.Verdict, error) {
			switch {
			case answered && r.Success:
				return framework.Applied, nil
			case answered:
				return framework.Unclear, r.Err()
			}
			return framework.Unclear, fmt.Errorf("ModelArts answered without a result for app %s", appID)
		},
		List: func(ctx context.Context, _ []string) (map[string]cloud.ModelArtsAuthResult, error) {
			apps, err := authorizedApps(ctx, c, ref)
			found := make(map[string]cloud.ModelArtsAuthResult, len(apps))
			for id := range apps {
				found[id] = cloud.ModelArtsAuthResult{APIID: ref.APIID, AppID: id, Success: true}
			}
			return found, err
		},
		AlreadyExists: func(cloud.ModelArtsAuthResult) error { return errAlreadyAuthorized },
		AdoptExisting: adopt,
		MaxRetries:    c.Config().MaxRetries,
		Incomplete:    func(r cloud.ModelArtsAuthResult) bool { return r.AuthID == "" },
		Complete: func(ctx context.Context, appIDs []string, granted map[string]cloud.ModelArtsAuthResult) error {
			learnAuthIDs(ctx, c, ref, appIDs, granted)
			return nil // the IDs stay empty, which is harmless: revoking goes by app
		},
	}
}

// importIDWithWorkspace is the import ID parseImportIDWithWorkspace reads back: the parts, followed by
// /<workspace_id> only outside the default workspace, so that importing it finds the object in its workspace.
func importIDWithWorkspace(workspaceID string, parts ...string) string {
	if workspaceID != cloud.DefaultWorkspaceID {
		parts = append(slices.Clone(parts), workspaceID)
	}
	return strings.Join(parts, "/")
}

// parseImportIDWithWorkspace splits an import ID made of the named parts, optionally followed by
// /<workspace_id>, into those parts and the workspace, which defaults to cloud.DefaultWorkspaceID.
func parseImportIDWithWorkspace(id string, names ...string) ([]string, error) {
	parts, err := framework.ParseImportID(id, names...)
	if err == nil {
		return append(parts, cloud.DefaultWorkspaceID), nil
	}
	parts, werr := framework.ParseImportID(id, append(slices.Clone(names), "workspace_id")...)
	if werr != nil {
		return nil, fmt.Errorf("%v, optionally followed by /<workspace_id>", err)
	}
	return parts, nil
}

// learnAuthIDs fills in the IDs of authorizations found by reading back after a lost answer, which the list
// of an API's apps does not tell: an update of an app authorized already answers its ID.
func learnAuthIDs(ctx context.Context, c *cloud.Client, ref apiRef, appIDs []string, granted map[string]cloud.ModelArtsAuthResult) {
	// Adoption follows a lost answer, often a timeout or Ctrl-C: like the read-back, this runs on a fresh
	// context, so an interrupted apply still records the IDs of what it authorized.
	ctx, cancel := framework.Fresh(ctx)
	defer cancel()
	// One call: the client retries it (an update is idempotent) up to max_retries; retrying it here as well
	// multiplied the attempts, past the operation's timeout, for IDs that are only a convenience.
	results, err := c.ModelArts().Reauthorize(ctx, ref.ServiceID, ref.APIID, ref.WorkspaceID, slices.Sorted(slices.Values(appIDs)))
	sharedOf(c).authed.Invalidate(ref.cacheKey())
	if err != nil {
		tflog.Warn(ctx, "Learning the IDs of adopted ModelArts authorizations failed; they stay empty", map[string]any{"error": err.Error()})
		return
	}
	for _, r := range results {
		if g, ok := granted[r.AppID]; ok && r.Success && g.AuthID == "" {
			g.AuthID = r.AuthID
			granted[r.AppID] = g
		}
	}
}

func allSucceeded(results []cloud.ModelArtsAuthResult, appIDs []string) bool {
	ok := map[string]bool{}
	for _, r := range results {
		ok[r.AppID] = r.Success
	}
	for _, id := range appIDs {
		if !ok[id] {
			return false
		}
	}
	return true
}

// orItemFailures is err, or the per-app failures of a call that answered.
func orItemFailures(err error, results []cloud.ModelArtsAuthResult) error {
	if err != nil {
		return err
	}
	var errs []error
	for _, r := range results {
		errs = append(errs, r.Err())
	}
	return errors.Join(errs...)
}

// revoke takes the apps' authorization to call the API away in one call. An app that is no longer
// authorized, or a service, API or app that no longer exists, counts as revoked; any other failure is
// returned per app, so a destroy never reports success while access remains.
func revoke(ctx context.Context, c *cloud.Client, ref apiRef, appIDs []string) map[string]error {
	failed := map[string]error{}
	if len(appIDs) == 0 {
		return failed
	}
	results, err := c.ModelArts().Revoke(ctx, ref.ServiceID, ref.APIID, ref.WorkspaceID, appIDs)
	sharedOf(c).authed.Invalidate(ref.cacheKey())
	if cloud.HasCode(err, cloud.CodeModelArtsServiceNotFound, cloud.CodeModelArtsAPINotFound) {
		return failed
	}
	if err == nil && allSucceeded(results, appIDs) {
		return failed
	}
	// An item may fail because the app is not authorized (any more), or does not exist: what is authorized
	// now tells.
	authed, rbErr := framework.ReadBack(ctx, cloud.OutcomeOf(err), func(ctx context.Context) (map[string]cloud.ModelArtsApp, bool, error) {
		apps, err := authorizedApps(ctx, c, ref)
		return apps, err == nil && !containsAny(apps, appIDs), err
	})
	if framework.IsNotFound(rbErr) {
		return failed
	}
	byApp := map[string]cloud.ModelArtsAuthResult{}
	for _, r := range results {
		byApp[r.AppID] = r
	}
	for _, id := range appIDs {
		_, stillAuthed := authed[id]
		switch r, answered := byApp[id]; {
		case rbErr != nil:
			failed[id] = fmt.Errorf("%v; reading back failed too: %w", orItemFailures(err, []cloud.ModelArtsAuthResult{r}), rbErr)
		case !stillAuthed:
		case err != nil:
			failed[id] = err
		case answered:
			failed[id] = r.Err()
		default:
			failed[id] = fmt.Errorf("ModelArts answered without a result for app %s", id)
		}
	}
	return failed
}

func containsAny(apps map[string]cloud.ModelArtsApp, appIDs []string) bool {
	for _, id := range appIDs {
		if _, ok := apps[id]; ok {
			return true
		}
	}
	return false
}

// grantBatched authorizes one app to call the API, together with the other apps whose authorization to
// the same API arrives while one for it is in flight: one call serves them all.
func grantBatched(ctx context.Context, c *cloud.Client, ref apiRef, appID string) framework.ItemOutcome[cloud.ModelArtsAuthResult] {
	return framework.WriteBatched(ctx, &sharedOf(c).grants, ref.cacheKey(), appID, func(appIDs []string) (*framework.Write[string, cloud.ModelArtsAuthResult], []string) {
		return grantWrite(c, ref, false), appIDs
	})
}

// failureLines renders per-app failures in a stable order.
func failureLines(failed map[string]error) []string {
	var lines []string
	for _, id := range slices.Sorted(maps.Keys(failed)) {
		lines = append(lines, fmt.Sprintf("app %s: %s", id, framework.Describe(failed[id])))
	}
	return lines
}
