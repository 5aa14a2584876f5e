# <instance_id>/<env_id>/<app_id>: adopts every authorization the app has in the environment.
import {
  to = authz_roma_app_authorization_set.partner
  id = "a2c4e6f8a2c4e6f8a2c4e6f8a2c4e6f8/DEFAULT_ENVIRONMENT_RELEASE_ID/b3d5f7a9b3d5f7a9b3d5f7a9b3d5f7a9"
}
