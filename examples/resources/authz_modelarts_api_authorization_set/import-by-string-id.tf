# <service_id>/<api_id>, optionally followed by /<workspace_id> (default 0): adopts every app authorized to call the API.
import {
  to = authz_modelarts_api_authorization_set.predict
  id = "456963f1-737c-4de0-8bee-5b4f6f3a8fa3/b9c78dbb50d04230aab90e35e141fccf"
}
