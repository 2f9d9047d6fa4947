#!/usr/bin/env bash
# `lakestream ingest` into Delta tables that use writer features (docs/delta.md "Constraints").
#   delta_features_test.sh <lakestream cli> <work dir> <tests/tools dir> <source dir>
# Each table's commit 0 is written here as Spark's CREATE TABLE writes it; DuckDB reads back
# what lakestream appended (delta_features_check.mjs).
set -euo pipefail
cli=$1
work=$2
tools=$3
src=$4
schema=$src/schemas/meter_reading.ddl

if [ ! -d "$tools/node_modules/@duckdb/node-api" ]; then
  echo "delta_features_test: the npm test tools are missing in $tools/node_modules" >&2
  exit 1
fi
rm -rf "$work"
mkdir -p "$work"
fail() { echo "delta_features_test: FAIL: $*" >&2; exit 1; }
q() { node "$src/tests/scripts/delta_features_check.mjs" "$tools" "$@"; }

# commit 0 of table $1: protocol $2 (JSON), the flattened meter schema plus the fields $3 (JSON
# array), configuration $4 (JSON object).
create_table() {
  mkdir -p "$1/_delta_log"
  node -e '
    const [protocol, extra, conf] = process.argv.slice(1).map((a) => JSON.parse(a))
    const f = (name, type, nullable, metadata = {}) => ({ name, type, nullable, metadata })
    const fields = [f("MeterId", "string", false), f("SupplierId", "string", false),
      f("Measurement_Value", "decimal(10,0)", false), f("Measurement_Unit", "string", true),
      f("ObservationTime", "timestamp", false), ...extra]
    const meta = { id: "4f0c7d62-9a3e-4d1b-8d55-2f6f1f0b9c01",
      format: { provider: "parquet", options: {} },
      schemaString: JSON.stringify({ type: "struct", fields }),
      partitionColumns: [], configuration: conf, createdTime: 1714557600000 }
    console.log(JSON.stringify({ protocol }))
    console.log(JSON.stringify({ metaData: meta }))
  ' "$2" "$3" "$4" > "$1/_delta_log/00000000000000000000.json"
}

line() {  # MeterId Value time
  printf '{"MeterId":"%s","SupplierId":"s1","Measurement":{"Value":%s,"Unit":"kWH"},"ObservationTime":"%s"}\n' "$1" "$2" "$3"
}

echo "--- CHECK constraint and a generated column (writer version 4)"
create_table "$work/checked" '{"minReaderVersion":1,"minWriterVersion":4}' \
  '[{"name":"ObservationDate","type":"date","nullable":true,"metadata":{"delta.generationExpression":"CAST(ObservationTime AS DATE)"}}]' \
  '{"delta.constraints.positive_reading":"Measurement_Value > 0"}'
{
  line m1 5 2024-05-01T10:00:00Z
  line m2 -3 2024-05-01T23:59:59Z
  line m3 7 2024-05-02T00:00:01Z
  echo '{"MeterId": "broken"'
  line m4 0 2024-05-03T08:00:00Z
  line m5 9 2024-05-03T08:00:00Z
} > "$work/readings.ndjson"
out=$("$cli" ingest --schema "$schema" --input "$work/readings.ndjson" --table "$work/checked" \
  --dead-letter-table "$work/checked_dl" --threads 2)
