#!/usr/bin/env bash
# make demo: build the provider, start the bundled fake cloud with the demo fixture, then terraform init,
# apply, plan (must show no changes) and destroy examples/demo through a dev_overrides CLI config.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
demo="$root/.demo"
terraform="${TERRAFORM:-$root/.tools/bin/terraform}"
rm -rf "$demo" && mkdir -p "$demo/bin" "$demo/work"
# dev_overrides runs the freshly built binary; the filesystem mirror holds the same binary so that
# `terraform init` resolves the provider without reaching the public registry.
mirror="$demo/mirror/registry.terraform.io/cloudauthz/authz/0.0.1/$(go env GOOS)_$(go env GOARCH)"
mkdir -p "$mirror"

echo "==> building the provider and the fake cloud"
(cd "$root" && go build -o "$demo/bin/terraform-provider-authz" . && go build -o "$demo/fakecloud" ./internal/fakecloud/cmd/fakecloud)
cp "$demo/bin/terraform-provider-authz" "$mirror/terraform-provider-authz_v0.0.1"

echo "==> starting the fake cloud"
"$demo/fakecloud" -listen 127.0.0.1:0 -url-file "$demo/url" -fixture "$root/examples/demo/fixture.json" -write-delay 20ms > "$demo/fakecloud.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  [ -s "$demo/url" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$demo/fakecloud.log"; echo "the fake cloud did not start" >&2; exit 1; }
  sleep 0.1
done
[ -s "$demo/url" ] || { cat "$demo/fakecloud.log"; echo "the fake cloud did not report its URL" >&2; exit 1; }
url="$(cat "$demo/url")"
echo "    fake cloud at $url"

cat > "$demo/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "cloudauthz/authz" = "$demo/bin"
  }
  filesystem_mirror {
    path    = "$demo/mirror"
    include = ["registry.terraform.io/cloudauthz/authz"]
  }
  direct {
    exclude = ["registry.terraform.io/cloudauthz/authz"]
  }
}
RC
export TF_CLI_CONFIG_FILE="$demo/terraformrc" TF_IN_AUTOMATION=1 TF_VAR_fake_cloud_url="$url"
cp "$root"/examples/demo/*.tf "$demo/work/"
tf() { "$terraform" -chdir="$demo/work" "$@"; }

echo "==> terraform init"
tf init -input=false -no-color
echo "==> terraform apply"
tf apply -input=false -auto-approve -no-color
echo "==> terraform plan (expecting no changes)"
set +e
tf plan -input=false -detailed-exitcode -no-color
status=$?
set -e
if [ "$status" -ne 0 ]; then
  echo "the second plan was not empty (exit $status): the provider does not converge" >&2
  exit 1
fi
echo "==> terraform destroy"
tf destroy -input=false -auto-approve -no-color
echo "==> demo finished: apply, empty plan and destroy all succeeded"
