#!/usr/bin/env bash
# --table-property on `lakestream ingest` and `lakestream stream` (label readers): a new table
# gets the properties and the lowest protocol they need (delta/table_properties.h); appends
# honour them (row ids numbered, a v2 checkpoint written), appends to a clustered table carry
# statistics for its clustering column; DuckDB reads every row
# (tests/tools/check_delta.mjs against the NDJSON); an unknown delta.* key or a malformed
# option is refused before anything is written; an existing table's properties stay as they are.
#   table_properties_test.sh <scenario: ingest | stream> <lakestream> <tests/tools> <source dir>
set -u -o pipefail

scenario=table_properties.$1
cli=$2
tools=$3
src=$4
source "$(dirname "$0")/hub_test_lib.sh"
schema=$src/schemas/meter_reading.ddl

[[ -d $tools/node_modules/@duckdb/node-api ]] ||
  fail "the npm test tools are missing in $tools/node_modules; run scripts/bootstrap.sh"

# js EXPR FILE: evaluate EXPR with `log` = the JSON actions of FILE (one object a line).
js() {
  node -e '
    const fs = require("fs");
    const log = fs.readFileSync(process.argv[2], "utf8").split("\n").filter(Boolean).map(JSON.parse);
    const protocol = (log.find((a) => a.protocol) || {}).protocol;
    const meta = (log.find((a) => a.metaData) || {}).metaData;
    const adds = log.filter((a) => a.add).map((a) => a.add);
    const domains = log.filter((a) => a.domainMetadata).map((a) => a.domainMetadata);
    process.stdout.write(String(eval(process.argv[1])));' "$1" "$2"
}
commit() { printf '%s/_delta_log/%020d.json' "$1" "$2"; }
# checks TABLE INPUT...: the protocol and properties of version 0, then DuckDB reads the rows.
checks() {
  local t=$1
  shift
  [[ $(js 'protocol.minReaderVersion + "/" + protocol.minWriterVersion' "$(commit "$t" 0)") == 3/7 ]] ||
    fail "protocol: $(head -c 600 "$(commit "$t" 0)")"
  [[ $(js 'protocol.writerFeatures.sort().join()' "$(commit "$t" 0)") == \
    appendOnly,deletionVectors,domainMetadata,invariants,rowTracking,v2Checkpoint ]] ||
    fail "writer features: $(js 'protocol.writerFeatures' "$(commit "$t" 0)")"
  [[ $(js 'protocol.readerFeatures.sort().join()' "$(commit "$t" 0)") == deletionVectors,v2Checkpoint ]] ||
    fail "reader features"
  [[ $(js 'meta.configuration["delta.enableRowTracking"] + meta.configuration.owner' "$(commit "$t" 0)") == "truemetering team" ]] ||
    fail "configuration: $(js 'JSON.stringify(meta.configuration)' "$(commit "$t" 0)")"
  [[ $(js 'adds.every((a) => Number.isInteger(a.baseRowId))' "$(commit "$t" 1)") == true ]] ||
    fail "adds of version 1 without baseRowId"
  [[ $(js 'domains.some((d) => d.domain === "delta.rowTracking")' "$(commit "$t" 1)") == true ]] ||
    fail "version 1 without the row id high-water mark"
  ls "$t/_delta_log" | grep -Eq '^0{19}2\.checkpoint\.[0-9a-f-]{36}\.parquet$' ||
    fail "no v2 checkpoint at version 2: $(ls "$t/_delta_log")"
  node "$tools/check_delta.mjs" --table "$t" --partition-by SupplierId "$@" >"$work/check.json" \
    2>"$work/check.err" || fail "DuckDB check: $(head -c 2000 "$work/check.err")"
  note "$(cat "$work/check.json")"
  "$cli" describe "$t" >"$work/describe.out" || fail "describe failed"
  grep -q 'checkpoint 2' "$work/describe.out" || fail "describe: $(cat "$work/describe.out")"
  grep -q 'Writer features:   \[appendOnly, invariants, v2Checkpoint, deletionVectors, rowTracking, domainMetadata\]' \
    "$work/describe.out" || fail "describe features: $(cat "$work/describe.out")"
  grep -q 'Metadata domains:  \[delta.rowTracking\]' "$work/describe.out" ||
    fail "describe domains: $(cat "$work/describe.out")"
}
# make_clustered TABLE: TABLE (lakestream's, not partitioned) gets version 0 rewritten as
# Databricks' CREATE TABLE ... CLUSTER BY (ObservationTime) writes it: the clustering and
# domainMetadata features, the delta.clustering domain, and statistics on the first column only
# (delta.dataSkippingNumIndexedCols=1) for the files written from now on.
make_clustered() {
  node -e '
    const fs = require("fs");
    const v0 = process.argv[1] + "/_delta_log/00000000000000000000.json";
    const out = [];
    for (const a of fs.readFileSync(v0, "utf8").split("\n").filter(Boolean).map(JSON.parse)) {
      if (a.protocol) {
        a.protocol = { minReaderVersion: 1, minWriterVersion: 7,
                       writerFeatures: ["clustering", "domainMetadata", "appendOnly", "invariants"] };
      }
      if (a.metaData) a.metaData.configuration = { "delta.dataSkippingNumIndexedCols": "1" };
      out.push(a);
      if (a.metaData) {
        out.push({ domainMetadata: { domain: "delta.clustering",
          configuration: JSON.stringify({ clusteringColumns: [["ObservationTime"]] }), removed: false } });
      }
    }
    fs.writeFileSync(v0, out.map((l) => JSON.stringify(l)).join("\n") + "\n");
  ' "$1" || fail "making $1 clustered failed"
}
# check_clustered TABLE FIRST_VERSION: every add from that version on has stats on the
# clustering column ObservationTime and on MeterId (the one indexed column), none on SupplierId.
check_clustered() {
  node -e '
    const fs = require("fs");
    const log = process.argv[1] + "/_delta_log/";
    let adds = 0;
    for (const f of fs.readdirSync(log).filter((n) => /^\d{20}\.json$/.test(n))) {
      if (Number(f.slice(0, 20)) < Number(process.argv[2])) continue;
      for (const a of fs.readFileSync(log + f, "utf8").split("\n").filter(Boolean).map(JSON.parse)) {
        if (!a.add) continue;
        const s = JSON.parse(a.add.stats);
        if (!("ObservationTime" in s.nullCount) || !("ObservationTime" in s.minValues) ||
            !("MeterId" in s.nullCount) || "SupplierId" in s.nullCount) {
          console.error("stats of " + a.add.path + ": " + a.add.stats);
          process.exit(1);
        }
        adds++;
      }
    }
    if (adds === 0) { console.error("no add to check"); process.exit(1); }
  ' "$1" "$2" || fail "statistics of the clustered table $1"
}
properties=(--table-property delta.enableRowTracking=true --table-property delta.enableDeletionVectors=true
  --table-property delta.checkpointPolicy=v2 --table-property delta.checkpointInterval=2
  --table-property "owner=metering team")

