#!/usr/bin/env bash
# End-to-end check of `lakestream ingest` with DuckDB as the independent reader.
#   ingest_test.sh <lakestream cli> <work dir> <tests/tools dir> <source dir>
# Each step ingests, then check_delta.mjs replays the log, reads the files with DuckDB and
# compares counts and sums (overall and per partition) and the dead-letter table with what it
# computes from the NDJSON itself.
set -euo pipefail
cli=$1
work=$2
tools=$3
src=$4
schema=$src/schemas/meter_reading.ddl
sample=$src/samples/meter_readings.ndjson
gen=$src/bench/gen_meter_ndjson.mjs

if [ ! -d "$tools/node_modules/@duckdb/node-api" ]; then
  echo "ingest_test: the npm test tools are missing in $tools/node_modules;" \
       "run scripts/bootstrap.sh (it runs npm ci there)" >&2
  exit 1
fi
rm -rf "$work"
mkdir -p "$work"

fail() { echo "ingest_test: FAIL: $*" >&2; exit 1; }
check() { node "$tools/check_delta.mjs" "$@"; }
json_field() { node -e "process.stdout.write(String(JSON.parse(process.argv[1])['$2']))" "$1"; }

echo "--- sample, partitioned by SupplierId, several chunks and both workers"
out=$("$cli" ingest --schema "$schema" --input "$sample" --table "$work/meters" \
  --partition-by SupplierId --chunk-mb 1 --threads 2)
echo "$out"
[[ $out == *"17 lines read = 12 rows written + 5 dead-lettered"* ]] || fail "sample summary: $out"
res=$(check --table "$work/meters" --dead-letter "$work/meters_dead_letter" --partition-by SupplierId "$sample")
echo "$res"
[ "$(json_field "$res" rows)" = 12 ] || fail "12 rows expected"
[ "$(json_field "$res" rejects)" = 5 ] || fail "5 rejects expected"
v1=$(json_field "$res" version)

echo "--- re-run on unchanged input appends nothing"
out=$("$cli" ingest --schema "$schema" --input "$sample" --table "$work/meters" --partition-by SupplierId)
echo "$out"
[[ $out == *"already ingested"* ]] || fail "re-run did not say already ingested: $out"
res=$(check --table "$work/meters" --dead-letter "$work/meters_dead_letter" --partition-by SupplierId "$sample")
[ "$(json_field "$res" version)" = "$v1" ] || fail "re-run changed the table version"
dl_versions=$(ls "$work/meters_dead_letter/_delta_log" | grep -c '\.json$')
[ "$dl_versions" = 1 ] || fail "re-run committed to the dead-letter table again"

echo "--- 50,000 generated rows with invalid lines, 1 MB chunks, partitioned"
node "$gen" --rows 50000 --invalid-every 97 --out "$work/gen_a.ndjson"
out=$("$cli" ingest --schema "$schema" --input "$work/gen_a.ndjson" --table "$work/gen" \
  --partition-by SupplierId --chunk-mb 1 --dead-letter-table "$work/gen_rejects")
echo "$out"
[[ $out == *"50000 lines read = 49485 rows written + 515 dead-lettered"* ]] || fail "gen summary: $out"
check --table "$work/gen" --dead-letter "$work/gen_rejects" --partition-by SupplierId "$work/gen_a.ndjson"

echo "--- every codec"
for codec in snappy zstd gzip none; do
  "$cli" ingest --schema "$schema" --input "$work/gen_a.ndjson" --table "$work/codec_$codec" \
    --compression "$codec" --chunk-mb 2
  check --table "$work/codec_$codec" --dead-letter "$work/codec_${codec}_dead_letter" "$work/gen_a.ndjson"
  case $codec in
    none) pattern='\.c000\.parquet$' ;;
    gzip) pattern='\.c000\.gz\.parquet$' ;;
    *) pattern="\\.c000\\.$codec\\.parquet$" ;;
  esac
  ls "$work/codec_$codec" | grep -Eq "$pattern" || fail "no $codec file name in $work/codec_$codec"
done

echo "--- two ingests of different files into one table at once both land"
node "$gen" --rows 30000 --first 50000 --invalid-every 101 --out "$work/gen_b.ndjson"
"$cli" ingest --schema "$schema" --input "$work/gen_a.ndjson" --table "$work/both" \
  --partition-by SupplierId --threads 1 > "$work/both_a.out" &
