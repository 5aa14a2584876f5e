# Every API the billing front end may call, in any environment.
data "authz_apig_app_authorizations" "billing" {
  instance_id = "eddc4d25480b4cd6b512f270a1b8b341"
  app_id      = "356de8eb7a8742168586e5daf5339965"
}

# Every app that may call one API in RELEASE.
data "authz_apig_app_authorizations" "callers" {
  instance_id = "eddc4d25480b4cd6b512f270a1b8b341"
  api_id      = "5f918d104dc84480a75166ba99efff21"
  env_id      = "DEFAULT_ENVIRONMENT_RELEASE_ID"
}

output "callers" {
  value = [for a in data.authz_apig_app_authorizations.callers.authorizations : a.app_name]
}