echo "$out"
[[ $out == *"6 lines read = 3 rows written + 3 dead-lettered"* ]] || fail "summary: $out"
rows=$(q "$work/checked" "SELECT MeterId, CAST(Measurement_Value AS INTEGER) AS v,
  CAST(ObservationDate AS VARCHAR) AS d FROM t ORDER BY MeterId")
echo "$rows"
[ "$rows" = '[{"MeterId":"m1","v":5,"d":"2024-05-01"},{"MeterId":"m3","v":7,"d":"2024-05-02"},{"MeterId":"m5","v":9,"d":"2024-05-03"}]' ] ||
  fail "table rows: $rows"
dl=$(q "$work/checked_dl" "SELECT line, field, reason, decode(raw) AS raw FROM t ORDER BY line")
echo "$dl"
node -e '
  const dl = JSON.parse(process.argv[1])
  const want = [
    [2, "Measurement_Value", "CHECK constraint positive_reading (Measurement_Value > 0) violated by Measurement_Value = -3", "\"MeterId\":\"m2\""],
    [5, "Measurement_Value", "CHECK constraint positive_reading (Measurement_Value > 0) violated by Measurement_Value = 0", "\"MeterId\":\"m4\""],
  ]
  const checks = dl.filter((r) => r.reason.startsWith("CHECK"))
  if (dl.length !== 3 || checks.length !== 2) throw new Error("3 dead letters, 2 of them CHECKs expected")
  checks.forEach((r, i) => {
    const [l, field, reason, raw] = want[i]
    if (Number(r.line) !== l || r.field !== field || !r.reason.startsWith(reason) || !r.raw.includes(raw))
      throw new Error("dead letter " + JSON.stringify(r) + " is not line " + l + ": " + reason)
  })
' "$dl" || fail "dead letters: $dl"

echo "--- 30,000 generated rows over many chunks and two workers: each dead letter is its line"
node "$src/bench/gen_meter_ndjson.mjs" --rows 30000 --invalid-every 101 --out "$work/gen.ndjson"
create_table "$work/gen" '{"minReaderVersion":1,"minWriterVersion":3}' '[]' \
  '{"delta.constraints.small_value":"Measurement_Value < 50"}'
out=$("$cli" ingest --schema "$schema" --input "$work/gen.ndjson" --table "$work/gen" \
  --dead-letter-table "$work/gen_dl" --threads 2 --chunk-mb 1)
echo "$out"
q "$work/gen" "SELECT count(*)::INTEGER AS n, max(Measurement_Value)::INTEGER AS hi FROM t" \
  > "$work/gen_rows.json"
q "$work/gen_dl" "SELECT line::INTEGER AS line, reason, decode(raw) AS raw FROM t ORDER BY line" \
  > "$work/gen_dl.json"
node -e '
  const fs = require("fs")
  const [file, rowsFile, dlFile, out] = process.argv.slice(1)
  const rowsText = fs.readFileSync(rowsFile, "utf8"), dlText = fs.readFileSync(dlFile, "utf8")
  const lines = fs.readFileSync(file, "utf8").split("\n")
  if (lines[lines.length - 1] === "") lines.pop()
  const rows = JSON.parse(rowsText)[0]
  const dl = JSON.parse(dlText)
  const fail = (m) => { console.error(m); process.exit(1) }
  const checks = dl.filter((d) => d.reason.startsWith("CHECK constraint small_value"))
  // Every line whose value breaks the constraint is dead-lettered (for it or for another
  // fault), and none reached the table.
  const dead = new Set(dl.map((d) => d.line))
  let big = 0
  lines.forEach((l, i) => {
    let v
    try { v = JSON.parse(l).Measurement.Value } catch { return }
    if (typeof v === "number" && v >= 50 && v < 1e10) {
      big++
      if (!dead.has(i + 1)) fail(`line ${i + 1} (value ${v}) is not dead-lettered`)
    }
  })
  if (checks.length === 0 || big < checks.length) fail(`${checks.length} CHECK dead letters, ${big} lines >= 50`)
  if (rows.n + dl.length !== lines.length) fail(`${rows.n} rows + ${dl.length} dead letters != ${lines.length} lines`)
  if (rows.hi >= 50) fail(`a value ${rows.hi} >= 50 reached the table`)
  for (const d of checks) {
    if (lines[d.line - 1] !== d.raw) fail(`dead letter at line ${d.line} is not that line: ${d.raw}`)
    const v = JSON.parse(d.raw).Measurement.Value
    if (!d.reason.endsWith(`violated by Measurement_Value = ${v}`)) fail(`reason ${d.reason} for value ${v}`)
  }
  if (!out.includes(`${lines.length} lines read = ${rows.n} rows written + ${dl.length} dead-lettered`)) fail(out)
  console.log(`${lines.length} lines: ${rows.n} rows, ${checks.length} CHECK dead letters, each its own line`)
'  "$work/gen.ndjson" "$work/gen_rows.json" "$work/gen_dl.json" "$out" || fail "generated rows and dead letters"

echo "--- fail-fast: the append fails naming the constraint, nothing is committed"
create_table "$work/checked3" '{"minReaderVersion":1,"minWriterVersion":3}' '[]' \
  '{"delta.constraints.positive_reading":"Measurement_Value > 0"}'
{ line m1 5 2024-05-01T10:00:00Z; line m2 -3 2024-05-01T23:59:59Z; } > "$work/one_bad.ndjson"
if err=$("$cli" ingest --schema "$schema" --input "$work/one_bad.ndjson" --table "$work/checked3" \
  --mode fail-fast 2>&1); then
  fail "fail-fast ingest of a violating row succeeded: $err"
fi
echo "$err"
[[ $err == *"CHECK constraint positive_reading (Measurement_Value > 0) violated by Measurement_Value = -3"* ]] ||
  fail "fail-fast error does not name the constraint: $err"
[ "$(ls "$work/checked3/_delta_log" | grep -c '\.json$')" = 1 ] || fail "fail-fast committed"

echo "--- a constraint lakestream cannot evaluate: refused by name before anything is written"
create_table "$work/opaque" '{"minReaderVersion":1,"minWriterVersion":3}' '[]' \
  '{"delta.constraints.meter_format":"MeterId RLIKE '"'"'^m[0-9]+$'"'"'"}'
if err=$("$cli" ingest --schema "$schema" --input "$work/one_bad.ndjson" --table "$work/opaque" 2>&1); then
  fail "ingest into a table with an RLIKE constraint succeeded: $err"
fi
echo "$err"
[[ $err == *"checkConstraints"*"CHECK constraint meter_format"*"RLIKE"* ]] || fail "refusal: $err"
[ -z "$(ls "$work/opaque" | grep parquet || true)" ] || fail "files written into the refused table"

echo "--- identity column (GENERATED ALWAYS AS IDENTITY (START WITH 100 INCREMENT BY 10))"
create_table "$work/ids" '{"minReaderVersion":1,"minWriterVersion":6}' \
  '[{"name":"Id","type":"long","nullable":false,"metadata":{"delta.identity.start":100,"delta.identity.step":10,"delta.identity.allowExplicitInsert":false}}]' '{}'
{ line i1 1 2024-05-01T10:00:00Z; line i2 2 2024-05-01T10:00:01Z; line i3 3 2024-05-01T10:00:02Z; } > "$work/ids_a.ndjson"
{ line i4 4 2024-05-01T10:00:03Z; line i5 5 2024-05-01T10:00:04Z; } > "$work/ids_b.ndjson"
"$cli" ingest --schema "$schema" --input "$work/ids_a.ndjson" --input "$work/ids_b.ndjson" \
  --table "$work/ids" --threads 2
{ line i6 6 2024-05-01T10:00:05Z; } > "$work/ids_c.ndjson"
"$cli" ingest --schema "$schema" --input "$work/ids_c.ndjson" --table "$work/ids"
ids=$(q "$work/ids" "SELECT count(*)::INTEGER AS n, count(DISTINCT Id)::INTEGER AS distinct_ids,
  min(Id)::INTEGER AS lo, max(Id)::INTEGER AS hi, bool_and((Id - 100) % 10 = 0) AS on_step,
  max(Id) FILTER (WHERE MeterId = 'i6')::INTEGER AS last FROM t")
echo "$ids"
[ "$ids" = '[{"n":6,"distinct_ids":6,"lo":100,"hi":150,"on_step":true,"last":150}]' ] ||
  fail "identity values: $ids"
mark=$(node -e '
  const fs = require("fs"), path = require("path")
  const dir = path.join(process.argv[1], "_delta_log")
  let schema = null
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith(".json")).sort()) {
    for (const l of fs.readFileSync(path.join(dir, f), "utf8").split("\n")) {
      if (l.trim() && JSON.parse(l).metaData) schema = JSON.parse(JSON.parse(l).metaData.schemaString)
    }
  }
  process.stdout.write(String(schema.fields.find((f) => f.name === "Id").metadata["delta.identity.highWaterMark"]))
' "$work/ids")
[ "$mark" = 150 ] || fail "highWaterMark $mark, 150 expected"
# A value given to a GENERATED ALWAYS column is dead-lettered, naming the column.
cat > "$work/ids.ddl" <<'DDL'
MeterId STRING NOT NULL, SupplierId STRING NOT NULL, Measurement STRUCT<Value: DECIMAL(10,0) NOT NULL, Unit: STRING> NOT NULL, ObservationTime TIMESTAMP NOT NULL, Id BIGINT
DDL
echo '{"MeterId":"i7","SupplierId":"s1","Measurement":{"Value":7,"Unit":"kWH"},"ObservationTime":"2024-05-01T10:00:06Z","Id":5}' > "$work/ids_d.ndjson"
out=$("$cli" ingest --schema "$work/ids.ddl" --input "$work/ids_d.ndjson" --table "$work/ids")
[[ $out == *"1 lines read = 0 rows written + 1 dead-lettered"* ]] || fail "explicit identity: $out"
dl=$(q "$work/ids_dead_letter" "SELECT reason FROM t")
[[ $dl == *"identity column Id is GENERATED ALWAYS AS IDENTITY and takes no value: the row gives Id = 5"* ]] ||
  fail "explicit identity dead letter: $dl"

echo "--- column mapping (modes name and id): physical names and field ids in the files"
cat > "$work/mapped.ddl" <<'DDL'
`Meter Id` STRING NOT NULL, Reading DOUBLE, Site STRUCT<Name: STRING, Code: INT>, Day STRING
DDL
{
  echo '{"Meter Id":"m1","Reading":1.5,"Site":{"Name":"north","Code":7},"Day":"d1"}'
  echo '{"Meter Id":"m2","Reading":2.5,"Site":{"Name":"south","Code":8},"Day":"d2"}'
  echo '{"Meter Id":"m3","Reading":-1,"Site":null,"Day":"d1"}'
} > "$work/mapped.ndjson"
for mode in name id; do
  t=$work/mapped_$mode
  mkdir -p "$t/_delta_log"
  # `Reading` was renamed from `Value` (its physical name stays), `Meter Id` has a space.
  node -e '
    const mode = process.argv[1]
    const m = (id, physical) => ({ "delta.columnMapping.id": id, "delta.columnMapping.physicalName": physical })
    const f = (name, type, nullable, metadata) => ({ name, type, nullable, metadata })
    const fields = [f("Meter Id", "string", false, m(1, "col-a1")),
      f("Reading", "double", true, m(2, "Value")),
      f("Site", { type: "struct", fields: [f("Name", "string", true, m(4, "col-n4")),
        f("Code", "integer", true, m(5, "col-c5"))] }, true, m(3, "col-s3")),
      f("Day", "string", true, m(6, "col-d6"))]
    console.log(JSON.stringify({ protocol: { minReaderVersion: 2, minWriterVersion: 5 } }))
    console.log(JSON.stringify({ metaData: { id: "0e9c3c1a-6f55-4a52-b1a4-7d1c2f3e4a5b",
      format: { provider: "parquet", options: {} },
      schemaString: JSON.stringify({ type: "struct", fields }), partitionColumns: ["Day"],
      configuration: { "delta.columnMapping.mode": mode, "delta.columnMapping.maxColumnId": "6" },
      createdTime: 1714557600000 } }))
  ' "$mode" > "$t/_delta_log/00000000000000000000.json"
  out=$("$cli" ingest --schema "$work/mapped.ddl" --input "$work/mapped.ndjson" --table "$t" \
    --flatten false --partition-by Day)
  echo "$out"
  [[ $out == *"3 lines read = 3 rows written + 0 dead-lettered"* ]] || fail "$mode summary: $out"
  fields=$(q "$t" "SELECT DISTINCT name, CAST(field_id AS INTEGER) AS field_id FROM s WHERE field_id IS NOT NULL ORDER BY field_id")
  echo "$fields"
  [ "$fields" = '[{"name":"col-a1","field_id":1},{"name":"Value","field_id":2},{"name":"col-s3","field_id":3},{"name":"col-n4","field_id":4},{"name":"col-c5","field_id":5}]' ] ||
    fail "$mode: file fields and ids: $fields"
  rows=$(q "$t" "SELECT \"col-a1\" AS m, \"Value\" AS v, \"col-s3\".\"col-n4\" AS site FROM t ORDER BY m")
  [ "$rows" = '[{"m":"m1","v":1.5,"site":"north"},{"m":"m2","v":2.5,"site":"south"},{"m":"m3","v":-1,"site":null}]' ] ||
    fail "$mode: DuckDB rows: $rows"
  keys=$(q "$t" "SELECT DISTINCT partition_values, stats LIKE '%\"col-a1\"%' AS physical_stats FROM adds ORDER BY 1")
  [ "$keys" = '[{"partition_values":"{\"col-d6\":\"d1\"}","physical_stats":true},{"partition_values":"{\"col-d6\":\"d2\"}","physical_stats":true}]' ] ||
    fail "$mode: partitionValues/stats keys: $keys"
  # Our reader gives the logical names back.
  shown=$("$cli" show "$t" --format csv --columns "Meter Id,Reading,Day" --where Day=d1)
  echo "$shown"
  [[ $shown == *"Meter Id,Reading,Day"*"m1,1.5,d1"*"m3,-1.0,d1"* ]] || fail "$mode: show: $shown"
done

echo "delta_features_test: OK"
