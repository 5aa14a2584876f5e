package cloud_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	fakegateway "github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/gateway"
)

const (
	instanceID = "0123456789abcdef0123456789abcd01"
	appID      = "0123456789abcdef0123456789abcd02"
	apiID      = "0123456789abcdef0123456789abcd03"
	releaseEnv = "DEFAULT_ENVIRONMENT_RELEASE_ID"
)

// newFake starts a fake cloud holding one APIG and one ROMA instance with an app and a published API each.
func newFake(t *testing.T) (*fakecloud.Server, string) {
	t.Helper()
	return newFakeWith(t, fakecloud.Options{})
}

// newFakeWith is newFake with options, quirks among them.
func newFakeWith(t *testing.T, opts fakecloud.Options) (*fakecloud.Server, string) {
	t.Helper()
	srv := fakecloud.New(opts)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	var instances []fakegateway.InstanceFixture
	for _, f := range []fakegateway.Flavor{fakegateway.FlavorAPIG, fakegateway.FlavorROMA} {
		id := instanceID
		if f == fakegateway.FlavorROMA {
			id = strings.Replace(instanceID, "01", "11", 1)
		}
		instances = append(instances, fakegateway.InstanceFixture{
			ID: id, Name: "gw_" + string(f), Flavor: f,
			Apps: []fakegateway.App{{ID: appID, Name: "app_one"}},
			APIs: []fakegateway.API{{ID: apiID, Name: "api_one", GroupID: "g1", GroupName: "group", ReqMethod: "GET", ReqURI: "/x", AuthType: "APP", PublishedEnvs: []string{releaseEnv}}},
		})
	}
	if err := srv.Load(fakecloud.Fixture{Gateway: fakegateway.InProject(fakecloud.DefaultProjectID, instances...)}); err != nil {
		t.Fatal(err)
	}
	return srv, ts.URL
}

func endpoints(url string) map[cloud.Service]string {
	m := map[cloud.Service]string{}
	for _, s := range cloud.Services {
		m[s] = url
	}
	return m
}

