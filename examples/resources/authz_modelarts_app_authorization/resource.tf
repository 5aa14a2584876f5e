# Find the app by name, then let it call the service's prediction API.
data "authz_modelarts_apps" "fraud_scoring" {
  name = "fraud_scoring"
}

resource "authz_modelarts_app_authorization" "fraud_scoring" {
  service_id = "456963f1-737c-4de0-8bee-5b4f6f3a8fa3"
  api_id     = "b9c78dbb50d04230aab90e35e141fccf"
  app_id     = data.authz_modelarts_apps.fraud_scoring.apps[0].app_id
}
