package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
	"github.com/cloudauthz/terraform-provider-authz/internal/validate"
)

// The credentials enterprises use (issue 25): agencies assumed with the credentials given (huaweicloud's
// assume_role blocks, a chain; Open Telekom Cloud's agency_name, agency_domain_name and delegated_project),
// OIDC ID tokens from CI (assume_role_with_oidc), the cloud CLI's shared profiles (shared_config_file and
// profile) and the cloud server's metadata service (use_instance_metadata, an explicit opt-in). The client's
// side, the exchanges and their refresh, is internal/cloud/temporary.go.

var _ provider.ProviderWithValidateConfig = (*authzProvider)(nil)

// ValidateConfig refuses, at plan time and in terraform validate, credential settings that conflict or are
// incomplete, naming the arguments. It reads neither the environment nor files: Configure does.
func (p *authzProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var m providerModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() || !req.Config.Raw.IsFullyKnown() {
		return
	}
	profile := m.SharedConfigFile.ValueString() != "" || m.Profile.ValueString() != ""
	m.SharedConfigFile, m.Profile = types.StringNull(), types.StringNull()
	noEnv := func(string) (string, bool) { return "", false }
	cfg, _ := configFromModel(m, noEnv) // its own errors are Configure's to report, with the environment
	if profile {
		if cfg.Token != "" || cfg.AccessKey != "" || cfg.UserName != "" || cfg.OIDC != nil || cfg.UseMetadata {
			resp.Diagnostics.AddError("Invalid provider configuration", "shared_config_file/profile conflicts with the other credentials set: use one credential mode")
			return
		}
		cfg.AccessKey, cfg.SecretKey = "from-profile", "from-profile"
	}
	if err := cfg.ValidateCredentials(); err != nil {
		resp.Diagnostics.AddError("Invalid provider configuration", err.Error())
	}
}

// assumeRoleModel is an assume_role block.
type assumeRoleModel struct {
	AgencyName types.String `tfsdk:"agency_name"`
	DomainName types.String `tfsdk:"domain_name"`
	DomainID   types.String `tfsdk:"domain_id"`
	Duration   types.Int64  `tfsdk:"duration"`
}

// oidcModel is the assume_role_with_oidc block.
type oidcModel struct {
	IdPID       types.String `tfsdk:"idp_id"`
	IDToken     types.String `tfsdk:"id_token"`
	IDTokenFile types.String `tfsdk:"id_token_file"`
	AgencyName  types.String `tfsdk:"agency_name"`
	DomainName  types.String `tfsdk:"domain_name"`
	DomainID    types.String `tfsdk:"domain_id"`
	Duration    types.Int64  `tfsdk:"duration"`
}

// agencyAttributes are the attributes naming an agency, in assume_role and assume_role_with_oidc.
func agencyAttributes(required bool, env string) map[string]schema.Attribute {
	envOf := func(name string) string {
		if env == "" {
			return ""
		}
		return " Environment: `" + env + name + "`."
	}
	return map[string]schema.Attribute{
		"agency_name": schema.StringAttribute{
			MarkdownDescription: "Name of the IAM agency to assume." + envOf("AGENCY_NAME"),
			Required:            required,
			Optional:            !required,
			Validators:          []validator.String{stringvalidator.LengthBetween(1, 64)},
		},
		"domain_name": schema.StringAttribute{
			MarkdownDescription: "Name of the account (domain) the agency is in. Exactly one of `domain_name` and `domain_id`." + envOf("DOMAIN_NAME"),
			Optional:            true,
			Validators:          []validator.String{stringvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("domain_id"))},
		},
		"domain_id": schema.StringAttribute{
			MarkdownDescription: "ID of the account (domain) the agency is in." + envOf("DOMAIN_ID"),
			Optional:            true,
			Validators:          []validator.String{validate.ID()},
		},
		"duration": schema.Int64Attribute{
			MarkdownDescription: "Lifetime of the temporary keys in seconds, from 900 to 43200 (IAM's default: 900). The provider obtains new ones " +
				"before they expire, whatever the lifetime." + envOf("DURATION"),
			Optional:   true,
			Validators: []validator.Int64{int64validator.Between(900, 43200)},
		},
	}
}

