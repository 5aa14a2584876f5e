data "authz_modelarts_apps" "all" {}

output "modelarts_apps" {
  value = { for a in data.authz_modelarts_apps.all.apps : a.app_name => a.app_id }
}
