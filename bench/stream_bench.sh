#!/usr/bin/env bash
# streaming_job end to end vs a raw consume of the same hub topic (what `make bench` runs
# through scripts/run_bench.sh, which passes the build dir and sets $LAKESTREAM_CLI).
#   bench/stream_bench.sh <build-dir>    env: RUNS (default 3), EVENTS (2000000),
#                                         SMALL_EVENTS (500000), PARTITIONS (128),
#                                         MAX_EVENTS_PER_TRIGGER ("" = the job's default,
#                                         10000 like the original's)
#   Engine settings such as lakestream.kafka.<property>: LAKESTREAM_CONF_DIR=<a folder with a
#   lakestream-defaults.conf> (the job runs in a temporary folder, so ./conf is not read).
# Starts `lakestream hub` on 127.0.0.1 with two topics of PARTITIONS partitions (enough that
# the mock keeps every event: it holds at most 5 MiB or 100,000 batches per partition), and
# preloads them with kcat from a file: EVENTS and SMALL_EVENTS meter messages (~150 bytes,
# keyed by n so they spread evenly; v = n*3019, MeterId v%127, SupplierId v%23, Value v%59,
# Unit kWH, ObservationTime increasing). Then alternates RUNS times:
#   e2e  streaming_job --trigger-interval available-now into a fresh local table, a new
#        consumer group each round (the whole process: start-up, group join, drain, stop).
#        Each run writes to its own folder, all deleted at the end: on an ext4 without a
#        journal (this machine's), creating files right after deleting thousands costs ~0.4 ms
#        a file (the inode allocator skips recently deleted inodes one by one).
#   raw  kcat -C -e -o beginning, counting messages only (librdkafka, no group)
#   e2e  the same on the SMALL_EVENTS topic (peak RSS must not grow with the backlog)
#   The EVENTS runs have the live UI on (a free port) with bench/ui_poller.mjs (at nice 19)
#   loading the pages, the API and /metrics every 100 ms; with UI_COMPARE=1 (the default)
#   each round also runs them with --no-ui, in turns (ABBA), for the UI's cost: throughput
#   within 2%, peak RSS within 5 MB, and the job's CPU time.
# Prints medians of wall time and events/s, the e2e/raw ratio (goal >= 0.70), the e2e rate
# without the group join (from the first to the last progress record), and peak RSS
# (/usr/bin/time -v) for SMALL_EVENTS vs EVENTS (goal: within 20%).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
build=${1:-$src/build/release}
build=$(cd "$build" && pwd)
cli=${LAKESTREAM_CLI:-$build/bin/lakestream}
job=$build/bin/streaming_job
runs=${RUNS:-3}
events=${EVENTS:-2000000}
small=${SMALL_EVENTS:-500000}
partitions=${PARTITIONS:-128}
# The job's default (10,000 events per trigger, the original's) unless told otherwise.
max_events=${MAX_EVENTS_PER_TRIGGER-}

for exe in "$cli" "$job"; do
  [ -x "$exe" ] || { echo "stream_bench: no $exe (build lakestream_cli and streaming_job)" >&2; exit 2; }
