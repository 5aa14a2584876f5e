# <instance_id>/<app_id>
import {
  to = authz_apig_app_acl.billing
  id = "eddc4d25480b4cd6b512f270a1b8b341/356de8eb7a8742168586e5daf5339965"
}
