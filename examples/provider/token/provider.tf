# An IAM token obtained elsewhere (e.g. `hcloud` or a CI identity), sent as X-Auth-Token. It must be scoped to the
# project the resources live in; the provider does not renew it.
variable "iam_token" {
  type      = string
  sensitive = true
}

provider "authz" {
  region     = "eu-de"
  project_id = "0b5b0b8c5c0b4a6b9e8a6c4d2e1f0a9b"
  token      = var.iam_token
}
