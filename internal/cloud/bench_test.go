package cloud_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	fakegateway "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
)

// BenchmarkListBoundAPIs measures one full listing of an app holding 1000 authorizations (two pages)
// through the whole stack: AK/SK signing, HTTP, the fake cloud, JSON decoding.
func BenchmarkListBoundAPIs(b *testing.B) {
	srv := fakecloud.New(fakecloud.Options{})
	ts := httptest.NewServer(srv)
	b.Cleanup(ts.Close)
	inst := fakegateway.InstanceFixture{ID: instanceID, Name: "gw", Flavor: fakegateway.FlavorAPIG, Apps: []fakegateway.App{{ID: appID, Name: "app_one"}}}
	for i := range 1000 {
		id := strings.Repeat("0", 28) + hex4(i)
		inst.APIs = append(inst.APIs, fakegateway.API{ID: id, Name: "api_" + hex4(i), ReqMethod: "GET", ReqURI: "/" + hex4(i), AuthType: "APP", PublishedEnvs: []string{releaseEnv}})
		inst.AppAuths = append(inst.AppAuths, fakegateway.AppAuth{AppID: appID, APIID: id, EnvID: releaseEnv})
	}
	if err := srv.Load(fakecloud.Fixture{Gateway: fakegateway.InProject(fakecloud.DefaultProjectID, inst)}); err != nil {
		b.Fatal(err)
	}
	eps := map[cloud.Service]string{}
	for _, s := range cloud.Services {
		eps[s] = ts.URL
	}
	c, err := cloud.New(cloud.Config{Cloud: cloud.CloudHuawei, Region: "eu-de", ProjectID: fakecloud.DefaultProjectID, Endpoints: eps,
		AccessKey: fakecloud.DefaultAccessKey, SecretKey: fakecloud.DefaultSecretKey})
	if err != nil {
		b.Fatal(err)
	}
	g := c.Gateway(cloud.FlavorAPIG)
	b.ReportAllocs()
	for b.Loop() {
		got, err := g.ListBoundAPIs(context.Background(), instanceID, cloud.BoundAPIsFilter{AppID: appID})
		if err != nil || len(got) != 1000 {
			b.Fatalf("%d, %v", len(got), err)
		}
	}
}
