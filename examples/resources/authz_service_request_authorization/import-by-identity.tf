# Terraform v1.12.0 and later, OpenTofu v1.12.0 and later
import {
  to = authz_service_request_authorization.database
  identity = {
    authorization_id = "AUTH20261123001"
  }
}
