# Exactly these apps, and no others, may call the prediction API.
resource "authz_modelarts_api_authorization_set" "predict" {
  service_id = "456963f1-737c-4de0-8bee-5b4f6f3a8fa3"
  api_id     = "b9c78dbb50d04230aab90e35e141fccf"
  app_ids = [
    "e2fb64be3be9418bb0f570c60f0ed93f",
    "fb1a9eadd87b48abbd74b8ba1755dffd",
  ]
}
