# Every app ACL on the instance.
list "authz_roma_app_acl" "all" {
  provider = authz

  config {
    instance_id = "eddc4d25480b4cd6b512f270a1b8b341"
  }
}

# Only the allow lists.
list "authz_roma_app_acl" "permit" {
  provider = authz

  config {
    instance_id = "eddc4d25480b4cd6b512f270a1b8b341"
    type        = "PERMIT"
  }
}
