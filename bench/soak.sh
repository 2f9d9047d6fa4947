#!/usr/bin/env bash
# A long run at a steady rate: does streaming_job stay flat (memory, files, threads), keep up
# (lag) and keep its latency (enqueued time to commit)?
#   bench/soak.sh <build-dir>   env: MINUTES (60; `make bench` runs 5: SOAK_MINUTES there),
#                               RATE (20000 events/s), PARTITIONS (4), OUT (a folder for the
#                               samples, summary and plot; default a temporary one, printed)
# `lakestream hub` on 127.0.0.1, data_generator producing RATE meter events a second, and
# streaming_job reading them at a 1 s trigger (group mode, auto-compaction on, the live UI on a
# free port). Every 10 s: the job's RSS, open files and threads (/proc), the table's live files
# (`lakestream describe`), and from the job's last progress record the lag (events behind the
# latest offset, summed over partitions), the batch duration and the event latency the sink
# reports. At the end the event latency of every row is computed from the table itself (the
# commit's timestamp minus the row's EventHubEnqueueTime, DuckDB over the live files): p50, p99,
# max; and the goals are checked: RSS of the last half within 5% of minutes 10-20 (or of the
# second quarter for short runs), no fd or thread growth, p50 <= 1.2 s and p99 <= 2 s, lag not
# growing. bench/soak_plot.mjs draws the series as an SVG.
#
# CHAOS=1: the same run under failures, for exact totals rather than latency. streaming_job is
# killed with SIGKILL every KILL_EVERY seconds (default 240) and started again at once (its
# group membership expires on the hub; the restarted member takes the partitions over), and the
# hub's broker is down for OUTAGE_SECONDS (default 60; SIGUSR1, then SIGUSR2) from the middle of
# the run. At the end the generator stops, the job drains the backlog (the group's lag back to
# 0), and the table must hold exactly the events the hub received: its rows (every live file,
# DuckDB) against the sum of the partitions' high watermarks (`lakestream offsets`). Exits 1
# when they differ.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/measure.bash"
src=$(dirname "$here")
build=${1:-$src/build/release}
build=$(cd "$build" && pwd)
cli=${LAKESTREAM_CLI:-$build/bin/lakestream}
minutes=${MINUTES:-${SOAK_MINUTES:-60}}
chaos=${CHAOS:-0}
kill_every=${KILL_EVERY:-240}
outage_seconds=${OUTAGE_SECONDS:-60}
rate=${RATE:-20000}
partitions=${PARTITIONS:-4}
tools=$src/tests/tools

work=$(mktemp -d "${TMPDIR:-/tmp}/soak.XXXXXX")
out=${OUT:-$work/out}
mkdir -p "$out"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work/data"
}
trap cleanup EXIT

start_hub "$partitions" "$work"
hub=${pids[0]}

# start_job: streaming_job in the background (appending to job.out/job.err); sets $job.
start_job() {
  (cd "$work" && exec "$build/bin/streaming_job" --config /dev/null --output-root "$work/data" \
    --input-eh-connection-string "$conn" --partition-assignment group --preview-seconds 0 \
    --trigger-interval "1 second" --max-events-per-trigger $((rate * 3)) --ui-port 0) \
    >>"$work/job.out" 2>>"$work/job.err" &
  job=$!
  pids+=($job)
}
start_job
sleep 5  # the group join
(cd "$work" && exec "$build/bin/data_generator" --config /dev/null \
  --output-eh-connection-string "$conn" --rows-per-second "$rate" --preview-seconds 0 --no-ui) \
  >"$work/gen.out" 2>"$work/gen.err" &
gen=$!
pids+=($gen)
kills=0
next_kill=$((SECONDS + kill_every))
outage_from=$((SECONDS + minutes * 30))
outage_to=$((outage_from + outage_seconds))
outage=0  # 1 while the broker is down, 2 after

