#!/usr/bin/env bash
# The README's main-job command. Until the manager exists it brings up the local environment
# (a hub and one target cluster, the AWS emulator and the ACK IAM controller), prints how to
# use it, and keeps it running until Ctrl-C, then tears everything down.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
log() { printf '[run-local] %s\n' "$*" >&2; }

log "preparing dependencies and the local control plane (the first run builds Kubernetes: 20-30 minutes)"
tools/setup-testenv.sh >/dev/null
cmake --preset default >/dev/null
cmake --build --preset default --target awio-testenv >/dev/null
log "starting the local environment"
exec build/default/tools/testenv/awio-testenv "$@"
