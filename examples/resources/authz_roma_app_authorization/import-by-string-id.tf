# <instance_id>/<env_id>/<app_id>/<api_id>
import {
  to = authz_roma_app_authorization.partner
  id = "a2c4e6f8a2c4e6f8a2c4e6f8a2c4e6f8/DEFAULT_ENVIRONMENT_RELEASE_ID/b3d5f7a9b3d5f7a9b3d5f7a9b3d5f7a9/c4e6a8b0c4e6a8b0c4e6a8b0c4e6a8b0"
}
