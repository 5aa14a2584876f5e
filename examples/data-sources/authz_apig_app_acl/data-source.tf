data "authz_apig_app_acl" "billing" {
  instance_id = "eddc4d25480b4cd6b512f270a1b8b341"
  app_id      = "356de8eb7a8742168586e5daf5339965"
}

output "billing_acl" {
  value = "${data.authz_apig_app_acl.billing.type}: ${join(", ", data.authz_apig_app_acl.billing.values)}"
}
