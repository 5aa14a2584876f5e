# Everything from the environment, e.g. for an access key:
#
#   export HW_REGION_NAME=cn-north-4 HW_ACCESS_KEY=... HW_SECRET_KEY=...
#
# or, on Open Telekom Cloud with an IAM user (cloud = "otc" is assumed when only OS_* variables are set):
#
#   export OS_REGION_NAME=eu-de OS_PROJECT_NAME=eu-de OS_USERNAME=... OS_PASSWORD=... OS_DOMAIN_NAME=...
provider "authz" {}
