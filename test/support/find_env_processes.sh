# Sourced by test scripts. env_processes DIR prints the pids of processes started by a test
# environment whose work directory is DIR or lies under it: the launcher marks each child with
# AWIO_TESTENV_DIR=<work dir> in its environment.
env_processes() {
  local dir=$1 f pid
  for f in /proc/[0-9]*/environ; do
    pid=${f#/proc/}
    pid=${pid%/environ}
    [[ $pid == "$$" ]] && continue
    if grep -qz -- "^AWIO_TESTENV_DIR=$dir" "$f" 2>/dev/null; then
      echo "$pid"
    fi
  done
}
