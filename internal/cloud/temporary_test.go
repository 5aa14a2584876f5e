package cloud_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/fakecloud"
)

// Agencies and identity providers of the fake cloud in these tests: admin trusts the user, member trusts
// admin and the CI's identity provider.
const (
	testIDToken      = "eyJ.ci-id-token.sig"
	testExpiredToken = "eyJ.ci-expired.sig"
)

func iamFixture(seconds int) *fakecloud.IAMFixture {
	return &fakecloud.IAMFixture{
		CredentialSeconds: seconds,
		Agencies: []fakecloud.AgencyFixture{
			{Name: "admin", Trusted: []string{"user"}},
			{Name: "member", Trusted: []string{"agency:admin", "idp:ci"}, Projects: []string{fakecloud.DefaultProjectID}},
		},
		IdentityProviders: []fakecloud.IdentityProviderFixture{{ID: "ci", IDTokens: []fakecloud.IDTokenFixture{
			{Value: testIDToken, ExpiresAt: time.Now().Add(time.Hour)},
			{Value: testExpiredToken, ExpiresAt: time.Now().Add(-time.Minute)},
		}}},
		MetadataAgency: "admin",
	}
}

// newTemporaryFake is newFake with the IAM fixture, its keys living seconds.
func newTemporaryFake(t *testing.T, seconds int) (*fakecloud.Server, string) {
	srv, url := newFake(t)
	if err := srv.Load(fakecloud.Fixture{IAM: iamFixture(seconds)}); err != nil {
		t.Fatal(err)
	}
	return srv, url
}

func countPath(srv *fakecloud.Server, path string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Path == path {
			n++
		}
	}
	return n
}

const securityTokens = "/v3.0/OS-CREDENTIAL/securitytokens"

func TestTemporaryCredentialModes(t *testing.T) {
	aksk := func(c *cloud.Config) {
		c.Token, c.AccessKey, c.SecretKey = "", fakecloud.DefaultAccessKey, fakecloud.DefaultSecretKey
	}
	modes := map[string]struct {
		mutate    func(*cloud.Config)
		exchanges map[string]int
	}{
		"assume role with a token": {func(c *cloud.Config) {
			c.AssumeRoles = []cloud.AssumeRole{{AgencyName: "admin", DomainName: fakecloud.DefaultDomainName}}
		}, map[string]int{securityTokens: 1}},
		"chain of two with AK/SK": {func(c *cloud.Config) {
			aksk(c)
			c.AssumeRoles = []cloud.AssumeRole{{AgencyName: "admin", DomainID: fakecloud.DefaultDomainID}, {AgencyName: "member", DomainName: fakecloud.DefaultDomainName, Duration: 900}}
		}, map[string]int{securityTokens: 2}},
		"OTC agency token, delegated project": {func(c *cloud.Config) {
			c.Cloud, c.Token, c.ProjectID = cloud.CloudOTC, "", ""
			c.UserName, c.Password, c.DomainName = fakecloud.DefaultUserName, fakecloud.DefaultPassword, fakecloud.DefaultDomainName
			c.AgencyName, c.AgencyDomainName, c.DelegatedProject, c.ProjectName = "admin", fakecloud.DefaultDomainName, fakecloud.DefaultProjectName, fakecloud.DefaultProjectName
			c.AssumeRoles = nil
		}, map[string]int{"/v3/auth/tokens": 2}}, // the user's login, the agency's token
		"OIDC without agency": {func(c *cloud.Config) {
			c.Token, c.OIDC = "", &cloud.OIDC{IdPID: "ci", IDToken: testIDToken}
		}, map[string]int{"/v3.0/OS-AUTH/id-token/tokens": 1, securityTokens: 1}},
		"OIDC with agency": {func(c *cloud.Config) {
			c.Token, c.OIDC = "", &cloud.OIDC{IdPID: "ci", IDToken: testIDToken, Agency: &cloud.AssumeRole{AgencyName: "member", DomainName: fakecloud.DefaultDomainName}}
		}, map[string]int{"/v3.0/OS-AUTH/id-token/tokens": 1, securityTokens: 1}},
		"instance metadata": {func(c *cloud.Config) {
			c.Token, c.UseMetadata = "", true
			c.MetadataURL = c.Endpoints[cloud.ServiceIAM]
		}, map[string]int{"/openstack/latest/securitykey": 1}},
		"instance metadata, then an agency": {func(c *cloud.Config) {
			c.Token, c.UseMetadata = "", true
			c.MetadataURL = c.Endpoints[cloud.ServiceIAM]
			c.AssumeRoles = []cloud.AssumeRole{{AgencyName: "member", DomainName: fakecloud.DefaultDomainName}}
		}, map[string]int{"/openstack/latest/securitykey": 1, securityTokens: 1}},
	}
	for name, m := range modes {
		t.Run(name, func(t *testing.T) {
			srv, url := newTemporaryFake(t, 0)
			c := newClient(t, url, m.mutate)
			g := c.Gateway(cloud.FlavorAPIG)
			for range 3 {
				if _, err := g.ListBoundAPIs(context.Background(), instanceID, cloud.BoundAPIsFilter{AppID: appID}); err != nil {
					t.Fatal(err)
				}
			}
			for path, want := range m.exchanges {
				if got := countPath(srv, path); got != want {
					t.Errorf("%d calls of %s for 3 calls, want %d", got, path, want)
				}
			}
		})
	}
}

