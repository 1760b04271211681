#!/usr/bin/env bash
# Validates that no process started by this build's tests outlives them. Every test
# environment lives under the build's own TMPDIR, passed here, and the launcher marks each
# process it starts with its work directory (see find_env_processes.sh).
set -euo pipefail
# shellcheck source=test/support/find_env_processes.sh
source "$(dirname "$0")/../../support/find_env_processes.sh"
tmp_root=$1
left=$(env_processes "$tmp_root/")
if [[ -n $left ]]; then
  echo "processes outlived the tests:"
  ps -o pid,args -p "$(echo "$left" | paste -sd,)"
  exit 1
fi
echo "no test process left running under $tmp_root"
