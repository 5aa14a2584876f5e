package cloud

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Service names a cloud service; it keys the endpoint map.
type Service string

const (
	ServiceAPIG      Service = "apig"
	ServiceROMA      Service = "roma"
	ServiceModelArts Service = "modelarts"
	ServiceOSM       Service = "osm"
	ServiceIAM       Service = "iam"
)

// Services lists every service the provider talks to, in a stable order.
var Services = []Service{ServiceAPIG, ServiceROMA, ServiceModelArts, ServiceOSM, ServiceIAM}

// Cloud flavours select the endpoint templates of api-notes §7.
const (
	CloudHuawei = "huaweicloud"
	CloudOTC    = "otc"
)

// Clouds lists the accepted values of the provider's cloud argument.
var Clouds = []string{CloudHuawei, CloudOTC}

// ROMA Connect API generations (Config.ROMAAPIVersion). v2 is the current one, the official SDK's
// services/roma/v2; older instances serve their app-auth calls only under v1.
const (
	ROMAAPIv2 = "v2"
	ROMAAPIv1 = "v1"
)

// ROMAAPIVersions lists the accepted values of the provider's roma_api_version argument, the default first.
var ROMAAPIVersions = []string{ROMAAPIv2, ROMAAPIv1}

// Config is everything the client needs; the provider fills it from its configuration and environment.
type Config struct {
	Cloud       string
	Region      string
	ProjectID   string
	ProjectName string
	// DomainID is the account that account-scoped services act for (sent as X-Domain-Id with AK/SK).
	DomainID   string
	Endpoints  map[Service]string
	Insecure   bool
	MaxRetries int
	// RequestsPerSecond caps the requests to each endpoint when positive (the provider's requests_per_second);
	// the pacer (pacer.go) goes slower when the cloud throttles.
	RequestsPerSecond float64

	// CACertFile is a PEM bundle of CA certificates trusted besides the system's. CACertFileFrom names the
	// environment variable it was read from, if it was, so that an error names the setting to fix.
	CACertFile     string
	CACertFileFrom string

	Token         string
	AccessKey     string
	SecretKey     string
	SecurityToken string
	UserName      string
	Password      string
	DomainName    string

	// Temporary credentials (temporary.go). AssumeRoles is a chain of agencies assumed with the credentials
	// above (or the metadata service's keys), each with the keys of the one before.
	AssumeRoles []AssumeRole
	// OIDC exchanges an identity provider's ID token; it is a credential mode of its own.
	OIDC *OIDC
	// AgencyName, AgencyDomainName and DelegatedProject are Open Telekom Cloud's agency: a token of it,
	// obtained with the credentials above, scoped to DelegatedProject (default: the project).
	AgencyName, AgencyDomainName, DelegatedProject string
	// UseMetadata takes temporary keys from the cloud server's metadata service at MetadataURL (default
	// DefaultMetadataURL); it is a credential mode of its own, never a fall-back.
	UseMetadata bool
	MetadataURL string

	// Site, Language and TimeZone are sent to the service-ticket service as X-Site (0 China site, 1
	// international site), X-Language and X-Time-Zone when set.
	Site, Language, TimeZone string

	// ROMAAPIVersion selects the API generation of ROMA Connect's app-auth calls: ROMAAPIv2 (or empty, the
	// default) or ROMAAPIv1 for older instances. ROMA's other calls are v2 in both.
	ROMAAPIVersion string

	// CredentialsFrom names the environment variables the credentials were read from, if they were, so that
	// a refused call can say which ones to check.
	CredentialsFrom string

	UserAgent string
	// RetryWaitMin and RetryWaitMax bound the backoff between retries; zero means 1s and 30s.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
}

// AuthMode is the credential mode a Config selects.
type AuthMode int

const (
	AuthNone AuthMode = iota
	AuthToken
	AuthAKSK
	AuthPassword
	AuthOIDC
	AuthMetadata
)

func (m AuthMode) String() string {
	switch m {
	case AuthToken:
		return "token"
	case AuthAKSK:
		return "access_key/secret_key"
	case AuthPassword:
		return "user_name/password/domain_name"
	case AuthOIDC:
		return "assume_role_with_oidc"
	case AuthMetadata:
		return "use_instance_metadata"
	}
	return "none"
}

