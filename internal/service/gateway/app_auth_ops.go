package gateway

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/cloud/pacing"
	"github.com/cloudauthz/terraform-provider-authz/internal/framework"
)

// appAuthKey identifies one authorization: an app allowed to call an API in an environment of an instance.
type appAuthKey struct {
	InstanceID, EnvID, AppID, APIID string
}

func (k appAuthKey) String() string {
	return fmt.Sprintf("app %s for API %s in environment %s of instance %s", k.AppID, k.APIID, k.EnvID, k.InstanceID)
}

// ImportID is the key in the import-ID form <instance_id>/<env_id>/<app_id>/<api_id>.
func (k appAuthKey) ImportID() string {
	return k.InstanceID + "/" + k.EnvID + "/" + k.AppID + "/" + k.APIID
}

// shared is the state the gateway resources of one provider share: the authorization lists of apps, read
// once for many resources, and the creates waiting to go out together.
type shared struct {
	auths  pacing.ListCache[cloud.AppAuth]
	envs   pacing.ListCache[cloud.Environment] // names for what a create answer lacks; no write of ours changes them
	apis   pacing.ListCache[cloud.API]
	grants pacing.Batcher[grantItem, framework.ItemOutcome[cloud.AppAuthResult]]
}

// listTTL is how long a list of an app's authorizations serves reads, unless a write to the app comes
// first: long enough for one refresh of many resources, short enough not to hide changes between runs.
const listTTL = 30 * time.Second

type sharedKey struct{}

func sharedOf(c *cloud.Client) *shared {
	return c.Shared(sharedKey{}, func() any {
		return &shared{
			auths: pacing.ListCache[cloud.AppAuth]{TTL: listTTL},
			envs:  pacing.ListCache[cloud.Environment]{TTL: listTTL},
			apis:  pacing.ListCache[cloud.API]{TTL: listTTL},
		}
	}).(*shared)
}

// findAppAuth looks the authorization up in the list of its app's authorizations, which concurrent reads
// share. It is not found when the list lacks it or the app does not exist (the authorization went with it).
func findAppAuth(ctx context.Context, c *cloud.Client, flavor cloud.Flavor, k appAuthKey) (*cloud.AppAuth, error) {
	g := c.Gateway(flavor)
	records, err := sharedOf(c).auths.Get(ctx, appLockKey(flavor, k.InstanceID, k.AppID), func(ctx context.Context) ([]cloud.AppAuth, error) {
		return listAppAuths(ctx, g, k.InstanceID, "", k.AppID, "")
	})
	if err != nil {
		return nil, err
	}
	for i := range records {
		if records[i].EnvID == k.EnvID && records[i].APIID == k.APIID {
			a := records[i]
			return &a, nil
		}
	}
	return nil, framework.NotFound("the authorization of "+k.String(), nil)
}

// describeCreated fills in what a create answer lacks — the environment's name and the API's group — from
// the instance's environments and APIs, each listed once for all the creates of a run. ok is false when
// they could not be read; the next refresh fills them in then.
func describeCreated(ctx context.Context, c *cloud.Client, flavor cloud.Flavor, k appAuthKey) (envName, groupID string, ok bool) {
	g, sh, key := c.Gateway(flavor), sharedOf(c), string(flavor)+"/"+k.InstanceID
	envs, err := instanceEnvs(ctx, c, flavor, k.InstanceID)
	if err != nil {
		return "", "", false
	}
	apis, err := sh.apis.Get(ctx, key, func(ctx context.Context) ([]cloud.API, error) { return g.ListAPIs(ctx, k.InstanceID) })
	if err != nil {
		return "", "", false
	}
	for _, e := range envs {
		if e.ID == k.EnvID {
			envName, ok = e.Name, true
		}
	}
	for _, a := range apis {
		if a.ID == k.APIID {
			return envName, a.GroupID, ok
		}
	}
	return envName, "", false
}

