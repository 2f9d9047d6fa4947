#!/usr/bin/env bash
# lakestream ingest vs DuckDB vs Polars on nested NDJSON (structs, arrays of structs, maps,
# lists of lists, nulls) → snappy Parquet, nested columns kept as they are (issue 12; what
# `make bench` runs through scripts/run_bench.sh, which passes the build dir and sets
# $LAKESTREAM_CLI).
#   bench/nested_bench.sh <build-dir>   env: RUNS (default 3), ROWS (default 860000, ~250 MB),
#                                            FLATTENED (default 1; 0 skips the --flatten true line)
# Generates the device events once (tests/tools/nested_events.mjs, event n a pure function of n,
# so two halves written in parallel and joined are the same file), then alternates in every run:
#   - `lakestream ingest --flatten false` into a fresh snappy table (the like-for-like line);
#   - DuckDB: COPY (SELECT * FROM read_json(..., columns = {explicit types})) TO ... (FORMAT
#     parquet, COMPRESSION snappy) through @duckdb/node-api (bench/nested_bench_duckdb.mjs);
#   - Polars: scanJson with an explicit schema, collect, writeParquet snappy, through
#     nodejs-polars (bench/nested_bench_polars.mjs, pinned in bench/tools, installed here with
#     `npm ci` when missing);
#   - with FLATTENED=1, `lakestream ingest` with its default --flatten true (structs as
#     Parent_Child columns), reported on a line of its own and not in the ratios.
# The peers' times are measured inside node around their work (node start-up excluded); their
# whole-process wall time is shown too. lakestream's is its whole process. Peak RSS and CPU
# come from /usr/bin/time -v (node's own baseline, ~45 MB, is in the peers' RSS). Exits non-zero
# when any side's row count is not ROWS.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
build=${1:-$src/build/release}
cli=${LAKESTREAM_CLI:-$build/bin/lakestream}
tools=$src/tests/tools
bench_tools=$here/tools
runs=${RUNS:-3}
rows=${ROWS:-860000}
flattened=${FLATTENED:-1}

