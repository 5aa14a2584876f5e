# Every request that was accepted, outside Terraform or not.
list "authz_service_request_authorization" "accepted" {
  provider = authz

  config {
    status = "authorized"
  }
}

# The decided requests of one service ticket.
list "authz_service_request_authorization" "ticket" {
  provider         = authz
  include_resource = true

  config {
    incident_id = "CS2026112300123"
  }
}