pid_a=$!
"$cli" ingest --schema "$schema" --input "$work/gen_b.ndjson" --table "$work/both" \
  --partition-by SupplierId --threads 1 > "$work/both_b.out" &
pid_b=$!
wait $pid_a || fail "first concurrent ingest failed"
wait $pid_b || fail "second concurrent ingest failed"
cat "$work/both_a.out" "$work/both_b.out"
res=$(check --table "$work/both" --dead-letter "$work/both_dead_letter" --partition-by SupplierId \
  "$work/gen_a.ndjson" "$work/gen_b.ndjson")
echo "$res"
[ "$(json_field "$res" txns)" = 2 ] || fail "expected one txn per input"

echo "--- several inputs in one run: one commit each, in input order, workers running ahead"
out=$("$cli" ingest --schema "$schema" --input "$work/gen_a.ndjson" --input "$work/gen_b.ndjson" \
  --input "$sample" --input "$work/gen_a.ndjson" --table "$work/multi" --partition-by SupplierId \
  --chunk-mb 1 --threads 2)
echo "$out"
[ "$(echo "$out" | wc -l)" = 4 ] || fail "expected one summary line per input: $out"
[[ $(echo "$out" | sed -n 1p) == *"gen_a.ndjson: 50000 lines read"*"table version 0" ]] ||
  fail "first input not committed first"
[[ $(echo "$out" | sed -n 2p) == *"gen_b.ndjson: 30000 lines read"*"table version 1" ]] ||
  fail "second input not committed second"
[[ $(echo "$out" | sed -n 3p) == *"meter_readings.ndjson: 17 lines read"*"table version 2" ]] ||
  fail "third input not committed third"
[[ $(echo "$out" | sed -n 4p) == *"gen_a.ndjson: already ingested"* ]] ||
  fail "an input given twice was ingested twice"
res=$(check --table "$work/multi" --dead-letter "$work/multi_dead_letter" --partition-by SupplierId \
  "$work/gen_a.ndjson" "$work/gen_b.ndjson" "$sample")
echo "$res"
[ "$(json_field "$res" txns)" = 3 ] || fail "expected one txn per input"

echo "--- 200 inputs in one run under a 48-descriptor limit: inputs are not all held open"
mkdir -p "$work/many_in"
split -l 250 -d -a 3 --additional-suffix=.ndjson "$work/gen_a.ndjson" "$work/many_in/part"
many_args=()
for f in "$work"/many_in/part*.ndjson; do many_args+=(--input "$f"); done
[ "${#many_args[@]}" = 400 ] || fail "expected 200 split inputs, got $((${#many_args[@]} / 2))"
out=$(ulimit -n 48 && "$cli" ingest --schema "$schema" "${many_args[@]}" --table "$work/many" --threads 2)
[ "$(echo "$out" | grep -c 'lines read')" = 200 ] || fail "expected 200 committed inputs: $(echo "$out" | tail -3)"
echo "$out" | tail -1
res=$(check --table "$work/many" --dead-letter "$work/many_dead_letter" "$work"/many_in/part*.ndjson)
echo "$res"
[ "$(json_field "$res" rows)" = 49485 ] || fail "49485 rows expected"
[ "$(json_field "$res" txns)" = 200 ] || fail "expected one txn per input"

echo "--- schema evolution: a second run with a wider schema adds columns with --merge-schema only"
"$cli" ingest --schema "$schema" --input "$sample" --table "$work/evolve" > /dev/null
wide=$work/meter_reading_wide.ddl
sed -e 's/Unit: STRING>/Unit: STRING, Quality: STRING>/' -e 's/$/, Region STRING/' "$schema" > "$wide"
grep -q 'Quality: STRING>.*Region STRING$' "$wide" || fail "could not widen $schema: $(cat "$wide")"
cat > "$work/wide.ndjson" <<'NDJSON'
{"MeterId": "900", "SupplierId": "1", "Measurement": {"Value": 5, "Unit": "kWH", "Quality": "good"}, "ObservationTime": "2021-01-20T10:00:00Z", "Region": "north"}
{"MeterId": "901", "SupplierId": "2", "Measurement": {"Value": 6, "Unit": "kWH", "Quality": "estimated"}, "ObservationTime": "2021-01-20T10:00:01Z", "Region": "south"}
{"MeterId": "902", "SupplierId": "3", "Measurement": {"Value": "x", "Unit": "kWH"}, "ObservationTime": "2021-01-20T10:00:02Z"}
NDJSON
if out=$("$cli" ingest --schema "$wide" --input "$work/wide.ndjson" --table "$work/evolve" 2>&1); then
  fail "a wider schema was accepted without --merge-schema"