done
command -v kcat >/dev/null || { echo "stream_bench: kcat is missing (apt-get install kcat)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "stream_bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/stream_bench.XXXXXX")
hub_pid=
cleanup() {
  if [[ -n $hub_pid ]] && kill -0 "$hub_pid" 2>/dev/null; then
    kill -TERM "$hub_pid" 2>/dev/null
    wait "$hub_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

"$cli" hub --hub "big:$partitions" --hub "small:$partitions" --connection-file "$tmp/conn" \
  --watch-group stream-bench-none >"$tmp/hub.out" 2>"$tmp/hub.err" &
hub_pid=$!
for _ in $(seq 1 100); do
  [[ -s $tmp/conn ]] && grep -q '^lakestream hub: ready' "$tmp/hub.out" && break
  kill -0 "$hub_pid" 2>/dev/null || { cat "$tmp/hub.err" >&2; exit 1; }
  sleep 0.1
done
conn_big=$(sed -n 1p "$tmp/conn")
conn_small=$(sed -n 2p "$tmp/conn")
bootstrap=$(sed -n 's/^Endpoint=sb:\/\/\([^;]*\);.*/\1/p' <<<"$conn_big")
[[ -n $bootstrap ]] || { echo "stream_bench: the hub did not start" >&2; cat "$tmp/hub.err" >&2; exit 1; }

# gen COUNT FILE: key:body lines for kcat -K:.
gen() {
  awk -v count="$1" 'BEGIN {
    for (n = 0; n < count; n++) {
      v = n * 3019; ms = n % 1000; s = int(n / 1000)
      printf "meter-%010d:{\"MeterId\":\"%d\",\"SupplierId\":\"%d\",\"Measurement\":{\"Value\":%d,\"Unit\":\"kWH\"},\"ObservationTime\":\"2021-01-%02dT%02d:%02d:%02d.%03dZ\"}\n",
        n, v % 127, v % 23, v % 59, 19 + int(s / 86400), int(s / 3600) % 24, int(s / 60) % 60, s % 60, ms
    }
  }' >"$2"
}
# produce TOPIC FILE: big batches, no compression (the consumers read the bytes as they are).
produce() {
  kcat -b "$bootstrap" -t "$1" -P -K: -X linger.ms=100 -X batch.num.messages=10000 \
    -X queue.buffering.max.messages=2000000 -X queue.buffering.max.kbytes=1048576 <"$2"
}
# topic_events CONNECTION: the sum of the high watermarks.
topic_events() {
  "$cli" offsets --connection "$1" --group stream-bench-none |
    awk '$1 ~ /^[0-9]+$/ {s += $4; if ($3 != 0) low++} END {print s + 0, low + 0}'
}

t0=$(date +%s.%N)
gen "$events" "$tmp/big.txt"
gen "$small" "$tmp/small.txt"
bytes=$(stat -c %s "$tmp/big.txt")
t1=$(date +%s.%N)
produce big "$tmp/big.txt"
produce small "$tmp/small.txt"
t2=$(date +%s.%N)
read -r held_big low_big < <(topic_events "$conn_big")
read -r held_small low_small < <(topic_events "$conn_small")
echo "preloaded $events + $small events ($((bytes / events)) bytes per key:body line) into" \
  "$partitions partitions each: generated in $(echo "$t1 - $t0" | bc) s, produced in" \
  "$(echo "$t2 - $t1" | bc) s"
if ((held_big != events || held_small != small || low_big + low_small > 0)); then
  echo "stream_bench: the hub holds $held_big and $held_small events ($low_big + $low_small" \
    "partitions dropped their oldest): use more PARTITIONS" >&2
  exit 1
fi
rm -f "$tmp/big.txt" "$tmp/small.txt"

peak_rss_kb() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }
cpu_s() { awk -F': ' '/User time|System time/ {s += $2} END {print s + 0}' "$1"; }
wall_s() {
  awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0;
    for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$1"
}
# e2e NAME CONNECTION COUNT ROUND [UI]: streaming_job available-now; prints
# "wall rss steady_s cpu_s".
# UI: "polled" (a free port, ui_poller.mjs watching it), "on" (a free port) or "off" (--no-ui).
e2e() {
  local name=$1 conn=$2 count=$3 round=$4 ui=${5:-on}
  local out=$tmp/out-$name-$round
  local extra=(--ui-port 0) poller=
  [[ $ui == off ]] && extra=(--no-ui)
  [[ -n $max_events ]] && extra+=(--max-events-per-trigger "$max_events")
  rm -f "$tmp/$name.err"
  if [[ $ui == polled ]]; then
    # At nice 19: a browser or Prometheus runs on another machine, so what is measured is the
    # server's work in the job, not the client's CPU on this shared 2-core one (printed apart).
    nice -n 19 node "$here/ui_poller.mjs" "$tmp/$name.err" 100 >"$tmp/$name.poller" 2>&1 &
    poller=$!
  fi
  (cd "$tmp" && /usr/bin/time -v -o "$tmp/$name.time" "$job" --output-root "$out" \
    --input-eh-connection-string "$conn" --consumer-group "bench-$name-$round" \
    --trigger-interval available-now --preview-seconds 0 "${extra[@]}") \
    >"$tmp/$name.out" 2>"$tmp/$name.err" || {
    echo "stream_bench: streaming_job failed:" >&2
    tail -n 20 "$tmp/$name.err" >&2
    [[ -n $poller ]] && kill "$poller" 2>/dev/null
    exit 1
  }
  if [[ -n $poller ]]; then
    kill -TERM "$poller" 2>/dev/null || true
    wait "$poller" 2>/dev/null || true
    local polled
    polled=$(cat "$tmp/$name.poller")
    if [[ ! $polled =~ ^requests\ ([0-9]+)\ failed\ 0\ cpu ]] || ((BASH_REMATCH[1] == 0)); then
      echo "stream_bench: the UI poller of $name: '$polled'" >&2
      exit 1
    fi
    echo "$polled" >>"$tmp/poller.log"
  fi
  # Rows landed, from the add actions' stats; and the span of the progress records.
  local rows
  rows=$(cat "$out"/delta/streaming-data/_delta_log/*.json | grep '^{"add"' |
    grep '"dataChange":true' | grep -o 'numRecords\\":[0-9]*' |
    awk -F: '{s += $2} END {print s + 0}')
  if ((rows != count)); then
    echo "stream_bench: streaming_job landed $rows rows, expected $count" >&2
    exit 1
  fi
  local steady
  steady=$(node "$here/stream_bench_progress.mjs" "$tmp/$name.out" "$tmp/$name.err" 2>/dev/null ||
    echo 0)
  echo "$(wall_s "$tmp/$name.time") $(peak_rss_kb "$tmp/$name.time") $steady $(cpu_s "$tmp/$name.time")"
}
raw() {
  local start end n
  start=$(date +%s.%N)
  n=$(kcat -b "$bootstrap" -t big -C -e -o beginning -q -f '\n' 2>"$tmp/raw.err" | wc -l)
  end=$(date +%s.%N)
  if ((n != events)); then
    echo "stream_bench: kcat consumed $n events, expected $events" >&2
    exit 1
  fi
  echo "$end - $start" | bc
}

ui_compare=${UI_COMPARE:-1}
e2e_wall=() e2e_rss=() e2e_steady=() raw_wall=() small_wall=() small_rss=()
off_wall=() off_rss=() off_steady=() off_cpu=() on_cpu=()
for ((i = 1; i <= runs; i++)); do
  # Through a file, not < <(...), so that a failed run stops the benchmark (set -e). UI on and
  # off take turns going first (ABBA), so neither gains from its place in the round.
  for turn in 1 2; do
    if [[ $((i % 2 == 1 ? turn : 3 - turn)) == 1 ]]; then
      e2e big "$conn_big" "$events" "$i" polled >"$tmp/e2e.res"
      read -r w r s c <"$tmp/e2e.res"
      e2e_wall+=("$w") e2e_rss+=("$r") e2e_steady+=("$s") on_cpu+=("$c")
    elif [[ $ui_compare == 1 ]]; then
      e2e big-noui "$conn_big" "$events" "$i" off >"$tmp/e2e.res"
      read -r ow or os oc <"$tmp/e2e.res"
      off_wall+=("$ow") off_rss+=("$or") off_steady+=("$os") off_cpu+=("$oc")
      printf 'round %d: UI off %s s (%s s of batches, %s MB peak)\n' "$i" "$ow" "$os" "$((or / 1024))"
    fi
  done
  rw=$(raw)
  raw_wall+=("$rw")
  e2e small "$conn_small" "$small" "$i" >"$tmp/e2e.res"
  read -r sw sr _ <"$tmp/e2e.res"
  small_wall+=("$sw") small_rss+=("$sr")
  printf 'round %d: e2e (UI polled) %s s (%s s of batches, %s MB peak) | raw %s s | e2e %d events %s s (%s MB)\n' \
    "$i" "$w" "$s" "$((r / 1024))" "$rw" "$small" "$sw" "$((sr / 1024))"
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
ew=$(median "${e2e_wall[@]}")
es=$(median "${e2e_steady[@]}")
rw=$(median "${raw_wall[@]}")
er=$(median "${e2e_rss[@]}")
sr=$(median "${small_rss[@]}")
sw=$(median "${small_wall[@]}")
awk -v n="$events" -v small="$small" -v ew="$ew" -v es="$es" -v rw="$rw" -v er="$er" \
  -v sr="$sr" -v sw="$sw" -v runs="$runs" -v maxev="${max_events:-default}" 'BEGIN {
  printf "\nstreaming_job (available-now, max-events-per-trigger %s) vs raw consume, %d events, medians of %d rounds\n", maxev, n, runs
  printf "  %-44s %8.2f s  %10.0f events/s\n", "raw consume (kcat -C -e, count only)", rw, n / rw
  printf "  %-44s %8.2f s  %10.0f events/s  peak RSS %d MB\n", "streaming_job, whole process", ew, n / ew, er / 1024
  if (es > 0)
    printf "  %-44s %8.2f s  %10.0f events/s\n", "streaming_job, first to last batch", es, n / es
  printf "  %-44s %8.2f s  %10.0f events/s  peak RSS %d MB\n", sprintf("streaming_job, %d events", small), sw, small / sw, sr / 1024
  printf "ratio e2e/raw (whole process): %.2f (goal >= 0.70)\n", rw / ew
  if (es > 0) printf "ratio e2e/raw (batches only):  %.2f\n", rw / es
  printf "peak RSS %d vs %d events: %.2f (goal within 20%%)\n", n, small, er / sr
}'
if [[ $ui_compare == 1 ]]; then
  ow=$(median "${off_wall[@]}")
  os=$(median "${off_steady[@]}")
  orss=$(median "${off_rss[@]}")
  oc=$(median "${off_cpu[@]}")
  ec=$(median "${on_cpu[@]}")
  awk -v n="$events" -v ew="$ew" -v es="$es" -v er="$er" -v ow="$ow" -v os="$os" -v orss="$orss" \
    -v oc="$oc" -v ec="$ec" \
    -v polled="$(awk '{r += $2; c += $6} END {print r + 0, c + 0}' "$tmp/poller.log")" \
    -v onwall="$(printf '%s\n' "${e2e_wall[@]}" | awk '{s += $1} END {print s}')" 'BEGIN {
    split(polled, pc, " ")
    printf "\nthe live UI'"'"'s cost, %d events, medians (UI on: a client at nice 19 loading the page, API and /metrics every 100 ms: %d requests, %.0f a second, %.2f s of its own CPU)\n", n, pc[1], pc[1] / onwall, pc[2]
    printf "  %-44s %8.2f s  %10.0f events/s  peak RSS %d MB  CPU %.2f s\n", "UI off (--no-ui), whole process", ow, n / ow, orss / 1024, oc
    printf "  %-44s %8.2f s  %10.0f events/s  peak RSS %d MB  CPU %.2f s\n", "UI on, polled, whole process", ew, n / ew, er / 1024, ec
    printf "throughput UI on/off (whole process): %.3f (goal >= 0.98)\n", ow / ew
    if (es > 0 && os > 0) printf "throughput UI on/off (batches only):  %.3f\n", os / es
    printf "job CPU time UI on/off: %.3f (the server'"'"'s own work)\n", ec / oc
    printf "peak RSS UI on - off: %+.1f MB (goal within 5 MB)\n", (er - orss) / 1024
  }'
fi
