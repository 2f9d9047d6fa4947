#!/usr/bin/env bash
# N streaming_job instances in one consumer group on one table (what Kubernetes runs with
# replicas: N, docs/deploy.md): throughput and the cost of commit conflicts between instances.
#   bench/scale_bench.sh <build-dir>   env: INSTANCES ("1 2 4 8"), EVENTS (2000000),
#                                       PARTITIONS (64), TRIGGER ("0 ms"), MAX (10000)
# Starts `lakestream hub` on 127.0.0.1 with one topic of PARTITIONS partitions, preloads EVENTS
# meter events with kcat, then for each instance count K: K streaming_job processes started
# together in group mode (a fresh consumer group and table each time, cooperative-sticky
# assignment, the trigger and max events per trigger above), timed from their start until the
# table's commits hold every event (also reported from the first commit on, once the group has
# formed: the join and its first rebalance take seconds); then each one's /metrics is read (commit conflicts, batches)
# and peak RSS (VmHWM), and all are stopped with SIGTERM. Reports per K: wall time, events/s, batches committed,
# conflicts (lakestream_delta_commit_conflicts_total summed over the instances: each is one
# commit attempt that lost a version to another instance and retried at the next), conflicts
# per batch, and the peak RSS summed over the instances. On a 2-core machine K > 2 cannot add
# throughput; what K = 8 shows is the price of eight writers racing for each version.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/measure.bash"
src=$(dirname "$here")
build=${1:-$src/build/release}
build=$(cd "$build" && pwd)
cli=${LAKESTREAM_CLI:-$build/bin/lakestream}
job=$build/bin/streaming_job
instances=${INSTANCES:-1 2 4 8}
events=${EVENTS:-2000000}
# The local hub keeps at most 5 MiB per partition: 64 hold 2,000,000 meter events.
partitions=${PARTITIONS:-64}
# As fast as the instances can go (a processing-time trigger would cap each at MAX per interval).
trigger=${TRIGGER:-0 ms}
max=${MAX:-10000}

[ -x "$job" ] || { echo "scale_bench: no streaming_job in $build/bin" >&2; exit 2; }
command -v kcat >/dev/null || { echo "scale_bench: kcat is missing" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/scale_bench.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

start_hub "$partitions" "$work"
awk -v n="$events" 'BEGIN {
  for (i = 0; i < n; i++) {
    v = i * 3019; s = int(i / 1000)
    printf "m%d:{\"MeterId\":\"%d\",\"SupplierId\":\"%d\",\"Measurement\":{\"Value\":%d,\"Unit\":\"kWH\"},\"ObservationTime\":\"2021-01-19T%02d:%02d:%02d.%03dZ\"}\n",
      i, v % 127, v % 23, v % 59, 10 + int(s / 3600) % 14, int(s / 60) % 60, s % 60, i % 1000
  }
}' >"$work/events.txt"
kcat -b "$bootstrap" -t input -P -K: -z lz4 -X linger.ms=50 <"$work/events.txt" 2>"$work/kcat.err"
echo "preloaded $events events into $partitions partitions"

appended() {
  cat "$1"/_delta_log/*.json 2>/dev/null | grep '^{"add"' | grep '"dataChange":true' |
    grep -o 'numRecords\\":[0-9]*' | awk -F: '{s += $2} END {print s + 0}'
}
metric() {  # metric <port> <name>: the sum of the series of that name
  curl -s --max-time 5 "http://127.0.0.1:$1/metrics" |
    awk -v m="$2" '$1 ~ "^"m"({|$)" {s += $2} END {print s + 0}'
}

results=()
for k in $instances; do
  round=$work/k$k
  mkdir -p "$round"
  group=scale-$k-$RANDOM
  members=()
  start=$(date +%s.%N)
  for i in $(seq 1 "$k"); do
    (cd "$round" && exec "$job" --output-root "$round/out" \
      --input-eh-connection-string "$conn" --consumer-group "$group" --partition-assignment group \
      --trigger-interval "$trigger" --max-events-per-trigger "$max" --preview-seconds 0 \
      --auto-compact false --ui-port 0) >"$round/m$i.out" 2>"$round/m$i.err" &
    members+=($!)
    pids+=($!)
  done
  table=$round/out/delta/streaming-data
  deadline=$((SECONDS + 600))
  first=""
  while true; do
    got=$(appended "$table" || true)
    [ -z "$first" ] && [ "$got" -gt 0 ] && first=$(date +%s.%N) && first_rows=$got
    [ "$got" -ge "$events" ] && break
    [ $SECONDS -lt $deadline ] || { echo "scale_bench: K=$k did not drain within 600 s" >&2; exit 1; }
    sleep 0.2
  done
  end=$(date +%s.%N)
  wall=$(echo "$end - $start" | bc)
  # After the first commit: the group has formed (its join and first rebalance are behind).
  steady=$(echo "($events - $first_rows) / ($end - $first)" | bc)
  conflicts=0
  batches=0
  for i in $(seq 1 "$k"); do
    port=$(grep -o 'UI: http://127\.0\.0\.1:[0-9]*/' "$round/m$i.err" | head -n 1 | sed 's|.*:\([0-9]*\)/$|\1|')
    if [ -n "$port" ]; then
      conflicts=$((conflicts + $(metric "$port" lakestream_delta_commit_conflicts_total)))
    fi
    batches=$((batches + $(grep -c '"numInputRows":[1-9]' "$round/m$i.err" || true)))
  done
  rss=0  # peak RSS (VmHWM, kB) of each instance, read before it stops
  for p in "${members[@]}"; do
    rss=$((rss + $(awk '/^VmHWM:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)))
  done
  for p in "${members[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${members[@]}"; do wait "$p" 2>/dev/null || true; done
  rows=$(appended "$table" || true)
  [ "$rows" = "$events" ] || { echo "scale_bench: K=$k appended $rows rows, expected $events" >&2; exit 1; }
  line=$(awk -v k="$k" -v w="$wall" -v n="$events" -v s="$steady" -v b="$batches" -v c="$conflicts" -v r="$rss" \
    'BEGIN { printf "%2d instances  %7.2f s  %8.0f events/s (%8.0f after the first commit)  %4d batches  %5d conflicts  %5.2f per batch  %5.0f MB RSS (sum)", k, w, n / w, s, b, c, (b > 0 ? c / b : 0), r / 1024 }')
  echo "$line"
  results+=("$line")
  rm -rf "$round/out"
done
echo
echo "streaming_job instances in one consumer group, $events events, $partitions partitions, trigger $trigger, up to $max events per trigger"
printf '%s\n' "${results[@]}"
