#!/usr/bin/env bash
# Measures `dbs-lint check -f json` with the recommended pack against a plain serde_json parse
# of the same dump into structs holding just the fields the pack reads (examples/baseline_parse.rs),
# and `dbs-lint check -f json` with a policy every plan passes (bench/no-findings.yaml): the
# memory of a run with no findings.
#
# Usage: bench/run.sh [PLANS ...]      (default: 10000 100000)
#        RUNS=5 bench/run.sh 100000     (runs per measurement; default 3, 1 from 1,000,000 plans)
# Dumps are generated (seeded) into bench/out/, which is not committed (1,000,000 plans ≈ 2.4 GB).
# Prints one Markdown table row per size: best wall time of the runs, and the largest peak RSS
# (GNU time's maximum resident set size).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet --bin dbs-lint --example gen_dump --example baseline_parse
out=bench/out
mkdir -p "$out"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)

# measure NAME CMD...: appends "seconds KB" lines to $out/NAME.txt. Exit 1 (findings) is expected.
measure() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -a -o "$out/$name.txt" "$@" || [ $? -eq 1 ]
}
# best NAME: "best-seconds max-KB" of the measurements (GNU time adds a line for a non-zero exit).
best() {
  grep -E '^[0-9.]+ [0-9]+$' "$out/$1.txt" | awk 'NR == 1 || $1 < t { t = $1 } $2 > m { m = $2 } END { print t, m }'
}

echo "| plans | dump size | baseline parse | check -f json | ratio | baseline peak RSS | check peak RSS | RSS / dump | no findings: time | no findings: peak RSS |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
  dump="$out/plans-$n.json"
  [ -s "$dump" ] || target/release/examples/gen_dump "$n" 42 > "$dump"
  bytes=$(stat -c %s "$dump")
  runs=${RUNS:-$([ "$n" -ge 1000000 ] && echo 1 || echo 3)}
  : > "$out/base.txt"; : > "$out/lint.txt"; : > "$out/clean.txt"
  for _ in $(seq "$runs"); do
    measure base target/release/examples/baseline_parse "$dump" > /dev/null
    measure lint target/release/dbs-lint check -f json "$dump" > "$out/report-$n.json"
    measure clean target/release/dbs-lint check -f json -p bench/no-findings.yaml "$dump" > /dev/null
  done
  read -r bt bm < <(best base); read -r lt lm < <(best lint); read -r ct cm < <(best clean)
  awk -v n="$n" -v b="$bytes" -v bt="$bt" -v lt="$lt" -v bm="$bm" -v lm="$lm" -v ct="$ct" -v cm="$cm" 'BEGIN {
    printf "| %d | %.0f MB | %.2f s | %.2f s | %.2fx | %.0f MB | %.0f MB | %.2fx | %.2f s | %.0f MB |\n",
      n, b/1e6, bt, lt, lt/bt, bm/1024, lm/1024, (lm*1024)/b, ct, cm/1024 }'
done
