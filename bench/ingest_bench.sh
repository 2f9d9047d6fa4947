#!/usr/bin/env bash
# lakestream ingest vs DuckDB, NDJSON → snappy Parquet (what `make bench` runs through
# scripts/run_bench.sh, which passes the build dir and sets $LAKESTREAM_CLI).
#   bench/ingest_bench.sh <build-dir>       env: RUNS (default 3), ROWS (default 2000000),
#                                           SPLIT (default 4; 1 skips the several-files run)
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
split=${SPLIT:-4}

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

# peak_rss_kb, cpu_pct, cpu_s, wall_s, median
source "$here/measure.bash"

# compare <title> <input>...: alternate lakestream (one run over all the inputs, a commit per
# input) and DuckDB (one COPY over all of them) $runs times, then print the medians.
compare() {
  local title=$1
  shift
  local ls_args=() in bytes=0
  for in in "$@"; do
    ls_args+=(--input "$in")
    bytes=$((bytes + $(stat -c %s "$in")))
  done
  local dk_inputs
  dk_inputs=$(IFS=,; echo "$*")
  local ls_wall=() ls_rss=() ls_cpu=() ls_cs=() dk_query=() dk_wall=() dk_rss=() dk_cpu=() dk_cs=()
  for ((i = 1; i <= runs; i++)); do
    rm -rf "$tmp/table"
    /usr/bin/time -v -o "$tmp/ls.time" "$cli" ingest --schema "$src/schemas/meter_reading.ddl" \
      "${ls_args[@]}" --table "$tmp/table" --compression snappy > "$tmp/ls.out"
    ls_wall+=("$(wall_s "$tmp/ls.time")")
    ls_rss+=("$(peak_rss_kb "$tmp/ls.time")")
    ls_cpu+=("$(cpu_pct "$tmp/ls.time")")
    ls_cs+=("$(cpu_s "$tmp/ls.time")")
    local written
    written=$(awk '{for (f = 1; f < NF; f++) if ($(f + 1) == "rows" && $(f + 2) == "written") s += $f} END {print s + 0}' "$tmp/ls.out")
    [ "$written" = "$rows" ] || { cat "$tmp/ls.out"; exit 1; }
    echo "run $i lakestream: $(tail -n 1 "$tmp/ls.out")"

    rm -f "$tmp/duck.parquet"
    /usr/bin/time -v -o "$tmp/dk.time" node "$here/ingest_bench_duckdb.mjs" "$tools" "$dk_inputs" \
      "$tmp/duck.parquet" > "$tmp/dk.out"
    dk_query+=("$(node -e "console.log(JSON.parse(require('fs').readFileSync('$tmp/dk.out','utf8')).seconds)")")
    dk_wall+=("$(wall_s "$tmp/dk.time")")
    dk_rss+=("$(peak_rss_kb "$tmp/dk.time")")
    dk_cpu+=("$(cpu_pct "$tmp/dk.time")")
    dk_cs+=("$(cpu_s "$tmp/dk.time")")
    echo "run $i duckdb:     $(cat "$tmp/dk.out")"
  done
  awk -v b="$bytes" -v r="$rows" -v lt="$(median "${ls_wall[@]}")" -v lm="$(median "${ls_rss[@]}")" \
    -v dt="$(median "${dk_query[@]}")" -v dw="$(median "${dk_wall[@]}")" -v dm="$(median "${dk_rss[@]}")" \
    -v lc="$(median "${ls_cpu[@]}")" -v dc="$(median "${dk_cpu[@]}")" -v runs="$runs" -v title="$title" \
    -v lcs="$(median "${ls_cs[@]}")" -v dcs="$(median "${dk_cs[@]}")" 'BEGIN {
    printf "\n%s: NDJSON -> snappy Parquet, %d rows, %.1f MB, median of %d runs\n", title, r, b / 1e6, runs
    printf "%-28s %9s %10s %11s %12s %8s %8s\n", "", "seconds", "MB/s", "M rows/s", "peak RSS MB", "CPU %", "CPU s"
    printf "%-28s %9.3f %10.1f %11.2f %12.1f %8s %8.2f\n", "lakestream ingest (process)", lt, b / 1e6 / lt, r / lt / 1e6, lm / 1024, lc, lcs
    printf "%-28s %9.3f %10.1f %11.2f %12.1f %8s %8s\n", "duckdb COPY (query only)", dt, b / 1e6 / dt, r / dt / 1e6, dm / 1024, "", ""
    printf "%-28s %9.3f %10.1f %11.2f %12s %8s %8.2f\n", "duckdb (node process)", dw, b / 1e6 / dw, r / dw / 1e6, "same", dc, dcs
    printf "throughput ratio lakestream / duckdb query: %.2fx (goal >= 2x); memory ratio: %.2f; CPU seconds ratio (duckdb process / lakestream): %.2f\n\n", dt / lt, lm / dm, dcs / lcs
  }'
}

compare "one file" "$input"
if ((split > 1)); then
  # The same rows in $split files: lakestream overlaps reading/decoding of file k+1 with the
  # commit of file k; DuckDB reads the list of files in one COPY.
  parts=()
  per=$(((rows + split - 1) / split))
  for ((p = 0; p < split; p++)); do
    first=$((p * per))
    n=$((rows - first < per ? rows - first : per))
    node "$here/gen_meter_ndjson.mjs" --rows "$n" --first "$first" --out "$tmp/part$p.ndjson"
    cat "$tmp/part$p.ndjson" > /dev/null
    parts+=("$tmp/part$p.ndjson")
  done
  compare "$split files" "${parts[@]}"
fi