// AuthMode reports which credential mode the configuration selects, or an error naming the conflict or the
// missing half of a mode. Exactly one mode must be given.
func (c Config) AuthMode() (AuthMode, error) {
	var modes []AuthMode
	if c.Token != "" {
		modes = append(modes, AuthToken)
	}
	if c.AccessKey != "" || c.SecretKey != "" {
		if c.AccessKey == "" || c.SecretKey == "" {
			return AuthNone, errors.New("access_key and secret_key must be set together")
		}
		modes = append(modes, AuthAKSK)
	} else if c.SecurityToken != "" {
		return AuthNone, errors.New("security_token is only used with access_key and secret_key")
	}
	if c.UserName != "" || c.Password != "" {
		if c.UserName == "" || c.Password == "" || c.DomainName == "" {
			return AuthNone, errors.New("password authentication needs user_name, password and domain_name together")
		}
		modes = append(modes, AuthPassword)
	}
	if c.OIDC != nil {
		modes = append(modes, AuthOIDC)
	}
	if c.UseMetadata {
		modes = append(modes, AuthMetadata)
	}
	switch len(modes) {
	case 0:
		return AuthNone, ErrNoCredentials
	case 1:
		return modes[0], nil
	}
	names := make([]string, len(modes))
	for i, m := range modes {
		names[i] = m.String()
	}
	return AuthNone, fmt.Errorf("conflicting credentials: %s are all set; use exactly one mode", strings.Join(names, " and "))
}

// ErrNoCredentials is the configuration's error when it names no credential mode.
var ErrNoCredentials = errors.New("no credentials: set token, or access_key and secret_key, or user_name, password and domain_name, " +
	"or assume_role_with_oidc, or use_instance_metadata, or shared_config_file/profile")

// ValidateCredentials checks the credential settings against each other, as far as the configuration alone
// tells: a configuration without credentials passes (the environment may hold them).
func (c Config) ValidateCredentials() error {
	mode, err := c.AuthMode()
	if errors.Is(err, ErrNoCredentials) {
		return nil
	}
	if err != nil {
		return err
	}
	return c.validateTemporary(mode)
}

// RegionPattern is a region name (eu-de, cn-north-4, ap-southeast-1, eu-ch2). The region becomes part of
// endpoint host names, so anything else (a dot, slash, @, #, ?) could send the credentials to another host.
var RegionPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Validate checks the configuration without contacting the cloud.
func (c Config) Validate() error {
	mode, err := c.AuthMode()
	if err != nil && c.CredentialsFrom != "" {
		// The provider block sets no credentials: say where these came from.
		return fmt.Errorf("%w (the credentials were taken from the environment variables %s, since the provider block sets none)", err, c.CredentialsFrom)
	}
	if err != nil {
		return err
	}
	if err := c.validateTemporary(mode); err != nil {
		return err
	}
	switch c.Cloud {
	case CloudHuawei, CloudOTC:
	default:
		return fmt.Errorf("cloud must be one of %s, got %q", strings.Join(Clouds, ", "), c.Cloud)
	}
	// The schema validates a configured region; one from the environment arrives here unchecked.
	if c.Region != "" && (len(c.Region) > 64 || !RegionPattern.MatchString(c.Region)) {
		return fmt.Errorf("region (or HW_REGION_NAME, OS_REGION_NAME): %q is not a region name such as eu-de or cn-north-4: lower-case letters and digits, joined by hyphens (-)", c.Region)
	}
	if c.ROMAAPIVersion != "" && !slices.Contains(ROMAAPIVersions, c.ROMAAPIVersion) {
		return fmt.Errorf("roma_api_version must be one of %s, got %q", strings.Join(ROMAAPIVersions, ", "), c.ROMAAPIVersion)
	}
	if c.MaxRetries < 0 {
		return fmt.Errorf("max_retries must not be negative, got %d", c.MaxRetries)
	}
	if c.RequestsPerSecond < 0 || math.IsNaN(c.RequestsPerSecond) || math.IsInf(c.RequestsPerSecond, 0) {
		return fmt.Errorf("requests_per_second must be a positive number, got %v", c.RequestsPerSecond)
	}
	for svc, raw := range c.Endpoints {
		if !knownService(svc) {
			return fmt.Errorf("endpoints: unknown service %q (known: %s)", svc, serviceList())
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("endpoints.%s: %q is not an http(s) URL", svc, raw)
		}
	}
	if _, err := c.caCertPool(); err != nil {
		return err
	}
	// Endpoints are derived (and a missing region reported) only for the services actually called, so a
	// configuration that reaches the gateways through endpoints needs no region.
	return nil
}

