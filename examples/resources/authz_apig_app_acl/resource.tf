# The billing front end may call its APIs only from the office network and the build servers.
resource "authz_apig_app_acl" "billing" {
  instance_id = "eddc4d25480b4cd6b512f270a1b8b341"
  app_id      = "356de8eb7a8742168586e5daf5339965"
  type        = "PERMIT"
  values = [
    "192.168.10.0/24",
    "10.20.0.5-10.20.0.20",
    "2407:c080:17ef:ffff::3104:703a",
  ]
}
