#!/usr/bin/env bash
# `lakestream hub` scenarios for ctest (registered in hub.cmake).
# usage: hub_test.sh <scenario> <path to lakestream>
set -u -o pipefail

scenario=$1
cli=$2

work=$(mktemp -d)
hub_pid=
cleanup() {
  if [[ -n $hub_pid ]] && kill -0 "$hub_pid" 2>/dev/null; then
    kill -KILL "$hub_pid" 2>/dev/null
    wait "$hub_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL [$scenario]: $*" >&2
  for f in "$work"/hub.out "$work"/hub.err "$work"/kcat.err; do
    [[ -f $f ]] && { echo "--- $f:" >&2; cat "$f" >&2; }
  done
  exit 1
}

# start_hub <args...>: the hub in the background; waits (10 s at most) for its connection
# file and readiness line, then sets $conn (first connection string) and $bootstrap.
start_hub() {
  "$cli" hub --connection-file "$work/conn" "$@" >"$work/hub.out" 2>"$work/hub.err" &
  hub_pid=$!
  for _ in $(seq 1 100); do
    if [[ -s $work/conn ]] && grep -q '^lakestream hub: ready' "$work/hub.out"; then
      conn=$(head -n 1 "$work/conn")
      bootstrap=$(sed -n 's/^Endpoint=sb:\/\/\([^;]*\);.*/\1/p' <<<"$conn")
      [[ $bootstrap =~ ^127\.0\.0\.1:[0-9]+$ ]] || fail "no 127.0.0.1:port in '$conn'"
      return
    fi
    kill -0 "$hub_pid" 2>/dev/null || fail "the hub exited early"
    sleep 0.1
  done
  fail "the hub was not ready within 10 s"
}

# stop_hub <signal>: signal the hub and expect exit 0 and its connection file removed.
stop_hub() {
  kill "-$1" "$hub_pid"
  local rc=0
  wait "$hub_pid" || rc=$?
  hub_pid=
  [[ $rc -eq 0 ]] || fail "the hub exited $rc on SIG$1, expected 0"
  [[ ! -e $work/conn ]] || fail "the connection file is still there after the hub stopped"
  grep -q "stopping (SIG$1)" "$work/hub.out" || fail "no 'stopping (SIG$1)' line"
}

case $scenario in
  kcat_round_trip)
    start_hub --hub input:4
    [[ $conn == *";UseDevelopmentEmulator=true;EntityPath=input" ]] ||
      fail "connection string '$conn' lacks ;UseDevelopmentEmulator=true;EntityPath=input"
    grep -q 'hub input: 4 partitions' "$work/hub.out" || fail "no 'hub input: 4 partitions'"
    grep -q '5 MiB or 100,000 batches per partition' "$work/hub.out" || fail "limits not shown"
    # 200 keyed JSON events, spread over the partitions by key.
    for i in $(seq 1 200); do echo "meter-$i:{\"MeterId\":$i,\"Value\":$((i * 3))}"; done |
      kcat -b "$bootstrap" -t input -P -K: 2>"$work/kcat.err" || fail "kcat produce failed"
    kcat -b "$bootstrap" -t input -C -e -q -f '%p %o %k %s\n' >"$work/consumed" \
      2>"$work/kcat.err" || fail "kcat consume failed"
    n=$(wc -l <"$work/consumed")
    [[ $n -eq 200 ]] || fail "consumed $n events, expected 200"
    [[ $(cut -d' ' -f3 "$work/consumed" | sort -u | wc -l) -eq 200 ]] || fail "keys not distinct"
    grep -q '^[0-9] [0-9]* meter-77 {"MeterId":77,"Value":231}$' "$work/consumed" ||
      fail "event meter-77 missing or changed"
    parts=$(cut -d' ' -f1 "$work/consumed" | sort -u | tr '\n' ' ')
    [[ $parts == "0 1 2 3 " ]] || fail "events landed in partitions '$parts', expected all four"
    # Offsets per partition are 0..n-1 with no gap.
    for p in 0 1 2 3; do
      awk -v p="$p" '$1 == p { if ($2 != seen) bad = 1; seen++ } END { exit bad }' \
        "$work/consumed" || fail "partition $p offsets are not 0..n-1"
    done
    stop_hub TERM
    ;;
  sigint_exits_0)
    start_hub --hub a:1 --hub b:2
    [[ $(wc -l <"$work/conn") -eq 2 ]] || fail "expected one connection string per hub"
    grep -q 'EntityPath=b$' "$work/conn" || fail "no connection string for hub b"
    stop_hub INT
    ;;
  drop_warning)
    # 60,000 events of 100 bytes overflow the mock's 5 MiB per partition: the oldest are
    # dropped, and the hub must say so (nobody in $Default had read them).
    start_hub --hub big:1
    awk 'BEGIN { s = sprintf("%100s", ""); gsub(/ /, "x", s); for (i = 0; i < 60000; i++) print s }' |
      kcat -b "$bootstrap" -t big -P -X linger.ms=20 2>"$work/kcat.err" || fail "kcat failed"
    for _ in $(seq 1 50); do
      grep -q "warning: big/0 dropped offsets 0\.\." "$work/hub.err" && break
      sleep 0.1
    done
    grep -q "warning: big/0 dropped offsets 0\.\..*consumer group '\$Default' has committed nothing" \
      "$work/hub.err" || fail "no drop warning naming the partition and the group"
    stop_hub TERM
    ;;
  bad_hub_exits_2)
    rc=0
    "$cli" hub --hub input:0 >"$work/hub.out" 2>"$work/hub.err" || rc=$?
    [[ $rc -eq 2 ]] || fail "exit code $rc, expected 2"
    grep -q "partitions must be 1 to 1024" "$work/hub.err" || fail "no partitions message"
    ;;
  repeated_hub_exits_2)
    rc=0
    "$cli" hub --hub input:2 --hub input:3 >"$work/hub.out" 2>"$work/hub.err" || rc=$?
    [[ $rc -eq 2 ]] || fail "exit code $rc, expected 2"
    grep -q "'input' is given twice" "$work/hub.err" || fail "no repeated-hub message"
    ;;
  *)
    fail "unknown scenario"
    ;;
esac
echo "PASS [$scenario]"
