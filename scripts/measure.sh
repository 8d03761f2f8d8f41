#!/usr/bin/env bash
# Runs a command N times and prints the median wall time, the median CPU time (user +
# system) and the largest peak resident memory. Used for docs/performance.md:
#
#     scripts/measure.sh 9 target/release/pcsim run generated/scenario.toml --format json
#
# The command's output goes to /dev/null. Needs GNU time (/usr/bin/time).
set -euo pipefail
runs=$1; shift
results=$(for _ in $(seq "$runs"); do
  /usr/bin/time -f "%e %U %S %M" "$@" 2>&1 >/dev/null | tail -1
done)
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
wall=$(awk '{ print $1 }' <<<"$results" | median)
cpu=$(awk '{ printf "%.2f\n", $2 + $3 }' <<<"$results" | median)
peak=$(awk '{ print $4 }' <<<"$results" | sort -n | tail -1)
echo "median ${wall} s wall, ${cpu} s CPU, peak $((peak / 1024)) MB (${runs} runs)"
