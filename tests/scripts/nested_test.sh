#!/usr/bin/env bash
# Nested data end to end, on 127.0.0.1 (ctest, label nested; nested.cmake). The events are
# tests/tools/nested_events.mjs's devices: structs, arrays of structs, maps, lists of lists and
# nulls at every level. tests/tools/check_nested.mjs checks a table row for row with DuckDB and
# with `lakestream show`, and its dead-letter table.
#   ingest          `lakestream ingest` of 6,000 events + 6 bad, partitioned by site, with
#                   --flatten true and false; a second run appends nothing.
#   stream          `lakestream stream --flatten false` from `lakestream hub` (kcat produces
#                   keyed events + bad records), available-now in small batches, twice with more
#                   events between; a third run with nothing new commits nothing.
#   stream_flatten  `lakestream stream` (flattened, 500 ms trigger) running while kcat produces;
#                   once every event is in, SIGTERM: exit 0, the table exact.
#   stream_merge_schema
#                   a stream of device events, then events of a wider schema (a struct member
#                   and a column added): refused without --merge-schema, naming the new columns
#                   and writing nothing; with it the table's schema widens once and the old rows
#                   read null in the new columns (DuckDB and lakestream show).
#   stream_rescued  events of the wider schema streamed with the narrow one and
#                   --rescued-data-column: every unexpected member (a struct member, a column) is
#                   in the rescued column, by path, and the rest of each row is exact.
#   stream_options  bad options stop `lakestream stream` (exit 2, the option named) before it
#                   creates anything; an abfss:// table without a credential likewise.
# usage: nested_test.sh <scenario> <lakestream> <tests/tools>
set -u -o pipefail

scenario=$1
cli=$2
tools=$3
source "$(dirname "$0")/hub_test_lib.sh"

node "$tools/nested_events.mjs" --schema >"$work/device.ddl" || fail "no schema"

# events FIRST COUNT BAD FILE [--keyed]: nested_events.mjs output into FILE.
events() {
  node "$tools/nested_events.mjs" --first "$1" --count "$2" --bad "$3" ${5:-} >"$4" ||
    fail "nested_events.mjs failed"
}
# produce_nested FIRST COUNT BAD: the events, keyed, produced to topic input with kcat.
produce_nested() {
  events "$1" "$2" "$3" "$work/produce.txt" --keyed
  kcat -b "$bootstrap" -t input -P -K: -z lz4 -X linger.ms=50 <"$work/produce.txt" \
    2>>"$work/kcat.err" || fail "kcat produce failed"
}
# check TABLE ARGS...: check_nested.mjs, its summary printed.
check() {
  local table=$1
  shift
  node "$tools/check_nested.mjs" --table "$table" --cli "$cli" "$@" >"$work/check.json" \
    2>"$work/check.err" || fail "check of $table: $(head -c 3000 "$work/check.err")"
  note "$(cat "$work/check.json")"
}
version_of() { ls "$1/_delta_log" | grep -c '^[0-9]*\.json$'; }
# stream NAME [options]: lakestream stream from the hub into $work/t, in the foreground.
stream() {
  local name=$1
  shift
  "$cli" stream --schema "$work/device.ddl" --input-eh-connection-string "$conn" \
    --table "$work/t" --checkpoint-location "$work/cp" --no-ui "$@" \
    >>"$work/$name.out" 2>>"$work/$name.err"
}

