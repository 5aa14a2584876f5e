# CI assuming an agency in a member account: the pipeline's ID token (here from a variable, e.g.
# TF_VAR_id_token) is exchanged for the federated user's token, which assumes the agency "authz-admin" of the
# member account, whose keys call the services. The agency must trust the identity provider.
variable "id_token" {
  type      = string
  sensitive = true
}

provider "authz" {
  region = "cn-north-4"

  assume_role_with_oidc {
    idp_id      = "ci-pipeline"
    id_token    = var.id_token
    agency_name = "authz-admin"
    domain_name = "member-account"
    duration    = 3600
  }
}
