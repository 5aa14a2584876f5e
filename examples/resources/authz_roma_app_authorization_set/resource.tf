# Exactly these APIs, and no others, may be called by the integration app in RELEASE.
resource "authz_roma_app_authorization_set" "partner" {
  instance_id = "a2c4e6f8a2c4e6f8a2c4e6f8a2c4e6f8"
  env_id      = "DEFAULT_ENVIRONMENT_RELEASE_ID"
  app_id      = "b3d5f7a9b3d5f7a9b3d5f7a9b3d5f7a9"
  api_ids     = ["c4e6a8b0c4e6a8b0c4e6a8b0c4e6a8b0"]
}
