#!/usr/bin/env bash
# Table maintenance end to end, on 127.0.0.1 (ctest, label maintenance; maintenance.cmake).
# streaming_job writes the table from `lakestream hub` in small micro-batches (many small
# files, as a stream does), then:
#   optimize_duckdb         `lakestream optimize` leaves one file per partition; DuckDB reads
#                           the same rows (count, distinct events, sum) before and after; the
#                           txn versions are unchanged; --where touches one partition; a second
#                           run has nothing to do; history shows the OPTIMIZE and its metrics.
#   optimize_beside_stream  OPTIMIZE in a loop while streaming_job appends; OPTIMIZE runs are
#                           killed (kill -9) at random moments, and so is the job once (then
#                           restarted); after the final drain DuckDB counts exactly the events
#                           produced, each once.
#   auto_compaction         streaming_job with lakestream.delta.autoCompact.minNumFiles=10
#                           drains 30,000 events in ~100 micro-batches: no partition ever holds
#                           more than the threshold plus the batches committed while a
#                           compaction runs, the history has auto OPTIMIZE commits, and DuckDB
#                           counts every event once; with --auto-compact false every batch's
#                           file stays.
# usage: maintenance_test.sh <scenario> <lakestream> <streaming_job> <tests/tools> <src>
set -u -o pipefail

source "$(dirname "$0")/hub_test_lib.sh" --job-test "$@"

table=$work/out/delta/streaming-data
# live_rows: the rows of the table's latest version (describe reads the snapshot's stats).
live_rows() {
  "$cli" describe "$table" 2>/dev/null | awk '/^Rows:/ {print $2; found = 1} END {if (!found) print 0}'
}
live_files() { "$cli" describe "$table" 2>/dev/null | awk '/^Files:/ {print $2}'; }

# check_table N: DuckDB reads exactly events 0..N-1, each once; prints its summary.
check_table() {
  node "$src/tests/scripts/stream_resilience_check.mjs" "$tools" "$table" "$1" \
    >"$work/check.json" 2>"$work/check.err" || fail "DuckDB check: $(cat "$work/check.err")"
  cat "$work/check.json"
}
json_field() { node -e 'console.log(JSON.stringify(JSON.parse(process.argv[1])[process.argv[2]]))' "$1" "$2"; }

