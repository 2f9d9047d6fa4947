#!/usr/bin/env bash
# End-to-end check of `lakestream show`, `describe` and `history`, with DuckDB as the
# independent reader of what lakestream wrote (data files and the Parquet checkpoint).
#   show_test.sh <lakestream cli> <work dir> <tests/tools dir> <source dir> <testdata dir>
set -euo pipefail
cli=$1
work=$2
tools=$3
src=$4
data=$5
schema=$src/schemas/meter_reading.ddl
gen=$src/bench/gen_meter_ndjson.mjs

fail() { echo "show_test: FAIL: $*" >&2; exit 1; }
[ -d "$tools/node_modules/@duckdb/node-api" ] || fail "npm test tools missing in $tools (scripts/bootstrap.sh)"
rm -rf "$work"
mkdir -p "$work"

echo "--- 12 ingests of 1000 rows each: versions 0..11, checkpoint at 10"
for i in $(seq 0 11); do
  node "$gen" --rows 1000 --first $((i * 1000)) --out "$work/in$i.ndjson"
  "$cli" ingest --schema "$schema" --input "$work/in$i.ndjson" --table "$work/meters" \
    --partition-by SupplierId >/dev/null
done
[ -f "$work/meters/_delta_log/00000000000000000010.checkpoint.parquet" ] || fail "no checkpoint at 10"
grep -q '"version":10' "$work/meters/_delta_log/_last_checkpoint" || fail "_last_checkpoint"

describe=$("$cli" describe "$work/meters")
echo "$describe" | grep -q "Version: *11" || fail "describe version: $describe"
echo "$describe" | grep -q "checkpoint 10 + 1 commit" || fail "describe checkpoint: $describe"
echo "$describe" | grep -q "Rows: *12000" || fail "describe rows: $describe"
echo "$describe" | grep -q "Partition columns: \[SupplierId\]" || fail "describe partitions"

"$cli" show "$work/meters" --format json >"$work/all.json"
[ "$(wc -l <"$work/all.json")" -eq 12000 ] || fail "show json rows: $(wc -l <"$work/all.json")"
"$cli" show "$work/meters" --format json --where SupplierId=19 --metrics >"$work/s19.json" 2>"$work/s19.metrics"
grep -q "264 pruned by partition, 0 skipped by stats, 12 read" "$work/s19.metrics" || fail "pruning: $(cat "$work/s19.metrics")"
"$cli" show "$work/meters" --format json --version 3 >"$work/v3.json"
[ "$(wc -l <"$work/v3.json")" -eq 4000 ] || fail "time travel rows"
"$cli" show "$work/meters" --format csv --columns MeterId,SupplierId --limit 3 >"$work/s.csv"
[ "$(head -1 "$work/s.csv")" = "MeterId,SupplierId" ] || fail "csv header"
[ "$(wc -l <"$work/s.csv")" -eq 4 ] || fail "csv limit"
table=$("$cli" show "$work/meters" --limit 5)
echo "$table" | grep -q "only showing top 5 rows" || fail "table footer: $table"
"$cli" history "$work/meters" --limit 2 | grep -q "| *11 *|" || fail "history"

echo "--- DuckDB reads the same rows and the checkpoint"
node "$src/tests/scripts/show_check.mjs" "$tools" "$work/meters" "$work/all.json" "$work/s19.json"

"$cli" show "$work/does-not-exist" 2>"$work/err" && fail "missing table accepted"
grep -q "no Delta table" "$work/err" || fail "missing table message: $(cat "$work/err")"

# Deletion vectors and column mapping (tests/data: Databricks tables from delta-rs's corpus).
out=$("$cli" show "$src/tests/data/table-with-dv-small" --format csv)
[ "$(echo "$out" | tail -n +2 | sort -n | tr '\n' ' ')" = "1 2 3 4 5 6 7 8 " ] || fail "dv: $out"
"$cli" describe "$src/tests/data/table-with-dv-small" >"$work/dv_describe.out"
grep -q "^Rows: *8$" "$work/dv_describe.out" || fail "dv rows"
"$cli" show "$src/tests/data/table-with-dv-small" --version 0 --format csv >"$work/dv_v0.out"
grep -qx 9 "$work/dv_v0.out" || fail "dv time travel"
out=$("$cli" show "$src/tests/data/table_with_column_mapping" --format csv \
  --where "Company Very Short=BME")
[ "$out" = "$(printf 'Company Very Short,Super Name\nBME,Timothy Lamb')" ] || fail "mapping: $out"
# A variant column shows as its JSON text (tests/data/variant-table, data from parquet-testing).
out=$("$cli" show "$src/tests/data/variant-table" --format json --columns var)
[ "$(echo "$out" | sed -n 3p)" = '{"var":"{\"c\":8,\"d\":-0.0}"}' ] || fail "variant: $out"
"$cli" show "$src/tests/data/variant-table" | grep -q '|    {"c":8,"d":-0.0}|' || fail "variant table"

# The conformance corpus (LAKESTREAM_TEST_DATA at test time, else the build's setting).
data=${LAKESTREAM_TEST_DATA:-$data}
if [ -z "$data" ] || [ ! -d "$data/delta" ]; then
  echo "show_test: OK; the Spark / delta-rs tables skipped: no conformance corpus (LAKESTREAM_TEST_DATA)"
  exit 77
fi
echo "--- tables written by Spark / delta-rs"
out=$("$cli" show "$data/delta/delta-0.8.0-special-partition" --format csv --columns x)
[ "$(echo "$out" | sort | tr '\n' ' ')" = "A/A B B x " ] || fail "special partition: $out"
out=$("$cli" show "$data/delta/simple_table" --format csv --columns id)
[ "$(echo "$out" | tail -n +2 | sort -n | tr '\n' ' ')" = "5 7 9 " ] || fail "simple_table: $out"
echo "show_test: OK"
