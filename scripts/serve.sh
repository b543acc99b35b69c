#!/usr/bin/env bash
# The one serve command: installs what is missing, then runs `trunk serve` on
# http://127.0.0.1:8080/ (rebuilds and reloads on save). Extra arguments go to
# trunk, e.g. `scripts/serve.sh --release` or `scripts/serve.sh --port 9000`.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
# wasm-opt comes from npm's binaryen; Trunk looks tools up on PATH.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Address and port come from Trunk.toml ([serve]); flags given here override them.
exec trunk serve "$@"
