# Service tickets belong to the account, not to a project or region. With an access key, domain_id names the
# account (X-Domain-Id); without it the provider asks IAM once. Accounts registered on the international site
# must say so.
variable "access_key" {
  type = string
}

variable "secret_key" {
  type      = string
  sensitive = true
}

provider "authz" {
  alias      = "tickets"
  access_key = var.access_key
  secret_key = var.secret_key
  domain_id  = "0970d7b7d400f2470fbec00316a03560"
  site       = "international"
  language   = "en-us"
  time_zone  = "GMT+1"
}
