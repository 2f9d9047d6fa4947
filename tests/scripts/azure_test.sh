#!/usr/bin/env bash
# The Azure backend against Azurite (label azure).
#   azure_test.sh <client|ingest|faults> <test_azure> <lakestream cli> <work dir> <tests/tools> <src>
# client: the gtest scenarios of azure_integration_test.cc.
# ingest: `lakestream ingest --table abfss://data@devstoreaccount1.dfs.core.windows.net/...` with
#         AZURE_STORAGE_CONNECTION_STRING pointing at Azurite, two ingests racing on one table;
#         the tables are downloaded (azure_download.mjs) and checked by DuckDB (check_delta.mjs).
# faults: the same ingest through fault_proxy.mjs (503s, resets before and after Azurite acted,
#         delays): exact counts, no duplicates.
# Azurite runs from its JS entry with node (not npx, whose child survives a kill) on a free
# loopback port, and is stopped by pid on exit.
set -euo pipefail
scenario=$1
test_azure=$2
cli=$3
work=$4
tools=$5
src=$6
azurite_main=$tools/node_modules/azurite/dist/src/blob/main.js
schema=$src/schemas/meter_reading.ddl
gen=$src/bench/gen_meter_ndjson.mjs
dev_key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

fail() { echo "azure_test($scenario): FAIL: $*" >&2; exit 1; }
[ -f "$azurite_main" ] || fail "Azurite is missing in $tools/node_modules; run scripts/bootstrap.sh"

rm -rf "$work"
mkdir -p "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

port=$(free_port)
node "$azurite_main" --blobHost 127.0.0.1 --blobPort "$port" --location "$work/azurite" \
  --silent --disableTelemetry --skipApiVersionCheck > "$work/azurite.log" 2>&1 &
pids+=($!)
endpoint=http://127.0.0.1:$port/devstoreaccount1
for _ in $(seq 1 100); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$endpoint?comp=list" || true)
  [ "$code" != 000 ] && break
  sleep 0.2
done
[ "$code" != 000 ] || fail "Azurite did not answer on port $port: $(cat "$work/azurite.log")"
echo "Azurite on port $port (pid ${pids[0]})"

conn() { echo "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$dev_key;BlobEndpoint=$1"; }
json_field() { node -e "process.stdout.write(String(JSON.parse(process.argv[1])['$2']))" "$1"; }
download() {  # download <endpoint> <container> <prefix> <out>
  node "$src/tests/scripts/azure_download.mjs" --endpoint "$1" --container "$2" --prefix "$3" --out "$4"
}

case $scenario in
client)
  LAKESTREAM_AZURITE_ENDPOINT=$endpoint "$test_azure"
  ;;

ingest)
  export AZURE_STORAGE_CONNECTION_STRING
  AZURE_STORAGE_CONNECTION_STRING=$(conn "$endpoint")
  node "$gen" --rows 50000 --invalid-every 97 --out "$work/gen_a.ndjson"
  table=abfss://data@devstoreaccount1.dfs.core.windows.net/tables/meters
  start=$(date +%s.%N)
  out=$("$cli" ingest --schema "$schema" --input "$work/gen_a.ndjson" --table "$table" \
    --partition-by SupplierId --chunk-mb 1)
  end=$(date +%s.%N)
  echo "$out"
  [[ $out == *"50000 lines read = 49485 rows written + 515 dead-lettered"* ]] || fail "summary: $out"
  [[ $out != *"$dev_key"* ]] || fail "the account key was printed"
  echo "ingest to Azurite: $(node -e "console.log((require('fs').statSync('$work/gen_a.ndjson').size/1e6/($end-$start)).toFixed(1))") MB/s"
  download "$endpoint" data tables/meters/ "$work/meters" > /dev/null
  download "$endpoint" data tables/meters_dead_letter/ "$work/meters_dead_letter" > /dev/null
  res=$(node "$tools/check_delta.mjs" --table "$work/meters" --dead-letter "$work/meters_dead_letter" \
    --partition-by SupplierId "$work/gen_a.ndjson")
  echo "$res"
  [ "$(json_field "$res" rows)" = 49485 ] || fail "49485 rows expected"

  echo "--- re-run appends nothing"
  out=$("$cli" ingest --schema "$schema" --input "$work/gen_a.ndjson" --table "$table" \
    --partition-by SupplierId)
  [[ $out == *"already ingested"* ]] || fail "re-run did not say already ingested: $out"

  echo "--- two ingests racing on one table (Delta commits through put-if-absent on Azurite)"
  node "$gen" --rows 30000 --first 50000 --invalid-every 101 --out "$work/gen_b.ndjson"
  both=abfss://data@devstoreaccount1.dfs.core.windows.net/tables/both
  "$cli" ingest --schema "$schema" --input "$work/gen_a.ndjson" --table "$both" --chunk-mb 1 \
    > "$work/both_a.out" &
  pa=$!
  "$cli" ingest --schema "$schema" --input "$work/gen_b.ndjson" --table "$both" --chunk-mb 1 \
    > "$work/both_b.out" &
  pb=$!
  wait $pa || fail "first racing ingest failed"
  wait $pb || fail "second racing ingest failed"
  cat "$work/both_a.out" "$work/both_b.out"
  download "$endpoint" data tables/both/ "$work/both" > /dev/null
  download "$endpoint" data tables/both_dead_letter/ "$work/both_dead_letter" > /dev/null
  res=$(node "$tools/check_delta.mjs" --table "$work/both" --dead-letter "$work/both_dead_letter" \
    "$work/gen_a.ndjson" "$work/gen_b.ndjson")
  echo "$res"
  ;;