// TestTemporaryKeysRefreshed runs calls from several goroutines for longer than three lifetimes of the keys
// (under -race: the exchange is shared): none fails, and the keys are exchanged about once per lifetime.
func TestTemporaryKeysRefreshed(t *testing.T) {
	srv, url := newTemporaryFake(t, 2)
	c := newClient(t, url, func(c *cloud.Config) {
		c.AssumeRoles = []cloud.AssumeRole{{AgencyName: "admin", DomainName: fakecloud.DefaultDomainName}, {AgencyName: "member", DomainName: fakecloud.DefaultDomainName}}
	})
	g := c.Gateway(cloud.FlavorAPIG)
	deadline := time.Now().Add(5 * time.Second)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				if _, err := g.ListBoundAPIs(context.Background(), instanceID, cloud.BoundAPIsFilter{AppID: appID}); err != nil {
					t.Error(err)
					return
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
	wg.Wait()
	// Two keys per exchange (the chain), a new exchange when a third of the lifetime is left. The fake's
	// clock has whole seconds, so a key of "2 s" lives 1 to 2 s: 3 to 8 exchanges, not one per call.
	if n := countPath(srv, securityTokens); n < 6 || n > 16 {
		t.Errorf("%d calls of %s in 5 s of 2 s keys, want 6 to 16", n, securityTokens)
	}
}

// TestTemporaryCredentialsRefused: a wrong agency, an untrusted identity provider or an expired ID token fail
// the first call naming the argument and IAM's code, and no call after it reaches the cloud.
func TestTemporaryCredentialsRefused(t *testing.T) {
	cases := map[string]struct {
		mutate func(*cloud.Config)
		want   []string
	}{
		"wrong agency": {func(c *cloud.Config) {
			c.AssumeRoles = []cloud.AssumeRole{{AgencyName: "nobody", DomainName: fakecloud.DefaultDomainName}}
		}, []string{"assume_role[0]", "IAM.0020"}},
		"agency that does not trust the caller": {func(c *cloud.Config) {
			c.AssumeRoles = []cloud.AssumeRole{{AgencyName: "member", DomainName: fakecloud.DefaultDomainName}}
		}, []string{"assume_role[0]", `"member"`, "IAM.0020"}},
		"untrusted identity provider": {func(c *cloud.Config) {
			c.Token, c.OIDC = "", &cloud.OIDC{IdPID: "elsewhere", IDToken: testIDToken}
		}, []string{"assume_role_with_oidc.id_token", `"elsewhere"`, "IAM.0021"}},
		"expired ID token": {func(c *cloud.Config) {
			c.Token, c.OIDC = "", &cloud.OIDC{IdPID: "ci", IDToken: testExpiredToken}
		}, []string{"assume_role_with_oidc.id_token", "IAM.0023"}},
		"OIDC agency that does not trust the provider": {func(c *cloud.Config) {
			c.Token, c.OIDC = "", &cloud.OIDC{IdPID: "ci", IDToken: testIDToken, Agency: &cloud.AssumeRole{AgencyName: "admin", DomainName: fakecloud.DefaultDomainName}}
		}, []string{"assume_role_with_oidc.agency_name", "IAM.0020"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			srv, url := newTemporaryFake(t, 0)
			c := newClient(t, url, tc.mutate)
			g := c.Gateway(cloud.FlavorAPIG)
			_, err := g.ListBoundAPIs(context.Background(), instanceID, cloud.BoundAPIsFilter{AppID: appID})
			if err == nil {
				t.Fatal("the call succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %s", err, w)
				}
			}
			if strings.Contains(err.Error(), testIDToken) || strings.Contains(err.Error(), testExpiredToken) {
				t.Errorf("error %q shows the ID token", err)
			}
			sent := len(srv.Requests())
			if _, err2 := g.ListBoundAPIs(context.Background(), instanceID, cloud.BoundAPIsFilter{AppID: appID}); err2 == nil || err2.Error() != err.Error() {
				t.Errorf("second call: %v, want the first error again", err2)
			}
			if after := len(srv.Requests()); after != sent {
				t.Errorf("the second call sent %d requests, want none", after-sent)
			}
			for _, r := range srv.Requests() {
				if strings.Contains(r.Path, "apigw") {
					t.Errorf("a gateway call was sent: %s %s", r.Method, r.Path)
				}
			}
		})
	}
}

