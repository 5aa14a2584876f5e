// Package provider is the authz provider itself: its configuration schema, how that configuration and the
// environment become one cloud client, and the one list of resources and data sources.
package provider

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/service/gateway"
	"github.com/cloudauthz/terraform-provider-authz/internal/service/modelarts"
	"github.com/cloudauthz/terraform-provider-authz/internal/service/servicerequest"
	"github.com/cloudauthz/terraform-provider-authz/internal/validate"
)

var (
	_ provider.Provider                  = (*authzProvider)(nil)
	_ provider.ProviderWithListResources = (*authzProvider)(nil)
)

// New returns a constructor of the provider for the given build version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &authzProvider{version: version} }
}

type authzProvider struct {
	version string
}

func (p *authzProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "authz"
	resp.Version = p.version
}

// defaultMaxRetries is how often a retryable failure is retried when max_retries is not set.
const defaultMaxRetries = 5

// The range of requests_per_second: a quota of a few requests a minute up to far more than a provider sends.
const (
	minRequestsPerSecond = 0.01
	maxRequestsPerSecond = 10000.0
)

func (p *authzProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	services := make([]string, len(cloud.Services))
	for i, s := range cloud.Services {
		services[i] = string(s)
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages who may call what on Huawei Cloud and Open Telekom Cloud: API Gateway and ROMA Connect app " +
			"authorizations and app access control lists. Configure exactly one credential mode: `token`, " +
			"`access_key` + `secret_key`, `user_name` + `password` + `domain_name`, `assume_role_with_oidc`, `shared_config_file` / `profile` " +
			"or `use_instance_metadata`; `assume_role` blocks (Huawei Cloud) or `agency_name` (Open Telekom Cloud) then act as an agency. When the configuration sets no " +
			"credential at all, they are read from the environment (`HW_*`, then `OS_*` variables). Calls go through the proxy " +
			"that `HTTPS_PROXY` / `HTTP_PROXY` name, except to hosts in `NO_PROXY`; like every Go program, the provider never proxies " +
			"calls to `localhost` or a loopback address.",
		Attributes: map[string]schema.Attribute{
			"cloud": schema.StringAttribute{
				MarkdownDescription: "Which cloud's endpoint templates to use: `huaweicloud` (default) or `otc` (Open Telekom Cloud). " +
					"Environment: `AUTHZ_CLOUD`; when unset and only `OS_*` variables are present, `otc`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(cloud.Clouds...)},
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "Region, e.g. `eu-de`; used in endpoint URLs and, when neither `project_id` nor `project_name` is set, as the project name. Environment: `HW_REGION_NAME`, `OS_REGION_NAME`.",
				Optional:            true,
				Validators:          []validator.String{validate.Region()},
			},
			"project_id": schema.StringAttribute{
				MarkdownDescription: "Project ID every project-scoped call addresses. Environment: `HW_PROJECT_ID`, `OS_PROJECT_ID`. Conflicts with `project_name`.",
				Optional:            true,
				Validators:          []validator.String{validate.ID(), stringvalidator.ConflictsWith(path.MatchRoot("project_name"))},
			},
			"project_name": schema.StringAttribute{
				MarkdownDescription: "Project name, resolved to its ID through IAM on first use. Environment: `HW_PROJECT_NAME`, `OS_PROJECT_NAME`.",
				Optional:            true,
			},
			"endpoints": schema.MapAttribute{
				MarkdownDescription: "Base URLs overriding the endpoint templates, keyed by service: " + strings.Join(quoteAll(services), ", ") +
					". This is how the bundled fake cloud is reached. `HW_AUTH_URL` / `OS_AUTH_URL` set the `iam` entry.",
				Optional:    true,
				ElementType: types.StringType,
				Validators: []validator.Map{
					mapvalidator.KeysAre(stringvalidator.OneOf(services...)),
					mapvalidator.ValueStringsAre(validate.HTTPURL()),
				},
			},
			"insecure": schema.BoolAttribute{
				MarkdownDescription: "Skip TLS certificate verification. Only for test environments; to trust a private CA, use `cacert_file` instead. Environment: `HW_INSECURE`.",
				Optional:            true,
			},
			"cacert_file": schema.StringAttribute{
				MarkdownDescription: "Path to a PEM file of CA certificates to trust besides the system's: those of a private endpoint or of a " +
					"TLS-inspecting proxy (`HTTPS_PROXY`). A file that cannot be read or holds no certificate is an error when the provider is " +
					"configured. Environment: `HW_CACERT_FILE`, `OS_CACERT`.",
				Optional: true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a throttled (429), failed (5xx) or unreachable call is retried, with exponential backoff and jitter, honouring `Retry-After`. Default %d. Environment: `HW_MAX_RETRIES`.", defaultMaxRetries),
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(0, 20)},
			},
			"requests_per_second": schema.Float64Attribute{
				MarkdownDescription: fmt.Sprintf("The most requests per second the provider sends to each endpoint, from the first request on; "+
					"for users who know their throttling quota. Without it the provider learns the pace from the cloud: the first throttling "+
					"answer (429, e.g. `APIGW.0308` \"policy user over ratelimit,limit:100,time:1 minute\") names the policy, whose limit the "+
					"provider then keeps to for every resource at once, holding requests instead of sending them into more 429s; an answer "+
					"that names none makes it slow down, and speed up again while requests succeed. Set it when other clients (pipelines, "+
					"other Terraform runs) share the quota, since the provider only counts its own requests, or to avoid even the first 429s. "+
					"A throttled request is retried until its operation's timeout, whatever `max_retries` says. From %g to %g. "+
					"Environment: `AUTHZ_REQUESTS_PER_SECOND`.", minRequestsPerSecond, maxRequestsPerSecond),
				Optional:   true,
				Validators: []validator.Float64{float64validator.Between(minRequestsPerSecond, maxRequestsPerSecond)},
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "An IAM token, sent as `X-Auth-Token`. Environment: `HW_AUTH_TOKEN`, `OS_AUTH_TOKEN`.",
				Optional:            true,
				Sensitive:           true,
			},
			"access_key": schema.StringAttribute{
				MarkdownDescription: "Access key (AK); requests are signed with `SDK-HMAC-SHA256`. Environment: `HW_ACCESS_KEY`, `OS_ACCESS_KEY`.",
				Optional:            true,
			},
			"secret_key": schema.StringAttribute{
				MarkdownDescription: "Secret key (SK) of `access_key`. Environment: `HW_SECRET_KEY`, `OS_SECRET_KEY`.",
				Optional:            true,
				Sensitive:           true,
			},
			"security_token": schema.StringAttribute{
				MarkdownDescription: "Security token of temporary AK/SK credentials. Environment: `HW_SECURITY_TOKEN`, `OS_SECURITY_TOKEN`.",
				Optional:            true,
				Sensitive:           true,
			},
			"user_name": schema.StringAttribute{
				MarkdownDescription: "IAM user name, exchanged with `password` and `domain_name` for a project-scoped token once per provider instance. Environment: `HW_USER_NAME`, `OS_USERNAME`.",
				Optional:            true,
			},
			"password": schema.StringAttribute{
				MarkdownDescription: "Password of `user_name`. Environment: `HW_USER_PASSWORD`, `OS_PASSWORD`.",
				Optional:            true,
				Sensitive:           true,
			},
			"domain_id": schema.StringAttribute{
				MarkdownDescription: "ID of the account (domain). Service tickets are account-level: with `access_key` the provider names the account in `X-Domain-Id`, and finds it through IAM once when this is not set. Environment: `HW_DOMAIN_ID`, `OS_DOMAIN_ID`.",
				Optional:            true,
				Validators:          []validator.String{validate.ID()},
			},
			"site": schema.StringAttribute{
				MarkdownDescription: "Site of the service-ticket service, sent as `X-Site`: `international` (1) or `china` (0, the service's default). Accounts registered on the international site (most users of these clouds) must set `international`. Environment: `AUTHZ_SITE`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(siteNames...)},
			},
			"language": schema.StringAttribute{
				MarkdownDescription: "Language of the service-ticket service's texts, sent as `X-Language`, e.g. `en-us` (the service's default is `zh-cn`). Environment: `AUTHZ_LANGUAGE`.",
				Optional:            true,
				Validators:          []validator.String{validate.Language()},
			},
			"time_zone": schema.StringAttribute{
				MarkdownDescription: "Time zone of the service-ticket service's times, sent as `X-Time-Zone`: `GMT` or `UTC` with an offset (`GMT+1`, `GMT-03:30`) or an IANA name (`Europe/Berlin`); the service's default is `GMT+8`. Times the service answers without a zone are read in it; the state holds RFC 3339 times in UTC. Environment: `AUTHZ_TIME_ZONE`.",
				Optional:            true,
				Validators:          []validator.String{validate.TimeZone()},
			},
			"domain_name": schema.StringAttribute{
				MarkdownDescription: "Account (domain) name of `user_name`. Environment: `HW_DOMAIN_NAME`, `OS_DOMAIN_NAME`.",
				Optional:            true,
			},
			"roma_api_version": schema.StringAttribute{
				MarkdownDescription: "API generation of ROMA Connect's app-authorization calls: `v2` (default; " +
					"`/v2/{project_id}/apic/instances/{instance_id}/app-auths`, the current API) or `v1` (`/v1/...`), for older " +
					"instances that serve app authorizations only there. ROMA Connect's other calls (app ACLs, environments, " +
					"APIs) use `/v2` either way. An instance that answers the `v2` calls with `APIG.0101` (unknown API) is " +
					"likely an older one. Environment: `AUTHZ_ROMA_API_VERSION`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(cloud.ROMAAPIVersions...)},
			},
		},
		Blocks: temporaryBlocks(),
	}
	maps.Copy(resp.Schema.Attributes, temporaryAttributes())
}

