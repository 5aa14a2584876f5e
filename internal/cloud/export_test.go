package cloud

import (
	"context"
	"net/url"
)

// ListBoundAPIsInPagesOf lists an app's authorizations asking for pages of size items, for tests of paging.
func (g *GatewayClient) ListBoundAPIsInPagesOf(ctx context.Context, instanceID, appID string, size int) ([]AppAuth, error) {
	base, err := g.instancePath(ctx, instanceID)
	if err != nil {
		return nil, err
	}
	list := call{service: g.service(), path: base + "/app-auths/binded-apis", query: url.Values{"app_id": {appID}}}
	return listPages[AppAuth](ctx, g.c, list, "auths", "total", size)
}