// instanceEnvs lists an instance's environments once for all the resources and data sources of a run.
func instanceEnvs(ctx context.Context, c *cloud.Client, flavor cloud.Flavor, instanceID string) ([]cloud.Environment, error) {
	return sharedOf(c).envs.Get(ctx, string(flavor)+"/"+instanceID, func(ctx context.Context) ([]cloud.Environment, error) {
		return c.Gateway(flavor).ListEnvironments(ctx, instanceID)
	})
}

// grantItem is one authorization a resource asks for; the request carries its create options.
type grantItem struct {
	APIID   string
	Request cloud.CreateAppAuthsRequest
}

// grantBatched authorizes one API for the key's app, together with the other creates for the same app,
// environment and options that arrive while a write for the app is in flight: one create call serves them
// all, and each resource gets its own item back.
func grantBatched(ctx context.Context, c *cloud.Client, flavor cloud.Flavor, k appAuthKey, item grantItem) framework.ItemOutcome[cloud.AppAuthResult] {
	r := item.Request
	batchKey := strings.Join([]string{appLockKey(flavor, k.InstanceID, k.AppID), k.EnvID, r.AuthTunnel,
		strings.Join(slices.Sorted(slices.Values(r.AuthWhitelist)), ","), strings.Join(slices.Sorted(slices.Values(r.AuthBlacklist)), ",")}, "|")
	return framework.WriteBatched(ctx, &sharedOf(c).grants, batchKey, item, func(items []grantItem) (*framework.Write[string, cloud.AppAuthResult], []string) {
		apiIDs := make([]string, len(items))
		var visits []cloud.VisitParam
		seen := map[string]bool{}
		for i, it := range items {
			apiIDs[i] = it.APIID
			if !seen[it.APIID] {
				seen[it.APIID] = true
				visits = append(visits, it.Request.VisitParams...)
			}
		}
		return grantWrite(c, flavor, grantRequest{
			InstanceID: k.InstanceID, EnvID: k.EnvID, AppID: k.AppID,
			Options: func(ids []string) cloud.CreateAppAuthsRequest {
				req := items[0].Request
				req.VisitParams = slices.DeleteFunc(slices.Clone(visits), func(v cloud.VisitParam) bool { return !slices.Contains(ids, v.APIID) })
				return req
			},
		}), apiIDs
	})
}

// listAppAuths returns the app's authorizations, only in envID and for apiID when they are not empty.
// A missing app is not found: its authorizations went with it.
func listAppAuths(ctx context.Context, g *cloud.GatewayClient, instanceID, envID, appID, apiID string) ([]cloud.AppAuth, error) {
	records, err := g.ListBoundAPIs(ctx, instanceID, cloud.BoundAPIsFilter{AppID: appID, APIID: apiID, EnvID: envID})
	if cloud.HasCode(err, cloud.CodeAppNotFound) {
		return nil, framework.NotFound("app "+appID+" of instance "+instanceID, err)
	}
	if err != nil {
		return nil, err
	}
	// Filters are hints to the server; keep only what really matches.
	return slices.DeleteFunc(records, func(a cloud.AppAuth) bool {
		return (envID != "" && a.EnvID != envID) || (apiID != "" && a.APIID != apiID)
	}), nil
}

// grantRequest is one app to be authorized for APIs in one environment.
type grantRequest struct {
	InstanceID, EnvID, AppID string
	APIIDs                   []string
	// Options carries the create fields beyond the identity (ROMA's tunnel, lists and visit parameters).
	Options func(apiIDs []string) cloud.CreateAppAuthsRequest
	// AdoptExisting accepts records that already exist as the caller's own: the authoritative set owns every
	// authorization of its app and environment. Otherwise an existing record is only adopted after an attempt
	// of this very call whose outcome was unknown, since the record is then this call's own.
	AdoptExisting bool
}

// grantOutcome says, per API ID, what a grant achieved.
type grantOutcome = framework.Outcome[string, cloud.AppAuthResult]

