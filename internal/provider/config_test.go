package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
)

func envOf(vars map[string]string) lookupEnv {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

func nullModel() providerModel {
	return providerModel{
		Cloud: types.StringNull(), Region: types.StringNull(), ProjectID: types.StringNull(), ProjectName: types.StringNull(),
		Endpoints: types.MapNull(types.StringType), Insecure: types.BoolNull(), CACertFile: types.StringNull(), MaxRetries: types.Int64Null(),
		Token: types.StringNull(), AccessKey: types.StringNull(), SecretKey: types.StringNull(), SecurityToken: types.StringNull(),
		UserName: types.StringNull(), Password: types.StringNull(), DomainName: types.StringNull(),
		DomainID: types.StringNull(), Site: types.StringNull(), Language: types.StringNull(), TimeZone: types.StringNull(),
		ROMAAPIVersion: types.StringNull(), RequestsPerSecond: types.Float64Null(),
	}
}

func TestConfigFromModel_environment(t *testing.T) {
	tests := map[string]struct {
		model   func(m *providerModel)
		env     map[string]string
		check   func(t *testing.T, c cloud.Config)
		wantErr string
	}{
		"HW AK/SK from the environment": {
			env: map[string]string{"HW_ACCESS_KEY": "ak", "HW_SECRET_KEY": "sk", "HW_REGION_NAME": "cn-north-4", "HW_PROJECT_ID": "p1"},
			check: func(t *testing.T, c cloud.Config) {
				if c.AccessKey != "ak" || c.SecretKey != "sk" || c.Region != "cn-north-4" || c.ProjectID != "p1" || c.Cloud != cloud.CloudHuawei {
					t.Errorf("got %+v", c)
				}
			},
		},
		"OS variables select OTC": {
			env: map[string]string{"OS_USERNAME": "u", "OS_PASSWORD": "p", "OS_DOMAIN_NAME": "d", "OS_REGION_NAME": "eu-de", "OS_AUTH_URL": "https://iam.eu-de.otc.t-systems.com/v3"},
			check: func(t *testing.T, c cloud.Config) {
				if c.Cloud != cloud.CloudOTC || c.UserName != "u" || c.Endpoints[cloud.ServiceIAM] != "https://iam.eu-de.otc.t-systems.com" {
					t.Errorf("got %+v", c)
				}
				if ep, _ := c.Endpoint(cloud.ServiceAPIG); ep != "https://apig.eu-de.otc.t-systems.com" {
					t.Errorf("apig endpoint %s", ep)
				}
			},
		},
		"configured credentials ignore the environment's": {
			model: func(m *providerModel) { m.Token = types.StringValue("tok"); m.Region = types.StringValue("eu-de") },
			env:   map[string]string{"HW_ACCESS_KEY": "ak", "HW_SECRET_KEY": "sk"},
			check: func(t *testing.T, c cloud.Config) {
				if c.Token != "tok" || c.AccessKey != "" {
					t.Errorf("got %+v", c)
				}
			},
		},
		"service-ticket account and headers from the environment": {
			env: map[string]string{"HW_AUTH_TOKEN": "tok", "HW_DOMAIN_ID": "d1", "AUTHZ_SITE": "international", "AUTHZ_LANGUAGE": "en-us", "AUTHZ_TIME_ZONE": "GMT+1"},
			check: func(t *testing.T, c cloud.Config) {
				if c.DomainID != "d1" || c.Site != "1" || c.Language != "en-us" || c.TimeZone != "GMT+1" {
					t.Errorf("got %+v", c)
				}
			},
		},
		"configured site wins": {
			model: func(m *providerModel) { m.Token = types.StringValue("tok"); m.Site = types.StringValue("china") },
			env:   map[string]string{"AUTHZ_SITE": "international"},
			check: func(t *testing.T, c cloud.Config) {
				if c.Site != "0" {
					t.Errorf("site %q, want 0", c.Site)
				}
			},
		},
		"unknown site in the environment": {
			env:     map[string]string{"HW_AUTH_TOKEN": "tok", "AUTHZ_SITE": "moon"},
			wantErr: `AUTHZ_SITE: "moon" is neither "international" nor "china"`,
		},
		"unreadable time zone in the environment": {
			env:     map[string]string{"HW_AUTH_TOKEN": "tok", "AUTHZ_TIME_ZONE": "Mars/Olympus"},
			wantErr: `time_zone (or AUTHZ_TIME_ZONE): time zone "Mars/Olympus" is neither GMT±hours`,
		},
		"ROMA API version defaults to v2": {
			model: func(m *providerModel) { m.Token = types.StringValue("tok") },
			check: func(t *testing.T, c cloud.Config) {
				if c.ROMAAPIVersion != cloud.ROMAAPIv2 {
					t.Errorf("roma_api_version %q, want v2", c.ROMAAPIVersion)
				}
			},
		},
		"ROMA API version from the environment": {
			env: map[string]string{"HW_AUTH_TOKEN": "tok", "AUTHZ_ROMA_API_VERSION": "v1"},
			check: func(t *testing.T, c cloud.Config) {
				if c.ROMAAPIVersion != cloud.ROMAAPIv1 {
					t.Errorf("roma_api_version %q, want v1", c.ROMAAPIVersion)
				}
			},
		},
		"configured ROMA API version wins": {
			model: func(m *providerModel) { m.Token = types.StringValue("tok"); m.ROMAAPIVersion = types.StringValue("v2") },
			env:   map[string]string{"AUTHZ_ROMA_API_VERSION": "v1"},
			check: func(t *testing.T, c cloud.Config) {
				if c.ROMAAPIVersion != cloud.ROMAAPIv2 {
					t.Errorf("roma_api_version %q, want v2", c.ROMAAPIVersion)
				}
			},
		},
		"unknown ROMA API version in the environment": {
			env:     map[string]string{"HW_AUTH_TOKEN": "tok", "AUTHZ_ROMA_API_VERSION": "v3"},
			wantErr: `AUTHZ_ROMA_API_VERSION: "v3" is neither "v2" nor "v1"`,
		},
		"credentials from the environment are named": {
			env: map[string]string{"HW_USER_NAME": "u", "HW_USER_PASSWORD": "p", "OS_DOMAIN_NAME": "d"},
			check: func(t *testing.T, c cloud.Config) {
				if c.CredentialsFrom != "HW_USER_NAME, HW_USER_PASSWORD, OS_DOMAIN_NAME" {
					t.Errorf("CredentialsFrom %q", c.CredentialsFrom)
				}
			},
		},
		"two modes in the environment conflict, naming the variables": {
			env:     map[string]string{"HW_AUTH_TOKEN": "t", "HW_ACCESS_KEY": "ak", "HW_SECRET_KEY": "sk", "HW_REGION_NAME": "r"},
			wantErr: "conflicting credentials: token and access_key/secret_key are all set; use exactly one mode (the credentials were taken from the environment variables HW_AUTH_TOKEN, HW_ACCESS_KEY, HW_SECRET_KEY, since the provider block sets none)",
		},
		"half a mode in the environment, naming the variables": {
			env:     map[string]string{"OS_USERNAME": "u", "OS_PASSWORD": "p", "HW_REGION_NAME": "r"},
			wantErr: "password authentication needs user_name, password and domain_name together (the credentials were taken from the environment variables OS_USERNAME, OS_PASSWORD,",
		},
		"bad HW_MAX_RETRIES": {
			env:     map[string]string{"HW_AUTH_TOKEN": "t", "HW_REGION_NAME": "r", "HW_MAX_RETRIES": "lots"},
			wantErr: "HW_MAX_RETRIES",
		},
		"AUTHZ_REQUESTS_PER_SECOND": {
			env: map[string]string{"HW_AUTH_TOKEN": "t", "AUTHZ_REQUESTS_PER_SECOND": "2.5"},
			check: func(t *testing.T, c cloud.Config) {
				if c.RequestsPerSecond != 2.5 {
					t.Errorf("RequestsPerSecond %v", c.RequestsPerSecond)
				}
			},
		},
		"configured requests_per_second wins over AUTHZ_REQUESTS_PER_SECOND": {
			model: func(m *providerModel) { m.Token = types.StringValue("t"); m.RequestsPerSecond = types.Float64Value(20) },
			env:   map[string]string{"AUTHZ_REQUESTS_PER_SECOND": "2.5"},
			check: func(t *testing.T, c cloud.Config) {
				if c.RequestsPerSecond != 20 {
					t.Errorf("RequestsPerSecond %v", c.RequestsPerSecond)
				}
			},
		},
		"no requests_per_second: no cap": {
			env: map[string]string{"HW_AUTH_TOKEN": "t"},
			check: func(t *testing.T, c cloud.Config) {
				if c.RequestsPerSecond != 0 {
					t.Errorf("RequestsPerSecond %v", c.RequestsPerSecond)
				}
			},
		},
		"bad AUTHZ_REQUESTS_PER_SECOND": {
			env:     map[string]string{"HW_AUTH_TOKEN": "t", "AUTHZ_REQUESTS_PER_SECOND": "0"},
			wantErr: `AUTHZ_REQUESTS_PER_SECOND: "0" is not a number from 0.01 to 10000`,
		},
		"unreadable CA file from the environment names the variable": {
			env:     map[string]string{"HW_AUTH_TOKEN": "t", "OS_CACERT": "/nonexistent/ca.pem"},
			wantErr: `OS_CACERT: cannot read CA certificates from "/nonexistent/ca.pem": no such file or directory`,
		},
		"configured CA file wins over the environment's": {
			model: func(m *providerModel) {
				m.Token = types.StringValue("t")
				m.CACertFile = types.StringValue("/nonexistent/mine.pem")
			},
			env:     map[string]string{"HW_CACERT_FILE": "/nonexistent/env.pem"},
			wantErr: `cacert_file: cannot read CA certificates from "/nonexistent/mine.pem"`,
		},
		"a region from the environment that would change the endpoint host": {
			env:     map[string]string{"HW_AUTH_TOKEN": "t", "HW_REGION_NAME": "x@evil.example/#"},
			wantErr: `region (or HW_REGION_NAME, OS_REGION_NAME): "x@evil.example/#" is not a region name`,
		},
		"no credentials": {
			env:     map[string]string{"HW_REGION_NAME": "r"},
			wantErr: "no credentials",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			m := nullModel()
			if tc.model != nil {
				tc.model(&m)
			}
			cfg, err := configFromModel(m, envOf(tc.env))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, cfg)
		})
	}
}