case $scenario in
  optimize_duckdb)
    n=20000
    start_hub input:4
    produce 0 "$n"
    start_job drain "$work/out" --no-ui --trigger-interval available-now --max-events-per-trigger 500
    rc=0
    wait "$job_pid" || rc=$?
    [[ $rc -eq 0 ]] || fail "the drain exited $rc"
    before=$(check_table "$n")
    files_before=$(live_files)
    note "before: $files_before files, DuckDB $before"
    ((files_before > 23 * 10)) || fail "expected hundreds of small files, got $files_before"

    # One partition first.
    out=$("$cli" optimize "$table" --where SupplierId=7 2>&1) || fail "optimize --where: $out"
    note "$out"
    [[ $out == "optimized 1 partitions: "* ]] || fail "optimize --where did not compact one partition: $out"
    files_7=$(find "$table" -path '*SupplierId=7*' -name '*.parquet' | wc -l)
    remaining=$(live_files)
    ((remaining == files_before - $(sed -n 's/.*: \([0-9]*\) files (.*/\1/p' <<<"$out") + 1)) ||
      fail "after --where SupplierId=7: $remaining live files"
    note "--where SupplierId=7: $remaining live files ($files_7 on disk in that partition, old ones kept for VACUUM)"

    out=$("$cli" optimize "$table" 2>&1) || fail "optimize: $out"
    note "$out"
    after=$(check_table "$n")
    note "after: $(live_files) files, DuckDB $after"
    [[ $(live_files) == 23 ]] || fail "expected one file per partition (23), got $(live_files)"
    [[ $(json_field "$after" txn) == "$(json_field "$before" txn)" ]] ||
      fail "txn versions changed: $(json_field "$before" txn) -> $(json_field "$after" txn)"

    out=$("$cli" optimize "$table" 2>&1) || fail "second optimize: $out"
    [[ $out == "nothing to compact: 23 files considered"* ]] || fail "second optimize: $out"
    "$cli" history "$table" -n 1 -t 0 >"$work/history.out" || fail "history failed"
    grep -q '| *OPTIMIZE *|' "$work/history.out" || fail "history shows no OPTIMIZE"
    grep -q 'numRemovedFiles -> ' "$work/history.out" || fail "history shows no operationMetrics"
    ;;

  optimize_beside_stream)
    n=30000
    start_hub input:8
    produce 0 "$n"
    start_job stream "$work/out" --no-ui --consumer-group g --trigger-interval "100 ms" --max-events-per-trigger 300
    stream_pid=$job_pid
    until [[ -n $(ls "$table/_delta_log/" 2>/dev/null) ]]; do
      kill -0 "$stream_pid" 2>/dev/null || fail "the stream exited before its first commit"
      sleep 0.1
    done
    killed_job=0 optimized=0 killed_optimize=0 conflicts=0
    deadline=$((SECONDS + 120))
    RANDOM=$$
    while (($(live_rows) < n)); do
      ((SECONDS < deadline)) || fail "only $(live_rows) of $n rows after 120 s"
      if ((killed_job == 0 && $(live_rows) > n / 3)); then
        kill -KILL "$stream_pid"
        wait "$stream_pid" 2>/dev/null
        killed_job=1
        note "killed the stream (kill -9) at $(live_rows) rows; restarting it"
        start_job stream "$work/out" --no-ui --consumer-group g --trigger-interval "100 ms" --max-events-per-trigger 300
        stream_pid=$job_pid
      fi
      kill -0 "$stream_pid" 2>/dev/null || fail "the stream exited"
      "$cli" optimize "$table" --max-concurrent-tasks 2 >>"$work/optimize.out" 2>>"$work/optimize.err" &
      opt_pid=$!
      pids+=("$opt_pid")
      if ((RANDOM % 3 == 0)); then
        sleep "0.0$((RANDOM % 10))"
        kill -KILL "$opt_pid" 2>/dev/null && killed_optimize=$((killed_optimize + 1))
        wait "$opt_pid" 2>/dev/null
      else
        rc=0
        wait "$opt_pid" || rc=$?
        if ((rc == 0)); then
          optimized=$((optimized + 1))
        elif grep -q 'Conflict' "$work/optimize.err"; then
          conflicts=$((conflicts + 1))  # a clean refusal (nothing changed), not a failure
        else
          fail "optimize exited $rc: $(tail -n 3 "$work/optimize.err")"
        fi
      fi
      sleep 0.2
    done
    sleep 1  # a batch past n would show up as extra rows
    kill -TERM "$stream_pid"
    rc=0
    wait "$stream_pid" || rc=$?
    [[ $rc -eq 0 ]] || fail "the stream exited $rc on SIGTERM"
    "$cli" optimize "$table" >>"$work/optimize.out" 2>>"$work/optimize.err" || fail "final optimize failed"
    note "optimize runs: $optimized committed or nothing to do, $killed_optimize killed, $conflicts refused (conflict); stream killed $killed_job time(s)"
    ((optimized > 0 && killed_optimize > 0)) || fail "the loop did not both complete and kill optimize runs"
    compacted=$(grep -c '^optimized ' "$work/optimize.out" || true)
    ((compacted > 1)) || fail "only $compacted optimize runs compacted anything"
    note "DuckDB: $(check_table "$n") after $compacted compactions"
    ;;

  auto_compaction)
    n=30000
    start_hub input:4
    produce 0 "$n"
    mkdir -p "$work/conf"
    echo "lakestream.delta.autoCompact.minNumFiles=10" >"$work/conf/lakestream-defaults.conf"
    export LAKESTREAM_CONF_DIR=$work/conf
    start_job auto "$work/out" --no-ui --trigger-interval "50 ms" --max-events-per-trigger 300 --consumer-group ga
    auto_pid=$job_pid
    most=0
    deadline=$((SECONDS + 90))
    while (($(appended_rows "$table") < n)); do
      ((SECONDS < deadline)) || fail "only $(appended_rows "$table") of $n rows after 90 s"
      kill -0 "$auto_pid" 2>/dev/null || fail "the stream exited"
      # describe lists the partition with the most live files first.
      files=$("$cli" describe "$table" 2>/dev/null | awk '/^  SupplierId=/ {print $3; exit}' | tr -d ,)
      [[ -n $files ]] && ((files > most)) && most=$files
      sleep 0.2
    done
    sleep 1
    kill -TERM "$auto_pid"
    wait "$auto_pid" || fail "the stream did not stop cleanly"
    batches=$(grep -c '"numInputRows":[1-9]' "$work/auto.err")
    compactions=$(grep -c 'auto-compaction of' "$work/auto.err" || true)
    note "$batches batches, $compactions compactions, at most $most live files in a partition"
    ((batches > 50)) || fail "only $batches batches: too few to need compaction"
    # ~100 files per partition at a threshold of 10: several rounds (each takes every partition
    # that is due at once).
    ((compactions >= 4)) || fail "only $compactions auto-compactions"
    # The threshold, plus what lands while a compaction of all due partitions runs.
    ((most <= 10 + 15)) || fail "a partition held $most live files (threshold 10)"
    "$cli" history "$table" -t 0 >"$work/history.out" || fail "history failed"
    grep -q 'auto -> true' "$work/history.out" || fail "no auto OPTIMIZE in the history"
    note "DuckDB: $(check_table "$n")"

    # The same without auto-compaction: every batch's file stays.
    rm -rf "$work/out"
    start_job manual "$work/out" --no-ui --trigger-interval "50 ms" --max-events-per-trigger 300 \
      --consumer-group gm --auto-compact false
    manual_pid=$job_pid
    deadline=$((SECONDS + 90))
    while (($(appended_rows "$table") < n)); do
      ((SECONDS < deadline)) || fail "--auto-compact false: only $(appended_rows "$table") rows"
      sleep 0.2
    done
    kill -TERM "$manual_pid"
    wait "$manual_pid" || fail "the stream did not stop cleanly"
    ! grep -q 'auto-compaction of' "$work/manual.err" || fail "--auto-compact false compacted"
    files=$(live_files)
    ((files > 23 * 10)) || fail "--auto-compact false: only $files live files"
    note "--auto-compact false: $files live files"
    ;;

  *)
    fail "unknown scenario $scenario"
    ;;
esac
note "passed"
