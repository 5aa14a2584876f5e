# The demo configuration: run it with `make demo`, which starts the bundled fake cloud with fixture.json,
# then applies, re-plans (expecting no changes) and destroys this configuration.

terraform {
  required_providers {
    authz = {
      source = "cloudauthz/authz"
    }
  }
}

variable "fake_cloud_url" {
  description = "Base URL of the bundled fake cloud (make demo sets it)."
  type        = string
}

# The fake cloud's well-known demo credentials; requests are signed with SDK-HMAC-SHA256 as on the real clouds.
variable "access_key" {
  type    = string
  default = "FAKEACCESSKEY0000001"
}

variable "secret_key" {
  type      = string
  sensitive = true
  default   = "fakeSecretKey0000000000000000000000000001"
}

provider "authz" {
  region     = "eu-de"
  project_id = "0b5b0b8c5c0b4a6b9e8a6c4d2e1f0a9b"
  access_key = var.access_key
  secret_key = var.secret_key
  endpoints = {
    apig      = var.fake_cloud_url
    roma      = var.fake_cloud_url
    modelarts = var.fake_cloud_url
    osm       = var.fake_cloud_url
    iam       = var.fake_cloud_url
  }
}

locals {
  instance_id   = "eddc4d25480b4cd6b512f270a1b8b341"
  release_env   = "DEFAULT_ENVIRONMENT_RELEASE_ID"
  staging_env   = "7a1ad0c350844ee69479b47df9a881cb"
  billing_app   = "356de8eb7a8742168586e5daf5339965"
  reporting_app = "9ed8b7fe84224de681e7d7a5587e76dc"

  # The billing front end may list and create orders, in production and in staging.
  billing_grants = {
    for pair in setproduct(["5f918d104dc84480a75166ba99efff21", "6ba5ccaa9e2b4a5c9a8c5a3d7a0e8e11"], [local.release_env, local.staging_env]) :
    "${pair[0]}@${pair[1]}" => { api_id = pair[0], env_id = pair[1] }
  }
}

resource "authz_apig_app_authorization" "billing" {
  for_each = local.billing_grants

  instance_id = local.instance_id
  env_id      = each.value.env_id
  app_id      = local.billing_app
  api_id      = each.value.api_id
}

# The reporting job may export reports in production only.
resource "authz_apig_app_authorization" "reporting" {
  instance_id = local.instance_id
  env_id      = local.release_env
  app_id      = local.reporting_app
  api_id      = "abf4e1c7f1de4c3e8d2d0c6a55a2b6f0"
}

output "billing_authorizations" {
  value = { for k, a in authz_apig_app_authorization.billing : "${a.api_name} in ${a.env_name}" => a.id }
}

# The billing front end may call only from the office network and the build servers.
resource "authz_apig_app_acl" "billing" {
  instance_id = local.instance_id
  app_id      = local.billing_app
  type        = "PERMIT"
  values      = ["192.168.10.0/24", "10.20.0.5-10.20.0.20", "2407:c080:17ef:ffff::3104:703a"]
}

# ROMA Connect: the partner integration may call exactly these inventory APIs in RELEASE (authoritative).
resource "authz_roma_app_authorization_set" "partner" {
  instance_id = "a2c4e6f8a2c4e6f8a2c4e6f8a2c4e6f8"
  env_id      = local.release_env
  app_id      = "b3d5f7a9b3d5f7a9b3d5f7a9b3d5f7a9"
  api_ids     = ["c4e6a8b0c4e6a8b0c4e6a8b0c4e6a8b0", "e6a8c0d2e6a8c0d2e6a8c0d2e6a8c0d2"]
}

# The reporting job may call exactly these APIs in staging (authoritative: anything else granted there is revoked).
resource "authz_apig_app_authorization_set" "reporting_staging" {
  instance_id = local.instance_id
  env_id      = local.staging_env
  app_id      = local.reporting_app
  api_ids     = ["5f918d104dc84480a75166ba99efff21", "6ba5ccaa9e2b4a5c9a8c5a3d7a0e8e11"]
}

