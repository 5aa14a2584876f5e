# Terraform v1.12.0 and later, OpenTofu v1.12.0 and later
import {
  to = authz_apig_app_authorization_set.reporting
  identity = {
    instance_id = "eddc4d25480b4cd6b512f270a1b8b341"
    env_id      = "DEFAULT_ENVIRONMENT_RELEASE_ID"
    app_id      = "9ed8b7fe84224de681e7d7a5587e76dc"
  }
}
