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
