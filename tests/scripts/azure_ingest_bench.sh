#!/usr/bin/env bash
# Throughput of `lakestream ingest` to Azurite beside the same ingest to the local disk (the
# figures in docs/azure.md). Not a test: run by hand, on an otherwise idle machine.
#   tests/scripts/azure_ingest_bench.sh <lakestream cli> [rows (1,680,000 = ~200 MB)] [runs (3)]
# Each run ingests the same NDJSON into a fresh table (partitioned by SupplierId, default threads),
# local and Azurite alternating; prints every run and the medians in MB/s of input, and the
# CPU seconds of the ingest process and of Azurite (which shares the machine).
set -euo pipefail
cli=$(realpath "$1")
rows=${2:-1680000}
runs=${3:-3}
src=$(cd "$(dirname "$0")/../.." && pwd)
tools=$src/tests/tools
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  for p in "${pids[@]}"; do timeout 10 tail --pid="$p" -f /dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
node "$tools/node_modules/azurite/dist/src/blob/main.js" --blobHost 127.0.0.1 --blobPort "$port" \
  --location "$work/azurite" --silent --disableTelemetry --skipApiVersionCheck > "$work/azurite.log" 2>&1 &
pids+=($!)
endpoint=http://127.0.0.1:$port/devstoreaccount1
for _ in $(seq 1 100); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$endpoint?comp=list" || true)" != 000 ] && break
  sleep 0.2
done
export AZURE_STORAGE_CONNECTION_STRING="UseDevelopmentStorage=true;BlobEndpoint=$endpoint"

node "$src/bench/gen_meter_ndjson.mjs" --rows "$rows" --invalid-every 97 --out "$work/in.ndjson"
bytes=$(stat -c %s "$work/in.ndjson")
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
echo "input: $rows lines, $bytes bytes; Azurite $(node "$tools/node_modules/azurite/dist/src/blob/main.js" --version 2> /dev/null || echo '?') on port $port"

ingest() {  # ingest <table>: sets $secs (wall) and $cpu (lakestream's user + sys seconds)
  /usr/bin/time -f '%e %U %S' -o "$work/time" "$cli" ingest --schema "$src/schemas/meter_reading.ddl" \
    --input "$work/in.ndjson" --table "$1" --partition-by SupplierId > "$work/ingest.out"
  grep -q "$rows lines read" "$work/ingest.out" || { cat "$work/ingest.out"; exit 1; }
  read -r secs user sys < "$work/time"
  cpu=$(echo "$user + $sys" | bc -l)
}

azurite_pid=${pids[0]}
proc_cpu() {  # proc_cpu <pid>: user + sys seconds so far
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat"
}

local_mbs=()
azure_mbs=()
azurite_cpu=()
local_cpu=()
azure_cpu=()
for i in $(seq 1 "$runs"); do
  ingest "$work/local/t$i"
  local_mbs+=("$(echo "$bytes / 1000000 / $secs" | bc -l)")
  local_cpu+=("$cpu")
  before=$(proc_cpu "$azurite_pid")
  ingest "abfss://data@devstoreaccount1.dfs.core.windows.net/bench/t$i"
  azurite_cpu+=("$(echo "$(proc_cpu "$azurite_pid") - $before" | bc -l)")
  azure_mbs+=("$(echo "$bytes / 1000000 / $secs" | bc -l)")
  azure_cpu+=("$cpu")
  printf 'run %d: local %.1f MB/s (%.1f s CPU), Azurite %.1f MB/s (%.1f s CPU; Azurite itself %.1f s)\n' \
    "$i" "${local_mbs[-1]}" "${local_cpu[-1]}" "${azure_mbs[-1]}" "${azure_cpu[-1]}" "${azurite_cpu[-1]}"
  [ "$i" = 1 ] && echo "table written: $(du -sb "$work/local/t1" | cut -f1) bytes (Parquet, $(find "$work/local/t1" -name '*.parquet' | wc -l) files)"
  rm -rf "$work/local/t$i"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ml=$(median "${local_mbs[@]}")
ma=$(median "${azure_mbs[@]}")
printf 'median of %d: local %.1f MB/s, Azurite %.1f MB/s, Azurite/local %.2f\n' "$runs" "$ml" "$ma" \
  "$(echo "$ma / $ml" | bc -l)"
printf 'CPU seconds, medians: lakestream local %.1f, lakestream to Azurite %.1f, Azurite itself %.1f\n' \
  "$(median "${local_cpu[@]}")" "$(median "${azure_cpu[@]}")" "$(median "${azurite_cpu[@]}")"
