# Terraform v1.12.0 and later, OpenTofu v1.12.0 and later
import {
  to = authz_apig_app_authorization.orders
  identity = {
    instance_id = "eddc4d25480b4cd6b512f270a1b8b341"
    env_id      = "DEFAULT_ENVIRONMENT_RELEASE_ID"
    app_id      = "356de8eb7a8742168586e5daf5339965"
    api_id      = "5f918d104dc84480a75166ba99efff21"
  }
}
