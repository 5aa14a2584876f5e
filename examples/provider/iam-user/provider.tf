# An IAM user: user_name, password and domain_name are exchanged for a project-scoped token once per provider
# instance (and once more for an account-scoped one if service tickets are used).
variable "password" {
  type      = string
  sensitive = true
}

provider "authz" {
  cloud        = "otc"
  region       = "eu-de"
  project_name = "eu-de_analytics"
  user_name    = "terraform-ci"
  password     = var.password
  domain_name  = "OTC-EU-DE-00000000001000012345"
}
