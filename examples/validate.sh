#!/usr/bin/env bash
# make validate-examples: `terraform fmt -check` over examples/, then `terraform init` and `terraform validate` of
# every directory under examples/ holding .tf or .tfquery.hcl files (the query files with `validate -query`), against the provider built from this tree and offline, as
# examples/demo/demo.sh does: dev_overrides runs the fresh binary, a filesystem mirror holding the same binary lets
# `terraform init` resolve it without the registry. Each example is validated in a copy, so no .terraform or lock
# file is left in the tree; an example without required_providers gets one, as a user's configuration would have.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
terraform="${TERRAFORM:-$root/.tools/bin/terraform}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mirror="$work/mirror/registry.terraform.io/cloudauthz/authz/0.1.0/$(go env GOOS)_$(go env GOARCH)"
mkdir -p "$work/bin" "$mirror"
(cd "$root" && go build -o "$work/bin/terraform-provider-authz" .)
cp "$work/bin/terraform-provider-authz" "$mirror/terraform-provider-authz_v0.1.0"
cat > "$work/terraformrc" <<RC
disable_checkpoint = true
provider_installation {
  dev_overrides {
    "cloudauthz/authz" = "$work/bin"
  }
  filesystem_mirror {
    path    = "$work/mirror"
    include = ["registry.terraform.io/cloudauthz/authz"]
  }
  direct {
    exclude = ["registry.terraform.io/cloudauthz/authz"]
  }
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1

echo "==> terraform fmt -check -recursive examples"
"$terraform" fmt -check -recursive -diff "$root/examples"

echo "==> terraform init and validate of every example directory"

failed=0
n=0
# validate DIR NAME LEAVE_OUT: init and validate a copy of DIR's .tf files, without the one named LEAVE_OUT.
validate() {
  local dir="$1" name="$2" leave_out="$3" copy="$work/examples/$2"
  local query=()
  mkdir -p "$copy"
  cp "$dir"/*.tf "$copy/" 2>/dev/null || true
  if compgen -G "$dir/*.tfquery.hcl" >/dev/null; then
    cp "$dir"/*.tfquery.hcl "$copy/"
    query=(-query)
  fi
  rm -f "$copy/$leave_out"
  if ! grep -qs 'required_providers' "$copy"/*.tf; then
    printf 'terraform {\n  required_providers {\n    authz = {\n      source = "cloudauthz/authz"\n    }\n  }\n}\n' > "$copy/zz_required_providers.tf"
  fi
  n=$((n + 1))
  if out="$("$terraform" -chdir="$copy" init -input=false -no-color -backend=false 2>&1)" &&
    out="$("$terraform" -chdir="$copy" validate -no-color "${query[@]}" 2>&1)"; then
    echo "    ok      $name"
  else
    echo "    FAILED  $name"
    echo "$out" | sed 's/^/        /'
    failed=$((failed + 1))
  fi
}

# A resource's two import examples name the same resource, once by ID and once by identity, which one
# configuration may not: each is validated beside the resource's other files.
while IFS= read -r dir; do
  rel="${dir#"$root"/}"
  validate "$dir" "$rel" import-by-identity.tf
  if [ -f "$dir/import-by-identity.tf" ]; then
    validate "$dir" "$rel/import-by-identity.tf" import-by-string-id.tf
  fi
done < <(find "$root/examples" \( -name '*.tf' -o -name '*.tfquery.hcl' \) -not -path '*/.terraform/*' -exec dirname {} \; | sort -u)

if [ "$failed" -ne 0 ]; then
  echo "$failed of $n example configurations do not validate" >&2
  exit 1
fi
echo "==> all $n example configurations validate"