faults)
  node "$gen" --rows 50000 --invalid-every 97 --out "$work/gen_a.ndjson"
  node "$src/tests/scripts/fault_proxy.mjs" --target "http://127.0.0.1:$port" \
    --port-file "$work/proxy.port" --seed 7 --p503 0.1 --preset 0.04 --postreset 0.06 \
    --delay 0.04 > "$work/proxy.out" 2>&1 &
  proxy_pid=$!
  pids+=($proxy_pid)
  for _ in $(seq 1 50); do [ -s "$work/proxy.port" ] && break; sleep 0.1; done
  [ -s "$work/proxy.port" ] || fail "the fault proxy did not start: $(cat "$work/proxy.out")"
  export AZURE_STORAGE_CONNECTION_STRING
  AZURE_STORAGE_CONNECTION_STRING=$(conn "http://127.0.0.1:$(cat "$work/proxy.port")/devstoreaccount1")
  table=abfss://data@devstoreaccount1.dfs.core.windows.net/tables/faulty
  out=$("$cli" ingest --schema "$schema" --input "$work/gen_a.ndjson" --table "$table" \
    --partition-by SupplierId --chunk-mb 1 --threads 2)
  echo "$out"
  [[ $out == *"50000 lines read = 49485 rows written + 515 dead-lettered"* ]] || fail "summary: $out"
  out=$("$cli" ingest --schema "$schema" --input "$work/gen_a.ndjson" --table "$table" \
    --partition-by SupplierId)
  [[ $out == *"already ingested"* ]] || fail "re-run through faults did not say already ingested"
  kill "$proxy_pid"
  wait "$proxy_pid" || true
  counts=$(tail -1 "$work/proxy.out")
  echo "fault proxy: $counts"
  for k in served503 resetBefore resetAfter delayed; do
    [ "$(json_field "$counts" $k)" -gt 0 ] || fail "the proxy injected no $k"
  done
  echo "--- every Delta commit lands but its answer is lost: the retry must see its own blob"
  node "$src/tests/scripts/fault_proxy.mjs" --target "http://127.0.0.1:$port" \
    --port-file "$work/proxy2.port" --p503 0 --preset 0 --postreset 0 --delay 0 \
    --lose-commits 1 > "$work/proxy2.out" 2>&1 &
  proxy_pid=$!
  pids+=($proxy_pid)
  for _ in $(seq 1 50); do [ -s "$work/proxy2.port" ] && break; sleep 0.1; done
  AZURE_STORAGE_CONNECTION_STRING=$(conn "http://127.0.0.1:$(cat "$work/proxy2.port")/devstoreaccount1")
  lost=abfss://data@devstoreaccount1.dfs.core.windows.net/tables/lost
  out=$("$cli" ingest --schema "$schema" --input "$work/gen_a.ndjson" --table "$lost" --chunk-mb 1)
  echo "$out"
  [[ $out == *"table version 0"* ]] || fail "the lost-answer commit was not taken as ours: $out"
  kill "$proxy_pid"
  wait "$proxy_pid" || true
  counts=$(tail -1 "$work/proxy2.out")
  echo "fault proxy: $counts"
  [ "$(json_field "$counts" lostCommits)" -ge 2 ] || fail "no commit answer was lost"
  download "$endpoint" data tables/lost/ "$work/lost" > /dev/null
  download "$endpoint" data tables/lost_dead_letter/ "$work/lost_dead_letter" > /dev/null
  res=$(node "$tools/check_delta.mjs" --table "$work/lost" --dead-letter "$work/lost_dead_letter" \
    "$work/gen_a.ndjson")
  echo "$res"
  [ "$(json_field "$res" version)" = 0 ] || fail "a lost commit answer made a second version"

  # Read back directly from Azurite (no faults) and check with DuckDB.
  download "$endpoint" data tables/faulty/ "$work/faulty" > /dev/null
  download "$endpoint" data tables/faulty_dead_letter/ "$work/faulty_dead_letter" > /dev/null
  res=$(node "$tools/check_delta.mjs" --table "$work/faulty" --dead-letter "$work/faulty_dead_letter" \
    --partition-by SupplierId "$work/gen_a.ndjson")
  echo "$res"
  [ "$(json_field "$res" rows)" = 49485 ] || fail "49485 rows expected"
  ;;
*)
  fail "unknown scenario"
  ;;
esac
echo "azure_test($scenario): OK"
