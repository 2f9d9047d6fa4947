#!/usr/bin/env bash
# Hostile input, counted (ctest, label hostile; hostile.cmake). tests/tools/hostile_records.mjs
# writes 31 kinds of records built to break a decoder (10,000-level nesting, 400-digit and 1e400
# numbers, invalid and truncated UTF-8 in keys and values, raw and escaped NUL bytes, duplicate
# keys, a BOM, CRLF, years 0, 9999 and 10000, 1 MB strings, two objects on a line, ...), each
# with the outcome docs/decoding.md documents ("Hostile input"); check_hostile.mjs finds every
# one in the table or the dead-letter table (DuckDB), none lost, none twice.
#   ingest  `lakestream ingest` of the set written 3 times (93 records): exit 0.
#   stream  `lakestream stream` from `lakestream hub`, each record an event produced by kcat:
#           the stream never stops (available-now drains everything, exit 0).
# usage: hostile_test.sh <scenario> <lakestream> <tests/tools> <src>
set -u -o pipefail

scenario=$1
cli=$2
tools=$3
src=$4
source "$(dirname "$0")/hub_test_lib.sh"

node "$tools/hostile_records.mjs" --out "$work/hostile.ndjson" --expect "$work/expect.json" \
  --repeat 3 || fail "hostile_records.mjs failed"
check() {
  node "$tools/check_hostile.mjs" --table "$work/t" --dead-letter "$work/t_dead_letter" \
    --expect "$work/expect.json" "$@" >"$work/check.out" 2>"$work/check.err" ||
    fail "$(head -c 3000 "$work/check.err")"
  note "$(cat "$work/check.out")"
}

case $scenario in
  ingest)
    "$cli" ingest --schema "$src/schemas/meter_reading.ddl" -i "$work/hostile.ndjson" \
      --table "$work/t" --no-ui >"$work/ingest.out" 2>"$work/ingest.err" || fail "ingest failed"
    check --by-line
    ;;
  stream)
    # The corpus is 6.5 MB, six records of 1 MB among them, and the local hub keeps 5 MiB per
    # partition: unkeyed, librdkafka's sticky partitioner put runs of the big records on one
    # partition, the hub dropped its oldest events, and a third of the runs missed records that
    # were never there to read. Keyed by line, they spread over 8 partitions by hash.
    start_hub input:8
    awk '{printf "h%d:%s\n", NR, $0}' "$work/hostile.ndjson" >"$work/keyed.txt"
    kcat -b "$bootstrap" -t input -P -K: -X message.max.bytes=8000000 <"$work/keyed.txt" \
      2>>"$work/kcat.err" || fail "kcat failed"
    "$cli" stream --schema "$src/schemas/meter_reading.ddl" --input-eh-connection-string "$conn" \
      --table "$work/t" --checkpoint-location "$work/cp" --trigger-interval available-now \
      --max-events-per-trigger 20 --no-ui >"$work/stream.out" 2>"$work/stream.err" ||
      fail "lakestream stream stopped: $(tail -n 3 "$work/stream.err")"
    if grep -q "dropped offsets" "$work/hub.err" "$work/hub.out"; then
      fail "the hub dropped events (its 5 MiB per partition): $(grep -h 'dropped offsets' "$work/hub.err" "$work/hub.out")"
    fi
    check
    ;;
  *)
    fail "unknown scenario $scenario"
    ;;
esac
note "passed"
