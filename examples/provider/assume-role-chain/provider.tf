# A chain of two agencies: the pipeline's key assumes "pipeline-hub" in the tooling account, whose keys assume
# "authz-admin" in the member account; the last agency's keys call the services.
variable "secret_key" {
  type      = string
  sensitive = true
}

provider "authz" {
  region     = "cn-north-4"
  access_key = "PIPELINEACCESSKEY001"
  secret_key = var.secret_key

  assume_role {
    agency_name = "pipeline-hub"
    domain_name = "tooling-account"
  }
  assume_role {
    agency_name = "authz-admin"
    domain_id   = "5d1c6b0a4e8f4c2d9a7b3e1f0c6d8a2b"
  }
}
