#!/usr/bin/env bash
# Instructions per entry for both cores, counted by callgrind over the timed
# part of each run alone (`drive`: proposing, delivering, persisting and
# applying; not electing the leader or dropping the cluster). Repeatable on
# a busy machine, unlike wall time.
#
#   bench/raft-rs/count.sh [ENTRIES]     (default 20000 entries per run)
#
# Needs valgrind. Builds the bench in release first. Each measurement is
# the program's best-of-3 loop, so it covers 3 runs of ENTRIES entries.
set -euo pipefail
cd "$(dirname "$0")"
entries=${1:-20000}
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/raft-rs-bench
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
count() { # core batch → instructions per entry
    valgrind --tool=callgrind --callgrind-out-file="$out/cg" \
        --toggle-collect='raft_rs_bench::drive*' "$bin" "$entries" "$1" "$2" \
        >/dev/null 2>"$out/log"
    local ir
    ir=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$out/log")
    echo $((ir / (3 * entries)))
}
echo "instructions per entry (callgrind, $entries entries per run)"
echo "| batch | this core | raft-rs 0.7 | ratio |"
echo "|---|---|---|---|"
for batch in 1 100; do
    ours=$(count ours "$batch")
    theirs=$(count raft-rs "$batch")
    ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2f×", b / a }')
    echo "| $batch | $ours | $theirs | $ratio |"
done
