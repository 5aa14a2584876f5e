# <instance_id>/<env_id>/<app_id>: adopts every authorization the app has in the environment.
import {
  to = authz_apig_app_authorization_set.reporting
  id = "eddc4d25480b4cd6b512f270a1b8b341/DEFAULT_ENVIRONMENT_RELEASE_ID/9ed8b7fe84224de681e7d7a5587e76dc"
}
