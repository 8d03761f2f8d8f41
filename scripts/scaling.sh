#!/usr/bin/env bash
# Measures `pcsim run` end to end from 10,000 to 1,000,000 tenants (36 months of history,
# 24 projected), writes docs/scaling.csv and draws docs/scaling.png from it.
#
#     scripts/scaling.sh [SIZES...]      (default: 10000 30000 100000 300000 1000000)
#
# Generated data goes to target/scaling/ (about 0.6 GB at a million tenants).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-10000 30000 100000 300000 1000000}")
read -r -a sizes <<<"${sizes[*]}"
cargo build --release --quiet
cargo build --release --quiet --example gen_history --example scaling_chart
out=docs/scaling.csv
echo "tenants,rows,csv_mb,wall_s,cpu_s,peak_mb" > "$out"
for n in "${sizes[@]}"; do
  dir=target/scaling/$n
  if [ ! -f "$dir/scenario.toml" ]; then
    target/release/examples/gen_history --tenants "$n" --months 36 --seed 1 --out "$dir"
  fi
  rows=$(($(wc -l < "$dir/tenants.csv") - 1))
  mb=$(awk -v b="$(stat -c %s "$dir/tenants.csv")" 'BEGIN { printf "%.1f", b / 1e6 }')
  runs=5; [ "$n" -ge 1000000 ] && runs=3
  line=$(scripts/measure.sh "$runs" target/release/pcsim run "$dir/scenario.toml" --format json)
  echo "$n tenants: $line"
  read -r wall cpu peak <<<"$(awk '{ print $2, $5, $9 }' <<<"$line")"
  echo "$n,$rows,$mb,$wall,$cpu,$peak" >> "$out"
done
target/release/examples/scaling_chart "$out" docs/scaling.png
echo "wrote $out and docs/scaling.png"