case $scenario in
  ingest)
    events 0 6000 6 "$work/a.ndjson"
    for flatten in false true; do
      "$cli" ingest --schema "$work/device.ddl" -i "$work/a.ndjson" --table "$work/t_$flatten" \
        --partition-by site --flatten "$flatten" >"$work/ingest_$flatten.out" 2>&1 ||
        fail "ingest --flatten $flatten failed"
      grep -q '6006 lines read = 6000 rows written + 6 dead-lettered' "$work/ingest_$flatten.out" ||
        fail "ingest --flatten $flatten: $(cat "$work/ingest_$flatten.out")"
      flag=()
      [[ $flatten == true ]] && flag=(--flatten)
      check "$work/t_$flatten" --events 0:6000 "${flag[@]}" --partition-by site \
        --dead-letter "$work/t_${flatten}_dead_letter" --bad-count 6
    done
    "$cli" ingest --schema "$work/device.ddl" -i "$work/a.ndjson" --table "$work/t_false" \
      --partition-by site --flatten false >"$work/again.out" 2>&1 || fail "the second ingest failed"
    grep -q 'already ingested' "$work/again.out" || fail "a second ingest appended: $(cat "$work/again.out")"
    [[ $(version_of "$work/t_false") == 1 ]] || fail "the second ingest committed"
    ;;

  stream)
    start_hub input:4
    produce_nested 0 3000 6
    stream first --flatten false --partition-by site --trigger-interval available-now \
      --max-events-per-trigger 700 || fail "the first run failed"
    check "$work/t" --events 0:3000 --partition-by site --dead-letter "$work/t_dead_letter" \
      --bad-count 6
    produce_nested 3000 2000 6
    stream second --flatten false --partition-by site --trigger-interval available-now \
      --max-events-per-trigger 700 || fail "the second run failed"
    check "$work/t" --events 0:5000 --partition-by site --dead-letter "$work/t_dead_letter" \
      --bad-count 12
    before=$(version_of "$work/t")
    stream third --flatten false --partition-by site --trigger-interval available-now ||
      fail "the third run failed"
    [[ $(version_of "$work/t") == "$before" ]] || fail "a run with nothing new committed"
    ;;

  stream_flatten)
    start_hub input:3
    "$cli" stream --schema "$work/device.ddl" --input-eh-connection-string "$conn" \
      --table "$work/t" --checkpoint-location "$work/cp" --no-ui --partition-by site \
      --trigger-interval '500 ms' --max-events-per-trigger 1000 --partition-assignment all \
      >"$work/run.out" 2>"$work/run.err" &
    stream_pid=$!
    pids+=("$stream_pid")
    produce_nested 0 4000 4
    sleep 1
    produce_nested 4000 4000 0
    for _ in $(seq 1 120); do
      [[ $(appended_rows "$work/t") -ge 8000 ]] && break
      kill -0 "$stream_pid" 2>/dev/null || fail "lakestream stream exited early"
      sleep 0.5
    done
    [[ $(appended_rows "$work/t") == 8000 ]] || fail "the table holds $(appended_rows "$work/t") rows, expected 8000"
    kill -TERM "$stream_pid"
    rc=0
    wait "$stream_pid" || rc=$?
    [[ $rc == 0 ]] || fail "lakestream stream exited $rc on SIGTERM"
    grep -q 'Stopped on signal' "$work/run.out" || fail "no 'Stopped on signal' line"
    check "$work/t" --events 0:8000 --flatten --partition-by site \
      --dead-letter "$work/t_dead_letter" --bad-count 4
    ;;

  stream_merge_schema)
    start_hub input:2
    produce_nested 0 2000 0
    stream narrow --flatten false --trigger-interval available-now --max-events-per-trigger 800 ||
      fail "the first run failed"
    node "$tools/nested_events.mjs" --wide --schema >"$work/wide.ddl"
    node "$tools/nested_events.mjs" --first 2000 --count 1000 --keyed --wide >"$work/produce.txt"
    kcat -b "$bootstrap" -t input -P -K: <"$work/produce.txt" 2>>"$work/kcat.err" || fail "kcat failed"
    before=$(version_of "$work/t")
    rc=0
    stream refused --schema "$work/wide.ddl" --flatten false --trigger-interval available-now || rc=$?
    [[ $rc == 1 ]] || fail "a wider schema without --merge-schema: exit $rc, expected 1"
    grep -q 'adds columns `firmware.battery`, `notes`' "$work/refused.err" ||
      fail "the refusal does not name the new columns: $(tail -n 3 "$work/refused.err")"
    [[ $(version_of "$work/t") == "$before" ]] || fail "the refused run committed"
    stream merged --schema "$work/wide.ddl" --flatten false --trigger-interval available-now \
      --max-events-per-trigger 800 --merge-schema || fail "the --merge-schema run failed"
    [[ $(cat "$work"/t/_delta_log/*.json | grep -c '"metaData"') == 2 ]] ||
      fail "expected one metaData at creation and one for the merge"
    check "$work/t" --events 0:2000 --events 2000:1000:wide --wide-schema
    ;;

  stream_rescued)
    start_hub input:2
    node "$tools/nested_events.mjs" --first 0 --count 3000 --keyed --wide >"$work/produce.txt"
    kcat -b "$bootstrap" -t input -P -K: <"$work/produce.txt" 2>>"$work/kcat.err" || fail "kcat failed"
    stream rescued --flatten false --trigger-interval available-now --max-events-per-trigger 800 \
      --rescued-data-column _rescued_data || fail "the run failed"
    check "$work/t" --events 0:3000:wide --rescued _rescued_data
    ;;

  stream_options)
    conn='Endpoint=sb://127.0.0.1:1/;SharedAccessKeyName=k;SharedAccessKey=c2VjcmV0;EntityPath=input'
    expect_usage() {
      local what=$1 pattern=$2
      shift 2
      rc=0
      stream "$what" "$@" || rc=$?
      [[ $rc == 2 ]] || fail "$what: exit $rc, expected 2"
      grep -q -- "$pattern" "$work/$what.err" || fail "$what: no '$pattern' in the message"
      [[ ! -e $work/t && ! -e $work/cp ]] || fail "$what: created the table or checkpoint"
    }
    expect_usage position "option '--starting-position'" --starting-position newest
    expect_usage flatten "option '--flatten'" --flatten maybe
    expect_usage trigger "option '--trigger-interval'" --trigger-interval soon
    expect_usage mode "option '--mode'" --mode lenient
    expect_usage partition "no column 'firmware'" --partition-by firmware
    expect_usage partition_struct "partition columns are primitive" --flatten false \
      --partition-by firmware
    rc=0
    env -u AZURE_STORAGE_CONNECTION_STRING -u AZURE_STORAGE_KEY -u AZURE_STORAGE_SAS_TOKEN \
      "$cli" stream --schema "$work/device.ddl" --input-eh-connection-string "$conn" --no-ui \
      --table abfss://data@acct.dfs.core.windows.net/t \
      --checkpoint-location abfss://data@acct.dfs.core.windows.net/cp >"$work/azure.out" \
      2>"$work/azure.err" || rc=$?
    [[ $rc == 2 ]] || fail "abfss:// without a credential: exit $rc, expected 2"
    grep -q "no credential" "$work/azure.err" || fail "abfss:// without a credential: $(cat "$work/azure.err")"
    rc=0
    "$cli" stream --schema "$work/device.ddl" --input-eh-connection-string "$conn" --no-ui \
      --table abfss://data@acct.dfs.core.windows.net/t --storage-account-key 'not*base64' \
      --checkpoint-location "$work/cp" >"$work/key.out" 2>"$work/key.err" || rc=$?
    [[ $rc == 2 ]] || fail "a bad account key: exit $rc, expected 2"
    grep -q "not an account key" "$work/key.err" || fail "a bad key: $(cat "$work/key.err")"
    if grep -q 'not\*base64' "$work/key.err" "$work/key.out"; then fail "the key was printed"; fi
    ;;

  *)
    fail "unknown scenario $scenario"
    ;;
esac
note "passed"
