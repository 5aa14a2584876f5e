# Every API an integration app may call in RELEASE.
data "authz_roma_app_authorizations" "partner" {
  instance_id = "a2c4e6f8a2c4e6f8a2c4e6f8a2c4e6f8"
  app_id      = "b3d5f7a9b3d5f7a9b3d5f7a9b3d5f7a9"
  env_id      = "DEFAULT_ENVIRONMENT_RELEASE_ID"
}
