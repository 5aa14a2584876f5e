# Accept every pending request on one service ticket for the working day; a host's credentials are checked
# with the service before anything is accepted.
data "authz_service_request_authorizations" "ticket" {
  incident_id = "CS2026112300042"
  status      = "pending"
}

resource "authz_service_request_authorization" "ticket" {
  for_each = { for a in data.authz_service_request_authorizations.ticket.authorizations : a.id => a }

  authorization_id = each.key
  effective_time   = "2026-11-24T08:00:00Z"
  expire_time      = "2026-11-24T18:00:00Z"
}

# Reject a request, telling the engineer why.
resource "authz_service_request_authorization" "database" {
  authorization_id = "AUTH20261123001"
  decision         = "reject"
  reject_reason    = "Use the read replica; production access is not granted for this ticket."
}

# Accept access to a host with the account the engineer may use there. On Terraform and OpenTofu 1.11 and later
# the password is write-only: it reaches the cloud and never the plan or the state; password_wo_version, kept in
# the state, lets a plan show a new one. The service takes a password only with the decision, so once the request is
# decided a new one fails the apply, the access untouched: the engineer's next request gets it. On older clients, use `password`.
variable "web01_support_password" {
  type      = string
  sensitive = true
}

resource "authz_service_request_authorization" "web01" {
  authorization_id = "AUTH20261123002"
  expire_time      = "2026-11-25T00:00:00Z"
  host_credentials = [{
    detail_id           = 1001
    port                = 22
    account             = "support"
    password_wo         = var.web01_support_password
    password_wo_version = 1
  }]
}
