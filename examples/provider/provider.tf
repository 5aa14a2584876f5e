terraform {
  required_providers {
    authz = {
      source  = "cloudauthz/authz"
      version = "~> 0.1"
    }
  }
}

# Huawei Cloud with an access key pair; requests are signed with SDK-HMAC-SHA256.
provider "authz" {
  region     = "cn-north-4"
  access_key = var.access_key
  secret_key = var.secret_key
}

# Open Telekom Cloud with an IAM user; the password is exchanged for a project-scoped token once.
provider "authz" {
  alias        = "otc"
  cloud        = "otc"
  region       = "eu-de"
  user_name    = var.otc_user
  password     = var.otc_password
  domain_name  = var.otc_domain
  project_name = "eu-de"
}

# Service tickets are account-level: name the account and the site the account is registered on.
provider "authz" {
  alias      = "tickets"
  access_key = var.access_key
  secret_key = var.secret_key
  domain_id  = var.domain_id
  site       = "international"
  language   = "en-us"
  time_zone  = "GMT+1"
}
