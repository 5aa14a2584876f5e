# A profile of the Huawei Cloud CLI (KooCLI, hcloud): its ~/.hcloud/config.json, written by
# `hcloud configure init` and kept in clear with `hcloud configure set --cli-auth-encrypt=false`. Profiles of
# mode AKSK and AKSKST (with a security token) are read; region and project come from the profile unless set
# here. Environment: HW_SHARED_CONFIG_FILE, HW_PROFILE.
provider "authz" {
  shared_config_file = pathexpand("~/.hcloud/config.json")
  profile            = "member-admin"
}
