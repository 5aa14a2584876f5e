package cloud_test

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud/osm"
)

// Every credential mode is exercised with logging at TRACE; the log must show the calls but no secret.
func TestLogsNeverShowSecrets(t *testing.T) {
	modes := map[string]struct {
		mutate  func(*cloud.Config)
		secrets []string
	}{
		"token": {nil, []string{fakecloud.DefaultToken}},
		"AK/SK": {func(c *cloud.Config) {
			c.Token, c.AccessKey, c.SecretKey, c.SecurityToken = "", fakecloud.DefaultAccessKey, fakecloud.DefaultSecretKey, "temporary-security-token"
		}, []string{fakecloud.DefaultSecretKey, "temporary-security-token"}},
		"password": {func(c *cloud.Config) {
			c.Token, c.ProjectID, c.ProjectName = "", "", fakecloud.DefaultProjectName
			c.UserName, c.Password, c.DomainName = fakecloud.DefaultUserName, fakecloud.DefaultPassword, fakecloud.DefaultDomainName
		}, []string{fakecloud.DefaultPassword}},
	}
	for name, mode := range modes {
		t.Run(name, func(t *testing.T) {
			_, url := newFake(t)
			var out bytes.Buffer
			ctx := tflogtest.RootLogger(context.Background(), &out)
			c := newClient(t, url, mode.mutate)
			g := c.Gateway(cloud.FlavorAPIG)
			res, err := g.CreateAppAuths(ctx, instanceID, cloud.CreateAppAuthsRequest{EnvID: releaseEnv, AppIDs: []string{appID}, APIIDs: []string{apiID}})
			if err != nil {
				t.Fatal(err)
			}
			if err := g.DeleteAppAuth(ctx, instanceID, res[0].ID); err != nil {
				t.Fatal(err)
			}
			log := out.String()
			if !strings.Contains(log, "/app-auths") || !strings.Contains(log, `"status":201`) {
				t.Fatalf("the log does not show the calls:\n%s", log)
			}
			if name == "password" && (!strings.Contains(log, `"X-Subject-Token":"***"`) || !strings.Contains(log, `"X-Auth-Token":"***"`)) {
				t.Errorf("the issued token is not masked:\n%s", log)
			}
			if signature := regexp.MustCompile(`Signature=[0-9a-f]{16}`).FindString(log); signature != "" {
				t.Errorf("the log shows a request signature %s", signature)
			}
			for _, secret := range mode.secrets {
				if strings.Contains(log, secret) {
					t.Errorf("the log shows %q:\n%s", secret, log)
				}
			}
		})
	}
}

// A service ticket's host password never shows in the logs, in the verify-host check nor in the accept.
func TestLogsNeverShowHostPasswords(t *testing.T) {
	srv, url := newFake(t)
	const password = "host-password-never-logged"
	if err := srv.Load(fakecloud.Fixture{OSM: osm.InAccount("", osm.Authorization{ID: "Auth-log", Status: osm.StatusPending,
		Details: []osm.Detail{{ID: 3000001, Type: osm.DetailHost, Port: 22, Account: "support", Password: password}}})}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	c := newClient(t, url, func(c *cloud.Config) { c.Token = fakecloud.DomainToken })
	if err := c.OSM().VerifyHost(ctx, 3000001, 22, "support", password, ""); err != nil {
		t.Fatal(err)
	}
	if err := c.OSM().Accept(ctx, "Auth-log", cloud.OSMAcceptRequest{Details: []cloud.OSMHostCredential{{DetailID: 3000001, Port: 22, Account: "support", Password: password}}}); err != nil {
		t.Fatal(err)
	}
	log := out.String()
	if !strings.Contains(log, "verify-host") || !strings.Contains(log, `\"password\":\"***\"`) {
		t.Fatalf("the log does not show the calls with the password masked:\n%s", log)
	}
	if strings.Contains(log, password) {
		t.Errorf("the log shows the host password:\n%s", log)
	}
}
