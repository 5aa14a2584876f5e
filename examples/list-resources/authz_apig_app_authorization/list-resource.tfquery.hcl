# Every authorization on the instance, whoever made it.
list "authz_apig_app_authorization" "all" {
  provider = authz
  limit    = 1000 # Terraform's default is 100

  config {
    instance_id = "eddc4d25480b4cd6b512f270a1b8b341"
  }
}

# Those of one app in one environment, with the whole resource object of each.
list "authz_apig_app_authorization" "reporting" {
  provider         = authz
  include_resource = true

  config {
    instance_id = "eddc4d25480b4cd6b512f270a1b8b341"
    app_id      = "356de8eb7a8742168586e5daf5339965"
    env_id      = "DEFAULT_ENVIRONMENT_RELEASE_ID"
  }
}
