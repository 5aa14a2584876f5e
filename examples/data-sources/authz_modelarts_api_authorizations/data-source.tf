data "authz_modelarts_api_authorizations" "predict" {
  service_id = "456963f1-737c-4de0-8bee-5b4f6f3a8fa3"
  api_id     = "b9c78dbb50d04230aab90e35e141fccf"
}

output "apps_that_may_predict" {
  value = [for a in data.authz_modelarts_api_authorizations.predict.apps : a.app_name]
}