func newClient(t *testing.T, url string, mutate func(*cloud.Config)) *cloud.Client {
	t.Helper()
	cfg := cloud.Config{
		Cloud: cloud.CloudHuawei, Region: fakecloud.DefaultProjectName, ProjectID: fakecloud.DefaultProjectID,
		Endpoints: endpoints(url), Token: fakecloud.DefaultToken, MaxRetries: 3,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	c, err := cloud.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func authorize(t *testing.T, c *cloud.Client) []cloud.AppAuthResult {
	t.Helper()
	res, err := c.Gateway(cloud.FlavorAPIG).CreateAppAuths(context.Background(), instanceID, cloud.CreateAppAuthsRequest{EnvID: releaseEnv, AppIDs: []string{appID}, APIIDs: []string{apiID}})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestCredentialModes(t *testing.T) {
	modes := map[string]func(*cloud.Config){
		"token": nil,
		"AK/SK signed by the SDK signer": func(c *cloud.Config) {
			c.Token, c.AccessKey, c.SecretKey = "", fakecloud.DefaultAccessKey, fakecloud.DefaultSecretKey
		},
		"AK/SK with a security token": func(c *cloud.Config) {
			c.Token, c.AccessKey, c.SecretKey, c.SecurityToken = "", fakecloud.DefaultAccessKey, fakecloud.DefaultSecretKey, "temporary"
		},
		"password, project by name": func(c *cloud.Config) {
			c.Token, c.ProjectID, c.ProjectName = "", "", fakecloud.DefaultProjectName
			c.UserName, c.Password, c.DomainName = fakecloud.DefaultUserName, fakecloud.DefaultPassword, fakecloud.DefaultDomainName
		},
	}
	for name, mutate := range modes {
		t.Run(name, func(t *testing.T) {
			srv, url := newFake(t)
			c := newClient(t, url, mutate)
			res := authorize(t, c)
			if len(res) != 1 || res[0].Err() != nil || res[0].ID == "" {
				t.Fatalf("unexpected result %+v", res)
			}
			// A GET with a query string must verify too.
			got, err := c.Gateway(cloud.FlavorAPIG).ListBoundAPIs(context.Background(), instanceID, cloud.BoundAPIsFilter{AppID: appID, EnvID: releaseEnv})
			if err != nil || len(got) != 1 || got[0].ID != res[0].ID {
				t.Fatalf("ListBoundAPIs = %+v, %v", got, err)
			}
			if n := len(srv.Gateway().AppAuths("", instanceID)); n != 1 {
				t.Fatalf("fake cloud holds %d authorizations", n)
			}
		})
	}
}

func TestPasswordLoginHappensOnce(t *testing.T) {
	srv, url := newFake(t)
	c := newClient(t, url, func(c *cloud.Config) {
		c.Token, c.ProjectID = "", ""
		c.UserName, c.Password, c.DomainName = fakecloud.DefaultUserName, fakecloud.DefaultPassword, fakecloud.DefaultDomainName
	})
	g := c.Gateway(cloud.FlavorAPIG)
	for range 3 {
		if _, err := g.ListBoundAPIs(context.Background(), instanceID, cloud.BoundAPIsFilter{AppID: appID}); err != nil {
			t.Fatal(err)
		}
	}
	logins := 0
	for _, r := range srv.Requests() {
		if r.Path == "/v3/auth/tokens" {
			logins++
		}
	}
	if logins != 1 {
		t.Errorf("%d logins for 3 calls, want 1", logins)
	}
}

func TestAPIErrorCarriesCodeMessageAndRequestID(t *testing.T) {
	_, url := newFake(t)
	c := newClient(t, url, nil)
	err := c.Gateway(cloud.FlavorAPIG).DeleteAppAuth(context.Background(), instanceID, "00000000000000000000000000000000")
	apiErr, ok := cloud.AsAPIError(err)
	if !ok {
		t.Fatalf("error %v is not an APIError", err)
	}
	if apiErr.StatusCode != 404 || apiErr.Code != "APIG.3009" || !strings.Contains(apiErr.Message, "does not exist") || apiErr.RequestID == "" {
		t.Errorf("unexpected %+v", apiErr)
	}
	if !cloud.HasCode(err, cloud.CodeAuthNotFound) || cloud.HasCode(err, cloud.CodeAppNotFound) {
		t.Error("HasCode does not tell the not-found codes apart")
	}
	for _, want := range []string{"APIG.3009", "HTTP 404", "request ID " + apiErr.RequestID, "DELETE /v2/"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err.Error(), want)
		}
	}
}

func TestWrongCredentials(t *testing.T) {
	cases := map[string]struct {
		mutate func(*cloud.Config)
		status int
		code   string
	}{
		"unknown token":    {func(c *cloud.Config) { c.Token = "nope" }, 401, "APIG.1002"},
		"other project":    {func(c *cloud.Config) { c.Token = fakecloud.OtherProjectToken }, 403, "APIG.1005"},
		"wrong secret key": {func(c *cloud.Config) { c.Token, c.AccessKey, c.SecretKey = "", fakecloud.DefaultAccessKey, "wrong" }, 401, ""},
		"unknown access key": {func(c *cloud.Config) {
			c.Token, c.AccessKey, c.SecretKey = "", "UNKNOWNKEY", fakecloud.DefaultSecretKey
		}, 401, ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, url := newFake(t)
			c := newClient(t, url, tc.mutate)
			_, err := c.Gateway(cloud.FlavorAPIG).ListBoundAPIs(context.Background(), instanceID, cloud.BoundAPIsFilter{AppID: appID})
			apiErr, ok := cloud.AsAPIError(err)
			if !ok || apiErr.StatusCode != tc.status || (tc.code != "" && apiErr.Code != tc.code) {
				t.Fatalf("got %v, want HTTP %d %s", err, tc.status, tc.code)
			}
		})
	}
}

