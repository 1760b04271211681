#!/usr/bin/env bash
# Builds the pinned upstream binaries the tests and the local environment use
# (kube-apiserver, kube-controller-manager, kubectl, etcd, the ACK IAM controller)
# from the Go modules under tools/go/, into a cache outside the checkout.
#
# Each binary lands in $AWIO_CACHE/bin/<component>/<version>-<go version>/ and is
# built only when that directory lacks it, so a second run costs a few seconds.
# Prints the directory of each component as NAME=PATH lines on stdout when asked
# with --print-env; everything else goes to stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tools/versions.sh
source "$here/versions.sh"

export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="-trimpath -mod=mod"
go_version=$(go env GOVERSION)
bin_root="$AWIO_CACHE/bin"

log() { printf '[build-binaries] %s\n' "$*" >&2; }

# build_into DIR MODULE_DIR LDFLAGS PACKAGE... builds PACKAGEs into DIR atomically.
build_into() {
  local out=$1 moddir=$2 ldflags=$3
  shift 3
  local tmp="$out.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  (cd "$moddir" && go build -ldflags "$ldflags" -o "$tmp/" "$@")
  mkdir -p "$(dirname "$out")"
  rm -rf "$out"
  mv "$tmp" "$out"
}

build_kubernetes() {
  local out="$bin_root/kubernetes/$KUBERNETES_VERSION-$go_version"
  if [[ -x $out/kube-apiserver && -x $out/kube-controller-manager && -x $out/kubectl ]]; then
    echo "$out"
    return
  fi
  log "building Kubernetes $KUBERNETES_VERSION (kube-apiserver, kube-controller-manager, kubectl); a cold build takes 15-25 minutes on 2 cores"
  local minor=${KUBERNETES_VERSION#v1.}
  minor=${minor%%.*}
  local ld="-s -w" p
  for p in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    ld+=" -X $p.gitVersion=$KUBERNETES_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor"
    ld+=" -X $p.gitTreeState=clean -X $p.gitCommit=$KUBERNETES_COMMIT"
    ld+=" -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  build_into "$out" "$here/go/k8s" "$ld" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kubectl
  echo "$out"
}

build_etcd() {
  local out="$bin_root/etcd/$ETCD_VERSION-$go_version"
  if [[ -x $out/etcd ]]; then
    echo "$out"
    return
  fi
  log "building etcd $ETCD_VERSION"
  local tmp="$out.tmp.$$"
  rm -rf "$tmp" && mkdir -p "$tmp"
  (cd "$here/go/etcd" && go build -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$ETCD_VERSION" \
    -o "$tmp/etcd" go.etcd.io/etcd/server/v3)
  rm -rf "$out" && mv "$tmp" "$out"
  echo "$out"
}

build_ack_iam() {
  local out="$bin_root/ack-iam-controller/$ACK_IAM_VERSION-$go_version"
  if [[ -x $out/ack-iam-controller ]]; then
    echo "$out"
    return
  fi
  log "building the ACK IAM controller $ACK_IAM_VERSION"
  local tmp="$out.tmp.$$"
  rm -rf "$tmp" && mkdir -p "$tmp"
  (cd "$here/go/ack-iam" && go build -ldflags "-s -w" -o "$tmp/ack-iam-controller" \
    github.com/aws-controllers-k8s/iam-controller/cmd/controller)
  rm -rf "$out" && mv "$tmp" "$out"
  echo "$out"
}

main() {
  local print_env=0
  [[ ${1:-} == --print-env ]] && print_env=1
  local etcd_dir kube_dir ack_dir
  etcd_dir=$(build_etcd)
  ack_dir=$(build_ack_iam)
  kube_dir=$(build_kubernetes)
  if ((print_env)); then
    echo "AWIO_ETCD_DIR=$etcd_dir"
    echo "AWIO_KUBERNETES_DIR=$kube_dir"
    echo "AWIO_ACK_IAM_DIR=$ack_dir"
  fi
}

main "$@"
