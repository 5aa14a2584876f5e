# <instance_id>/<env_id>/<app_id>/<api_id>
import {
  to = authz_apig_app_authorization.orders
  id = "eddc4d25480b4cd6b512f270a1b8b341/DEFAULT_ENVIRONMENT_RELEASE_ID/356de8eb7a8742168586e5daf5339965/5f918d104dc84480a75166ba99efff21"
}
