# Terraform v1.12.0 and later, OpenTofu v1.12.0 and later; workspace_id may be left out (default "0")
import {
  to = authz_modelarts_api_authorization_set.predict
  identity = {
    service_id = "456963f1-737c-4de0-8bee-5b4f6f3a8fa3"
    api_id     = "b9c78dbb50d04230aab90e35e141fccf"
  }
}
