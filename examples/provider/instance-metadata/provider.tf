# On a cloud server (ECS) with an agency bound to it: temporary keys from the metadata service, renewed before
# they expire. An explicit choice: without use_instance_metadata (or AUTHZ_USE_INSTANCE_METADATA=true) the
# provider never asks the metadata service. It may be combined with assume_role blocks.
provider "authz" {
  region                = "cn-north-4"
  use_instance_metadata = true
}