type providerModel struct {
	Cloud             types.String  `tfsdk:"cloud"`
	Region            types.String  `tfsdk:"region"`
	ProjectID         types.String  `tfsdk:"project_id"`
	ProjectName       types.String  `tfsdk:"project_name"`
	Endpoints         types.Map     `tfsdk:"endpoints"`
	Insecure          types.Bool    `tfsdk:"insecure"`
	CACertFile        types.String  `tfsdk:"cacert_file"`
	MaxRetries        types.Int64   `tfsdk:"max_retries"`
	Token             types.String  `tfsdk:"token"`
	AccessKey         types.String  `tfsdk:"access_key"`
	SecretKey         types.String  `tfsdk:"secret_key"`
	SecurityToken     types.String  `tfsdk:"security_token"`
	UserName          types.String  `tfsdk:"user_name"`
	Password          types.String  `tfsdk:"password"`
	DomainName        types.String  `tfsdk:"domain_name"`
	DomainID          types.String  `tfsdk:"domain_id"`
	Site              types.String  `tfsdk:"site"`
	Language          types.String  `tfsdk:"language"`
	TimeZone          types.String  `tfsdk:"time_zone"`
	ROMAAPIVersion    types.String  `tfsdk:"roma_api_version"`
	RequestsPerSecond types.Float64 `tfsdk:"requests_per_second"`

	// Temporary credentials (temporary.go).
	AssumeRole          types.List   `tfsdk:"assume_role"`
	AssumeRoleWithOIDC  types.List   `tfsdk:"assume_role_with_oidc"`
	AgencyName          types.String `tfsdk:"agency_name"`
	AgencyDomainName    types.String `tfsdk:"agency_domain_name"`
	DelegatedProject    types.String `tfsdk:"delegated_project"`
	SharedConfigFile    types.String `tfsdk:"shared_config_file"`
	Profile             types.String `tfsdk:"profile"`
	UseInstanceMetadata types.Bool   `tfsdk:"use_instance_metadata"`
	MetadataURL         types.String `tfsdk:"metadata_url"`
}

