#!/usr/bin/env bash
# Prepares everything the local control plane needs and records where it is:
#   1. the Debian packages and the emulator venv (hack/install-deps.sh);
#   2. the pinned upstream binaries (tools/build-binaries.sh, cached);
#   3. the third-party CRDs, copied from their pinned Go modules into the cache;
#   4. $AWIO_CACHE/testenv.env, which the C++ launcher reads.
# Idempotent: a warm run takes seconds. Prints the env file's path on stdout.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=tools/versions.sh
source "$here/versions.sh"
log() { printf '[setup-testenv] %s\n' "$*" >&2; }

[[ ${AWIO_SKIP_INSTALL:-} == 1 ]] || "$root/hack/install-deps.sh"
binary_env=$("$here/build-binaries.sh" --print-env)

# Third-party CRDs: module@version then paths inside the module.
crd_sources=(
  "sigs.k8s.io/cluster-inventory-api@$CLUSTER_INVENTORY_API_VERSION"
  "  config/crd/bases/multicluster.x-k8s.io_clusterprofiles.yaml"
  "open-cluster-management.io/api@$OCM_API_VERSION"
  "  cluster/v1/0000_00_clusters.open-cluster-management.io_managedclusters.crd.yaml"
  "  cluster/v1beta2/0000_00_clusters.open-cluster-management.io_managedclustersets.crd.yaml"
  "  cluster/v1beta2/0000_01_clusters.open-cluster-management.io_managedclustersetbindings.crd.yaml"
  "  cluster/v1beta1/0000_02_clusters.open-cluster-management.io_placements.crd.yaml"
  "  cluster/v1beta1/0000_03_clusters.open-cluster-management.io_placementdecisions.crd.yaml"
  "github.com/aws-controllers-k8s/iam-controller@$ACK_IAM_VERSION"
  "  config/crd/bases/iam.services.k8s.aws_roles.yaml"
  "  config/crd/bases/iam.services.k8s.aws_policies.yaml"
  "  config/crd/bases/iam.services.k8s.aws_openidconnectproviders.yaml"
  "  config/crd/common/bases/services.k8s.aws_fieldexports.yaml"
  "  config/crd/common/bases/services.k8s.aws_iamroleselectors.yaml"
  "github.com/aws-controllers-k8s/s3-controller@$ACK_S3_VERSION"
  "  config/crd/bases/s3.services.k8s.aws_buckets.yaml"
)
key=$( (printf '%s\n' "${crd_sources[@]}"; cat "$here"/crds/*.yaml) | sha256sum | cut -c1-16)
crd_dir="$AWIO_CACHE/crds/$key"
if [[ ! -f $crd_dir/.complete ]]; then
  log "fetching third-party CRDs into $crd_dir"
  rm -rf "$crd_dir" && mkdir -p "$crd_dir"
  module_dir=""
  for entry in "${crd_sources[@]}"; do
    if [[ $entry != "  "* ]]; then
      module_dir=$(cd /tmp && GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download -json "$entry" |
        sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
      [[ -d $module_dir ]] || { log "cannot download $entry from the Go module proxy"; exit 1; }
    else
      file=${entry#  }
      cp "$module_dir/$file" "$crd_dir/$(basename "$file")"
    fi
  done
  cp "$here"/crds/*.yaml "$crd_dir/"
  chmod u+w "$crd_dir"/*.yaml
  touch "$crd_dir/.complete"
fi

venv=$(cat "$AWIO_CACHE/venv/current")
env_file="$AWIO_CACHE/testenv.env"
{
  echo "# Written by tools/setup-testenv.sh; read by tools/testenv (the C++ launcher)."
  echo "$binary_env"
  echo "AWIO_CRD_DIR=$crd_dir"
  echo "AWIO_EMULATOR_PYTHON=$venv/bin/python"
  echo "AWIO_EMULATOR_SERVER=$root/tools/emulator/server.py"
} > "$env_file.tmp"
mv "$env_file.tmp" "$env_file"
echo "$env_file"
