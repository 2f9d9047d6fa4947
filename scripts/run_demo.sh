#!/usr/bin/env bash
# The main demo, what `make run` calls:  scripts/run_demo.sh <path-to-lakestream-cli>
#
# Everything on this machine, nothing from Azure:
#   1. `lakestream hub --hub input:4` (a local Event Hubs-compatible endpoint) in the background;
#   2. data_generator sending about 1,000 meter readings/s to it, and, at the same time,
#      streaming_job writing them to the Delta table ./data/delta/meter-data for 30 seconds;
#   3. rows per SupplierId and in the dead-letter table, then supplier 19's rows, through
#      load_and_filter_job;
#   4. `lakestream optimize` compacts the table's small files, and `lakestream vacuum
#      --dry-run` says what VACUUM will delete once the retention has passed.
# While the job runs, its live UI is on http://127.0.0.1:4040/ (the next free port when 4040 is
# taken; the address is printed).
# Every process it started is stopped on exit (by pid). The hub keeps its events in memory, so
# each run starts a fresh table and checkpoint (a kept checkpoint would point past the offsets
# of the new, empty hub).
set -euo pipefail
cd "$(dirname "$0")/.."

cli=${1:-build/release/bin/lakestream}
if [ ! -x "$cli" ]; then
  echo "run_demo: no lakestream CLI at '$cli' (build it first: make build)" >&2
  exit 2
fi
bin=$(cd "$(dirname "$cli")" && pwd)
for job in streaming_job data_generator load_and_filter_job; do
  [ -x "$bin/$job" ] || { echo "run_demo: no $job in $bin (build it first: make build)" >&2; exit 2; }
done

root=./data
table_path=delta/meter-data
seconds=${RUN_DEMO_SECONDS:-30}
rate=${RUN_DEMO_RATE:-1000}
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$root"
rm -rf "$root/$table_path" "$root/${table_path}_dead_letter" "$root/checkpoints/streaming"

echo "== starting the local hub: $cli hub --hub input:4"
"$cli" hub --hub input:4 --connection-file "$work/conn" >"$root/hub.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  [ -s "$work/conn" ] && grep -q '^lakestream hub: ready' "$root/hub.log" && break
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$root/hub.log" >&2; exit 1; }
  sleep 0.1
done
[ -s "$work/conn" ] || { echo "run_demo: the hub was not ready within 10 s" >&2; exit 1; }
conn=$(head -n 1 "$work/conn")
# The jobs read their secrets from the environment, as in production; nothing on the command line.
export GENERATOR_OUTPUT_EH_CONNECTION_STRING=$conn
export STREAMING_INPUT_EH_CONNECTION_STRING=$conn

echo "== data_generator: $rate events/s for ${seconds} s (log: $root/data_generator.log)"
# --no-ui: the generator is a Session too; the UI port (4040) is left to the streaming job.
"$bin/data_generator" --rows-per-second "$rate" --total-events $((rate * seconds)) \
  --preview-seconds 0 --no-ui >"$root/data_generator.log" 2>&1 &
gen_pid=$!
pids+=("$gen_pid")

echo "== streaming_job for ${seconds} s into $root/$table_path (progress log: $root/streaming_job.log)"
"$bin/streaming_job" --output-root "$root" --output-path "$table_path" \
  --await-seconds "$seconds" --preview-seconds 3 --config /dev/null 2>"$root/streaming_job.log" &
job_pid=$!
pids+=("$job_pid")
# The job's live UI (port 4040, or the next free one), open while it runs.
for _ in $(seq 1 100); do
  ui=$(grep -o 'UI: http://[^ ]*' "$root/streaming_job.log" 2>/dev/null | head -n 1 || true)
  [ -n "$ui" ] && break
  kill -0 "$job_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -n "$ui" ]; then
  echo "== live UI: ${ui#UI: } (the query's page, /metrics, /logs; up while the job runs;"
  echo "   RUN_DEMO_SECONDS=300 make run keeps it longer)"
fi
job_rc=0
wait "$job_pid" || job_rc=$?
if [ "$job_rc" -ne 0 ]; then
  echo "run_demo: streaming_job failed ($job_rc); last lines of $root/streaming_job.log:" >&2
  tail -n 5 "$root/streaming_job.log" >&2
  exit 1
fi
kill -TERM "$gen_pid" 2>/dev/null || true
wait "$gen_pid" 2>/dev/null || true
tail -n 1 "$root/data_generator.log"

echo
echo "== rows per SupplierId in $root/$table_path"
"$bin/load_and_filter_job" --output-root "$root" --output-path "$table_path" --counts --config /dev/null
echo
echo "== load_and_filter_job: the table, then supplier 19 (only its partition is read)"
"$bin/load_and_filter_job" --output-root "$root" --output-path "$table_path" --supplier-id 19 \
  --config /dev/null
echo
# A file per partition per trigger adds up (streaming_job compacts a partition in the
# background once it holds 50 small files; a 30-second demo stays below that): compact the
# rest now, as a scheduled maintenance job would (docs/maintenance.md).
files_before=$("$cli" describe "$root/$table_path" | awk '/^Files:/ {print $2}')
echo "== lakestream optimize $root/$table_path ($files_before files)"
"$cli" optimize "$root/$table_path"
echo "== lakestream vacuum --dry-run: the replaced files go once the 7-day retention has passed"
"$cli" vacuum "$root/$table_path" --dry-run | head -n 1
