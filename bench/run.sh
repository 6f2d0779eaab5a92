#!/usr/bin/env bash
# Measures `dbs-lint check -f json` with the recommended pack against a plain serde_json parse
# of the same dump into structs holding just the fields the pack reads (examples/baseline_parse.rs).
#
# Usage: bench/run.sh [PLANS ...]      (default: 10000 100000)
# Dumps are generated (seeded) into bench/out/, which is not committed.
# Prints one Markdown table row per size: best of 3 wall times, and peak RSS (GNU time).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet --bin dbs-lint --example gen_dump --example baseline_parse
out=bench/out
mkdir -p "$out"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)

best() { sort -n | head -n 1; }

echo "| plans | dump size | baseline parse | dbs-lint check -f json | ratio | baseline peak RSS | dbs-lint peak RSS | RSS / dump |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
  dump="$out/plans-$n.json"
  [ -s "$dump" ] || target/release/examples/gen_dump "$n" 42 > "$dump"
  bytes=$(stat -c %s "$dump")
  : > "$out/base.txt"; : > "$out/lint.txt"
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -a -o "$out/base.txt" target/release/examples/baseline_parse "$dump" > /dev/null
    # Exit 1 (findings) is expected: the generator plants violations.
    /usr/bin/time -f "%e %M" -a -o "$out/lint.txt" target/release/dbs-lint check -f json "$dump" > "$out/report-$n.json" || [ $? -eq 1 ]
  done
  # GNU time adds a line for a non-zero exit; keep the measurements only.
  grep -E '^[0-9.]+ [0-9]+$' "$out/base.txt" > "$out/base.m"; grep -E '^[0-9.]+ [0-9]+$' "$out/lint.txt" > "$out/lint.m"
  bt=$(cut -d' ' -f1 "$out/base.m" | best); bm=$(cut -d' ' -f2 "$out/base.m" | sort -n | tail -n 1)
  lt=$(cut -d' ' -f1 "$out/lint.m" | best); lm=$(cut -d' ' -f2 "$out/lint.m" | sort -n | tail -n 1)
  awk -v n="$n" -v b="$bytes" -v bt="$bt" -v lt="$lt" -v bm="$bm" -v lm="$lm" 'BEGIN {
    printf "| %d | %.0f MB | %.2f s | %.2f s | %.2fx | %.0f MB | %.0f MB | %.2fx |\n",
      n, b/1e6, bt, lt, lt/bt, bm/1024, lm/1024, (lm*1024)/b }'
done
