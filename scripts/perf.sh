#!/usr/bin/env bash
# Page performance, measured the way the performance issue states its
# targets: headless Chromium at 1280x800, 3 runs of each scenario, each in a
# fresh browser, with tools/measure-page.mjs. Prints a markdown table of the
# medians (bytes over the wire, ready time, fps, p99 frame, long tasks, main
# thread busy %).
#
#   scripts/perf.sh            build the release site (trunk) into a scratch dist, then measure
#   scripts/perf.sh DIST       measure an existing release build in DIST
#
# Scenarios:
#   9 servers, real time (?servers=9&speed=1), a client put every 100 ms
#   5 servers, the default speed, no client load
# With RAFTSCOPE_DIR=<an assembled RaftScope> (the reference page; see
# assemble-raftscope.sh in the project's shared tools), it is measured in the
# same run, the same way, after the playground: "RaftScope, 5 servers".
# Needs: trunk and wasm-opt (scripts/setup.sh), node_modules (npm ci), Debian's
# chromium at /usr/bin/chromium (or CHROMIUM=path), python3 to serve the files.
# PERF_RUNS and PERF_SECONDS override 3 runs and 10 s of sampling.
# The figures depend on the machine and on what else runs on it: compare
# builds measured one after the other, not against numbers from elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${PERF_RUNS:-3}
seconds=${PERF_SECONDS:-10}
chromium=${CHROMIUM:-/usr/bin/chromium}
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

if [ ! -d node_modules/playwright-core ]; then
  echo "perf: node_modules/playwright-core is missing: run npm ci first" >&2
  exit 1
fi
if [ ! -x "$chromium" ]; then
  echo "perf: no Chromium at $chromium (apt-get install chromium, or set CHROMIUM)" >&2
  exit 1
fi

scratch=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT

if [ $# -ge 1 ]; then
  dist=$1
  if [ ! -f "$dist/index.html" ]; then
    echo "perf: $dist/index.html not found: give a release build's dist folder" >&2
    exit 1
  fi
else
  dist="$scratch/dist"
  echo "perf: building the release site into $dist" >&2
  trunk build --release --dist "$dist" >&2
fi

# A free port, then a static server on it (the way the page is deployed).
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$dist" >"$scratch/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do
  if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null; then
    break
  fi
  sleep 0.1
done
base="http://127.0.0.1:$port/"

# The client load: C1 puts a new value every 100 ms, typed into its command
# box and sent to the leader as a person would.
put_every_100ms='(() => {
  const form = document.querySelector("form.command");
  const input = form.querySelector("input");
  let n = 0;
  setInterval(() => {
    input.value = `put k${n % 10} ${n}`;
    n += 1;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    form.querySelector("button.send").click();
  }, 100);
  return "a put every 100 ms";
})()'

measure() {
  local label=$1 url=$2 out=$3
  shift 3
  node tools/measure-page.mjs "$url" --ready '[data-node]' --runs "$runs" --seconds "$seconds" \
    --viewport 1280x800 --chromium "$chromium" --label "$label" --out "$out" "$@" >/dev/null
}

measure "9 servers, real time, a put every 100 ms" "${base}?servers=9&speed=1" "$scratch/nine.json" \
  --start "$put_every_100ms"
measure "5 servers, default speed" "$base" "$scratch/five.json"
tables=("$scratch/nine.json" "$scratch/five.json")

if [ -n "${RAFTSCOPE_DIR:-}" ]; then
  if [ ! -f "$RAFTSCOPE_DIR/index.html" ]; then
    echo "perf: RAFTSCOPE_DIR=$RAFTSCOPE_DIR has no index.html" >&2
    exit 1
  fi
  ref_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  python3 -m http.server "$ref_port" --bind 127.0.0.1 --directory "$RAFTSCOPE_DIR" >"$scratch/ref.log" 2>&1 &
  ref_pid=$!
  trap 'kill "$ref_pid" 2>/dev/null || true; cleanup' EXIT
  for _ in $(seq 50); do
    if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$ref_port/')" 2>/dev/null; then
      break
    fi
    sleep 0.1
  done
  node tools/measure-page.mjs "http://127.0.0.1:$ref_port/" --ready svg --runs "$runs" --seconds "$seconds" \
    --viewport 1280x800 --chromium "$chromium" --label "RaftScope, 5 servers (reference)" \
    --out "$scratch/ref.json" >/dev/null
  tables+=("$scratch/ref.json")
fi

echo
node tools/measure-page.mjs --table "${tables[@]}"
