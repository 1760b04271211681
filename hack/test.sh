#!/usr/bin/env bash
# The README's test command: installs what is missing, prepares the local control plane
# (cached binaries, CRDs, emulator), builds with warnings as errors, and runs every test
# with CTest. Exits non-zero on any failure. Set AWIO_PRESET to use another CMake preset.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=tools/versions.sh
source "$root/tools/versions.sh"
preset=${AWIO_PRESET:-ci}
log() { printf '[test] %s\n' "$*" >&2; }

start=$(date +%s)
log "preparing dependencies and the local control plane (cached after the first run)"
tools/setup-testenv.sh >/dev/null
log "setup took $(($(date +%s) - start))s"

# Compiled objects are cached outside the checkout (keyed by ccache on compiler, flags and
# sources), so a fresh clone rebuilds only what changed.
launcher=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_DIR=${CCACHE_DIR:-$AWIO_CACHE/ccache} CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=true
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

log "building (preset $preset)"
cmake --preset "$preset" "${launcher[@]}" >/dev/null
cmake --build --preset "$preset"

# The tree must also compile with clang-14 (sanitizers and fuzzers need it); CI checks it.
if [[ ${AWIO_SKIP_CLANG:-0} != 1 ]]; then
  log "building with clang-14 too (AWIO_SKIP_CLANG=1 skips this)"
  cmake --preset clang "${launcher[@]}" >/dev/null
  cmake --build --preset clang
fi

log "running tests"
ctest --preset "$preset" "$@"