// temporaryAttributes are the provider's arguments of temporary credentials besides the blocks.
func temporaryAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"shared_config_file": schema.StringAttribute{
			MarkdownDescription: "Path of the Huawei Cloud CLI's (KooCLI, `hcloud`) configuration file, `config.json` (default `~/.hcloud/config.json` " +
				"when only `profile` is set): `{\"current\": \"<name>\", \"profiles\": [{\"name\", \"mode\": \"AKSK\" or \"AKSKST\", \"accessKeyId\", " +
				"\"secretAccessKey\", \"securityToken\", \"region\", \"projectId\", \"domainId\"}]}`. The provider reads the access key (and security " +
				"token), and the region, project and account when the configuration does not set them. The file must hold them in clear: " +
				"`hcloud configure set --cli-auth-encrypt=false`. A credential mode: conflicts with the other ones. Environment: `HW_SHARED_CONFIG_FILE`.",
			Optional: true,
		},
		"profile": schema.StringAttribute{
			MarkdownDescription: "Profile of `shared_config_file` to use; default: the file's `current` profile. Environment: `HW_PROFILE`.",
			Optional:            true,
		},
		"agency_name": schema.StringAttribute{
			MarkdownDescription: "Open Telekom Cloud: the agency (`xrole_name`) to act as. The provider obtains a token of the agency with the " +
				"credentials given (`token`, `access_key`/`secret_key` or `user_name`/`password`), scoped to `delegated_project`, once and again " +
				"before it expires. Needs `agency_domain_name`; conflicts with `assume_role`. Environment: `OS_AGENCY_NAME`.",
			Optional:   true,
			Validators: []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("agency_domain_name")), stringvalidator.ConflictsWith(path.MatchRoot("assume_role_with_oidc"), path.MatchRoot("assume_role"))},
		},
		"agency_domain_name": schema.StringAttribute{
			MarkdownDescription: "Open Telekom Cloud: the account (domain) the agency `agency_name` is in. Environment: `OS_AGENCY_DOMAIN_NAME`.",
			Optional:            true,
			Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("agency_name"))},
		},
		"delegated_project": schema.StringAttribute{
			MarkdownDescription: "Open Telekom Cloud: the project (name) of the agency's account to act in; default: `project_name`, else the " +
				"region's project. Environment: `OS_DELEGATED_PROJECT`.",
			Optional:   true,
			Validators: []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("agency_name"))},
		},
		"use_instance_metadata": schema.BoolAttribute{
			MarkdownDescription: "Take temporary keys of the agency bound to the cloud server Terraform runs on from its metadata service " +
				"(`GET /openstack/latest/securitykey`), and new ones before they expire. A credential mode of its own, never a fall-back: " +
				"without it the provider never asks the metadata service. May be combined with `assume_role`. Environment: `AUTHZ_USE_INSTANCE_METADATA`.",
			Optional: true,
		},
		"metadata_url": schema.StringAttribute{
			MarkdownDescription: "Base URL of the metadata service, default `" + cloud.DefaultMetadataURL + "`. Only with `use_instance_metadata`. " +
				"Environment: `AUTHZ_METADATA_URL`.",
			Optional:   true,
			Validators: []validator.String{validate.HTTPURL(), stringvalidator.AlsoRequires(path.MatchRoot("use_instance_metadata"))},
		},
	}
}

// temporaryBlocks are the assume_role and assume_role_with_oidc blocks.
func temporaryBlocks() map[string]schema.Block {
	oidc := agencyAttributes(false, "")
	oidc["agency_name"] = schema.StringAttribute{
		MarkdownDescription: "Agency to assume with the federated user's token; without it the provider acts as the federated user (temporary keys of its token).",
		Optional:            true,
		Validators:          []validator.String{stringvalidator.LengthBetween(1, 64)},
	}
	oidc["idp_id"] = schema.StringAttribute{
		MarkdownDescription: "ID of the IAM identity provider (OIDC) that trusts the CI system, sent as `X-Idp-Id`. Environment: `HW_ASSUME_ROLE_OIDC_IDP_ID`.",
		Required:            true,
	}
	oidc["id_token"] = schema.StringAttribute{
		MarkdownDescription: "The ID token itself. Exactly one of `id_token` and `id_token_file`. Environment: `HW_ASSUME_ROLE_OIDC_ID_TOKEN`.",
		Optional:            true,
		Sensitive:           true,
		Validators:          []validator.String{stringvalidator.ExactlyOneOf(path.MatchRelative().AtParent().AtName("id_token_file"))},
	}
	oidc["id_token_file"] = schema.StringAttribute{
		MarkdownDescription: "File holding the ID token, read at every exchange (CI systems renew it). Environment: `HW_ASSUME_ROLE_OIDC_ID_TOKEN_FILE`.",
		Optional:            true,
	}
	return map[string]schema.Block{
		"assume_role": schema.ListNestedBlock{
			MarkdownDescription: "An IAM agency to assume with the credentials given (or the metadata service's keys): the provider exchanges them " +
				"for the agency's temporary keys (`POST /v3.0/OS-CREDENTIAL/securitytokens`, `assume_role`) once, and again before the keys expire. " +
				"Several blocks are a chain: each agency is assumed with the keys of the one before, and the last one's keys call the services. " +
				"Environment (one agency, when no block is set): `HW_ASSUME_ROLE_AGENCY_NAME`, `HW_ASSUME_ROLE_DOMAIN_NAME`, " +
				"`HW_ASSUME_ROLE_DOMAIN_ID`, `HW_ASSUME_ROLE_DURATION`.",
			NestedObject: schema.NestedBlockObject{Attributes: agencyAttributes(true, "")},
			Validators:   []validator.List{listvalidator.SizeAtMost(5), listvalidator.ConflictsWith(path.MatchRoot("assume_role_with_oidc"))},
		},
		"assume_role_with_oidc": schema.ListNestedBlock{
			MarkdownDescription: "Exchange an OIDC ID token (a CI system's) for an IAM token of the identity provider's federated user " +
				"(`POST /v3.0/OS-AUTH/id-token/tokens`), then for temporary keys: the agency's when `agency_name` is set, else the federated " +
				"user's own. A credential mode of its own; at most one block. Made again before the keys expire.",
			NestedObject: schema.NestedBlockObject{Attributes: oidc},
			Validators:   []validator.List{listvalidator.SizeAtMost(1)},
		},
	}
}

