#!/usr/bin/env bash
# Installs whatever this machine is missing to build, serve and test the
# playground. Safe to re-run: every step checks before it installs.
#   scripts/setup.sh          build + serve tools (wasm target, trunk, wasm-bindgen, wasm-opt)
#   scripts/setup.sh --test   also what the tests need (Chromium, chromedriver, Playwright)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

log() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

# Rust target for the browser.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# Trunk: 0.22 needs a newer rustc than this machine has (TOOLCHAIN.md).
TRUNK_VERSION=0.21.14
if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  log "installing trunk $TRUNK_VERSION (a few minutes, once)"
  cargo install "trunk@$TRUNK_VERSION" --locked
fi

# wasm-bindgen CLI must match the wasm-bindgen crate in Cargo.lock exactly, or
# Trunk tries to download one (and this machine has no internet).
# (Cargo.lock lists `name = "wasm-bindgen"` with its `version = "…"` on the next line.)
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/^version = "|"$/, ""); print; exit }' Cargo.lock)
if [ -z "$WB_VERSION" ]; then
  echo "setup: cannot find wasm-bindgen's version in Cargo.lock" >&2
  exit 1
fi
if ! grep -qx "wasm_bindgen = \"$WB_VERSION\"" Trunk.toml; then
  echo "setup: Trunk.toml's [tools] wasm_bindgen must be \"$WB_VERSION\" (Cargo.lock's wasm-bindgen)," >&2
  echo "setup: or Trunk will try to download a wasm-bindgen and fail offline" >&2
  exit 1
fi
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WB_VERSION" \
   || ! wasm-bindgen-test-runner --version 2>/dev/null | grep -qx "wasm-bindgen-test-runner $WB_VERSION"; then
  log "installing wasm-bindgen-cli $WB_VERSION (a few minutes, once)"
  # --locked fails to resolve for this crate (TOOLCHAIN.md).
  cargo install "wasm-bindgen-cli@$WB_VERSION" --force
fi

# wasm-opt from npm's binaryen (Debian's is too old for current Rust's wasm),
# Playwright (which drives Debian's Chromium; never `playwright install`) and
# @axe-core/playwright (the accessibility checks of the browser tests).
# `npm ci` installs exactly package-lock.json; it runs again when the lock
# is newer than what was last installed.
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -x node_modules/.bin/playwright ] \
   || [ ! -f node_modules/@axe-core/playwright/package.json ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages (binaryen, Playwright, axe-core) with npm ci"
  npm ci --no-audit --no-fund
fi

if [ "$want_test" = 1 ]; then
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    log "installing Debian's chromium and chromium-driver"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
fi
log "ready"
