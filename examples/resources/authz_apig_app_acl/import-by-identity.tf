# Terraform v1.12.0 and later, OpenTofu v1.12.0 and later
import {
  to = authz_apig_app_acl.billing
  identity = {
    instance_id = "eddc4d25480b4cd6b512f270a1b8b341"
    app_id      = "356de8eb7a8742168586e5daf5339965"
  }
}
