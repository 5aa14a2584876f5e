# Every app authorized to call any API of a real-time service.
list "authz_modelarts_app_authorization" "all" {
  provider = authz
  limit    = 1000 # Terraform's default is 100

  config {
    service_id = "3d9b7f15-2c4e-4a6b-8d0f-1e3a5c7b9d2f"
  }
}

# The apps of one API, with the whole resource object of each.
list "authz_modelarts_app_authorization" "predict" {
  provider         = authz
  include_resource = true

  config {
    service_id = "3d9b7f15-2c4e-4a6b-8d0f-1e3a5c7b9d2f"
    api_id     = "e1000000000000000000000000000001"
  }
}
