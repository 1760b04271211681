#!/usr/bin/env bash
# Fails when a version pinned in tools/versions.sh and the Go module that builds it disagree,
# or when the emulator lock does not pin the moto version named there.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tools/versions.sh
source "$here/versions.sh"
bad=0
expect() {  # expect FILE PATTERN WHAT
  if ! grep -qE -- "$2" "$here/$1"; then
    echo "$1 does not pin $3 (expected a line matching '$2')"
    bad=1
  fi
}
expect go/k8s/go.mod "^(require )?\s*k8s\.io/kubernetes $KUBERNETES_VERSION( // indirect)?\$" "Kubernetes $KUBERNETES_VERSION"
expect go/k8s/go.mod "^replace k8s\.io/api => k8s\.io/api v0\.${KUBERNETES_VERSION#v1.}\$" \
  "the staging modules at v0.${KUBERNETES_VERSION#v1.}"
expect go/etcd/go.mod "^(require )?\s*go\.etcd\.io/etcd/server/v3 $ETCD_VERSION( // indirect)?\$" "etcd $ETCD_VERSION"
expect go/ack-iam/go.mod "^(require )?\s*github\.com/aws-controllers-k8s/iam-controller $ACK_IAM_VERSION( // indirect)?\$" \
  "the ACK IAM controller $ACK_IAM_VERSION"
expect emulator/requirements.lock "^moto==$MOTO_VERSION\$" "moto $MOTO_VERSION"
((bad == 0)) && echo "pinned versions agree"
exit $bad
