#!/usr/bin/env bash
# Installs everything the build, the tests and the local environment need on Debian 12:
# the Debian packages (compilers, libraries, tools), then the pinned AWS emulator in a
# cached virtual environment. Idempotent and non-interactive; both README commands call it.
# It does not build the Go-made binaries; tools/build-binaries.sh does, into the cache.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=tools/versions.sh
source "$root/tools/versions.sh"

log() { printf '[install-deps] %s\n' "$*" >&2; }

packages=(
  # build
  build-essential cmake ninja-build pkg-config git ca-certificates ccache
  clang-14 clang-format-14 clang-tidy-14 libclang-rt-14-dev lld-14
  # libraries (see docs/development/dependencies.md for what each is for)
  libcurl4-openssl-dev libnghttp2-dev libssl-dev zlib1g-dev
  nlohmann-json3-dev libyaml-cpp-dev libabsl-dev libfmt-dev libspdlog-dev
  libcli11-dev libpugixml-dev libcpp-httplib-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # tools the scripts and tests run
  python3 python3-venv openssl curl procps iproute2
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Go builds the pinned upstream binaries (tests only). Debian 12's golang is too old,
# so the machine's own Go (1.25 or newer) is required.
if ! command -v go >/dev/null 2>&1; then
  log "Go 1.25 or newer is required on PATH to build the test binaries (tools/go/)"
  exit 1
fi
go_minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
if ((go_minor < 25)); then
  log "Go $(go env GOVERSION) is too old; tools/go/ needs Go 1.25 or newer"
  exit 1
fi

# The AWS emulator: moto, pinned with its whole dependency set, in a venv keyed by the lock.
lock="$root/tools/emulator/requirements.lock"
key=$(sha256sum "$lock" | cut -c1-16)
venv="$AWIO_CACHE/venv/moto-$MOTO_VERSION-$key"
if [[ ! -f $venv/.complete ]]; then
  log "installing the AWS emulator (moto $MOTO_VERSION) into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  if ! PIP_CACHE_DIR="$AWIO_CACHE/pip" "$venv/bin/pip" install -q --disable-pip-version-check \
    --no-deps -r "$lock"; then
    rm -rf "$venv"
    log "could not install the emulator from $lock"
    exit 1
  fi
  touch "$venv/.complete"
fi
echo "$venv" > "$AWIO_CACHE/venv/current"