[ -x "$cli" ] || { echo "nested_bench: no CLI at $cli (build lakestream_cli first)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "nested_bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
[ -d "$tools/node_modules/@duckdb/node-api" ] ||
  { echo "nested_bench: @duckdb/node-api missing; run scripts/bootstrap.sh" >&2; exit 2; }
# nodejs-polars is a benchmark peer only (not a test tool): installed here, pinned by the lock.
if [ ! -d "$bench_tools/node_modules/nodejs-polars" ] ||
  [ "$bench_tools/package-lock.json" -nt "$bench_tools/node_modules/.package-lock.json" ]; then
  echo "nested_bench: installing the benchmark peers in bench/tools (npm ci)"
  (cd "$bench_tools" && npm ci --no-audit --no-fund --loglevel=error) ||
    { echo "nested_bench: npm ci in $bench_tools failed (needs the npm registry)" >&2; exit 2; }
fi

source "$here/measure.bash"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nested_bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
input=$tmp/events.ndjson
schema=$tmp/device.ddl
node "$tools/nested_events.mjs" --schema > "$schema"
echo "generating $rows device events ..."
half=$((rows / 2))
node "$tools/nested_events.mjs" --first 0 --count "$half" > "$tmp/a.ndjson" &
gen=$!
node "$tools/nested_events.mjs" --first "$half" --count "$((rows - half))" > "$tmp/b.ndjson"
wait "$gen"
cat "$tmp/a.ndjson" "$tmp/b.ndjson" > "$input"
rm -f "$tmp/a.ndjson" "$tmp/b.ndjson"
bytes=$(stat -c %s "$input")
cat "$input" > /dev/null  # every side starts from the page cache

# lakestream_run <flatten> <prefix>: one ingest into a fresh table; appends to <prefix>_wall etc.
lakestream_run() {
  local flatten=$1 prefix=$2
  rm -rf "$tmp/table" "$tmp/table_dead_letter"
  /usr/bin/time -v -o "$tmp/ls.time" "$cli" ingest --schema "$schema" --input "$input" \
    --table "$tmp/table" --compression snappy --flatten "$flatten" > "$tmp/ls.out"
  local written dead
  written=$(awk '{for (f = 1; f < NF; f++) if ($(f + 1) == "rows" && $(f + 2) == "written") s += $f} END {print s + 0}' "$tmp/ls.out")
  dead=$(awk '{for (f = 1; f < NF; f++) if ($(f + 1) == "dead-lettered;") s += $f} END {print s + 0}' "$tmp/ls.out")
  if [ "$written" != "$rows" ] || [ "$dead" != 0 ]; then
    echo "nested_bench: lakestream --flatten $flatten wrote $written rows ($dead dead-lettered), expected $rows" >&2
    cat "$tmp/ls.out" >&2
    exit 1
  fi
  eval "${prefix}_wall+=(\"\$(wall_s \"\$tmp/ls.time\")\")"
  eval "${prefix}_rss+=(\"\$(peak_rss_kb \"\$tmp/ls.time\")\")"
  eval "${prefix}_cpu+=(\"\$(cpu_pct \"\$tmp/ls.time\")\")"
  eval "${prefix}_cs+=(\"\$(cpu_s \"\$tmp/ls.time\")\")"
  echo "run $i lakestream --flatten $flatten: $(tail -n 1 "$tmp/ls.out")"
}

# peer_run <name> <prefix> <script> <tools dir>: one node run of a peer; appends its figures.
peer_run() {
  local name=$1 prefix=$2 script=$3 dir=$4
  rm -f "$tmp/peer.parquet"
  /usr/bin/time -v -o "$tmp/peer.time" node "$script" "$dir" "$input" "$tmp/peer.parquet" > "$tmp/peer.out"
  local got seconds
  got=$(node -e "console.log(JSON.parse(require('fs').readFileSync('$tmp/peer.out','utf8')).rows)")
  seconds=$(node -e "console.log(JSON.parse(require('fs').readFileSync('$tmp/peer.out','utf8')).seconds)")
  if [ "$got" != "$rows" ]; then
    echo "nested_bench: $name wrote $got rows, expected $rows" >&2
    exit 1
  fi
  eval "${prefix}_query+=(\"\$seconds\")"
  eval "${prefix}_wall+=(\"\$(wall_s \"\$tmp/peer.time\")\")"
  eval "${prefix}_rss+=(\"\$(peak_rss_kb \"\$tmp/peer.time\")\")"
  eval "${prefix}_cpu+=(\"\$(cpu_pct \"\$tmp/peer.time\")\")"
  eval "${prefix}_cs+=(\"\$(cpu_s \"\$tmp/peer.time\")\")"
  echo "run $i $name: $(cat "$tmp/peer.out")"
}

ls_wall=() ls_rss=() ls_cpu=() ls_cs=()
lf_wall=() lf_rss=() lf_cpu=() lf_cs=()
dk_query=() dk_wall=() dk_rss=() dk_cpu=() dk_cs=()
pl_query=() pl_wall=() pl_rss=() pl_cpu=() pl_cs=()
echo "$(date -u '+%F %T UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
for ((i = 1; i <= runs; i++)); do
  lakestream_run false ls
  peer_run "duckdb" dk "$here/nested_bench_duckdb.mjs" "$tools"
  peer_run "polars" pl "$here/nested_bench_polars.mjs" "$bench_tools"
  if ((flattened)); then lakestream_run true lf; fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

lf_line=""
if ((flattened)); then
  lf_line="$(median "${lf_wall[@]}") $(median "${lf_rss[@]}") $(median "${lf_cpu[@]}") $(median "${lf_cs[@]}")"
fi
awk -v b="$bytes" -v r="$rows" -v runs="$runs" \
  -v lt="$(median "${ls_wall[@]}")" -v lm="$(median "${ls_rss[@]}")" \
  -v lc="$(median "${ls_cpu[@]}")" -v lcs="$(median "${ls_cs[@]}")" \
  -v dt="$(median "${dk_query[@]}")" -v dw="$(median "${dk_wall[@]}")" -v dm="$(median "${dk_rss[@]}")" \
  -v dc="$(median "${dk_cpu[@]}")" -v dcs="$(median "${dk_cs[@]}")" \
  -v pt="$(median "${pl_query[@]}")" -v pw="$(median "${pl_wall[@]}")" -v pm="$(median "${pl_rss[@]}")" \
  -v pc="$(median "${pl_cpu[@]}")" -v pcs="$(median "${pl_cs[@]}")" -v lf="$lf_line" 'BEGIN {
  printf "\nnested events: NDJSON -> snappy Parquet, %d rows, %.1f MB, median of %d runs\n", r, b / 1e6, runs
  fmt = "%-34s %9.3f %10.1f %11.3f %12s %8s %8.2f\n"
  printf "%-34s %9s %10s %11s %12s %8s %8s\n", "", "seconds", "MB/s", "M rows/s", "peak RSS MB", "CPU %", "CPU s"
  printf fmt, "lakestream --flatten false (proc)", lt, b / 1e6 / lt, r / lt / 1e6, sprintf("%.1f", lm / 1024), lc, lcs
  if (lf != "") {
    split(lf, f, " ")
    printf fmt, "lakestream --flatten true (proc)", f[1], b / 1e6 / f[1], r / f[1] / 1e6, sprintf("%.1f", f[2] / 1024), f[3], f[4]
  }
  printf "%-34s %9.3f %10.1f %11.3f %12s %8s %8s\n", "duckdb COPY (query only)", dt, b / 1e6 / dt, r / dt / 1e6, sprintf("%.1f", dm / 1024), "", ""
  printf fmt, "duckdb (node process)", dw, b / 1e6 / dw, r / dw / 1e6, "same", dc, dcs
  printf "%-34s %9.3f %10.1f %11.3f %12s %8s %8s\n", "polars scanJson+writeParquet (in)", pt, b / 1e6 / pt, r / pt / 1e6, sprintf("%.1f", pm / 1024), "", ""
  printf fmt, "polars (node process)", pw, b / 1e6 / pw, r / pw / 1e6, "same", pc, pcs
  dr = dt / lt; pr = pt / lt
  dg = (dr >= 3) ? "met" : "NOT met"; dmg = (lm < dm) ? "met" : "NOT met"
  pg = (pr >= 5) ? "met" : "NOT met"; pmg = (lm < pm) ? "met" : "NOT met"
  printf "throughput lakestream (--flatten false) / duckdb query: %.2fx (goal >= 3x: %s), peak RSS %.2fx duckdb (goal < 1: %s)\n", dr, dg, lm / dm, dmg
  printf "throughput lakestream (--flatten false) / polars:       %.2fx (goal >= 5x: %s), peak RSS %.2fx polars (goal < 1: %s)\n", pr, pg, lm / pm, pmg
  printf "CPU seconds, peer process / lakestream: duckdb %.2f, polars %.2f\n\n", dcs / lcs, pcs / lcs
}'
