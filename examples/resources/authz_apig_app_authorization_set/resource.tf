# Exactly these APIs, and no others, may be called by the reporting job in RELEASE.
resource "authz_apig_app_authorization_set" "reporting" {
  instance_id = "eddc4d25480b4cd6b512f270a1b8b341"
  env_id      = "DEFAULT_ENVIRONMENT_RELEASE_ID"
  app_id      = "9ed8b7fe84224de681e7d7a5587e76dc"
  api_ids = [
    "abf4e1c7f1de4c3e8d2d0c6a55a2b6f0",
    "5f918d104dc84480a75166ba99efff21",
  ]
}