// temporaryCredentials reads the temporary credentials' settings of the configuration, or of the
// environment, into cfg. base says whether the configuration sets credentials itself: then the environment's
// credential modes are not read.
func temporaryCredentials(m providerModel, env lookupEnv, cfg *cloud.Config, base bool) error {
	var roles []assumeRoleModel
	if d := elementsAs(m.AssumeRole, &roles); d.HasError() {
		return errors.New("assume_role: unreadable")
	}
	for _, r := range roles {
		cfg.AssumeRoles = append(cfg.AssumeRoles, cloud.AssumeRole{AgencyName: r.AgencyName.ValueString(), DomainName: r.DomainName.ValueString(),
			DomainID: r.DomainID.ValueString(), Duration: int(r.Duration.ValueInt64())})
	}
	if len(roles) == 0 {
		if name := firstEnv(env, "HW_ASSUME_ROLE_AGENCY_NAME"); name != "" {
			r := cloud.AssumeRole{AgencyName: name, DomainName: firstEnv(env, "HW_ASSUME_ROLE_DOMAIN_NAME"), DomainID: firstEnv(env, "HW_ASSUME_ROLE_DOMAIN_ID")}
			if v := firstEnv(env, "HW_ASSUME_ROLE_DURATION"); v != "" {
				d, err := strconv.Atoi(v)
				if err != nil {
					return fmt.Errorf("HW_ASSUME_ROLE_DURATION: %q is not a number of seconds", v)
				}
				r.Duration = d
			}
			cfg.AssumeRoles = []cloud.AssumeRole{r}
		}
	}
	cfg.AgencyName = orEnv(m.AgencyName, env, "OS_AGENCY_NAME")
	cfg.AgencyDomainName = orEnv(m.AgencyDomainName, env, "OS_AGENCY_DOMAIN_NAME")
	cfg.DelegatedProject = orEnv(m.DelegatedProject, env, "OS_DELEGATED_PROJECT")
	if cfg.DelegatedProject != "" && cfg.ProjectID == "" {
		cfg.ProjectName = cfg.DelegatedProject // the project every call addresses is the agency's
	}

	var oidc []oidcModel
	if d := elementsAs(m.AssumeRoleWithOIDC, &oidc); d.HasError() {
		return errors.New("assume_role_with_oidc: unreadable")
	}
	if len(oidc) > 0 {
		o := oidc[0]
		cfg.OIDC = &cloud.OIDC{IdPID: o.IdPID.ValueString(), IDToken: o.IDToken.ValueString(), IDTokenFile: o.IDTokenFile.ValueString()}
		if name := o.AgencyName.ValueString(); name != "" {
			cfg.OIDC.Agency = &cloud.AssumeRole{AgencyName: name, DomainName: o.DomainName.ValueString(),
				DomainID: o.DomainID.ValueString(), Duration: int(o.Duration.ValueInt64())}
		}
	}
	cfg.UseMetadata = m.UseInstanceMetadata.ValueBool()
	cfg.MetadataURL = orEnv(m.MetadataURL, env, "AUTHZ_METADATA_URL")
	profileFile, profile := m.SharedConfigFile.ValueString(), m.Profile.ValueString()
	if !base && cfg.OIDC == nil && !cfg.UseMetadata && profileFile == "" && profile == "" &&
		cfg.Token == "" && cfg.AccessKey == "" && cfg.SecretKey == "" && cfg.UserName == "" {
		// Neither the configuration nor the environment's static credentials name a mode: the environment's
		// other modes, in this order.
		switch {
		case firstEnv(env, "HW_ASSUME_ROLE_OIDC_IDP_ID") != "":
			cfg.OIDC = &cloud.OIDC{IdPID: firstEnv(env, "HW_ASSUME_ROLE_OIDC_IDP_ID"), IDToken: firstEnv(env, "HW_ASSUME_ROLE_OIDC_ID_TOKEN"),
				IDTokenFile: firstEnv(env, "HW_ASSUME_ROLE_OIDC_ID_TOKEN_FILE")}
		case firstEnv(env, "AUTHZ_USE_INSTANCE_METADATA") != "":
			v := firstEnv(env, "AUTHZ_USE_INSTANCE_METADATA")
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("AUTHZ_USE_INSTANCE_METADATA: %q is not a boolean", v)
			}
			cfg.UseMetadata = b
		default:
			profileFile, profile = firstEnv(env, "HW_SHARED_CONFIG_FILE"), firstEnv(env, "HW_PROFILE")
		}
	}
	if profileFile != "" || profile != "" {
		if base || cfg.Token != "" || cfg.AccessKey != "" || cfg.UserName != "" {
			return errors.New("shared_config_file/profile conflicts with the credentials set (token, access_key/secret_key or user_name/password): use one credential mode")
		}
		return fromProfile(profileFile, profile, cfg)
	}
	return nil
}

