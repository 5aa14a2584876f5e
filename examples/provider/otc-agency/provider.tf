# Open Telekom Cloud: act as the agency "authz-admin" of the member account in its project eu-de_member. The
# IAM user logs in, and its token obtains the agency's token (assume_role), renewed before it expires.
variable "password" {
  type      = string
  sensitive = true
}

provider "authz" {
  cloud       = "otc"
  region      = "eu-de"
  user_name   = "pipeline"
  password    = var.password
  domain_name = "central-account"

  agency_name        = "authz-admin"
  agency_domain_name = "member-account"
  delegated_project  = "eu-de_member"
}