// errAlreadyExists is the failure of an API whose authorization existed before the grant.
var errAlreadyExists = errors.New("the authorization already exists")

// grant authorizes the APIs in as few calls as the cloud allows, with framework.Write's guarantee: a create
// that failed in a way that may have left something behind (a 5xx, a lost connection, APIG.3500, a timeout
// or Ctrl-C) is followed by a read-back with a fresh context, and only what does not exist is sent again.
func grant(ctx context.Context, c *cloud.Client, flavor cloud.Flavor, req grantRequest) grantOutcome {
	return grantWrite(c, flavor, req).Run(ctx, req.APIIDs)
}

// grantWrite is the create of req's authorizations, keyed by API ID. The gateways answer every item they
// were asked for — an authorization that existed as SKIPPED — so an item the answer leaves out failed, and
// an answered call needs no read-back. APIG.3316 refuses a whole call because some authorizations exist.
func grantWrite(c *cloud.Client, flavor cloud.Flavor, req grantRequest) *framework.Write[string, cloud.AppAuthResult] {
	g, lock := c.Gateway(flavor), appLockKey(flavor, req.InstanceID, req.AppID)
	list := func(ctx context.Context, apiIDs []string) (map[string]cloud.AppAuthResult, error) {
		records, err := listAppAuths(ctx, g, req.InstanceID, req.EnvID, req.AppID, onlyOne(apiIDs))
		found := make(map[string]cloud.AppAuthResult, len(records))
		for i := range records {
			found[records[i].APIID] = resultFromRecord(&records[i])
		}
		return found, err
	}
	return &framework.Write[string, cloud.AppAuthResult]{
		Send: func(ctx context.Context, apiIDs []string) ([]cloud.AppAuthResult, error) {
			body := cloud.CreateAppAuthsRequest{}
			if req.Options != nil {
				body = req.Options(apiIDs)
			}
			body.EnvID, body.AppIDs, body.APIIDs = req.EnvID, []string{req.AppID}, apiIDs
			return framework.WriteLocked(ctx, c, lock, func() ([]cloud.AppAuthResult, error) {
				defer sharedOf(c).auths.Invalidate(lock)
				return g.CreateAppAuths(ctx, req.InstanceID, body)
			})
		},
		Key: func(r cloud.AppAuthResult) (string, bool) { return r.APIID, r.AppID == req.AppID },
		Judge: func(apiID string, r cloud.AppAuthResult, answered bool) (framework.Verdict, error) {
			switch {
			case !answered:
				return framework.Refused, fmt.Errorf("the gateway answered without a result for API %s", apiID)
			case r.Err() != nil:
				return framework.Refused, r.Err()
			case r.AuthResult.Status == cloud.AuthSkipped:
				return framework.ExistedBefore, nil
			}
			return framework.Applied, nil
		},
		List:              list,
		RefusedAsExisting: func(err error) bool { return cloud.HasCode(err, cloud.CodeAppAuthExists) },
		AlreadyExists:     func(r cloud.AppAuthResult) error { return alreadyExists(r.ID) },
		AdoptExisting:     req.AdoptExisting,
		MaxRetries:        c.Config().MaxRetries,
		MaxPerCall:        createBatch,
		// The SDK's model makes a SKIPPED item's id optional.
		Incomplete: func(r cloud.AppAuthResult) bool { return r.ID == "" },
		Complete: func(ctx context.Context, apiIDs []string, granted map[string]cloud.AppAuthResult) error {
			return completeIDs(ctx, list, apiIDs, granted)
		},
	}
}

// alreadyExists is the failure of an API whose authorization record existed before the grant; the create
// answer may leave the record's ID out.
func alreadyExists(recordID string) error {
	if recordID == "" {
		return errAlreadyExists
	}
	return fmt.Errorf("%w (record %s)", errAlreadyExists, recordID)
}