func TestRetries(t *testing.T) {
	t.Run("GET retried on 5xx and 429 until it succeeds", func(t *testing.T) {
		srv, url := newFake(t)
		srv.InjectFault(fakecloud.Fault{Method: "GET", PathRegexp: "binded-apis", Times: 1, Status: 503, ErrorCode: "APIG.9999", ErrorMsg: "System error"})
		// Every fault counts every matching request: this one lets the first through to the one above.
		srv.InjectFault(fakecloud.Fault{Method: "GET", PathRegexp: "binded-apis", Skip: 1, Times: 1, Status: 429, ErrorCode: "APIG.1101", ErrorMsg: "throttled", RetryAfter: "0"})
		c := newClient(t, url, nil)
		if _, err := c.Gateway(cloud.FlavorAPIG).ListBoundAPIs(context.Background(), instanceID, cloud.BoundAPIsFilter{AppID: appID}); err != nil {
			t.Fatal(err)
		}
		if n := countRequests(srv, "GET", "binded-apis"); n != 3 {
			t.Errorf("%d attempts, want 3", n)
		}
	})
	t.Run("gives up after max_retries with the last error", func(t *testing.T) {
		srv, url := newFake(t)
		srv.InjectFault(fakecloud.Fault{Method: "GET", PathRegexp: "binded-apis", Status: 500, ErrorCode: "APIG.9999", ErrorMsg: "System error"})
		c := newClient(t, url, func(c *cloud.Config) { c.MaxRetries = 2 })
		_, err := c.Gateway(cloud.FlavorAPIG).ListBoundAPIs(context.Background(), instanceID, cloud.BoundAPIsFilter{AppID: appID})
		if !cloud.HasCode(err, "APIG.9999") {
			t.Fatalf("got %v", err)
		}
		if n := countRequests(srv, "GET", "binded-apis"); n != 3 {
			t.Errorf("%d attempts, want 3 (1 + 2 retries)", n)
		}
	})
	t.Run("POST not repeated after a 5xx", func(t *testing.T) {
		srv, url := newFake(t)
		srv.InjectFault(fakecloud.Fault{Method: "POST", PathRegexp: "app-auths$", Times: 1, Status: 500, ErrorCode: "APIG.9999", ErrorMsg: "System error", AfterApply: true})
		c := newClient(t, url, nil)
		_, err := c.Gateway(cloud.FlavorAPIG).CreateAppAuths(context.Background(), instanceID, cloud.CreateAppAuthsRequest{EnvID: releaseEnv, AppIDs: []string{appID}, APIIDs: []string{apiID}})
		if !cloud.HasCode(err, "APIG.9999") {
			t.Fatalf("got %v", err)
		}
		if n := countRequests(srv, "POST", "app-auths"); n != 1 {
			t.Errorf("POST sent %d times, want 1", n)
		}
		if n := len(srv.Gateway().AppAuths("", instanceID)); n != 1 {
			t.Errorf("the lost-answer POST should still have acted: %d records", n)
		}
	})
	t.Run("POST retried on 429", func(t *testing.T) {
		srv, url := newFake(t)
		srv.InjectFault(fakecloud.Fault{Method: "POST", PathRegexp: "app-auths$", Times: 1, Status: 429, ErrorCode: "APIG.1101", ErrorMsg: "throttled"})
		c := newClient(t, url, nil)
		authorize(t, c)
		if n := countRequests(srv, "POST", "app-auths"); n != 2 {
			t.Errorf("POST sent %d times, want 2", n)
		}
	})
	t.Run("DELETE retried after a dropped connection", func(t *testing.T) {
		srv, url := newFake(t)
		c := newClient(t, url, nil)
		id := authorize(t, c)[0].ID
		srv.InjectFault(fakecloud.Fault{Method: "DELETE", PathRegexp: "app-auths/", Times: 1, DropConnection: true})
		if err := c.Gateway(cloud.FlavorAPIG).DeleteAppAuth(context.Background(), instanceID, id); err != nil {
			t.Fatal(err)
		}
		if n := len(srv.Gateway().AppAuths("", instanceID)); n != 0 {
			t.Errorf("%d records left", n)
		}
	})
	t.Run("the context bounds the retries", func(t *testing.T) {
		srv, url := newFake(t)
		srv.InjectFault(fakecloud.Fault{Method: "GET", PathRegexp: "binded-apis", Status: 503, ErrorCode: "APIG.9999", RetryAfter: "3600"})
		c := newClient(t, url, func(c *cloud.Config) { c.MaxRetries = 10 })
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		_, err := c.Gateway(cloud.FlavorAPIG).ListBoundAPIs(ctx, instanceID, cloud.BoundAPIsFilter{AppID: appID})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v, want the context's deadline", err)
		}
	})
}

func countRequests(srv *fakecloud.Server, method, pathPart string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Method == method && strings.Contains(r.Path, pathPart) {
			n++
		}
	}
	return n
}

func TestROMAAcceptsBothCreateResponseShapes(t *testing.T) {
	_, url := newFake(t)
	c := newClient(t, url, nil)
	romaInstance := strings.Replace(instanceID, "01", "11", 1)
	res, err := c.Gateway(cloud.FlavorROMA).CreateAppAuths(context.Background(), romaInstance, cloud.CreateAppAuthsRequest{EnvID: releaseEnv, AppIDs: []string{appID}, APIIDs: []string{apiID}})
	if err != nil || len(res) != 1 || res[0].ID == "" || res[0].Err() != nil {
		t.Fatalf("got %+v, %v", res, err)
	}
}

func hex4(i int) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[i>>12&15], digits[i>>8&15], digits[i>>4&15], digits[i&15]})
}

func TestRequestHeaders(t *testing.T) {
	var got http.Header
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		_, _ = w.Write([]byte(`{"projects":[]}`))
	}))
	t.Cleanup(ts.Close)
	c := newClient(t, ts.URL, func(c *cloud.Config) {
		c.UserAgent = "terraform-provider-authz/1.2.3"
		c.Token, c.AccessKey, c.SecretKey = "", fakecloud.DefaultAccessKey, fakecloud.DefaultSecretKey
	})
	if _, err := c.IAM().ListProjects(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	if ua := got.Get("User-Agent"); ua != "terraform-provider-authz/1.2.3" {
		t.Errorf("User-Agent %q", ua)
	}
	if p := got.Get("X-Project-Id"); p != fakecloud.DefaultProjectID {
		t.Errorf("X-Project-Id %q, want the project of an AK/SK caller", p)
	}
	if a := got.Get("Authorization"); !strings.HasPrefix(a, "SDK-HMAC-SHA256 Access="+fakecloud.DefaultAccessKey+", SignedHeaders=") {
		t.Errorf("Authorization %q", a)
	}
}
