package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
)

// appAuthKey identifies one authorization: an app allowed to call an API in an environment of an instance.
type appAuthKey struct {
	InstanceID, EnvID, AppID, APIID string
}

func (k appAuthKey) String() string {
	return fmt.Sprintf("the authorization of app %s for API %s in environment %s of instance %s", k.AppID, k.APIID, k.EnvID, k.InstanceID)
}

// ImportID is the key in the import-ID form <instance_id>/<env_id>/<app_id>/<api_id>.
func (k appAuthKey) ImportID() string {
	return k.InstanceID + "/" + k.EnvID + "/" + k.AppID + "/" + k.APIID
}

// findAppAuth looks the authorization up with one filtered list call; nil means it does not exist.
// A not-found error means the app or instance does not exist.
func findAppAuth(ctx context.Context, g *cloud.GatewayClient, k appAuthKey) (*cloud.AppAuth, error) {
	records, err := g.ListBoundAPIs(ctx, k.InstanceID, cloud.BoundAPIsFilter{AppID: k.AppID, APIID: k.APIID, EnvID: k.EnvID})
	if err != nil {
		return nil, err
	}
	for i := range records {
		if records[i].APIID == k.APIID && records[i].EnvID == k.EnvID {
			return &records[i], nil
		}
	}
	return nil, nil
}

// ambiguous reports whether a failed write may or may not have been carried out: a lost connection, a
// timeout or a server error. A 4xx answer, or the gateway's write conflict, means nothing changed.
func ambiguous(err error) bool {
	if apiErr, ok := cloud.AsAPIError(err); ok {
		return apiErr.StatusCode >= http.StatusInternalServerError && !cloud.IsConflict(err)
	}
	return !errors.Is(err, context.Canceled)
}

// retryable reports whether a write that certainly did not happen is worth trying again.
func retryable(err error) bool {
	apiErr, ok := cloud.AsAPIError(err)
	return ok && (cloud.IsConflict(err) || apiErr.StatusCode >= http.StatusInternalServerError)
}

// createAppAuth authorizes one (app, API) pair and returns its result item. The client never repeats a POST
// that may have reached the gateway, so when the answer is lost this re-reads to learn whether the
// authorization exists, and only tries again when it does not: nothing is created twice or left unknown.
func createAppAuth(ctx context.Context, g *cloud.GatewayClient, k appAuthKey, req cloud.CreateAppAuthsRequest, maxRetries int) (cloud.AppAuthResult, error) {
	for attempt := 0; ; attempt++ {
		results, err := g.CreateAppAuths(ctx, k.InstanceID, req)
		if err == nil {
			for _, item := range results {
				if item.AppID == k.AppID && item.APIID == k.APIID {
					return item, item.Err()
				}
			}
			return cloud.AppAuthResult{}, fmt.Errorf("the gateway answered without a result for API %s and app %s", k.APIID, k.AppID)
		}
		if ambiguous(err) {
			readCtx, cancel := readBackContext(ctx)
			record, findErr := findAppAuth(readCtx, g, k)
			cancel()
			if findErr == nil && record != nil {
				return resultFromRecord(record), nil
			}
		}
		if !retryable(err) && !ambiguous(err) || attempt >= maxRetries || ctx.Err() != nil {
			return cloud.AppAuthResult{}, err
		}
		if err := sleep(ctx, time.Duration(attempt+1)*time.Second); err != nil {
			return cloud.AppAuthResult{}, err
		}
	}
}

// readBackTimeout bounds the read that finds out what a failed or timed-out write left behind.
const readBackTimeout = time.Minute

// readBackContext is ctx, or, when ctx has already expired, a fresh context of its values: what a timed-out
// write did must still be found out, or it would be left in the cloud unknown to Terraform.
func readBackContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if ctx.Err() == nil {
		return ctx, func() {}
	}
	return context.WithTimeout(context.WithoutCancel(ctx), readBackTimeout)
}

func resultFromRecord(a *cloud.AppAuth) cloud.AppAuthResult {
	r := cloud.AppAuthResult{ID: a.ID, APIID: a.APIID, AppID: a.AppID, AuthTime: a.AuthTime, AuthRole: a.AuthRole,
		AuthTunnel: a.AuthTunnel, AuthWhitelist: a.AuthWhitelist, AuthBlacklist: a.AuthBlacklist}
	r.AuthResult.Status = cloud.AuthSucceeded
	r.AuthResult.APIName, r.AuthResult.AppName = a.APIName, a.AppName
	return r
}

// deleteAppAuth cancels an authorization record; a record, app or instance that is already gone is success.
func deleteAppAuth(ctx context.Context, g *cloud.GatewayClient, instanceID, authID string) error {
	err := g.DeleteAppAuth(ctx, instanceID, authID)
	if err == nil || cloud.IsNotFound(err) {
		return nil
	}
	return err
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
