package cloud_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
)

// romaInstance is newFake's ROMA Connect instance.
var romaInstance = strings.Replace(instanceID, "01", "11", 1)

// countAnyMethod counts the requests whose path contains part.
func countAnyMethod(srv *fakecloud.Server, part string) int {
	n := 0
	for _, r := range srv.Requests() {
		if strings.Contains(r.Path, part) {
			n++
		}
	}
	return n
}

// romaCalls makes every ROMA Connect call the provider knows and returns the first error.
func romaCalls(ctx context.Context, g *cloud.GatewayClient) error {
	res, err := g.CreateAppAuths(ctx, romaInstance, cloud.CreateAppAuthsRequest{EnvID: releaseEnv, AppIDs: []string{appID}, APIIDs: []string{apiID}})
	if err != nil {
		return err
	}
	if len(res) != 1 || res[0].Err() != nil || res[0].ID == "" {
		return errors.New("unexpected create answer")
	}
	steps := []func() error{
		func() error {
			_, err := g.ListBoundAPIs(ctx, romaInstance, cloud.BoundAPIsFilter{AppID: appID})
			return err
		},
		func() error {
			_, err := g.ListBoundApps(ctx, romaInstance, cloud.BoundAppsFilter{APIID: apiID})
			return err
		},
		func() error { _, err := g.ListUnboundAPIs(ctx, romaInstance, appID, releaseEnv); return err },
		func() error { _, err := g.ListEnvironments(ctx, romaInstance); return err },
		func() error { _, err := g.ListAPIs(ctx, romaInstance); return err },
		func() error {
			_, err := g.PutAppACL(ctx, romaInstance, appID, cloud.ACLPermit, []string{"10.0.0.1"})
			return err
		},
		func() error { return g.DeleteAppACL(ctx, romaInstance, appID) },
		func() error { return g.DeleteAppAuth(ctx, romaInstance, res[0].ID) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// ROMA Connect's app-auth calls go to /v2 by default, the SDK's services/roma/v2, and to /v1 with
// roma_api_version = "v1", for older instances; its other calls go to /v2 in both.
func TestROMAAPIVersion(t *testing.T) {
	for _, tt := range []struct {
		name, version string
		quirks        []string
		wantAuthBase  string
	}{
		{"default", "", nil, "/v2/"},
		{"v2", cloud.ROMAAPIv2, nil, "/v2/"},
		{"older instance", cloud.ROMAAPIv1, []string{fakecloud.QuirkROMAV1}, "/v1/"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, url := newFakeWith(t, fakecloud.Options{Quirks: tt.quirks})
			c := newClient(t, url, func(c *cloud.Config) { c.ROMAAPIVersion = tt.version })
			if err := romaCalls(context.Background(), c.Gateway(cloud.FlavorROMA)); err != nil {
				t.Fatal(err)
			}
			for _, r := range srv.Requests() {
				want := "/v2/"
				if strings.Contains(r.Path, "/app-auths") {
					want = tt.wantAuthBase
				}
				if !strings.HasPrefix(r.Path, want+fakecloud.DefaultProjectID+"/apic/instances/") {
					t.Errorf("%s %s, want it under %s", r.Method, r.Path, want)
				}
			}
			if n := countAnyMethod(srv, "/app-auths"); n != 5 {
				t.Errorf("%d app-auth requests, want 5", n)
			}
		})
	}
}

// An older instance answers the default /v2 app-auth calls as an unknown route: the error says how to reach
// it, and is neither a not-found nor a fall-back to /v1. A v1 client at a current instance gets no such hint.
func TestROMAAPIVersionMismatch(t *testing.T) {
	const hint = `set the provider argument roma_api_version = "v1" (or AUTHZ_ROMA_API_VERSION=v1)`
	older, olderURL := newFakeWith(t, fakecloud.Options{Quirks: []string{fakecloud.QuirkROMAV1}})
	c := newClient(t, olderURL, nil)
	g := c.Gateway(cloud.FlavorROMA)
	ctx := context.Background()
	for name, call := range map[string]func() error{
		"create": func() error {
			_, err := g.CreateAppAuths(ctx, romaInstance, cloud.CreateAppAuthsRequest{EnvID: releaseEnv, AppIDs: []string{appID}, APIIDs: []string{apiID}})
			return err
		},
		"binded-apis": func() error {
			_, err := g.ListBoundAPIs(ctx, romaInstance, cloud.BoundAPIsFilter{AppID: appID})
			return err
		},
		"binded-apps": func() error {
			_, err := g.ListBoundApps(ctx, romaInstance, cloud.BoundAppsFilter{APIID: apiID})
			return err
		},
		"unbinded-apis": func() error { _, err := g.ListUnboundAPIs(ctx, romaInstance, appID, releaseEnv); return err },
		"cancel":        func() error { return g.DeleteAppAuth(ctx, romaInstance, "0123456789abcdef0123456789abcdef") },
	} {
		err := call()
		if !cloud.HasCode(err, cloud.CodeUnknownRoute) || !strings.Contains(err.Error(), hint) {
			t.Errorf("%s: %v, want APIG.0101 with the hint %q", name, err, hint)
		}
		if cloud.HasCode(err, cloud.CodeAuthNotFound, cloud.CodeAppNotFound) {
			t.Errorf("%s: %v reads as not found", name, err)
		}
	}
	if n := countAnyMethod(older, "/v1/"); n != 0 {
		t.Errorf("%d requests fell back to /v1", n)
	}
	// The environments and APIs are v2 calls on every instance.
	if _, err := g.ListEnvironments(ctx, romaInstance); err != nil {
		t.Errorf("environments of an older instance: %v", err)
	}

	_, currentURL := newFake(t)
	v1 := newClient(t, currentURL, func(c *cloud.Config) { c.ROMAAPIVersion = cloud.ROMAAPIv1 })
	_, err := v1.Gateway(cloud.FlavorROMA).ListBoundAPIs(ctx, romaInstance, cloud.BoundAPIsFilter{AppID: appID})
	if !cloud.HasCode(err, cloud.CodeUnknownRoute) || strings.Contains(err.Error(), "roma_api_version") {
		t.Errorf("v1 call at a current instance: %v, want APIG.0101 without the hint", err)
	}
	// APIG has no API generations to hint at.
	_, err = newClient(t, olderURL+"/wrong", nil).Gateway(cloud.FlavorAPIG).ListBoundAPIs(ctx, instanceID, cloud.BoundAPIsFilter{AppID: appID})
	if !cloud.HasCode(err, cloud.CodeUnknownRoute) || strings.Contains(err.Error(), "roma_api_version") {
		t.Errorf("APIG at a wrong endpoint: %v, want APIG.0101 without the hint", err)
	}
}

func TestROMAAPIVersionIsValidated(t *testing.T) {
	_, err := cloud.New(cloud.Config{Cloud: cloud.CloudHuawei, Token: "t", ROMAAPIVersion: "v3"})
	if err == nil || !strings.Contains(err.Error(), `roma_api_version must be one of v2, v1, got "v3"`) {
		t.Errorf("got %v", err)
	}
}

// An empty record ID would make DELETE .../app-auths/ name no record: it is refused without a call.
func TestDeleteAppAuthRefusesAnEmptyID(t *testing.T) {
	srv, url := newFake(t)
	c := newClient(t, url, nil)
	for _, f := range []cloud.Flavor{cloud.FlavorAPIG, cloud.FlavorROMA} {
		err := c.Gateway(f).DeleteAppAuth(context.Background(), instanceID, "")
		if err == nil || !strings.Contains(err.Error(), "no authorization record ID") || cloud.OutcomeOf(err) != cloud.NotApplied {
			t.Errorf("%s: %v", f, err)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}