fi
echo "$out"
[[ $out == *'adds columns `Measurement_Quality`, `Region` not in the table at'*'set mergeSchema (--merge-schema)'* ]] ||
  fail "the refusal does not name the new columns and the flag: $out"
[ ! -e "$work/evolve/_delta_log/00000000000000000001.json" ] || fail "the refused run committed"
out=$("$cli" ingest --schema "$wide" --input "$work/wide.ndjson" --table "$work/evolve" --merge-schema)
echo "$out"
[[ $out == *"3 lines read = 2 rows written + 1 dead-lettered"* ]] || fail "wide summary: $out"
res=$(node "$src/tests/scripts/merge_schema_check.mjs" "$tools" "$work/evolve" Region Measurement_Quality MeterId)
echo "$res"
[ "$(json_field "$res" rows)" = 14 ] || fail "14 rows expected"
[ "$(node -e "const r = JSON.parse(process.argv[1]); process.stdout.write([r.nulls.Region, r.nulls.Measurement_Quality, r.nulls.MeterId].join(' '))" "$res")" = "12 12 0" ] ||
  fail "the 12 rows of the first run should read null in both new columns (only there)"
[ "$(json_field "$res" fields)" = "MeterId,SupplierId,Measurement_Value,Measurement_Unit,ObservationTime,Measurement_Quality,Region" ] ||
  fail "the merged schema keeps the table's columns first, then the new ones"
[ "$(json_field "$res" metadata_versions)" = "0,1" ] || fail "metaData expected at versions 0 and 1 only"
# lakestream show reads the old rows with the new columns absent (null) too.
shown=$("$cli" show "$work/evolve" --format json)
[ "$(echo "$shown" | wc -l)" = 14 ] || fail "show: 14 rows expected"
[ "$(echo "$shown" | grep -c '"Region"')" = 2 ] || fail "show: Region only in the 2 new rows: $shown"
# The dead-letter table keeps its fixed schema: one metaData, at its creation.
[ "$(cat "$work/evolve_dead_letter/_delta_log/"*.json | grep -c '"metaData"')" = 1 ] ||
  fail "the dead-letter table's schema changed"

echo "--- two --merge-schema ingests widening one table at once: both land, one new metaData"
"$cli" ingest --schema "$schema" --input "$sample" --table "$work/evolve2" > /dev/null
"$cli" ingest --schema "$wide" --input "$work/gen_a.ndjson" --table "$work/evolve2" --merge-schema \
  --threads 1 > "$work/evolve2_a.out" &
pid_a=$!
"$cli" ingest --schema "$wide" --input "$work/gen_b.ndjson" --table "$work/evolve2" --merge-schema \
  --threads 1 > "$work/evolve2_b.out" &
pid_b=$!
wait $pid_a || fail "first concurrent --merge-schema ingest failed"
wait $pid_b || fail "second concurrent --merge-schema ingest failed"
cat "$work/evolve2_a.out" "$work/evolve2_b.out"
written() { sed -n 's/.* = \([0-9]*\) rows written.*/\1/p' "$1"; }
rows_a=$(written "$work/evolve2_a.out")
rows_b=$(written "$work/evolve2_b.out")
res=$(node "$src/tests/scripts/merge_schema_check.mjs" "$tools" "$work/evolve2" Region)
echo "$res"
[ "$(json_field "$res" rows)" = $((12 + rows_a + rows_b)) ] || fail "rows of both runs expected"
[[ $(json_field "$res" metadata_versions) =~ ^0,[12]$ ]] ||
  fail "exactly one metaData after version 0 expected (the loser merges into the winner's)"

echo "--- fail-fast stops at the first bad line and commits nothing"
if out=$("$cli" ingest --schema "$schema" --input "$sample" --table "$work/ff" --mode fail-fast 2>&1); then
  fail "fail-fast succeeded"
