#!/usr/bin/env bash
# Scan benchmark: a 2,000,000-row meter table (lakestream ingest of gen_meter_ndjson.mjs output,
# partitioned by SupplierId) read in full and for one SupplierId by
# `lakestream show --format json > /dev/null`, against DuckDB reading the same live files and
# writing JSON to /dev/null (bench/scan_bench_duckdb.mjs). Medians of RUNS runs and ratios.
#   scan_bench.sh <lakestream cli | build dir> [work dir]   env: ROWS (2000000), RUNS (5),
#                                                           SUPPLIER (19), LAKESTREAM_CLI
# (`make bench` passes the build dir, through scripts/run_bench.sh, and sets $LAKESTREAM_CLI.)
set -euo pipefail
cli=${LAKESTREAM_CLI:-$1}
[[ -d $cli ]] && cli=$cli/bin/lakestream
[[ -x $cli ]] || { echo "scan_bench: no lakestream CLI at '$cli'" >&2; exit 2; }
work=${2:-/tmp/lakestream-scan-bench}
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
tools=$src/tests/tools
rows=${ROWS:-2000000}
runs=${RUNS:-5}
supplier=${SUPPLIER:-19}
mkdir -p "$work"
if [ ! -f "$work/meters/_delta_log/00000000000000000000.json" ]; then
  echo "generating and ingesting $rows meter readings ..."
  node "$here/gen_meter_ndjson.mjs" --rows "$rows" --out "$work/meters.ndjson"
  "$cli" ingest --schema "$src/schemas/meter_reading.ddl" --input "$work/meters.ndjson" \
    --table "$work/meters" --partition-by SupplierId >/dev/null
  rm -f "$work/meters.ndjson"
fi
now() { date +%s.%N; }
median() { printf "%s\n" "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ls_full=(); ls_one=(); dk_full=(); dk_one=()
for i in $(seq "$runs"); do
  t=$(now); "$cli" show "$work/meters" --format json >/dev/null; ls_full+=("$(echo "$(now) - $t" | bc)")
  t=$(now); "$cli" show "$work/meters" --format json --where "SupplierId=$supplier" >/dev/null
  ls_one+=("$(echo "$(now) - $t" | bc)")
  t=$(now); node "$here/scan_bench_duckdb.mjs" "$tools" "$work/meters" >/dev/null
  dk_full+=("$(echo "$(now) - $t" | bc)")
  t=$(now); node "$here/scan_bench_duckdb.mjs" "$tools" "$work/meters" "$supplier" >/dev/null
  dk_one+=("$(echo "$(now) - $t" | bc)")
done
lf=$(median "${ls_full[@]}"); lo=$(median "${ls_one[@]}")
df=$(median "${dk_full[@]}"); do_=$(median "${dk_one[@]}")
"$cli" show "$work/meters" --format json --where "SupplierId=$supplier" --metrics 2>&1 >/dev/null
printf "\nDelta scan to JSON lines, %d rows, median of %d runs (wall seconds, process start included)\n" "$rows" "$runs"
printf "%-28s %10s %10s %8s\n" "" "lakestream" "DuckDB" "ratio"
printf "%-28s %10.3f %10.3f %8.2f\n" "full scan" "$lf" "$df" "$(echo "$df / $lf" | bc -l)"
printf "%-28s %10.3f %10.3f %8.2f\n" "SupplierId=$supplier" "$lo" "$do_" "$(echo "$do_ / $lo" | bc -l)"
echo "(ratio = DuckDB seconds / lakestream seconds; above 1 means lakestream is faster)"
