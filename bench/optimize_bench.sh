#!/usr/bin/env bash
# OPTIMIZE benchmark: a 2,000,000-row meter table of ~10,000 small files (lakestream ingest of
# 435 NDJSON pieces of 4,600 lines, partitioned by SupplierId: 23 files a commit, as a stream
# writes them), compacted by `lakestream optimize --max-concurrent-tasks 2` against DuckDB
# rewriting the same live files per partition (COPY ... PARTITION_BY, both on the 2 cores), on
# a fresh copy of the table each run; wall time and peak RSS (/usr/bin/time -v) medians of RUNS
# runs. Then the full-scan time (`lakestream show --format json > /dev/null`) of the small-file
# table, the optimized one and a freshly ingested one (goal: optimized within 1.2x of fresh).
#   optimize_bench.sh <lakestream cli | build dir> [work dir]   env: ROWS (2000000), RUNS (3),
#                                                               PIECE_ROWS (4600)
set -euo pipefail
cli=${LAKESTREAM_CLI:-$1}
[[ -d $cli ]] && cli=$cli/bin/lakestream
[[ -x $cli ]] || { echo "optimize_bench: no lakestream CLI at '$cli'" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "optimize_bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
work=${2:-/tmp/lakestream-optimize-bench}
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
tools=$src/tests/tools
rows=${ROWS:-2000000}
runs=${RUNS:-3}
piece=${PIECE_ROWS:-4600}
schema=$src/schemas/meter_reading.ddl
mkdir -p "$work"
if [ ! -f "$work/small/_delta_log/00000000000000000000.json" ]; then
  echo "generating $rows meter readings and ingesting them in pieces of $piece ..."
  rm -rf "$work/small" "$work/fresh" "$work/pieces" "$work"/*_dead_letter
  node "$here/gen_meter_ndjson.mjs" --rows "$rows" --out "$work/meters.ndjson"
  mkdir -p "$work/pieces"
  split -l "$piece" -d -a 5 "$work/meters.ndjson" "$work/pieces/p"
  args=()
  for f in "$work"/pieces/p*; do args+=(-i "$f"); done
  "$cli" ingest --schema "$schema" "${args[@]}" --table "$work/small" --partition-by SupplierId \
    --no-ui >/dev/null
  "$cli" ingest --schema "$schema" -i "$work/meters.ndjson" --table "$work/fresh" \
    --partition-by SupplierId --no-ui >/dev/null
  rm -rf "$work/pieces" "$work/meters.ndjson"
fi
small_files=$("$cli" describe "$work/small" | awk '/^Files:/ {print $2}')
fresh_files=$("$cli" describe "$work/fresh" | awk '/^Files:/ {print $2}')

median() { printf "%s\n" "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
peak_mb() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$1"; }
wall_s() {
  awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0;
    for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$1"
}
now() { date +%s.%N; }

ls_wall=() ls_rss=() dk_wall=() dk_rss=()
for i in $(seq "$runs"); do
  rm -rf "$work/run" "$work/duck"
  cp -r "$work/small" "$work/run"
  sync
  /usr/bin/time -v -o "$work/ls.time" "$cli" optimize "$work/run" --max-concurrent-tasks 2 \
    --no-ui >"$work/ls.out"
  ls_wall+=("$(wall_s "$work/ls.time")") ls_rss+=("$(peak_mb "$work/ls.time")")
  /usr/bin/time -v -o "$work/dk.time" node "$here/optimize_bench_duckdb.mjs" "$tools" \
    "$work/small" "$work/duck" >"$work/dk.out"
  dk_wall+=("$(wall_s "$work/dk.time")") dk_rss+=("$(peak_mb "$work/dk.time")")
  printf 'round %d: lakestream optimize %s s (%s MB) | DuckDB COPY %s s (%s MB)\n' "$i" \
    "${ls_wall[-1]}" "${ls_rss[-1]}" "${dk_wall[-1]}" "${dk_rss[-1]}"
done
cat "$work/ls.out"
optimized_files=$("$cli" describe "$work/run" | awk '/^Files:/ {print $2}')

scan() { local t; t=$(now); "$cli" show "$1" --format json --no-ui >/dev/null; echo "$(now) - $t" | bc; }
sc_small=() sc_opt=() sc_fresh=()
for i in $(seq "$runs"); do
  sc_small+=("$(scan "$work/small")") sc_opt+=("$(scan "$work/run")") sc_fresh+=("$(scan "$work/fresh")")
done
lw=$(median "${ls_wall[@]}") lr=$(median "${ls_rss[@]}") dw=$(median "${dk_wall[@]}") dr=$(median "${dk_rss[@]}")
ss=$(median "${sc_small[@]}") so=$(median "${sc_opt[@]}") sf=$(median "${sc_fresh[@]}")
printf "\nOPTIMIZE of %d rows in %d small files into %d, medians of %d runs\n" "$rows" "$small_files" "$optimized_files" "$runs"
printf "  %-40s %8.2f s  peak RSS %5d MB\n" "lakestream optimize (2 tasks)" "$lw" "$lr"
printf "  %-40s %8.2f s  peak RSS %5d MB\n" "DuckDB COPY ... PARTITION_BY (2 threads)" "$dw" "$dr"
printf "speed DuckDB/lakestream: %.2f (above 1: lakestream faster); memory lakestream/DuckDB: %.2f\n" \
  "$(echo "$dw / $lw" | bc -l)" "$(echo "$lr / $dr" | bc -l)"
printf "\nfull scan to JSON lines (lakestream show --format json), medians\n"
printf "  %-40s %8.2f s\n" "$small_files small files" "$ss" "after OPTIMIZE ($optimized_files files)" "$so" \
  "freshly ingested ($fresh_files files)" "$sf"
printf "optimized / fresh: %.2f (goal <= 1.2); small / optimized: %.2f\n" \
  "$(echo "$so / $sf" | bc -l)" "$(echo "$ss / $so" | bc -l)"