case $1 in
  ingest)
    awk 'BEGIN { for (n = 0; n < 900; n++) { v = n * 3019; s = int(n / 1000)
      printf "{\"MeterId\":\"%d\",\"SupplierId\":\"%d\",\"Measurement\":{\"Value\":%d,\"Unit\":\"kWH\"},\"ObservationTime\":\"2021-01-19T10:00:%02d.%03dZ\"}\n",
        v % 127, v % 23, v % 59, s, n % 1000 } }' >"$work/all.ndjson"
    split -l 300 -d "$work/all.ndjson" "$work/part_"
    note "a new table with properties, three ingests"
    for f in "$work"/part_0*; do
      "$cli" ingest --schema "$schema" -i "$f" --table "$work/t" --partition-by SupplierId \
        "${properties[@]}" >>"$work/ingest.out" 2>&1 || fail "ingest of $f failed"
    done
    checks "$work/t" "$work"/part_0*
    note "OPTIMIZE keeps the rows, numbers the new files and materializes the row ids"
    "$cli" optimize "$work/t" >"$work/optimize.out" 2>&1 || fail "optimize: $(cat "$work/optimize.out")"
    v=$(( $(ls "$work/t/_delta_log" | grep -c '^[0-9]*\.json$') - 1 ))
    [[ $(js 'adds.length > 0 && adds.every((a) => Number.isInteger(a.baseRowId) && !a.dataChange)' \
      "$(commit "$work/t" "$v")") == true ]] || fail "OPTIMIZE's adds: $(head -c 800 "$(commit "$work/t" "$v")")"
    node "$tools/check_delta.mjs" --table "$work/t" --partition-by SupplierId "$work"/part_0* \
      >"$work/check.json" 2>"$work/check.err" || fail "DuckDB after OPTIMIZE: $(head -c 2000 "$work/check.err")"
    note "an existing table keeps its properties"
    cp "$(commit "$work/t" 0)" "$work/v0.json"
    "$cli" ingest --schema "$schema" -i "$src/samples/meter_readings.ndjson" --table "$work/t" \
      --partition-by SupplierId --table-property delta.appendOnly=true >>"$work/ingest.out" 2>&1 ||
      fail "an ingest into the existing table failed"
    [[ $(js 'meta.configuration["delta.appendOnly"]' "$work/v0.json") == undefined ]] || fail "v0 changed"
    ! grep -q '"metaData"' "$(commit "$work/t" 3)" || fail "a property changed an existing table"
    note "appends to a clustered table carry statistics for its clustering column"
    "$cli" ingest --schema "$schema" -i "$src/samples/meter_readings.ndjson" --table "$work/c" \
      >>"$work/ingest.out" 2>&1 || fail "creating the table to cluster failed"
    make_clustered "$work/c"
    "$cli" ingest --schema "$schema" -i "$work/part_00" --table "$work/c" >>"$work/ingest.out" 2>&1 ||
      fail "an ingest into the clustered table failed"
    check_clustered "$work/c" 1
    node "$tools/check_delta.mjs" --table "$work/c" "$src/samples/meter_readings.ndjson" \
      "$work/part_00" >"$work/check.json" 2>"$work/check.err" ||
      fail "DuckDB check of the clustered table: $(head -c 2000 "$work/check.err")"
    note "refusals write nothing"
    rc=0
    "$cli" ingest --schema "$schema" -i "$work/part_00" --table "$work/u" \
      --table-property delta.enableRowTraking=true >"$work/refused.out" 2>&1 || rc=$?
    [[ $rc == 1 ]] || fail "an unknown delta.* property: exit $rc, expected 1"
    grep -q 'unknown table property delta.enableRowTraking' "$work/refused.out" ||
      fail "the refusal does not name the key: $(cat "$work/refused.out")"
    [[ ! -e $work/u/_delta_log ]] || fail "the refused ingest created the table"
    rc=0
    "$cli" ingest --schema "$schema" -i "$work/part_00" --table "$work/u" \
      --table-property delta.appendOnly >"$work/usage.out" 2>&1 || rc=$?
    [[ $rc == 2 ]] || fail "--table-property without '=': exit $rc, expected 2"
    grep -q "expected KEY=VALUE" "$work/usage.out" || fail "usage: $(cat "$work/usage.out")"
    [[ ! -e $work/u ]] || fail "the usage error created something"
    ;;

  stream)
    start_hub input:2
    produce 0 900 0
    cut -d: -f2- "$work/produce.txt" >"$work/all.ndjson"
    note "a stream creating a table with properties"
    "$cli" stream --schema "$schema" --input-eh-connection-string "$conn" --table "$work/t" \
      --checkpoint-location "$work/cp" --no-ui --partition-by SupplierId \
      --trigger-interval available-now --max-events-per-trigger 300 "${properties[@]}" \
      >"$work/stream.out" 2>"$work/stream.err" || fail "the stream failed"
    checks "$work/t" "$work/all.ndjson"
    note "a stream into a clustered table"
    stream_c() {
      "$cli" stream --schema "$schema" --input-eh-connection-string "$conn" --table "$work/c" \
        --checkpoint-location "$work/cp_c" --no-ui --trigger-interval available-now \
        --max-events-per-trigger 300 >>"$work/stream_c.out" 2>>"$work/stream_c.err" ||
        fail "the stream into the clustered table failed"
    }
    stream_c  # versions 0-2: the 900 events
    make_clustered "$work/c"  # as if created clustered
    produce 900 300 0
    cut -d: -f2- "$work/produce.txt" >>"$work/all.ndjson"
    stream_c  # version 3
    check_clustered "$work/c" 3
    node "$tools/check_delta.mjs" --table "$work/c" "$work/all.ndjson" >"$work/check.json" \
      2>"$work/check.err" || fail "DuckDB check of the clustered table: $(head -c 2000 "$work/check.err")"
    note "an unknown delta.* key stops the stream before it creates anything"
    rc=0
    "$cli" stream --schema "$schema" --input-eh-connection-string "$conn" --table "$work/u" \
      --checkpoint-location "$work/cp_u" --no-ui --trigger-interval available-now \
      --table-property delta.foo=1 >"$work/refused.out" 2>"$work/refused.err" || rc=$?
    [[ $rc == 1 ]] || fail "an unknown delta.* property: exit $rc, expected 1"
    grep -q 'unknown table property delta.foo' "$work/refused.err" ||
      fail "the refusal does not name the key: $(tail -n 3 "$work/refused.err")"
    [[ ! -e $work/u/_delta_log ]] || fail "the refused stream created the table"
    ;;
  *) fail "unknown scenario $1" ;;
esac
note "ok"