// Endpoint returns the base URL of a service: the override if one is configured, else the cloud's template.
func (c Config) Endpoint(svc Service) (string, error) {
	if raw, ok := c.Endpoints[svc]; ok && raw != "" {
		return strings.TrimRight(raw, "/"), nil
	}
	if svc == ServiceOSM && c.Cloud == CloudHuawei {
		return "https://osm.myhuaweicloud.com", nil // OSM is a global service
	}
	if c.Region == "" {
		return "", fmt.Errorf("region is required to derive the %s endpoint (or set endpoints.%s)", svc, svc)
	}
	switch c.Cloud {
	case CloudOTC:
		return fmt.Sprintf("https://%s.%s.otc.t-systems.com", svc, c.Region), nil
	default:
		return fmt.Sprintf("https://%s.%s.myhuaweicloud.com", svc, c.Region), nil
	}
}

// caCertPool returns the system's CA certificates plus those of CACertFile, or nil when no file is
// configured. A file that cannot be read or holds no certificate is an error naming the setting and the path.
func (c Config) caCertPool() (*x509.CertPool, error) {
	if c.CACertFile == "" {
		return nil, nil
	}
	setting := "cacert_file"
	if c.CACertFileFrom != "" {
		setting = c.CACertFileFrom
	}
	data, err := os.ReadFile(c.CACertFile)
	if err != nil {
		var pathErr *fs.PathError
		if errors.As(err, &pathErr) {
			err = pathErr.Err // the path is named below already
		}
		return nil, fmt.Errorf("%s: cannot read CA certificates from %q: %w", setting, c.CACertFile, err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool() // no system roots here: trust the bundle alone
	}
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("%s: %q holds no PEM-encoded certificate (-----BEGIN CERTIFICATE-----)", setting, c.CACertFile)
	}
	return pool, nil
}

func knownService(svc Service) bool {
	for _, s := range Services {
		if s == svc {
			return true
		}
	}
	return false
}

func serviceList() string {
	names := make([]string, len(Services))
	for i, s := range Services {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}

// validateTemporary checks the temporary credentials' settings against each other and the mode, naming the
// arguments.
func (c Config) validateTemporary(mode AuthMode) error {
	roles := c.AssumeRoles
	switch {
	case len(roles) > 0 && mode == AuthOIDC:
		return errors.New("assume_role conflicts with assume_role_with_oidc: name the agency in assume_role_with_oidc")
	case c.AgencyName != "" && len(roles) > 0:
		return errors.New("agency_name (Open Telekom Cloud's agency) conflicts with assume_role: use one of them")
	case c.AgencyName != "" && (mode == AuthOIDC || mode == AuthMetadata):
		return fmt.Errorf("agency_name needs token, access_key/secret_key or user_name/password/domain_name to assume it with, not %s", mode)
	case c.AgencyName != "" && c.AgencyDomainName == "":
		return errors.New("agency_name needs agency_domain_name, the account the agency is in")
	case c.AgencyName == "" && (c.AgencyDomainName != "" || c.DelegatedProject != ""):
		return errors.New("agency_domain_name and delegated_project are only used with agency_name")
	case c.MetadataURL != "" && !c.UseMetadata:
		return errors.New("metadata_url is only used with use_instance_metadata = true")
	}
	if c.MetadataURL != "" {
		if u, err := url.Parse(c.MetadataURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("metadata_url: %q is not an http(s) URL", c.MetadataURL)
		}
	}
	check := func(name string, r AssumeRole) error {
		switch {
		case r.AgencyName == "":
			return fmt.Errorf("%s: agency_name is required", name)
		case (r.DomainName == "") == (r.DomainID == ""):
			return fmt.Errorf("%s: set exactly one of domain_name and domain_id, the account the agency %q is in", name, r.AgencyName)
		case r.Duration != 0 && (r.Duration < 900 || r.Duration > 43200):
			return fmt.Errorf("%s: duration must be from 900 to 43200 seconds, got %d", name, r.Duration)
		}
		return nil
	}
	for k, r := range roles {
		if err := check(fmt.Sprintf("assume_role[%d]", k), r); err != nil {
			return err
		}
	}
	if o := c.OIDC; o != nil {
		switch {
		case o.IdPID == "":
			return errors.New("assume_role_with_oidc: idp_id is required")
		case (o.IDToken == "") == (o.IDTokenFile == ""):
			return errors.New("assume_role_with_oidc: set exactly one of id_token and id_token_file")
		}
		if o.Agency != nil {
			return check("assume_role_with_oidc", *o.Agency)
		}
	}
	return nil
}