// completeIDs finds the record IDs a create answer left out of granted items. binded-apis names them, read
// with a fresh context as a read-back is, since the records exist whether or not this operation's time is
// up. An item whose ID stays unknown is not recorded as granted, for an empty ID would make a later cancel
// call .../app-auths/ with no record; the outcome is unknown instead, so the state keeps the
// authorization's identity and the next refresh looks it up.
func completeIDs(ctx context.Context, list func(context.Context, []string) (map[string]cloud.AppAuthResult, error), apiIDs []string, granted map[string]cloud.AppAuthResult) error {
	found, err := framework.ReadBackKeys(ctx, cloud.InFlight, apiIDs, list)
	var missing []string
	for _, id := range apiIDs {
		a, ok := found[id]
		if !ok || a.ID == "" {
			missing = append(missing, id)
			continue
		}
		item := granted[id]
		item.ID = a.ID
		item.AuthTime, item.AuthRole = cmp.Or(item.AuthTime, a.AuthTime), cmp.Or(item.AuthRole, a.AuthRole)
		granted[id] = item
	}
	if len(missing) == 0 {
		return nil
	}
	why := "binded-apis does not list them"
	if err != nil {
		why = "listing them failed: " + framework.Describe(err)
	}
	return fmt.Errorf("the gateway reported the authorization of API(s) %s as existing without its record ID, and %s",
		strings.Join(missing, ", "), why)
}

// onlyOne narrows a list call to the one API a single authorization is about.
func onlyOne(apiIDs []string) string {
	if len(apiIDs) == 1 {
		return apiIDs[0]
	}
	return ""
}

// failures renders the per-API failures of a grant, permanent ones (the configuration must change) apart
// from transient ones (the next apply may succeed), in a stable order.
func grantFailures(o grantOutcome) (permanent, transient []string) {
	for _, id := range slices.Sorted(maps.Keys(o.Failed)) {
		err := o.Failed[id]
		line := fmt.Sprintf("API %s: %s", id, framework.Describe(err))
		if cloud.Transient(err) {
			transient = append(transient, line)
		} else {
			permanent = append(permanent, line)
		}
	}
	return permanent, transient
}

// revoke cancels one authorization record. A record or app that no longer exists means the authorization
// is gone; every other failure is an error, so a destroy never reports success while access remains — a
// missing instance among them, since a wrong project, region or token answers the same. DELETE is
// idempotent: the client repeats it on 5xx and the gateway's write conflict.
func revoke(ctx context.Context, c *cloud.Client, flavor cloud.Flavor, instanceID, appID, authID string) error {
	_, err := framework.WriteLocked(ctx, c, appLockKey(flavor, instanceID, appID), func() (struct{}, error) {
		defer sharedOf(c).auths.Invalidate(appLockKey(flavor, instanceID, appID))
		return struct{}{}, c.Gateway(flavor).DeleteAppAuth(ctx, instanceID, authID)
	})
	if cloud.HasCode(err, cloud.CodeAuthNotFound, cloud.CodeAppNotFound) {
		return nil // gone already: nothing left to take away
	}
	return err
}

// appLockKey names the write lock of one app: the gateways refuse concurrent writes for one app (APIG.3500).
func appLockKey(flavor cloud.Flavor, instanceID, appID string) string {
	return string(flavor) + "/" + instanceID + "/" + appID
}

func resultFromRecord(a *cloud.AppAuth) cloud.AppAuthResult {
	r := cloud.AppAuthResult{ID: a.ID, APIID: a.APIID, AppID: a.AppID, AuthTime: a.AuthTime, AuthRole: a.AuthRole,
		AuthTunnel: a.AuthTunnel, AuthWhitelist: a.AuthWhitelist, AuthBlacklist: a.AuthBlacklist}
	r.AuthResult.Status = cloud.AuthSucceeded
	r.AuthResult.APIName, r.AuthResult.AppName = a.APIName, a.AppName
	return r
}
