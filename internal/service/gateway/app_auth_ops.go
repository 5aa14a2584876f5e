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
	auths  framework.ListCache[cloud.AppAuth]
	envs   framework.ListCache[cloud.Environment] // names for what a create answer lacks; no write of ours changes them
	apis   framework.ListCache[cloud.API]
	grants framework.Batcher[grantItem, grantItemResult]
}

// listTTL is how long a list of an app's authorizations serves reads, unless a write to the app comes
// first: long enough for one refresh of many resources, short enough not to hide changes between runs.
const listTTL = 30 * time.Second

type sharedKey struct{}

func sharedOf(c *cloud.Client) *shared {
	return c.Shared(sharedKey{}, func() any {
		return &shared{
			auths: framework.ListCache[cloud.AppAuth]{TTL: listTTL},
			envs:  framework.ListCache[cloud.Environment]{TTL: listTTL},
			apis:  framework.ListCache[cloud.API]{TTL: listTTL},
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
	envs, err := sh.envs.Get(ctx, key, func(ctx context.Context) ([]cloud.Environment, error) { return g.ListEnvironments(ctx, k.InstanceID) })
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

// grantItem is one authorization a resource asks for; the request carries its create options.
type grantItem struct {
	APIID   string
	Request cloud.CreateAppAuthsRequest
}

// grantItemResult is what became of one grantItem.
type grantItemResult struct {
	Result  cloud.AppAuthResult
	Granted bool
	Failed  error
	Unknown error
}

// grantBatched authorizes one API for the key's app, together with the other creates for the same app,
// environment and options that arrive while a write for the app is in flight: one create call serves them
// all, and each resource gets its own item back.
func grantBatched(ctx context.Context, c *cloud.Client, flavor cloud.Flavor, k appAuthKey, item grantItem) grantItemResult {
	r := item.Request
	batchKey := strings.Join([]string{appLockKey(flavor, k.InstanceID, k.AppID), k.EnvID, r.AuthTunnel,
		strings.Join(slices.Sorted(slices.Values(r.AuthWhitelist)), ","), strings.Join(slices.Sorted(slices.Values(r.AuthBlacklist)), ",")}, "|")
	return sharedOf(c).grants.Do(ctx, batchKey, item, func(ctx context.Context, items []grantItem) []grantItemResult {
		var apiIDs []string
		var visits []cloud.VisitParam
		seen := map[string]bool{}
		for _, it := range items {
			if !seen[it.APIID] {
				seen[it.APIID] = true
				apiIDs = append(apiIDs, it.APIID)
				visits = append(visits, it.Request.VisitParams...)
			}
		}
		out := grant(ctx, c, flavor, grantRequest{
			InstanceID: k.InstanceID, EnvID: k.EnvID, AppID: k.AppID, APIIDs: apiIDs,
			Options: func(ids []string) cloud.CreateAppAuthsRequest {
				req := items[0].Request
				req.VisitParams = slices.DeleteFunc(slices.Clone(visits), func(v cloud.VisitParam) bool { return !slices.Contains(ids, v.APIID) })
				return req
			},
		})
		results := make([]grantItemResult, len(items))
		claimed := map[string]bool{}
		for i, it := range items {
			res, granted := out.Granted[it.APIID]
			switch {
			case claimed[it.APIID]: // two resources for one authorization: the second finds it taken
				results[i] = grantItemResult{Failed: fmt.Errorf("%w (record %s)", errAlreadyExists, res.ID)}
			case granted:
				results[i] = grantItemResult{Result: res, Granted: true}
			case out.Failed[it.APIID] == nil && out.Unknown == nil:
				results[i] = grantItemResult{Failed: fmt.Errorf("the gateway answered without a result for API %s", it.APIID)}
			default:
				results[i] = grantItemResult{Failed: out.Failed[it.APIID], Unknown: out.Unknown}
			}
			claimed[it.APIID] = true
		}
		return results
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

// grantOutcome says, per API, what a grant achieved.
type grantOutcome struct {
	Granted map[string]cloud.AppAuthResult // records created or adopted, by API ID
	Failed  map[string]error               // the cloud's refusal, by API ID
	// Unknown is set when what exists could not be established; Granted may then be incomplete.
	Unknown error
}

// errAlreadyExists is the failure of an API whose authorization existed before the grant.
var errAlreadyExists = errors.New("the authorization already exists")

// grant authorizes the APIs in as few calls as the cloud allows. A create that failed in a way that may
// have left something behind (a 5xx, a lost connection, APIG.3500, a timeout or Ctrl-C) is followed by a
// read-back with a fresh context, and only what does not exist is sent again: nothing is created twice,
// nothing exists that the outcome does not report.
func grant(ctx context.Context, c *cloud.Client, flavor cloud.Flavor, req grantRequest) grantOutcome {
	out := grantOutcome{Granted: map[string]cloud.AppAuthResult{}, Failed: map[string]error{}}
	for batch := range slices.Chunk(req.APIIDs, createBatch) {
		grantBatch(ctx, c, flavor, req, batch, &out)
		if out.Unknown != nil {
			break
		}
	}
	return out
}

// grantBatch authorizes the APIs of one create call, repeating it for what is still missing after a
// failure whose outcome a read-back established.
func grantBatch(ctx context.Context, c *cloud.Client, flavor cloud.Flavor, req grantRequest, apiIDs []string, out *grantOutcome) {
	g := c.Gateway(flavor)
	pending := slices.Clone(apiIDs)
	adopt := req.AdoptExisting
	attempts := framework.Attempts{MaxRetries: c.Config().MaxRetries}
	for len(pending) > 0 {
		body := cloud.CreateAppAuthsRequest{}
		if req.Options != nil {
			body = req.Options(pending)
		}
		body.EnvID, body.AppIDs, body.APIIDs = req.EnvID, []string{req.AppID}, pending
		results, err := framework.WriteLocked(ctx, c, appLockKey(flavor, req.InstanceID, req.AppID), func() ([]cloud.AppAuthResult, error) {
			defer sharedOf(c).auths.Invalidate(appLockKey(flavor, req.InstanceID, req.AppID))
			return g.CreateAppAuths(ctx, req.InstanceID, body)
		})
		err = attempts.Observe(err)
		if err == nil {
			answered := map[string]bool{}
			var withoutID []string
			for _, item := range results {
				if item.AppID != req.AppID || !slices.Contains(pending, item.APIID) {
					continue
				}
				answered[item.APIID] = true
				switch {
				case item.Err() != nil:
					out.Failed[item.APIID] = item.Err()
				case item.AuthResult.Status == cloud.AuthSkipped && !adopt:
					out.Failed[item.APIID] = alreadyExists(item.ID)
				default:
					out.Granted[item.APIID] = item
					if item.ID == "" {
						withoutID = append(withoutID, item.APIID)
					}
				}
			}
			for _, id := range pending {
				if !answered[id] {
					out.Failed[id] = fmt.Errorf("the gateway answered without a result for API %s", id)
				}
			}
			if len(withoutID) > 0 {
				completeIDs(ctx, g, req, withoutID, out)
			}
			return
		}

		outcome := cloud.OutcomeOf(err)
		exists := cloud.HasCode(err, cloud.CodeAppAuthExists)
		if outcome == cloud.NotApplied && !exists {
			for _, id := range pending {
				out.Failed[id] = err
			}
			return
		}
		// Find out what exists now. A write still in flight is waited for, until every pending API shows up
		// or the settle window has passed.
		records, rbErr := framework.ReadBack(ctx, outcome, func(ctx context.Context) ([]cloud.AppAuth, bool, error) {
			records, err := listAppAuths(ctx, g, req.InstanceID, req.EnvID, req.AppID, onlyOne(pending))
			return records, err == nil && containsAll(records, pending), err
		})
		if rbErr != nil {
			out.Unknown = fmt.Errorf("%w; reading back what exists failed too: %w", err, rbErr)
			return
		}
		byAPI := map[string]cloud.AppAuth{}
		for _, a := range records {
			byAPI[a.APIID] = a
		}
		var rest []string
		for _, id := range pending {
			a, found := byAPI[id]
			switch {
			case !found:
				rest = append(rest, id)
			case exists && !adopt:
				out.Failed[id] = alreadyExists(a.ID)
			default:
				out.Granted[id] = resultFromRecord(&a)
			}
		}
		pending = rest
		// From here on, a record that exists may be this call's own: the earlier attempt may have made it.
		adopt = adopt || outcome != cloud.NotApplied
		if len(pending) == 0 {
			break
		}
		if again, final := attempts.Again(ctx, err, cloud.Transient(err) || exists); !again {
			for _, id := range pending {
				out.Failed[id] = final
			}
			break
		}
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

// completeIDs finds the record IDs a create answer left out of granted items: the SDK's model makes a
// SKIPPED item's id optional. binded-apis names them, read with a fresh context as a read-back is, since the
// records exist whether or not this operation's time is up. An item whose ID stays unknown is not recorded
// as granted, for an empty ID would make a later cancel call .../app-auths/ with no record; the outcome is
// unknown instead, so the state keeps the authorization's identity and the next refresh looks it up.
func completeIDs(ctx context.Context, g *cloud.GatewayClient, req grantRequest, apiIDs []string, out *grantOutcome) {
	records, err := framework.ReadBack(ctx, cloud.InFlight, func(ctx context.Context) ([]cloud.AppAuth, bool, error) {
		records, err := listAppAuths(ctx, g, req.InstanceID, req.EnvID, req.AppID, onlyOne(apiIDs))
		return records, err == nil && containsAll(records, apiIDs), err
	})
	byAPI := map[string]cloud.AppAuth{}
	for _, a := range records {
		if a.ID != "" {
			byAPI[a.APIID] = a
		}
	}
	var missing []string
	for _, id := range apiIDs {
		a, found := byAPI[id]
		if !found {
			delete(out.Granted, id)
			missing = append(missing, id)
			continue
		}
		item := out.Granted[id]
		item.ID = a.ID
		item.AuthTime, item.AuthRole = cmp.Or(item.AuthTime, a.AuthTime), cmp.Or(item.AuthRole, a.AuthRole)
		out.Granted[id] = item
	}
	if len(missing) == 0 {
		return
	}
	why := "binded-apis does not list them"
	if err != nil {
		why = "listing them failed: " + framework.Describe(err)
	}
	out.Unknown = fmt.Errorf("the gateway reported the authorization of API(s) %s as existing without its record ID, and %s",
		strings.Join(missing, ", "), why)
}

// onlyOne narrows a list call to the one API a single authorization is about.
func onlyOne(apiIDs []string) string {
	if len(apiIDs) == 1 {
		return apiIDs[0]
	}
	return ""
}

func containsAll(records []cloud.AppAuth, apiIDs []string) bool {
	have := map[string]bool{}
	for _, a := range records {
		have[a.APIID] = true
	}
	for _, id := range apiIDs {
		if !have[id] {
			return false
		}
	}
	return true
}

// failures renders the per-API failures of a grant, permanent ones (the configuration must change) apart
// from transient ones (the next apply may succeed), in a stable order.
func (o grantOutcome) failures() (permanent, transient []string) {
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