# ROMA Connect: the partner's reporting client may call one inventory API, over the green channel.
resource "authz_roma_app_authorization" "partner_reports" {
  instance_id    = "a2c4e6f8a2c4e6f8a2c4e6f8a2c4e6f8"
  env_id         = local.release_env
  app_id         = "d5f7b9c1d5f7b9c1d5f7b9c1d5f7b9c1"
  api_id         = "c4e6a8b0c4e6a8b0c4e6a8b0c4e6a8b0"
  auth_tunnel    = "GREEN"
  auth_whitelist = ["203.0.113.10"]
}

# The partner integration may not call from a known-bad network.
resource "authz_roma_app_acl" "partner" {
  instance_id = "a2c4e6f8a2c4e6f8a2c4e6f8a2c4e6f8"
  app_id      = "b3d5f7a9b3d5f7a9b3d5f7a9b3d5f7a9"
  type        = "DENY"
  values      = ["198.51.100.0/24"]
}

# Who may call list_orders in RELEASE, as the gateway reports it.
data "authz_apig_app_authorizations" "list_orders_callers" {
  instance_id = local.instance_id
  api_id      = "5f918d104dc84480a75166ba99efff21"
  env_id      = local.release_env
  depends_on  = [authz_apig_app_authorization.billing]
}

output "list_orders_callers" {
  value = [for a in data.authz_apig_app_authorizations.list_orders_callers.authorizations : a.app_name]
}

# ModelArts: the checkout service, found by name, may call the fraud detector's scoring API.
data "authz_modelarts_apps" "checkout" {
  name = "checkout_service"
}

resource "authz_modelarts_app_authorization" "checkout_scoring" {
  service_id = "2c8a6e4f-1b3d-4f5a-9c7e-0d2b4f6a8c1e"
  api_id     = "7d3f9b1e5a2c4e6f8b0d2a4c6e8f0b1d"
  app_id     = data.authz_modelarts_apps.checkout.apps[0].app_id
}

# Exactly the risk dashboard and the audit batch may call the batch scoring API (authoritative).
resource "authz_modelarts_api_authorization_set" "batch_scoring" {
  service_id = "2c8a6e4f-1b3d-4f5a-9c7e-0d2b4f6a8c1e"
  api_id     = "8e4a0c2f6b3d4f7a9c1e3b5d7f9a1c2e"
  app_ids    = ["5b7d9f1c3e5a4b7d9f1c3e5a7b9d1f2c", "6c8e0a2d4f6b4c8e0a2d4f6b8c0e2a3d"]
}

output "fraud_scoring_callers" {
  value = "${authz_modelarts_app_authorization.checkout_scoring.app_name} may call ${authz_modelarts_app_authorization.checkout_scoring.api_name} of ${authz_modelarts_app_authorization.checkout_scoring.service_name}"
}

# Service tickets: a support engineer asked for access on two tickets. Accept the console access for a
# window, reject the database login, telling the engineer why.
data "authz_service_request_authorizations" "logs_ticket" {
  incident_id = "CS2026112300042"
}

data "authz_service_request_authorizations" "database_ticket" {
  incident_id = "CS2026112300043"
}

resource "authz_service_request_authorization" "logs" {
  authorization_id = data.authz_service_request_authorizations.logs_ticket.authorizations[0].id
  expire_time      = "2099-01-01T00:00:00Z"
}

resource "authz_service_request_authorization" "database" {
  authorization_id = data.authz_service_request_authorizations.database_ticket.authorizations[0].id
  decision         = "reject"
  reject_reason    = "Production database access is not granted for this ticket; use the read replica."
}

output "support_access" {
  value = {
    (authz_service_request_authorization.logs.incident_id)     = "${authz_service_request_authorization.logs.status_name}: ${authz_service_request_authorization.logs.description}"
    (authz_service_request_authorization.database.incident_id) = "${authz_service_request_authorization.database.status_name}: ${authz_service_request_authorization.database.description}"
  }
}
