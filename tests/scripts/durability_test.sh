#!/usr/bin/env bash
# Durable commits on local disk (ctest, label durability; durability.cmake). Each scenario runs
# lakestream under strace and replays the system calls against a power-cut model
# (tests/tools/durability_check.mjs): at the moment a commit is linked into _delta_log/, every
# data file it names must have had its bytes and its name (and the names of the folders made
# for it) made durable (fsync of the file / folder, or a syncfs barrier after the file was
# written), the commit's own bytes too, and _delta_log/ is synced after the link;
# _last_checkpoint is only written once its checkpoint is durable.
#   ingest  `lakestream ingest` of 11 inputs (11 commits, a checkpoint at 10, a dead-letter
#           table): no violation. With --conf lakestream.storage.local.fsync=false: no fsync or
#           syncfs at all, and the model finds the violations (so the check can fail).
#   stream  `lakestream stream` from `lakestream hub` (kcat produces nested events and bad
#           records), available-now in small batches: no violation in the table or the
#           dead-letter table.
# usage: durability_test.sh <scenario> <lakestream> <tests/tools> <src>
set -u -o pipefail

scenario=$1
cli=$2
tools=$3
src=$4
source "$(dirname "$0")/hub_test_lib.sh"
command -v strace >/dev/null || fail "strace is missing (scripts/bootstrap.sh installs it)"

traced() {
  local trace=$1
  shift
  strace -f -qq -o "$trace" -e trace=openat,mkdir,fsync,fdatasync,syncfs,rename,renameat,link,close "$@"
}
check() {
  local trace=$1
  shift
  node "$tools/durability_check.mjs" "$trace" "$@" >"$work/check.out" 2>"$work/check.err"
}

case $scenario in
  ingest)
    mkdir -p "$work/in"
    split -n l/11 -d "$src/samples/meter_readings.ndjson" "$work/in/part"
    inputs=()
    for f in "$work"/in/part*; do inputs+=(-i "$f"); done
    traced "$work/safe.trace" "$cli" ingest --schema "$src/schemas/meter_reading.ddl" \
      "${inputs[@]}" --table "$work/t" --partition-by SupplierId --no-ui >"$work/safe.out" 2>&1 ||
      fail "ingest failed"
    [[ -f $work/t/_delta_log/_last_checkpoint ]] || fail "no checkpoint was written"
    check "$work/safe.trace" "$work/t" "$work/t_dead_letter" ||
      fail "a commit could lose data in a power cut: $(head -c 2000 "$work/check.err")"
    note "fsync on: $(cat "$work/check.out")"

    traced "$work/unsafe.trace" "$cli" ingest --conf lakestream.storage.local.fsync=false \
      --schema "$src/schemas/meter_reading.ddl" "${inputs[@]}" --table "$work/u" \
      --partition-by SupplierId --no-ui >"$work/unsafe.out" 2>&1 || fail "ingest (fsync off) failed"
    syncs=$(grep -cE '(fsync|syncfs)\(' "$work/unsafe.trace")
    [[ $syncs == 0 ]] || fail "lakestream.storage.local.fsync=false still made $syncs fsync calls"
    if check "$work/unsafe.trace" "$work/u" "$work/u_dead_letter"; then
      fail "the model found nothing wrong with a run that never fsyncs"
    fi
    note "fsync off: $(cat "$work/check.out")"
    ;;

  stream)
    start_hub input:3
    node "$tools/nested_events.mjs" --first 0 --count 3000 --bad 4 --keyed >"$work/produce.txt" ||
      fail "nested_events.mjs failed"
    kcat -b "$bootstrap" -t input -P -K: -X linger.ms=50 <"$work/produce.txt" 2>>"$work/kcat.err" ||
      fail "kcat produce failed"
    node "$tools/nested_events.mjs" --schema >"$work/device.ddl"
    traced "$work/stream.trace" "$cli" stream --schema "$work/device.ddl" \
      --input-eh-connection-string "$conn" --table "$work/t" --checkpoint-location "$work/cp" \
      --partition-by site --trigger-interval available-now --max-events-per-trigger 500 --no-ui \
      >"$work/stream.out" 2>"$work/stream.err" || fail "lakestream stream failed"
    [[ $(appended_rows "$work/t") == 3000 ]] || fail "the table holds $(appended_rows "$work/t") rows"
    check "$work/stream.trace" "$work/t" "$work/t_dead_letter" ||
      fail "a commit could lose data in a power cut: $(head -c 2000 "$work/check.err")"
    note "$(cat "$work/check.out")"
    ;;

  *)
    fail "unknown scenario $scenario"
    ;;
esac
note "passed"
