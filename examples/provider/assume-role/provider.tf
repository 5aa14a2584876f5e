# An agency in a member account: the central account's key is exchanged for the agency's temporary keys
# (IAM assume_role) once per provider run, and again before they expire. The member account grants the
# central account the agency, with the permissions to manage API access.
variable "central_secret_key" {
  type      = string
  sensitive = true
}

provider "authz" {
  region     = "cn-north-4"
  access_key = "CENTRALACCESSKEY0001"
  secret_key = var.central_secret_key

  assume_role {
    agency_name = "authz-admin"
    domain_name = "member-account"
    duration    = 3600
  }
}