func (p *authzProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Values that come from other resources are unknown while planning. Nothing here talks to the cloud, so
	// planning needs no client; resources keep their prior state until the values are known.
	if !req.Config.Raw.IsFullyKnown() {
		tflog.Info(ctx, "provider configuration has values not known until apply; deferring client construction")
		return
	}
	cfg, err := configFromModel(m, os.LookupEnv)
	if err != nil {
		resp.Diagnostics.AddError("Invalid provider configuration", err.Error())
		return
	}
	cfg.UserAgent = "terraform-provider-authz/" + p.version
	client, err := cloud.New(cfg)
	if err != nil {
		resp.Diagnostics.AddError("Invalid provider configuration", err.Error())
		return
	}
	resp.ResourceData = client
	resp.DataSourceData = client
	resp.ListResourceData = client
}

// Resources lists the resources of every service package; a new service adds one line.
func (p *authzProvider) Resources(_ context.Context) []func() resource.Resource {
	return slices.Concat(
		gateway.Resources(),
		modelarts.Resources(),
		servicerequest.Resources(),
	)
}

// ListResources lists the list resources (`terraform query`) of every service package; a new service adds one
// line.
func (p *authzProvider) ListResources(_ context.Context) []func() list.ListResource {
	return slices.Concat(
		gateway.ListResources(),
		modelarts.ListResources(),
		servicerequest.ListResources(),
	)
}

// DataSources lists the data sources of every service package; a new service adds one line.
func (p *authzProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return slices.Concat(
		gateway.DataSources(),
		modelarts.DataSources(),
		servicerequest.DataSources(),
	)
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "`" + s + "`"
	}
	return out
}
