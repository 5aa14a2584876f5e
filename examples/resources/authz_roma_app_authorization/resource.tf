# Allow an integration app to call an API through the green channel, from two addresses only.
resource "authz_roma_app_authorization" "partner" {
  instance_id = "a2c4e6f8a2c4e6f8a2c4e6f8a2c4e6f8"
  env_id      = "DEFAULT_ENVIRONMENT_RELEASE_ID"
  app_id      = "b3d5f7a9b3d5f7a9b3d5f7a9b3d5f7a9"
  api_id      = "c4e6a8b0c4e6a8b0c4e6a8b0c4e6a8b0"

  auth_tunnel    = "GREEN"
  auth_whitelist = ["203.0.113.10", "203.0.113.11"]
  visit_param    = "tenant_a"
}
