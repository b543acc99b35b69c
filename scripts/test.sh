#!/usr/bin/env bash
# The one test command. Installs whatever is missing (scripts/setup.sh --test),
# then runs every stage, stopping at the first failure:
#   1. host tests          cargo test --workspace
#   2. wasm tests          cargo test --target wasm32-unknown-unknown, in headless Chromium
#   3. release build       trunk build --release  -> dist/
#   4. size budget         scripts/size.sh (gzipped wasm + js)
#   5. browser e2e         Playwright against dist/, in Debian's Chromium
# Works from any directory, without a terminal, and with CI=true.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# Crates whose tests also run as wasm (wasm_bindgen_test). To add one, append
# its package name; a crate with no wasm tests yet just reports "no tests to run!".
WASM_TEST_CRATES=(raft-playground raft-sim raft-determinism)

export PATH="$root/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TERM_PROGRESS_WHEN=never
export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
# Browser tests on a busy 2-core machine can be slow to start (default 20 s).
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-120}
exec </dev/null

bold=$'\033[1m'; reset=$'\033[0m'
if [ ! -t 1 ]; then bold=""; reset=""; fi
timings=()
stage_name=""
stage_start=0
stage() {
  finish_stage
  stage_name=$1
  stage_start=$SECONDS
  printf '\n%s==== %s ====%s\n' "$bold" "$stage_name" "$reset"
}
finish_stage() {
  if [ -n "$stage_name" ]; then
    timings+=("$(printf '%-40s %4ds' "$stage_name" $((SECONDS - stage_start)))")
  fi
  stage_name=""
}
on_exit() {
  local rc=$?
  if [ "$rc" -ne 0 ] && [ -n "$stage_name" ]; then
    printf '\n%sFAILED in stage: %s (exit %d)%s\n' "$bold" "$stage_name" "$rc" "$reset" >&2
  fi
}
trap on_exit EXIT

stage "setup (scripts/setup.sh --test)"
scripts/setup.sh --test

stage "host tests (cargo test --workspace)"
cargo test --workspace

stage "wasm tests (headless Chromium)"
pkgs=()
for c in "${WASM_TEST_CRATES[@]}"; do pkgs+=(-p "$c"); done
# No -q: wasm-bindgen-test-runner rejects it. --lib --bins --tests leaves out
# doctests: cross-compiled doctests are plain #[test]s, which the runner skips
# ("no tests to run!"), so building them for wasm only costs time; they run
# on the host in the stage above. Plain #[test]s in the listed crates are
# likewise skipped here; only #[wasm_bindgen_test]s run.
cargo test "${pkgs[@]}" --target wasm32-unknown-unknown --lib --bins --tests

stage "release build (trunk build --release)"
trunk build --release

stage "size budget (scripts/size.sh)"
scripts/size.sh dist

stage "browser e2e (Playwright)"
npx --no playwright test -c web/playwright.config.mjs

finish_stage
printf '\n%s==== all stages passed ====%s\n' "$bold" "$reset"
printf '%s\n' "${timings[@]}"