fi
echo "$out"
[[ $out == *"meter_readings.ndjson:5"* ]] || fail "fail-fast did not name line 5: $out"
[ ! -e "$work/ff/_delta_log" ] || fail "fail-fast created the table"
echo "--- --rescued-data-column keeps every member the schema does not expect, at any depth"
cat > "$work/rescue_schema.json" <<'JSON'
{"type":"struct","fields":[
 {"name":"Id","type":"string","nullable":false,"metadata":{}},
 {"name":"Device","type":{"type":"struct","fields":[
   {"name":"Name","type":"string","nullable":true,"metadata":{}},
   {"name":"Fw","type":"integer","nullable":true,"metadata":{}}]},"nullable":true,"metadata":{}},
 {"name":"Readings","type":{"type":"array","elementType":{"type":"struct","fields":[
   {"name":"Value","type":"long","nullable":true,"metadata":{}},
   {"name":"Unit","type":"string","nullable":true,"metadata":{}}]},"containsNull":true},
  "nullable":true,"metadata":{}},
 {"name":"Labels","type":{"type":"map","keyType":"string","valueType":{"type":"struct","fields":[
   {"name":"Site","type":"string","nullable":true,"metadata":{}}]},"valueContainsNull":true},
  "nullable":true,"metadata":{}},
 {"name":"Count","type":"long","nullable":true,"metadata":{}}]}
JSON
cat > "$work/rescue.ndjson" <<'NDJSON'
{"Id":"r1","Device":{"Name":"a","Fw":1},"Readings":[{"Value":1,"Unit":"kWh"}],"Labels":{"x":{"Site":"s"}},"Count":1}
{"Id":"r2","Extra":42,"Device":{"Name":"a"}}
{"Id":"r3","Device":{"Name":"a","Color":"red","Geo":{"lat":1.5,"lon":[1,2]}}}
{"Id":"r4","Readings":[{"Value":1},{"Value":2,"Note":"late"},{"Value":3,"Tags":["a","b"]}]}
{"Id":"r5","Labels":{"north":{"Site":"n","Owner":{"id":7}},"south":{"Site":"s"}}}
{"Id":"r6","count":5,"Count":6}
{"Id":"r7","Count":"many","Nested":{"deep":{"x":null}},"Flag":true,"Nothing":null}
{"Id":"r8","Quote":"say \"hi\"\n","Device":{"Name":"b\u00e9"}}
{"Id":"r9","Readings":[{"Value":5,"Unit":"kWh","Meta":{"q":[{"z":1}]}}],"Top":[{"a":{}}],"Count":-3}
{"Id":"r10", "Count" : 7 , "Extra" : "spaced" }
NDJSON
out=$("$cli" ingest --schema "$work/rescue_schema.json" --input "$work/rescue.ndjson" \
  --table "$work/rescue" --mode permissive --rescued-data-column _rescued_data)
echo "$out"
[[ $out == *"10 lines read = 10 rows written + 0 dead-lettered"* ]] || fail "rescue summary: $out"
res=$(node "$tools/check_rescued.mjs" --table "$work/rescue" --schema "$work/rescue_schema.json" \
  --column _rescued_data --id Id --permissive "$work/rescue.ndjson")
echo "$res"
[ "$(json_field "$res" expectedMembers)" = 15 ] || fail "15 unexpected members in the corpus"
[ "$(json_field "$res" rescuedMembers)" = 15 ] || fail "15 rescued members expected"
# Outside permissive mode a wrong type still rejects the record; unknown members are rescued.
out=$("$cli" ingest --schema "$work/rescue_schema.json" --input "$work/rescue.ndjson" \
  --table "$work/rescue_dl" --rescued-data-column _rescued_data)
echo "$out"
[[ $out == *"10 lines read = 9 rows written + 1 dead-lettered"* ]] || fail "rescue dead-letter summary: $out"
# A name the schema already has is refused before anything is written.
if out=$("$cli" ingest --schema "$work/rescue_schema.json" --input "$work/rescue.ndjson" \
  --table "$work/rescue_clash" --rescued-data-column count 2>&1); then
  fail "a rescued column named like a schema column was accepted"
fi
echo "$out"
[[ $out == *"Count"* ]] || fail "the clash error does not name the column: $out"
[ ! -e "$work/rescue_clash/_delta_log" ] || fail "the clash created the table"

echo "ingest_test: all checks passed"