// TestTemporaryKeysExpire: the fake refuses keys after their lifetime, so the refresh test proves something.
func TestTemporaryKeysExpire(t *testing.T) {
	_, url := newTemporaryFake(t, 1)
	c := newClient(t, url, nil)
	key, err := c.IAM().CreateTemporaryAccessKeyByToken(context.Background(), fakecloud.DefaultToken, 0)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	expired := newClient(t, url, func(c *cloud.Config) {
		c.Token, c.AccessKey, c.SecretKey, c.SecurityToken = "", key.Access, key.Secret, key.SecurityToken
	})
	_, err = expired.Gateway(cloud.FlavorAPIG).ListBoundAPIs(context.Background(), instanceID, cloud.BoundAPIsFilter{AppID: appID})
	if apiErr, ok := cloud.AsAPIError(err); !ok || apiErr.StatusCode != 401 {
		t.Fatalf("an expired key: %v, want 401", err)
	}
}

func TestTemporaryCredentialSettings(t *testing.T) {
	base := cloud.Config{Cloud: cloud.CloudHuawei, Token: "t"}
	cases := map[string]struct {
		mutate func(*cloud.Config)
		want   string
	}{
		"agency without domain": {func(c *cloud.Config) { c.AssumeRoles = []cloud.AssumeRole{{AgencyName: "a"}} }, "assume_role[0]: set exactly one of domain_name and domain_id"},
		"duration": {func(c *cloud.Config) {
			c.AssumeRoles = []cloud.AssumeRole{{AgencyName: "a", DomainName: "d", Duration: 60}}
		}, "assume_role[0]: duration"},
		"OIDC and token": {func(c *cloud.Config) { c.OIDC = &cloud.OIDC{IdPID: "x", IDToken: "y"} }, "token and assume_role_with_oidc"},
		"OIDC two tokens": {func(c *cloud.Config) {
			c.Token, c.OIDC = "", &cloud.OIDC{IdPID: "x", IDToken: "y", IDTokenFile: "z"}
		}, "exactly one of id_token and id_token_file"},
		"OTC agency without domain": {func(c *cloud.Config) { c.AgencyName = "a" }, "agency_name needs agency_domain_name"},
		"OTC agency and assume_role": {func(c *cloud.Config) {
			c.AgencyName, c.AgencyDomainName, c.AssumeRoles = "a", "d", []cloud.AssumeRole{{AgencyName: "a", DomainName: "d"}}
		}, "agency_name (Open Telekom Cloud's agency) conflicts with assume_role"},
		"metadata URL alone": {func(c *cloud.Config) { c.MetadataURL = "http://127.0.0.1:1" }, "metadata_url is only used with use_instance_metadata"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := base
			tc.mutate(&cfg)
			if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
}
