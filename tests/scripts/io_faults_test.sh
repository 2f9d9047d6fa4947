#!/usr/bin/env bash
# I/O errors and running out of file descriptors (ctest, label resource_faults; io_faults.cmake).
# The faults are injected below an unmodified lakestream: io_fault_inject.c, loaded with
# LD_PRELOAD, makes the matching write/fsync/syncfs/open calls fail with the kernel's errno
# (LS_IO_FAULT=OP:PATTERN:ERRNO[:SKIP[:COUNT]]), as a failing device would; and out of file
# descriptors is also reached for real, with `ulimit -n`. Each scenario checks that the command
# stops with an error naming the file and the fault, that no commit names a missing or partial
# file, and that the same command run again once the fault is gone appends every row exactly
# once (DuckDB and lakestream's reader, check_nested.mjs).
#   eio_data_ingest    EIO writing the data files (.parquet) of `lakestream ingest`
#   eio_commit_ingest  EIO from the durability barrier of the commit (syncfs in _delta_log/)
#   eio_dead_letter    EIO writing the dead-letter table's files: neither table commits (dead
#                      letters first, then the table, one transaction per input)
#   emfile_ingest      EMFILE creating data files (injected), then for real: ulimit -n 32 with
#                      one file per partition value (300 of them)
#   eio_stream         `lakestream stream` from `lakestream hub`: EIO on the data files after
#                      the first ones were written: the stream stops (exit 1) naming the file;
#                      the batches committed before are whole; a restart continues exactly
# usage: io_faults_test.sh <scenario> <lakestream> <io_fault_inject.so> <tests/tools>
set -u -o pipefail

scenario=$1
cli=$2
shim=$3
tools=$4
source "$(dirname "$0")/hub_test_lib.sh"

node "$tools/nested_events.mjs" --schema >"$work/device.ddl"

# faulty RULE COMMAND...: COMMAND with the rule injected; failures logged to $work/faults.log.
faulty() {
  local rule=$1
  shift
  LD_PRELOAD=$shim LS_IO_FAULT=$rule LS_IO_FAULT_LOG=$work/faults.log "$@"
}

# no_commit TABLE: the table has no commit at all (its _delta_log holds no NNN.json).
no_commit() {
  if [[ -d $1/_delta_log ]] && ls "$1/_delta_log" | grep -q '^[0-9]*\.json$'; then
    fail "a failed run committed to $1: $(ls "$1/_delta_log")"
  fi
}

# adds_complete TABLE: every add of every commit names a file that exists with the add's size.
adds_complete() {
  node -e '
    const fs = require("fs"), path = require("path");
    const t = process.argv[1], log = path.join(t, "_delta_log");
    let n = 0;
    for (const f of fs.readdirSync(log).filter((f) => /^\d{20}\.json$/.test(f))) {
      for (const l of fs.readFileSync(path.join(log, f), "utf8").split("\n")) {
        if (!l.trim()) continue;
        const a = JSON.parse(l).add;
        if (!a) continue;
        const p = path.join(t, decodeURIComponent(a.path));
        if (!fs.existsSync(p) || fs.statSync(p).size !== a.size) { console.error("incomplete: " + p); process.exit(1); }
        n++;
      }
    }
    console.log(n + " adds, all complete");
  ' "$1" || fail "$1 has a commit naming a missing or partial file"
}

# expect_error RC_FILE ERR_FILE WHAT PATH_PART: exit 1, and the error says WHAT about a file
# whose name holds PATH_PART.
expect_error() {
  local rc=$1 err=$2 what=$3 part=$4
  [[ $rc == 1 ]] || fail "exit $rc, expected 1"
  grep -q -- "$what" "$err" || fail "no '$what' in the error: $(tail -n 3 "$err")"
  grep -q "file://[^ ]*$part" "$err" || fail "the error does not name the $part file: $(tail -n 3 "$err")"
  [[ -s $work/faults.log ]] || fail "no fault was injected (the rule matched nothing)"
}

ingest() {
  "$cli" ingest --schema "$work/device.ddl" --flatten false --no-ui "$@"
}

