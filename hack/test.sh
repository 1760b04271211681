#!/usr/bin/env bash
# The README's test command: installs what is missing, prepares the local control plane
# (cached binaries, CRDs, emulator), builds with warnings as errors, and runs every test
# with CTest. Exits non-zero on any failure. Set AWIO_PRESET to use another CMake preset.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
preset=${AWIO_PRESET:-ci}
log() { printf '[test] %s\n' "$*" >&2; }

start=$(date +%s)
log "preparing dependencies and the local control plane (cached after the first run)"
tools/setup-testenv.sh >/dev/null
log "setup took $(($(date +%s) - start))s"

log "building (preset $preset)"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"

# The tree must also compile with clang-14 (sanitizers and fuzzers need it); CI checks it.
if [[ ${AWIO_SKIP_CLANG:-0} != 1 ]]; then
  log "building with clang-14 too (AWIO_SKIP_CLANG=1 skips this)"
  cmake --preset clang >/dev/null
  cmake --build --preset clang
fi

log "running tests"
ctest --preset "$preset" "$@"
