#!/usr/bin/env bash
# Validates that the launcher's children die with it: start awio-testenv, wait until it is
# ready, SIGKILL it (no chance to clean up), and expect etcd and the API servers it started
# to be gone within seconds through their parent-death signal.
set -euo pipefail
# shellcheck source=test/support/find_env_processes.sh
source "$(dirname "$0")/../../support/find_env_processes.sh"
launcher=$1
tmp_root=$2
work=$(mktemp -d "$tmp_root/crash-XXXXXX")
"$launcher" --no-aws --targets target-a --work-dir "$work/env" --env-file "$work/ready.env" \
  > "$work/launcher.out" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  [[ -s $work/ready.env ]] && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/launcher.out"; echo "launcher exited early"; exit 1; }
  sleep 0.2
done
[[ -s $work/ready.env ]] || { cat "$work/launcher.out"; echo "launcher never became ready"; exit 1; }
count=$(env_processes "$work/env" | wc -l)
if ((count < 3)); then
  echo "expected etcd and two API servers running under $work/env, found $count"
  exit 1
fi
kill -9 "$pid"
for _ in $(seq 1 100); do
  left=$(env_processes "$work/env")
  [[ -z $left ]] && { rm -rf "$work"; echo "all children stopped after the launcher was killed"; exit 0; }
  sleep 0.1
done
echo "processes outlived the killed launcher:"
ps -o pid,args -p "$(echo "$left" | paste -sd,)"
exit 1