case $scenario in
  eio_data_ingest)
    node "$tools/nested_events.mjs" --count 20000 >"$work/events.ndjson"
    faulty "write:.parquet:EIO" ingest -i "$work/events.ndjson" --table "$work/t" \
      --partition-by site >"$work/fault.out" 2>"$work/fault.err"
    expect_error $? "$work/fault.err" "Input/output error (the device reported an I/O error)" ".parquet"
    no_commit "$work/t"
    ingest -i "$work/events.ndjson" --table "$work/t" --partition-by site \
      >"$work/again.out" 2>"$work/again.err" || fail "the run without the fault failed"
    adds_complete "$work/t"
    node "$tools/check_nested.mjs" --table "$work/t" --events 0:20000 --partition-by site \
      --cli "$cli" >"$work/check.out" 2>"$work/check.err" || fail "$(cat "$work/check.err")"
    note "EIO: $(grep -m1 'Input/output' "$work/fault.err" | head -c 300)"
    note "again: $(cat "$work/check.out")"
    ;;

  eio_commit_ingest)
    node "$tools/nested_events.mjs" --count 5000 >"$work/events.ndjson"
    faulty "sync:_delta_log:EIO" ingest -i "$work/events.ndjson" --table "$work/t" \
      >"$work/fault.out" 2>"$work/fault.err"
    expect_error $? "$work/fault.err" "Input/output error (the device reported an I/O error)" \
      "_delta_log/00000000000000000000.json"
    no_commit "$work/t"
    ingest -i "$work/events.ndjson" --table "$work/t" >"$work/again.out" 2>"$work/again.err" ||
      fail "the run without the fault failed"
    adds_complete "$work/t"
    node "$tools/check_nested.mjs" --table "$work/t" --events 0:5000 --cli "$cli" \
      >"$work/check.out" 2>"$work/check.err" || fail "$(cat "$work/check.err")"
    note "EIO: $(grep -m1 'Input/output' "$work/fault.err" | head -c 300)"
    note "again: $(cat "$work/check.out")"
    ;;

  eio_dead_letter)
    node "$tools/nested_events.mjs" --count 3000 --bad 7 >"$work/events.ndjson"
    faulty "write:/rejects/:EIO" ingest -i "$work/events.ndjson" --table "$work/t" \
      --dead-letter-table "$work/rejects" >"$work/fault.out" 2>"$work/fault.err"
    expect_error $? "$work/fault.err" "Input/output error (the device reported an I/O error)" "rejects/"
    no_commit "$work/t"
    no_commit "$work/rejects"
    ingest -i "$work/events.ndjson" --table "$work/t" --dead-letter-table "$work/rejects" \
      >"$work/again.out" 2>"$work/again.err" || fail "the run without the fault failed"
    adds_complete "$work/t"
    adds_complete "$work/rejects"
    node "$tools/check_nested.mjs" --table "$work/t" --events 0:3000 --dead-letter "$work/rejects" \
      --bad-count 7 --cli "$cli" >"$work/check.out" 2>"$work/check.err" || fail "$(cat "$work/check.err")"
    note "EIO: $(grep -m1 'Input/output' "$work/fault.err" | head -c 300)"
    note "again: $(cat "$work/check.out")"
    ;;

  emfile_ingest)
    # Partitioned by deviceId, unique per event: 300 partition values, one open file each.
    node "$tools/nested_events.mjs" --count 300 >"$work/events.ndjson"
    faulty "open:.parquet:EMFILE" ingest -i "$work/events.ndjson" --table "$work/t" \
      --partition-by deviceId >"$work/fault.out" 2>"$work/fault.err"
    expect_error $? "$work/fault.err" "out of file descriptors" ".parquet"
    no_commit "$work/t"
    # For real: 32 descriptors for 300 files.
    (ulimit -n 32 && exec "$cli" ingest --schema "$work/device.ddl" --flatten false --no-ui \
      -i "$work/events.ndjson" --table "$work/t" --partition-by deviceId) \
      >"$work/limit.out" 2>"$work/limit.err"
    rc=$?
    if [[ $rc == 0 ]]; then
      note "ulimit -n 32: the ingest kept within the limit"
    else
      [[ $rc == 1 ]] || fail "ulimit -n 32: exit $rc, expected 0 or 1"
      grep -q "out of file descriptors" "$work/limit.err" ||
        fail "ulimit -n 32: no 'out of file descriptors' in: $(tail -n 3 "$work/limit.err")"
      no_commit "$work/t"
      note "ulimit -n 32: $(grep -m1 'out of file descriptors' "$work/limit.err" | head -c 300)"
      ingest -i "$work/events.ndjson" --table "$work/t" --partition-by deviceId \
        >"$work/again.out" 2>"$work/again.err" || fail "the run without the limit failed"
    fi
    adds_complete "$work/t"
    node "$tools/check_nested.mjs" --table "$work/t" --events 0:300 --partition-by deviceId \
      --cli "$cli" >"$work/check.out" 2>"$work/check.err" || fail "$(cat "$work/check.err")"
    note "EMFILE: $(grep -m1 'out of file descriptors' "$work/fault.err" | head -c 300)"
    note "again: $(cat "$work/check.out")"
    ;;

  eio_stream)
    start_hub input:2
    node "$tools/nested_events.mjs" --first 0 --count 20000 --keyed >"$work/produce.txt"
    kcat -b "$bootstrap" -t input -P -K: -z lz4 <"$work/produce.txt" 2>>"$work/kcat.err" ||
      fail "kcat produce failed"
    run() {
      timeout 120 "$cli" stream --schema "$work/device.ddl" --input-eh-connection-string "$conn" \
        --table "$work/t" --checkpoint-location "$work/cp" --partition-by site --flatten false \
        --no-ui --trigger-interval available-now --max-events-per-trigger 2000 "$@"
    }
    # The first 6 data files are written whole, then every write fails.
    faulty "write:.parquet:EIO:6" run >"$work/fault.out" 2>"$work/fault.err"
    expect_error $? "$work/fault.err" "Input/output error (the device reported an I/O error)" ".parquet"
    adds_complete "$work/t"
    before=$(appended_rows "$work/t")
    ((before > 0 && before < 20000)) || fail "expected some batches committed before the fault, got $before rows"
    run >"$work/again.out" 2>"$work/again.err" || fail "the restart failed"
    adds_complete "$work/t"
    node "$tools/check_nested.mjs" --table "$work/t" --events 0:20000 --partition-by site \
      --cli "$cli" >"$work/check.out" 2>"$work/check.err" || fail "$(cat "$work/check.err")"
    note "EIO after $before rows: $(grep -m1 'Input/output' "$work/fault.err" | head -c 300)"
    note "restart: $(cat "$work/check.out")"
    ;;

  *)
    fail "unknown scenario $scenario"
    ;;
esac
note "passed"
