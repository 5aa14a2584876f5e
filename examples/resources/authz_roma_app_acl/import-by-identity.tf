# Terraform v1.12.0 and later, OpenTofu v1.12.0 and later
import {
  to = authz_roma_app_acl.partner
  identity = {
    instance_id = "a2c4e6f8a2c4e6f8a2c4e6f8a2c4e6f8"
    app_id      = "b3d5f7a9b3d5f7a9b3d5f7a9b3d5f7a9"
  }
}
