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
	}
	if !m.ProjectID.IsNull() || !m.ProjectName.IsNull() {
		// An explicit choice in the configuration wins over the other one in the environment.
		cfg.ProjectID, cfg.ProjectName = m.ProjectID.ValueString(), m.ProjectName.ValueString()
	}
	for _, step := range []func(providerModel, lookupEnv, *cloud.Config) error{serviceTicketHeaders, romaAPIVersion, endpoints, transportOptions, credentials} {
		if err := step(m, env, &cfg); err != nil {
			return cfg, err
		}
	}
	return cfg, cfg.Validate()
}

// serviceTicketHeaders sets the account and the optional headers of the service-ticket service.
func serviceTicketHeaders(m providerModel, env lookupEnv, cfg *cloud.Config) error {
	cfg.DomainID = orEnv(m.DomainID, env, "HW_DOMAIN_ID", "OS_DOMAIN_ID")
	cfg.Language = orEnv(m.Language, env, "AUTHZ_LANGUAGE")
	cfg.TimeZone = orEnv(m.TimeZone, env, "AUTHZ_TIME_ZONE")
	if _, err := cloud.ParseTimeZone(cfg.TimeZone); cfg.TimeZone != "" && err != nil {
		return fmt.Errorf("time_zone (or AUTHZ_TIME_ZONE): %w", err)
	}
	switch site := orEnv(m.Site, env, "AUTHZ_SITE"); site {
	case "":
	case siteChina:
		cfg.Site = "0"
	case siteInternational:
		cfg.Site = "1"
	default:
		return fmt.Errorf("AUTHZ_SITE: %q is neither %q nor %q", site, siteInternational, siteChina)
	}
	return nil
}

// romaAPIVersion picks ROMA Connect's app-authorization API generation.
func romaAPIVersion(m providerModel, env lookupEnv, cfg *cloud.Config) error {
	switch v := orEnv(m.ROMAAPIVersion, env, "AUTHZ_ROMA_API_VERSION"); v {
	case "":
		cfg.ROMAAPIVersion = cloud.ROMAAPIv2
	case cloud.ROMAAPIv2, cloud.ROMAAPIv1:
		cfg.ROMAAPIVersion = v
	default:
		return fmt.Errorf("AUTHZ_ROMA_API_VERSION: %q is neither %q nor %q", v, cloud.ROMAAPIv2, cloud.ROMAAPIv1)
	}
	return nil
}

// endpoints picks the cloud, whose templates name the endpoints, and the endpoints set explicitly.
func endpoints(m providerModel, env lookupEnv, cfg *cloud.Config) error {
	cfg.Cloud = orEnv(m.Cloud, env, "AUTHZ_CLOUD")
	if cfg.Cloud == "" {
		cfg.Cloud = cloud.CloudHuawei
		if firstEnv(env, "OS_REGION_NAME", "OS_ACCESS_KEY", "OS_USERNAME", "OS_AUTH_URL") != "" &&
			firstEnv(env, "HW_REGION_NAME", "HW_ACCESS_KEY", "HW_USER_NAME", "HW_AUTH_URL") == "" {
			cfg.Cloud = cloud.CloudOTC
		}
	}
	cfg.Endpoints = map[cloud.Service]string{}
	if authURL := firstEnv(env, "HW_AUTH_URL", "OS_AUTH_URL"); authURL != "" {
		cfg.Endpoints[cloud.ServiceIAM] = strings.TrimSuffix(strings.TrimRight(authURL, "/"), "/v3")
	}
	for k, v := range m.Endpoints.Elements() {
		if s, ok := v.(types.String); ok && !s.IsNull() && s.ValueString() != "" {
			cfg.Endpoints[cloud.Service(k)] = s.ValueString()
		}
	}
	return nil
}

// transportOptions sets TLS verification, the extra CA certificates, the retries and the pace.
func transportOptions(m providerModel, env lookupEnv, cfg *cloud.Config) error {
	cfg.Insecure = m.Insecure.ValueBool()
	if m.Insecure.IsNull() {
		if v := firstEnv(env, "HW_INSECURE"); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("HW_INSECURE: %q is not a boolean", v)
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
			return fmt.Errorf("HW_MAX_RETRIES: %q is not a number from 0 to 20", v)
		}
		cfg.MaxRetries = n
	}
	if !m.RequestsPerSecond.IsNull() {
		cfg.RequestsPerSecond = m.RequestsPerSecond.ValueFloat64()
	} else if v := firstEnv(env, "AUTHZ_REQUESTS_PER_SECOND"); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || r < minRequestsPerSecond || r > maxRequestsPerSecond {
			return fmt.Errorf("AUTHZ_REQUESTS_PER_SECOND: %q is not a number from %g to %g", v, minRequestsPerSecond, maxRequestsPerSecond)
		}
		cfg.RequestsPerSecond = r
	}
	return nil
}

// credentials takes the credentials from the configuration, or when it sets none from the environment,
// noting which variables they came from.
func credentials(m providerModel, env lookupEnv, cfg *cloud.Config) (err error) {
	configured := []types.String{m.Token, m.AccessKey, m.SecretKey, m.SecurityToken, m.UserName, m.Password, m.DomainName}
	fromConfig := false
	for _, v := range configured {
		fromConfig = fromConfig || (!v.IsNull() && v.ValueString() != "")
	}
	// The modes of temporary.go set in the configuration keep the environment's credentials out too.
	otherMode := len(m.AssumeRoleWithOIDC.Elements()) > 0 || m.UseInstanceMetadata.ValueBool() ||
		m.SharedConfigFile.ValueString() != "" || m.Profile.ValueString() != ""
	defer func() {
		if err == nil {
			err = temporaryCredentials(m, env, cfg, fromConfig)
		}
	}()
	if otherMode && !fromConfig {
		return nil
	}
	if fromConfig {
		cfg.Token, cfg.AccessKey, cfg.SecretKey = m.Token.ValueString(), m.AccessKey.ValueString(), m.SecretKey.ValueString()
		cfg.SecurityToken, cfg.UserName, cfg.Password = m.SecurityToken.ValueString(), m.UserName.ValueString(), m.Password.ValueString()
		cfg.DomainName = m.DomainName.ValueString()
		// The domain name is not a secret and is often exported for every tool; accept it from the environment.
		if cfg.DomainName == "" && cfg.UserName != "" {
			cfg.DomainName = firstEnv(env, "HW_DOMAIN_NAME", "OS_DOMAIN_NAME")
		}
		return nil
	}
	var used []string
	fromEnv := func(dst *string, names ...string) {
		if v, name := firstEnvNamed(env, names...); v != "" {
			*dst = v
			used = append(used, name)
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
	return nil
}
