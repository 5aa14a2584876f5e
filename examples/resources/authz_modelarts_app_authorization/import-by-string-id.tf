# <service_id>/<api_id>/<app_id>, optionally followed by /<workspace_id> (default 0).
import {
  to = authz_modelarts_app_authorization.fraud_scoring
  id = "456963f1-737c-4de0-8bee-5b4f6f3a8fa3/b9c78dbb50d04230aab90e35e141fccf/e2fb64be3be9418bb0f570c60f0ed93f"
}