table=$work/data/delta/streaming-data
samples=$out/samples.csv
echo "seconds,rss_mb,open_files,threads,live_files,lag_events,batch_ms,event_latency_avg_ms,event_latency_max_ms" >"$samples"
start=$SECONDS
end=$((start + minutes * 60))
echo "soak: $minutes min at $rate events/s into $table (samples: $samples)"
while [ $SECONDS -lt $end ]; do
  sleep 10
  kill -0 "$job" 2>/dev/null || { echo "soak: streaming_job exited: $(tail -n 5 "$work/job.err")" >&2; exit 1; }
  if ((chaos)); then
    if ((SECONDS >= next_kill)); then
      kill -KILL "$job"
      wait "$job" 2>/dev/null || true
      kills=$((kills + 1))
      echo "soak: $((SECONDS - start)) s: streaming_job killed (SIGKILL $kills), started again"
      start_job
      next_kill=$((SECONDS + kill_every))
    fi
    if ((outage == 0 && SECONDS >= outage_from)); then
      kill -USR1 "$hub" && outage=1 && echo "soak: $((SECONDS - start)) s: broker down"
    elif ((outage == 1 && SECONDS >= outage_to)); then
      kill -USR2 "$hub" && outage=2 && echo "soak: $((SECONDS - start)) s: broker up"
    fi
  fi
  rss=$(awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$job/status")
  threads=$(awk '/^Threads:/ {print $2}' "/proc/$job/status")
  fds=$(ls "/proc/$job/fd" | wc -l)
  files=$("$cli" describe "$table" --no-ui 2>/dev/null | awk '/^Files:/ {print $2}' || true)
  last=$(grep '"batchId"' "$work/job.err" | tail -n 1 || true)
  read -r lag batch lat_avg lat_max < <(node -e '
    const l = process.argv[1]; if (!l) { console.log("0 0 0 0"); process.exit(0) }
    const p = JSON.parse(l.slice(l.indexOf("{")));
    const lag = (p.sources || []).reduce((s, x) => s + Number((x.metrics || {}).maxOffsetsBehindLatest || 0), 0);
    const m = (p.sink || {}).metrics || {};
    console.log(lag, (p.durationMs || {}).triggerExecution || 0, m.avgEventLatencyMs || 0, m.maxEventLatencyMs || 0);
  ' "$last")
  echo "$((SECONDS - start)),$rss,$fds,$threads,${files:-0},$lag,$batch,$lat_avg,$lat_max" >>"$samples"
done
kill -TERM "$gen" 2>/dev/null || true  # the generator first, then let the job catch up
wait "$gen" 2>/dev/null || true
if ((chaos)); then
  ((outage == 1)) && kill -USR2 "$hub"
  # Drained when the group's lag is 0 (the job commits its offsets after each batch's commit).
  offsets() { "$cli" offsets --connection "$conn" --group '$Default' --no-ui 2>/dev/null; }
  for _ in $(seq 1 120); do
    lag=$(offsets | awk '$1 ~ /^[0-9]+$/ {s += $5; n++} END {print n ? s : -1}')
    [ "$lag" = 0 ] && break
    sleep 1
  done
  produced=$(offsets | awk '$1 ~ /^[0-9]+$/ {s += $4} END {print s + 0}')
else
  sleep 5
fi
kill -TERM "$job"
wait "$job" || true

node "$here/soak_summary.mjs" "$tools" "$table" "$samples" "$rate" "$minutes" | tee "$out/summary.txt"
if ((chaos)); then
  echo "chaos: $kills kills (SIGKILL every $kill_every s), broker down $outage_seconds s from minute $((minutes / 2))" |
    tee -a "$out/summary.txt"
  node "$here/soak_totals.mjs" "$tools" "$table" "$produced" | tee -a "$out/summary.txt" ||
    { echo "soak: the table does not hold exactly the events produced" >&2; exit 1; }
fi
node "$here/soak_plot.mjs" "$samples" "$out/soak.svg" "streaming_job, $rate events/s, 1 s trigger, $minutes min"
echo "plot: $out/soak.svg"
