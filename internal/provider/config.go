package provider

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
)

// Sites of the service-ticket service.
const (
	siteInternational = "international"
	siteChina         = "china"
)

var siteNames = []string{siteInternational, siteChina}

// lookupEnv is os.LookupEnv, injectable for tests.
type lookupEnv func(string) (string, bool)

// firstEnv returns the first non-empty variable of names.
func firstEnv(env lookupEnv, names ...string) string {
	v, _ := firstEnvNamed(env, names...)
	return v
}

// firstEnvNamed returns the first non-empty variable of names and which one it was.
func firstEnvNamed(env lookupEnv, names ...string) (value, name string) {
	for _, n := range names {
		if v, ok := env(n); ok && v != "" {
			return v, n
		}
	}
	return "", ""
}

// orEnv returns the configured value, else the first non-empty environment variable of names.
func orEnv(v types.String, env lookupEnv, names ...string) string {
	if !v.IsNull() && v.ValueString() != "" {
		return v.ValueString()
	}
	return firstEnv(env, names...)
}

// configFromModel turns the provider configuration and the environment into a client configuration.
// Credentials come from the environment only when the configuration sets none of them, so a credential
// written in the configuration never conflicts with one left in the user's shell.
func configFromModel(m providerModel, env lookupEnv) (cloud.Config, error) {
	cfg := cloud.Config{
		Region:      orEnv(m.Region, env, "HW_REGION_NAME", "OS_REGION_NAME"),
		ProjectID:   orEnv(m.ProjectID, env, "HW_PROJECT_ID", "OS_PROJECT_ID"),
		ProjectName: orEnv(m.ProjectName, env, "HW_PROJECT_NAME", "OS_PROJECT_NAME"),
		Endpoints:   map[cloud.Service]string{},
	}
	if !m.ProjectID.IsNull() || !m.ProjectName.IsNull() {
		// An explicit choice in the configuration wins over the other one in the environment.
		cfg.ProjectID, cfg.ProjectName = m.ProjectID.ValueString(), m.ProjectName.ValueString()
	}

	cfg.DomainID = orEnv(m.DomainID, env, "HW_DOMAIN_ID", "OS_DOMAIN_ID")
	cfg.Language = orEnv(m.Language, env, "AUTHZ_LANGUAGE")
	cfg.TimeZone = orEnv(m.TimeZone, env, "AUTHZ_TIME_ZONE")
	switch site := orEnv(m.Site, env, "AUTHZ_SITE"); site {
	case "":
	case siteChina:
		cfg.Site = "0"
	case siteInternational:
		cfg.Site = "1"
	default:
		return cfg, fmt.Errorf("AUTHZ_SITE: %q is neither %q nor %q", site, siteInternational, siteChina)
	}

	switch v := orEnv(m.ROMAAPIVersion, env, "AUTHZ_ROMA_API_VERSION"); v {
	case "":
		cfg.ROMAAPIVersion = cloud.ROMAAPIv2
	case cloud.ROMAAPIv2, cloud.ROMAAPIv1:
		cfg.ROMAAPIVersion = v
	default:
		return cfg, fmt.Errorf("AUTHZ_ROMA_API_VERSION: %q is neither %q nor %q", v, cloud.ROMAAPIv2, cloud.ROMAAPIv1)
	}

	cfg.Cloud = orEnv(m.Cloud, env, "AUTHZ_CLOUD")
	if cfg.Cloud == "" {
		cfg.Cloud = cloud.CloudHuawei
		if firstEnv(env, "OS_REGION_NAME", "OS_ACCESS_KEY", "OS_USERNAME", "OS_AUTH_URL") != "" &&
			firstEnv(env, "HW_REGION_NAME", "HW_ACCESS_KEY", "HW_USER_NAME", "HW_AUTH_URL") == "" {
			cfg.Cloud = cloud.CloudOTC
		}
	}

	if authURL := firstEnv(env, "HW_AUTH_URL", "OS_AUTH_URL"); authURL != "" {
		cfg.Endpoints[cloud.ServiceIAM] = strings.TrimSuffix(strings.TrimRight(authURL, "/"), "/v3")
	}
	for k, v := range m.Endpoints.Elements() {
		if s, ok := v.(types.String); ok && !s.IsNull() && s.ValueString() != "" {
			cfg.Endpoints[cloud.Service(k)] = s.ValueString()
		}
	}

	cfg.Insecure = m.Insecure.ValueBool()
	if m.Insecure.IsNull() {
		if v := firstEnv(env, "HW_INSECURE"); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return cfg, fmt.Errorf("HW_INSECURE: %q is not a boolean", v)
			}
			cfg.Insecure = b
		}
	}
	if !m.CACertFile.IsNull() && m.CACertFile.ValueString() != "" {
		cfg.CACertFile = m.CACertFile.ValueString()
	} else {
		// Named, so that an unreadable file is reported under the variable the user exported.
		cfg.CACertFile, cfg.CACertFileFrom = firstEnvNamed(env, "HW_CACERT_FILE", "OS_CACERT")
	}
	cfg.MaxRetries = defaultMaxRetries
	if !m.MaxRetries.IsNull() {
		cfg.MaxRetries = int(m.MaxRetries.ValueInt64())
	} else if v := firstEnv(env, "HW_MAX_RETRIES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 20 {
			return cfg, fmt.Errorf("HW_MAX_RETRIES: %q is not a number from 0 to 20", v)
		}
		cfg.MaxRetries = n
	}

	configured := []types.String{m.Token, m.AccessKey, m.SecretKey, m.SecurityToken, m.UserName, m.Password, m.DomainName}
	fromConfig := false
	for _, v := range configured {
		fromConfig = fromConfig || (!v.IsNull() && v.ValueString() != "")
	}
	if fromConfig {
		cfg.Token, cfg.AccessKey, cfg.SecretKey = m.Token.ValueString(), m.AccessKey.ValueString(), m.SecretKey.ValueString()
		cfg.SecurityToken, cfg.UserName, cfg.Password = m.SecurityToken.ValueString(), m.UserName.ValueString(), m.Password.ValueString()
		cfg.DomainName = m.DomainName.ValueString()
		// The domain name is not a secret and is often exported for every tool; accept it from the environment.
		if cfg.DomainName == "" && cfg.UserName != "" {
			cfg.DomainName = firstEnv(env, "HW_DOMAIN_NAME", "OS_DOMAIN_NAME")
		}
	} else {
		var used []string
		fromEnv := func(dst *string, names ...string) {
			for _, n := range names {
				if v, ok := env(n); ok && v != "" {
					*dst = v
					used = append(used, n)
					return
				}
			}
		}
		fromEnv(&cfg.Token, "HW_AUTH_TOKEN", "OS_AUTH_TOKEN")
		fromEnv(&cfg.AccessKey, "HW_ACCESS_KEY", "OS_ACCESS_KEY")
		fromEnv(&cfg.SecretKey, "HW_SECRET_KEY", "OS_SECRET_KEY")
		fromEnv(&cfg.SecurityToken, "HW_SECURITY_TOKEN", "OS_SECURITY_TOKEN")
		fromEnv(&cfg.UserName, "HW_USER_NAME", "OS_USERNAME")
		fromEnv(&cfg.Password, "HW_USER_PASSWORD", "OS_PASSWORD")
		if cfg.UserName != "" || cfg.Password != "" {
			// The domain name is exported for other tools too; it is a credential only with a user.
			fromEnv(&cfg.DomainName, "HW_DOMAIN_NAME", "OS_DOMAIN_NAME")
		}
		cfg.CredentialsFrom = strings.Join(used, ", ")
	}
	return cfg, cfg.Validate()
}
