# CI without long-lived keys: the pipeline's OIDC ID token (GitLab CI's id_tokens, GitHub Actions' token, …,
# written to a file by the job) is exchanged for an IAM token of the identity provider "ci-pipeline" and then
# for temporary keys. The file is read again at every renewal.
#
#   GitLab CI:   id_tokens: { HW_ID_TOKEN: { aud: "https://iam.myhuaweicloud.com" } }
#                script: echo "$HW_ID_TOKEN" > "$CI_PROJECT_DIR/.id-token"
provider "authz" {
  region = "cn-north-4"

  assume_role_with_oidc {
    idp_id        = "ci-pipeline"
    id_token_file = "${path.root}/.id-token"
  }
}
