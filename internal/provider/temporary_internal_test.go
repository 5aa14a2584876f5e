package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestTemporaryCredentialsFromEnvironment: the environment's agency, OIDC, metadata and profile settings, and
// the precedence of configured credentials over them.
func TestTemporaryCredentialsFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	profiles := filepath.Join(dir, "config.json")
	if err := os.WriteFile(profiles, []byte(`{"current": "default", "language": "en", "profiles": [
		{"name": "default", "mode": "AKSK", "accessKeyId": "AKDEFAULT", "secretAccessKey": "skdefault", "region": "eu-de", "projectId": "p1"},
		{"name": "temp", "mode": "AKSKST", "accessKeyId": "AKTEMP", "secretAccessKey": "sktemp", "securityToken": "st", "region": "eu-nl"},
		{"name": "sso", "mode": "SSO"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	base := map[string]string{"HW_REGION_NAME": "eu-de"}
	with := func(vars map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range base {
			out[k] = v
		}
		for k, v := range vars {
			out[k] = v
		}
		return out
	}
	tests := map[string]struct {
		model func(*providerModel)
		env   map[string]string
		check func(t *testing.T, cfgErr error, ak, sk, st, region string, roles int, oidc, metadata bool)
	}{
		"agency on an access key": {nil, with(map[string]string{"HW_ACCESS_KEY": "AK", "HW_SECRET_KEY": "SK",
			"HW_ASSUME_ROLE_AGENCY_NAME": "admin", "HW_ASSUME_ROLE_DOMAIN_NAME": "member", "HW_ASSUME_ROLE_DURATION": "3600"}),
			func(t *testing.T, err error, ak, _, _, _ string, roles int, _, _ bool) {
				if err != nil || ak != "AK" || roles != 1 {
					t.Errorf("err %v, ak %q, %d roles", err, ak, roles)
				}
			}},
		"OIDC": {nil, with(map[string]string{"HW_ASSUME_ROLE_OIDC_IDP_ID": "ci", "HW_ASSUME_ROLE_OIDC_ID_TOKEN_FILE": "/run/token"}),
			func(t *testing.T, err error, _, _, _, _ string, _ int, oidc, _ bool) {
				if err != nil || !oidc {
					t.Errorf("err %v, oidc %v", err, oidc)
				}
			}},
		"metadata": {nil, with(map[string]string{"AUTHZ_USE_INSTANCE_METADATA": "true"}),
			func(t *testing.T, err error, _, _, _, _ string, _ int, _, metadata bool) {
				if err != nil || !metadata {
					t.Errorf("err %v, metadata %v", err, metadata)
				}
			}},
		"profile, the current one": {nil, map[string]string{"HW_SHARED_CONFIG_FILE": profiles},
			func(t *testing.T, err error, ak, sk, _, region string, _ int, _, _ bool) {
				if err != nil || ak != "AKDEFAULT" || sk != "skdefault" || region != "eu-de" {
					t.Errorf("err %v, ak %q, region %q", err, ak, region)
				}
			}},
		"profile named, with a security token": {nil, map[string]string{"HW_SHARED_CONFIG_FILE": profiles, "HW_PROFILE": "temp"},
			func(t *testing.T, err error, ak, _, st, region string, _ int, _, _ bool) {
				if err != nil || ak != "AKTEMP" || st != "st" || region != "eu-nl" {
					t.Errorf("err %v, ak %q, st %q, region %q", err, ak, st, region)
				}
			}},
		"profile of another mode": {nil, map[string]string{"HW_SHARED_CONFIG_FILE": profiles, "HW_PROFILE": "sso"},
			func(t *testing.T, err error, _, _, _, _ string, _ int, _, _ bool) {
				if err == nil || !strings.Contains(err.Error(), `profile "sso"`) || !strings.Contains(err.Error(), `mode "SSO" is not supported`) {
					t.Errorf("err %v", err)
				}
			}},
		"no such profile": {func(m *providerModel) {
			m.SharedConfigFile, m.Profile = types.StringValue(profiles), types.StringValue("nope")
		}, base,
			func(t *testing.T, err error, _, _, _, _ string, _ int, _, _ bool) {
				if err == nil || !strings.Contains(err.Error(), `profile "nope": no such profile`) {
					t.Errorf("err %v", err)
				}
			}},
		"configured key wins over the environment's profile and metadata": {func(m *providerModel) {
			m.AccessKey, m.SecretKey = types.StringValue("AKCONF"), types.StringValue("SKCONF")
		}, with(map[string]string{"HW_SHARED_CONFIG_FILE": profiles, "AUTHZ_USE_INSTANCE_METADATA": "true"}),
			func(t *testing.T, err error, ak, _, _, _ string, _ int, _, metadata bool) {
				if err != nil || ak != "AKCONF" || metadata {
					t.Errorf("err %v, ak %q, metadata %v", err, ak, metadata)
				}
			}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			m := nullModel()
			if tc.model != nil {
				tc.model(&m)
			}
			cfg, err := configFromModel(m, envOf(tc.env))
			tc.check(t, err, cfg.AccessKey, cfg.SecretKey, cfg.SecurityToken, cfg.Region, len(cfg.AssumeRoles), cfg.OIDC != nil, cfg.UseMetadata)
			if err != nil && (strings.Contains(err.Error(), "skdefault") || strings.Contains(err.Error(), "sktemp")) {
				t.Errorf("the error shows a secret key: %v", err)
			}
		})
	}
}