// elementsAs decodes the blocks of a list; a list never set (null, or the zero value of a model built in Go)
// holds none.
func elementsAs[T any](l types.List, out *[]T) diag.Diagnostics {
	if len(l.Elements()) == 0 {
		return nil
	}
	return l.ElementsAs(context.Background(), out, false)
}

// cliConfig is the part of the Huawei Cloud CLI's (KooCLI, hcloud) config.json the provider reads.
type cliConfig struct {
	Current  string `json:"current"`
	Profiles []struct {
		Name            string `json:"name"`
		Mode            string `json:"mode"`
		AccessKeyID     string `json:"accessKeyId"`
		SecretAccessKey string `json:"secretAccessKey"`
		SecurityToken   string `json:"securityToken"`
		Region          string `json:"region"`
		ProjectID       string `json:"projectId"`
		DomainID        string `json:"domainId"`
	} `json:"profiles"`
}

// fromProfile takes the access key of profile (default: the file's current one) of the CLI's configuration
// file (default ~/.hcloud/config.json), and its region, project and account where cfg has none.
func fromProfile(file, profile string, cfg *cloud.Config) error {
	if file == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return fmt.Errorf("shared_config_file: not set, and no home directory to find ~/.hcloud/config.json in: %w", err)
		}
		file = filepath.Join(home, ".hcloud", "config.json")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		var pathErr *os.PathError
		if errors.As(err, &pathErr) {
			err = pathErr.Err
		}
		return fmt.Errorf("shared_config_file: cannot read %q: %w", file, err)
	}
	var c cliConfig
	if err := json.Unmarshal(data, &c); err != nil {
		return fmt.Errorf("shared_config_file: %q is not the CLI's JSON configuration: %v", file, err) // the error shows no content
	}
	if profile == "" {
		profile = c.Current
	}
	for _, p := range c.Profiles {
		if p.Name != profile {
			continue
		}
		switch p.Mode {
		case "AKSK", "AKSKST":
		default:
			return fmt.Errorf("profile %q of %q: mode %q is not supported; use a profile of mode AKSK or AKSKST", profile, file, p.Mode)
		}
		if p.AccessKeyID == "" || p.SecretAccessKey == "" || (p.Mode == "AKSKST" && p.SecurityToken == "") {
			return fmt.Errorf("profile %q of %q: accessKeyId, secretAccessKey (and securityToken in mode AKSKST) must be set, in clear (hcloud configure set --cli-auth-encrypt=false)", profile, file)
		}
		cfg.AccessKey, cfg.SecretKey, cfg.SecurityToken = p.AccessKeyID, p.SecretAccessKey, p.SecurityToken
		if cfg.Region == "" {
			cfg.Region = p.Region
		}
		if cfg.ProjectID == "" && cfg.ProjectName == "" {
			cfg.ProjectID = p.ProjectID
		}
		if cfg.DomainID == "" {
			cfg.DomainID = p.DomainID
		}
		return nil
	}
	return fmt.Errorf("profile %q: no such profile in %q", profile, file)
}
