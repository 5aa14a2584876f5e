package gateway

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

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

// findAppAuth looks the authorization up with one filtered list call. It is not found when the list lacks
// it or the app does not exist (the authorization went with it).
func findAppAuth(ctx context.Context, g *cloud.GatewayClient, k appAuthKey) (*cloud.AppAuth, error) {
	records, err := listAppAuths(ctx, g, k.InstanceID, k.EnvID, k.AppID, k.APIID)
	if err != nil {
		return nil, err
	}
	if len(records) == 0 {
		return nil, framework.NotFound("the authorization of "+k.String(), nil)
	}
	return &records[0], nil
}

// listAppAuths returns the app's authorizations in the environment, only for apiID when it is not empty.
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
		return a.EnvID != envID || (apiID != "" && a.APIID != apiID)
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
	var lastAnswer error
	for attempt := 0; len(pending) > 0; attempt++ {
		body := cloud.CreateAppAuthsRequest{}
		if req.Options != nil {
			body = req.Options(pending)
		}
		body.EnvID, body.AppIDs, body.APIIDs = req.EnvID, []string{req.AppID}, pending
		results, err := framework.WriteLocked(ctx, c, appLockKey(flavor, req.InstanceID, req.AppID), func() ([]cloud.AppAuthResult, error) {
			return g.CreateAppAuths(ctx, req.InstanceID, body)
		})
		// A timeout or Ctrl-C is reported with the cloud's last answer, which tells why it took so long.
		if _, isAnswer := cloud.AsAPIError(err); isAnswer {
			lastAnswer = err
		} else if cloud.OutcomeOf(err) == cloud.InFlight && lastAnswer != nil {
			err = fmt.Errorf("%w; the last answer of the cloud was %w", err, lastAnswer)
		}
		if err == nil {
			answered := map[string]bool{}
			for _, item := range results {
				if item.AppID != req.AppID || !slices.Contains(pending, item.APIID) {
					continue
				}
				answered[item.APIID] = true
				switch {
				case item.Err() != nil:
					out.Failed[item.APIID] = item.Err()
				case item.AuthResult.Status == cloud.AuthSkipped && !adopt:
					out.Failed[item.APIID] = errAlreadyExists
				default:
					out.Granted[item.APIID] = item
				}
			}
			for _, id := range pending {
				if !answered[id] {
					out.Failed[id] = fmt.Errorf("the gateway answered without a result for API %s", id)
				}
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
				out.Failed[id] = errAlreadyExists
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
		if ctx.Err() != nil || attempt >= c.Config().MaxRetries || !(cloud.Transient(err) || exists) {
			for _, id := range pending {
				out.Failed[id] = err
			}
			break
		}
		if sleepErr := framework.Sleep(ctx, framework.RetryDelay(attempt)); sleepErr != nil {
			for _, id := range pending {
				out.Failed[id] = fmt.Errorf("%w; the last answer of the cloud was %w", sleepErr, err)
			}
			break
		}
	}
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
