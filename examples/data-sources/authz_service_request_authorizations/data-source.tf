data "authz_service_request_authorizations" "pending" {
  status = "pending"
}

output "pending_requests" {
  value = { for a in data.authz_service_request_authorizations.pending.authorizations : a.id => "${a.incident_id}: ${a.description}" }
}
