#!/usr/bin/env bash
# The benchmarks, what `make bench` calls:  scripts/run_bench.sh <build-dir>
#
# Runs every Google Benchmark executable in <build-dir>/bench/ (5 repetitions, aggregates only),
# then every script benchmark bench/*.sh (each gets the build dir as its argument and the CLI
# path in $LAKESTREAM_CLI), and prints a summary. Raw results go to <build-dir>/bench-results/.
# Extra arguments are passed to every Google Benchmark binary, e.g. --benchmark_filter=Decode.
set -uo pipefail
cd "$(dirname "$0")/.."

build=${1:-build/release}
shift || true
if [ ! -d "$build" ]; then
  echo "run_bench: no build directory '$build' (run make build first)" >&2
  exit 2
fi
build=$(cd "$build" && pwd)
results=$build/bench-results
mkdir -p "$results"
export LAKESTREAM_CLI=$build/bin/lakestream

passed=()
failed=()

# Google Benchmark binaries: every executable file directly in <build>/bench/.
shopt -s nullglob
for exe in "$build"/bench/*; do
  [ -f "$exe" ] && [ -x "$exe" ] || continue
  name=$(basename "$exe")
  echo "=== $name"
  if "$exe" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
    --benchmark_out="$results/$name.json" --benchmark_out_format=json "$@"; then
    passed+=("$name")
  else
    failed+=("$name")
  fi
  echo
done

# Script benchmarks (end-to-end runs that are not Google Benchmark binaries). The soak runs its
# 5-minute variant here (bench/soak.sh alone defaults to 60).
export SOAK_MINUTES=${SOAK_MINUTES:-5}
for script in bench/*.sh; do
  name=$(basename "$script" .sh)
  echo "=== $name (script)"
  if bash "$script" "$build" 2>&1 | tee "$results/$name.txt"; then
    passed+=("$name")
  else
    failed+=("$name")
  fi
  echo
done

echo "=== summary"
if ((${#passed[@]} + ${#failed[@]} == 0)); then
  echo "no benchmarks found in $build/bench/ or bench/*.sh (none written yet, or the build" \
    "was configured with -DLAKESTREAM_BUILD_BENCH=OFF)"
  exit 1
fi
# One line per benchmark: the median of the repetitions, from the JSON reports.
for json in "$results"/*.json; do
  python3 - "$json" <<'PY' 2>/dev/null || true
import json, sys
report = json.load(open(sys.argv[1]))
for b in report.get("benchmarks", []):
    if b.get("aggregate_name") != "median":
        continue
    line = f"{b['run_name']:<48} {b['real_time']:>12.3f} {b['time_unit']}"
    if "bytes_per_second" in b:
        line += f"  {b['bytes_per_second'] / 1e6:>10.1f} MB/s"
    if "items_per_second" in b:
        line += f"  {b['items_per_second'] / 1e6:>10.2f} M items/s"
    print(line)
PY
done
echo "passed: ${passed[*]:-none}"
if ((${#failed[@]})); then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "results: $results"
