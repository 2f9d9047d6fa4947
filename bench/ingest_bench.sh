#!/usr/bin/env bash
# lakestream ingest vs DuckDB, NDJSON → snappy Parquet (what `make bench` runs through
# scripts/run_bench.sh, which passes the build dir and sets $LAKESTREAM_CLI).
#   bench/ingest_bench.sh <build-dir>       env: RUNS (default 3), ROWS (default 2000000)
# Generates the meter readings once (n = 0..ROWS-1, v = n*3019; ~239 MB for 2M rows), then
# alternates: `lakestream ingest` into a fresh unpartitioned snappy table, and DuckDB's
# COPY (SELECT ... FROM read_json(...)) TO ... (FORMAT parquet, COMPRESSION snappy) through
# @duckdb/node-api. Prints medians of wall time, MB/s, rows/s and peak RSS, and the ratios.
# DuckDB's time is measured inside node around the query (node start-up excluded); its wall
# time including node is shown too. Peak RSS and CPU utilisation (user + system time over wall
# time; 200% = both cores of a 2-core machine busy throughout) come from /usr/bin/time -v.
# Both sides write snappy: DuckDB is told COMPRESSION snappy, lakestream --compression snappy.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
build=${1:-$src/build/release}
cli=${LAKESTREAM_CLI:-$build/bin/lakestream}
tools=$src/tests/tools
runs=${RUNS:-3}
rows=${ROWS:-2000000}

[ -x "$cli" ] || { echo "ingest_bench: no CLI at $cli (build lakestream_cli first)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "ingest_bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
[ -d "$tools/node_modules/@duckdb/node-api" ] ||
  { echo "ingest_bench: @duckdb/node-api missing; run scripts/bootstrap.sh" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ingest_bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
input=$tmp/meters.ndjson
echo "generating $rows meter readings ..."
node "$here/gen_meter_ndjson.mjs" --rows "$rows" --out "$input"
bytes=$(stat -c %s "$input")
cat "$input" > /dev/null  # both sides start from the page cache

# peak_rss_kb <time -v output file>
peak_rss_kb() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }
cpu_pct() { awk -F': ' '/Percent of CPU/ {sub("%", "", $2); print $2}' "$1"; }
wall_s() {
  awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0;
    for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$1"
}

ls_wall=() ls_rss=() ls_cpu=() dk_query=() dk_wall=() dk_rss=() dk_cpu=()
for ((i = 1; i <= runs; i++)); do
  rm -rf "$tmp/table"
  /usr/bin/time -v -o "$tmp/ls.time" "$cli" ingest --schema "$src/schemas/meter_reading.ddl" \
    --input "$input" --table "$tmp/table" --compression snappy > "$tmp/ls.out"
  ls_wall+=("$(wall_s "$tmp/ls.time")")
  ls_rss+=("$(peak_rss_kb "$tmp/ls.time")")
  ls_cpu+=("$(cpu_pct "$tmp/ls.time")")
  grep -q "$rows rows written" "$tmp/ls.out" || { cat "$tmp/ls.out"; exit 1; }
  echo "run $i lakestream: $(cat "$tmp/ls.out")"

  rm -f "$tmp/duck.parquet"
  /usr/bin/time -v -o "$tmp/dk.time" node "$here/ingest_bench_duckdb.mjs" "$tools" "$input" \
    "$tmp/duck.parquet" > "$tmp/dk.out"
  dk_query+=("$(node -e "console.log(JSON.parse(require('fs').readFileSync('$tmp/dk.out','utf8')).seconds)")")
  dk_wall+=("$(wall_s "$tmp/dk.time")")
  dk_rss+=("$(peak_rss_kb "$tmp/dk.time")")
  dk_cpu+=("$(cpu_pct "$tmp/dk.time")")
  echo "run $i duckdb:     $(cat "$tmp/dk.out")"
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
ls_t=$(median "${ls_wall[@]}")
ls_m=$(median "${ls_rss[@]}")
dk_t=$(median "${dk_query[@]}")
dk_w=$(median "${dk_wall[@]}")
dk_m=$(median "${dk_rss[@]}")
ls_c=$(median "${ls_cpu[@]}")
dk_c=$(median "${dk_cpu[@]}")
awk -v b="$bytes" -v r="$rows" -v lt="$ls_t" -v lm="$ls_m" -v dt="$dk_t" -v dw="$dk_w" -v dm="$dk_m" \
  -v runs="$runs" -v lc="$ls_c" -v dc="$dk_c" 'BEGIN {
  printf "\nNDJSON -> snappy Parquet, %d rows, %.1f MB, median of %d runs\n", r, b / 1e6, runs
  printf "%-28s %9s %10s %11s %12s %8s\n", "", "seconds", "MB/s", "M rows/s", "peak RSS MB", "CPU %"
  printf "%-28s %9.3f %10.1f %11.2f %12.1f %8s\n", "lakestream ingest (process)", lt, b / 1e6 / lt, r / lt / 1e6, lm / 1024, lc
  printf "%-28s %9.3f %10.1f %11.2f %12.1f %8s\n", "duckdb COPY (query only)", dt, b / 1e6 / dt, r / dt / 1e6, dm / 1024, ""
  printf "%-28s %9.3f %10.1f %11.2f %12s %8s\n", "duckdb (node process)", dw, b / 1e6 / dw, r / dw / 1e6, "same", dc
  printf "throughput ratio lakestream / duckdb query: %.2fx (goal >= 2x); memory ratio: %.2f\n", dt / lt, lm / dm
}'
