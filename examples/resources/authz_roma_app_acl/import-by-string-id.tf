# <instance_id>/<app_id>
import {
  to = authz_roma_app_acl.partner
  id = "a2c4e6f8a2c4e6f8a2c4e6f8a2c4e6f8/b3d5f7a9b3d5f7a9b3d5f7a9b3d5f7a9"
}
