#!/usr/bin/env bash
# Delta commits per second on one table, on local disk and on Azurite (bench/commit_bench.cc:
# an add and a txn per commit, as a stream's batch, a checkpoint every 10 in the background).
#   bench/commit_rate.sh <build-dir>     env: REPS (3)
# Azurite (tests/tools, pinned) runs on a free 127.0.0.1 port for the abfss:// run and is
# stopped by pid. Prints the medians of commits per second.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
build=${1:-$src/build/release}
bench=$build/bench/commit_bench
reps=${REPS:-3}
azurite=$src/tests/tools/node_modules/azurite/dist/src/blob/main.js
[ -x "$bench" ] || { echo "commit_rate: build the commit_bench target first" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/commit_rate.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

run() {  # run <label> <uri>: the median commits/s of $reps runs, each on a fresh table
  local label=$1 uri=$2 rates=()
  for i in $(seq 1 "$reps"); do
    COMMIT_BENCH_URI="$uri$i" "$bench" --benchmark_format=json >"$work/out.json" 2>"$work/err.txt" ||
      { cat "$work/err.txt" >&2; exit 1; }
    rates+=("$(node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1]));console.log(j.benchmarks[0].commits_per_s.toFixed(1))' "$work/out.json")")
  done
  echo "$label: commits/s $(printf '%s ' "${rates[@]}")-> median $(printf '%s\n' "${rates[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
}

run "local disk ($work)" "$work/table"

port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
node "$azurite" --blobHost 127.0.0.1 --blobPort "$port" --location "$work/azurite" --silent \
  --disableTelemetry --skipApiVersionCheck >"$work/azurite.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$port/devstoreaccount1?comp=list" && break
  sleep 0.2
done
export AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$port/devstoreaccount1"
run "Azurite (abfss://, 127.0.0.1)" "abfss://bench@devstoreaccount1.dfs.core.windows.net/table"
