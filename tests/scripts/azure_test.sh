#!/usr/bin/env bash
# The Azure backend against Azurite (label azure).
#   azure_test.sh <scenario> <test_azure> <lakestream cli> <work dir> <tests/tools> <src> [<jobs bin dir>]
# client: the gtest scenarios of azure_integration_test.cc.
# ingest: `lakestream ingest --table abfss://data@devstoreaccount1.dfs.core.windows.net/...` with
#         AZURE_STORAGE_CONNECTION_STRING pointing at Azurite, two ingests racing on one table;
#         the tables are downloaded (azure_download.mjs) and checked by DuckDB (check_delta.mjs).
# faults: the same ingest through fault_proxy.mjs (503s, resets before and after Azurite acted,
#         delays): exact counts, no duplicates.
# streaming_devstorage: `lakestream hub` + kcat -> streaming_job (available-now) with nothing but
#         AZURE_STORAGE_CONNECTION_STRING=UseDevelopmentStorage=true (Azurite on its default port
#         10000 when free): table, dead letters and checkpoint on Azurite, exact and no duplicates.
# streaming_account_key: the same with --storage-account-name, the key in STREAMING_STORAGE_KEY
#         and --storage-blob-endpoint (then again with --output-root abfss://<another
#         container>@.../<folder>/); load_and_filter_job reads the table back from Azurite; a
#         bad option stops the job before it touches storage; then both jobs with an account
#         SAS (azure_sas.mjs) instead of the key.
# streaming_faults: streaming_job through fault_proxy.mjs, killed (-9) mid-way, restarted, then
#         run again over more events: exact counts, no duplicates.
# maintenance: a table ingested into Azurite in 12 commits (276 small files), compacted by
#         `lakestream optimize`, then `lakestream vacuum` (dry run, the retention guard, then
#         --retain-hours 0 --force): exactly the replaced blobs are deleted, the _delta_log
#         and live files stay, and DuckDB reads every row from the downloaded table.
# stream_cli: `lakestream stream` of nested device events (kcat produces them, and bad records)
#         to abfss:// table, dead letters and checkpoint with --storage-account-key and
#         --storage-blob-endpoint, twice (more events between); a bad key or a location without
#         a credential stops it before it touches storage; the downloaded table is checked row
#         for row by DuckDB and `lakestream show` (check_nested.mjs), and the key never printed.
# Azurite runs from its JS entry with node (not npx, whose child survives a kill) on a free
# loopback port, and is stopped by pid on exit.
set -euo pipefail
scenario=$1
test_azure=$2
cli=$3
work=$4
tools=$5
src=$6
bin=${7:-}
[ -z "$bin" ] || bin=$(cd "$bin" && pwd)  # the jobs run from $work
azurite_main=$tools/node_modules/azurite/dist/src/blob/main.js
schema=$src/schemas/meter_reading.ddl
gen=$src/bench/gen_meter_ndjson.mjs
dev_key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

fail() { echo "azure_test($scenario): FAIL: $*" >&2; exit 1; }
[ -f "$azurite_main" ] || fail "Azurite is missing in $tools/node_modules; run scripts/bootstrap.sh"

rm -rf "$work"
mkdir -p "$work"
pids=()
cleanup() {  # TERM, up to 5 s to exit, then KILL: bounded
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# port_free <port>: whether nothing listens on 127.0.0.1:<port> yet.
port_free() {
  node -e 'const s=require("net").createServer();s.on("error",()=>process.exit(1));s.listen(Number(process.argv[1]),"127.0.0.1",()=>s.close())' "$1"
}

port=$(free_port)
if [ "$scenario" = streaming_devstorage ] && port_free 10000; then
  port=10000  # what UseDevelopmentStorage=true means (ctest serialises this test on the port)
fi
# A second account beside Azurite's own, for the test that writes to two accounts from one
# process (a test key, not a secret).
second_account=lakestreamtwo
second_key=bGFrZXN0cmVhbSBzZWNvbmQgdGVzdCBhY2NvdW50IGtleSwgbm90IGEgc2VjcmV0OiAwMTIzNDU2Nzg5YWJjZGVm
AZURITE_ACCOUNTS="devstoreaccount1:$dev_key;$second_account:$second_key" \
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

# ---- streaming_job helpers ----------------------------------------------------------------
# start_hub: `lakestream hub` on a free port in the background; sets $hub_conn and $bootstrap.
start_hub() {
  "$cli" hub --hub "input:4" --connection-file "$work/hub.conn" > "$work/hub.out" 2> "$work/hub.err" &
  pids+=($!)
  for _ in $(seq 1 100); do
    if [ -s "$work/hub.conn" ] && grep -q '^lakestream hub: ready' "$work/hub.out"; then
      hub_conn=$(head -n 1 "$work/hub.conn")
      bootstrap=$(sed -n 's/^Endpoint=sb:\/\/\([^;]*\);.*/\1/p' <<< "$hub_conn")
      [[ $bootstrap =~ ^127\.0\.0\.1:[0-9]+$ ]] || fail "no 127.0.0.1:port in the hub's connection string"
      return
    fi
    sleep 0.1
  done
  fail "the hub was not ready within 10 s: $(cat "$work/hub.err")"
}
# produce <first> <count>: meter events with unique MeterIds <first>..<first+count-1> (so a
# duplicate row shows), keyed to spread over the partitions, through kcat; appended to
# $work/events.ndjson for check_delta.
produce() {
  awk -v first="$1" -v n="$2" 'BEGIN {
    for (i = first; i < first + n; i++)
      printf "k%d:{\"MeterId\": \"%d\", \"SupplierId\": \"%d\", \"Measurement\": {\"Value\": %d, \"Unit\": \"kWH\"}, \"ObservationTime\": \"2021-01-19T%02d:%02d:%02dZ\"}\n", i, i, i % 23, (i * 31) % 997, (i / 3600) % 24, (i / 60) % 60, i % 60
  }' > "$work/batch.kv"
  kcat -b "$bootstrap" -t input -P -K: < "$work/batch.kv" 2> "$work/kcat.err" || fail "kcat: $(cat "$work/kcat.err")"
  cut -d: -f2- "$work/batch.kv" >> "$work/events.ndjson"
}
# produce_bad: 3 malformed events (dead letters).
produce_bad() {
  printf '%s\n' 'b1:not json at all' \
    'b2:{"MeterId": "1", "SupplierId": "2", "Measurement": {"Value": 3, "Unit": "kWH"}}' \
    'b3:{"MeterId": "5", "SupplierId": "6", "Measurement": {"Value": "x"}, "ObservationTime": "2021-01-19T10:33:00Z"}' |
    kcat -b "$bootstrap" -t input -P -K: 2> "$work/kcat.err" || fail "kcat: $(cat "$work/kcat.err")"
}
# job <log name> <streaming_job options...>: one available-now run in $work, bounded in time.
job() {
  local name=$1
  shift
  (cd "$work" && timeout 300 "$bin/streaming_job" --config /dev/null \
    --input-eh-connection-string "$hub_conn" --trigger-interval available-now \
    --preview-seconds 0 --output-path delta/meter-data "$@") > "$work/$name.out" 2> "$work/$name.err" ||
    fail "streaming_job ($name) exited $?: $(tail -n 20 "$work/$name.err")"
  grep -q '^Job complete\.$' "$work/$name.out" || fail "streaming_job ($name): no 'Job complete.'"
  ! grep -q -e "$dev_key" -e 'AccountKey=E' "$work/$name.out" "$work/$name.err" ||
    fail "streaming_job ($name) printed the account key"
}
# check_stream <container> <checkpoint dir> <expected rows> [<prefix>]: download the table
# (<prefix>delta/meter-data), its dead letters and the checkpoint from Azurite (directly, no
# proxy), check them with DuckDB.
check_stream() {
  local container=$1 checkpoint=$2 want=$3 prefix=${4:-} dir=$work/check_$RANDOM
  download "$endpoint" "$container" "${prefix}delta/meter-data/" "$dir/table" > /dev/null
  download "$endpoint" "$container" "${prefix}delta/meter-data_dead_letter/" "$dir/dead" > /dev/null
  download "$endpoint" "$container" "$prefix$checkpoint/" "$dir/checkpoint" > /dev/null
  node "$tools/check_delta.mjs" --table "$dir/table" --partition-by SupplierId "$work/events.ndjson" \
    > "$dir/check_delta.out" || fail "check_delta: $(cat "$dir/check_delta.out")"
  res=$(node "$src/tests/scripts/azure_check_stream.mjs" --tools "$tools" --table "$dir/table" \
    --dead-letter "$dir/dead")
  echo "table on Azurite: $res"
  [ "$(json_field "$res" rows)" = "$want" ] || fail "$want rows expected: $res"
  [ "$(json_field "$res" distinctMeters)" = "$want" ] || fail "duplicate rows: $res"
  [ "$(json_field "$res" deadLetters)" = 3 ] || fail "3 dead letters expected: $res"
  # The checkpoint lives on Azurite: the query id and at least one progress record.
  [ -s "$dir/checkpoint/metadata" ] || fail "no $checkpoint/metadata blob on Azurite"
  grep -q '"id"' "$dir/checkpoint/metadata" || fail "the checkpoint metadata holds no id"
  ls "$dir/checkpoint/progress/"*.json > /dev/null 2>&1 || fail "no progress record under $checkpoint"
  echo "checkpoint on Azurite: metadata + $(ls "$dir/checkpoint/progress" | wc -l) progress records"
}

case $scenario in
client)
  LAKESTREAM_AZURITE_ENDPOINT=$endpoint LAKESTREAM_AZURITE_SECOND="$second_account:$second_key" \
    "$test_azure"
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

maintenance)
  export AZURE_STORAGE_CONNECTION_STRING
  AZURE_STORAGE_CONNECTION_STRING=$(conn "$endpoint")
  node "$gen" --rows 12000 --out "$work/gen.ndjson"
  split -l 1000 -d -a 2 "$work/gen.ndjson" "$work/piece_"
  args=()
  for f in "$work"/piece_*; do args+=(-i "$f"); done
  table=abfss://data@devstoreaccount1.dfs.core.windows.net/tables/small
  "$cli" ingest --schema "$schema" "${args[@]}" --table "$table" --partition-by SupplierId \
    --no-ui > "$work/ingest.out" || fail "ingest: $(tail -n 3 "$work/ingest.out")"
  blobs() { download "$endpoint" data tables/small/ "$work/listing_$1" > /dev/null
    (cd "$work/listing_$1" && find . -type f | sed 's|^\./||' | sort); }
  blobs before > "$work/before.txt"
  data_before=$(grep -vc '^_delta_log/' "$work/before.txt")
  out=$("$cli" optimize "$table" --no-ui) || fail "optimize: $out"
  echo "$out"
  [[ $out == "optimized 23 partitions: $data_before files"* ]] || fail "optimize: $out"
  out=$("$cli" vacuum "$table" --dry-run --no-ui) || fail "vacuum --dry-run: $out"
  [[ $out == "dry run: 0 of $((data_before + 23)) data files"* ]] || fail "vacuum within 7 days: $out"
  if out=$("$cli" vacuum "$table" --retain-hours 0 --no-ui 2>&1); then
    fail "vacuum --retain-hours 0 without --force ran: $out"
  fi
  [[ $out == *"--force"* ]] || fail "the retention guard did not say --force: $out"
  out=$("$cli" vacuum "$table" --retain-hours 0 --force --no-ui) || fail "vacuum: $out"
  echo "$out"
  [[ $out == "deleted $data_before of $((data_before + 23)) data files"* ]] || fail "vacuum: $out"
  blobs after > "$work/after.txt"
  [ "$(grep -vc '^_delta_log/' "$work/after.txt")" = 23 ] || fail "$(grep -vc '^_delta_log/' "$work/after.txt") data blobs left, expected 23"
  grep -q '^_delta_log/00000000000000000000.json$' "$work/after.txt" || fail "vacuum touched _delta_log"
  "$cli" history "$table" -t 0 --no-ui > "$work/history.out"
  grep -q 'VACUUM END' "$work/history.out" || fail "no VACUUM END in the history"
  res=$(node "$tools/check_delta.mjs" --table "$work/listing_after" --partition-by SupplierId \
    "$work/gen.ndjson")
  echo "$res"
  [ "$(json_field "$res" rows)" = 12000 ] || fail "12000 rows expected: $res"
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
streaming_devstorage)
  [ -x "$bin/streaming_job" ] || fail "no streaming_job in '$bin'"
  export AZURE_STORAGE_CONNECTION_STRING=UseDevelopmentStorage=true
  if [ "$port" != 10000 ]; then
    # Port 10000 was taken by something else: the same form, with the endpoint named.
    echo "port 10000 is busy: UseDevelopmentStorage=true with BlobEndpoint=$endpoint"
    AZURE_STORAGE_CONNECTION_STRING="UseDevelopmentStorage=true;BlobEndpoint=$endpoint"
  fi
  start_hub
  produce 0 3000
  produce_bad
  # Nothing but the connection string: it names the account (devstoreaccount1), the key and
  # the endpoint; the container is the default `data`.
  job run1
  grep -q '^storage-connection-string=\*\*\*\*\*\*\*\*\*(redacted)' "$work/run1.out" ||
    fail "the effective configuration does not show the connection string redacted"
  grep -q '^Writing to abfss://data@devstoreaccount1.dfs.core.windows.net/delta/meter-data (checkpoint abfss://data@devstoreaccount1.dfs.core.windows.net/checkpoints/streaming' \
    "$work/run1.out" || fail "not written to abfss: $(grep '^Writing' "$work/run1.out")"
  [ ! -e "$work/delta" ] && [ ! -e "$work/checkpoints" ] && [ ! -e "$work/abfss:" ] ||
    fail "streaming_job wrote to the local disk"
  check_stream data checkpoints/streaming 3000
  echo "--- a re-run finds nothing new; then more events"
  job run2
  produce 3000 1000
  job run3
  check_stream data checkpoints/streaming 4000
  ;;

streaming_account_key)
  [ -x "$bin/streaming_job" ] || fail "no streaming_job in '$bin'"
  unset AZURE_STORAGE_CONNECTION_STRING
  export STREAMING_STORAGE_KEY=$dev_key
  storage=(--storage-account-name devstoreaccount1 --storage-blob-endpoint "$endpoint"
           --storage-container-name meters)
  start_hub
  echo "--- a bad option stops the job before it touches the hub or storage"
  set +e
  (cd "$work" && "$bin/streaming_job" --config /dev/null --input-eh-connection-string "$hub_conn" \
    "${storage[@]}" --storage-container-name untouched --storage-sas-token 'sv=1&sp=r' \
    --trigger-interval available-now) > "$work/bad.out" 2> "$work/bad.err"
  rc=$?
  set -e
  [ "$rc" = 2 ] || fail "a bad --storage-sas-token: exit $rc, expected 2"
  grep -q -- '--storage-sas-token: not a SAS token' "$work/bad.err" || fail "message: $(cat "$work/bad.err")"
  ! grep -q 'sv=1' "$work/bad.err" || fail "the SAS was shown"
  ! download "$endpoint" untouched "" "$work/untouched" > /dev/null 2> "$work/untouched.err" ||
    fail "the container was created despite the bad option"
  grep -q ContainerNotFound "$work/untouched.err" || fail "listing: $(cat "$work/untouched.err")"
  produce 0 2500
  produce_bad
  job run1 "${storage[@]}" --streaming-checkpoint-path checkpoints/meters
  grep -q '^storage-account-key=\*\*\*\*\*\*\*\*\*(redacted)  # environment variable STREAMING_STORAGE_KEY' \
    "$work/run1.out" || fail "storage-account-key line: $(grep storage-account-key "$work/run1.out")"
  check_stream meters checkpoints/meters 2500
  echo "--- --output-root abfss://: table and checkpoint under a folder of another container"
  job run_root "${storage[@]}" --consumer-group rooted \
    --output-root "abfss://rooted@devstoreaccount1.dfs.core.windows.net/under/here/"
  grep -q 'Writing to abfss://rooted@devstoreaccount1.dfs.core.windows.net/under/here/delta/meter-data' \
    "$work/run_root.out" || fail "run_root wrote elsewhere: $(grep Writing "$work/run_root.out")"
  check_stream rooted checkpoints/streaming 2500 under/here/
  echo "--- load_and_filter_job reads the table back from Azurite"
  (cd "$work" && "$bin/load_and_filter_job" --config /dev/null "${storage[@]}" \
    --output-path delta/meter-data --counts) > "$work/counts.out" 2> "$work/counts.err" ||
    fail "load_and_filter_job --counts: $(cat "$work/counts.err")"
  cat "$work/counts.out"
  grep -q '^total rows: 2500 in 23 partitions$' "$work/counts.out" || fail "counts"
  grep -q '^dead-letter rows: 3$' "$work/counts.out" || fail "dead-letter count"
  (cd "$work" && "$bin/load_and_filter_job" --config /dev/null "${storage[@]}" \
    --output-path delta/meter-data --supplier-id 19) > "$work/lf.out" 2> "$work/lf.err" ||
    fail "load_and_filter_job: $(cat "$work/lf.err")"
  # 2500 consecutive ids: supplier 19 has ids 19, 42, ..., 2480, i.e. 108 of them.
  grep -q '^SupplierId == "19": 108 rows from [0-9]* of [0-9]* files$' "$work/lf.out" ||
    fail "supplier 19: $(grep 'SupplierId ==' "$work/lf.out")"
  echo "--- a SAS token instead of the key: streaming_job appends 500 more, load_and_filter_job counts"
  unset STREAMING_STORAGE_KEY
  export STREAMING_STORAGE_SAS_TOKEN
  STREAMING_STORAGE_SAS_TOKEN=$(node "$src/tests/scripts/azure_sas.mjs")
  produce 2500 500
  job run_sas "${storage[@]}" --streaming-checkpoint-path checkpoints/meters
  ! grep -q -e "${STREAMING_STORAGE_SAS_TOKEN##*sig=}" "$work/run_sas.out" "$work/run_sas.err" ||
    fail "the SAS signature was printed"
  check_stream meters checkpoints/meters 3000
  (cd "$work" && "$bin/load_and_filter_job" --config /dev/null "${storage[@]}" \
    --output-path delta/meter-data --counts) > "$work/counts_sas.out" 2> "$work/counts_sas.err" ||
    fail "load_and_filter_job --counts with a SAS: $(cat "$work/counts_sas.err")"
  grep -q '^total rows: 3000 in 23 partitions$' "$work/counts_sas.out" || fail "counts with a SAS"
  # Azurite checks the signature: a wrong one is refused (403), and not shown in the error.
  wrong_sig=QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkw
  set +e
  (cd "$work" && STREAMING_STORAGE_SAS_TOKEN="${STREAMING_STORAGE_SAS_TOKEN%sig=*}sig=$wrong_sig" \
    "$bin/load_and_filter_job" --config /dev/null "${storage[@]}" --output-path delta/meter-data \
    --counts) > "$work/wrong_sas.out" 2> "$work/wrong_sas.err"
  rc=$?
  set -e
  [ "$rc" = 1 ] || fail "a wrong SAS signature: exit $rc, expected 1"
  grep -q 'HTTP 403' "$work/wrong_sas.err" || fail "wrong SAS: $(cat "$work/wrong_sas.err")"
  ! grep -q "$wrong_sig" "$work/wrong_sas.err" || fail "the wrong SAS signature was shown"
  ;;

streaming_faults)
  [ -x "$bin/streaming_job" ] || fail "no streaming_job in '$bin'"
  unset AZURE_STORAGE_CONNECTION_STRING
  export STREAMING_STORAGE_KEY=$dev_key
  node "$src/tests/scripts/fault_proxy.mjs" --target "http://127.0.0.1:$port" \
    --port-file "$work/proxy.port" --seed 11 --p503 0.1 --preset 0.04 --postreset 0.06 \
    --delay 0.03 > "$work/proxy.out" 2>&1 &
  proxy_pid=$!
  pids+=($proxy_pid)
  for _ in $(seq 1 50); do [ -s "$work/proxy.port" ] && break; sleep 0.1; done
  [ -s "$work/proxy.port" ] || fail "the fault proxy did not start: $(cat "$work/proxy.out")"
  storage=(--storage-account-name devstoreaccount1
           --storage-blob-endpoint "http://127.0.0.1:$(cat "$work/proxy.port")/devstoreaccount1"
           --streaming-checkpoint-path checkpoints/faulty --max-events-per-trigger 400)
  start_hub
  produce 0 4000
  produce_bad
  echo "--- run 1, killed (-9) once a few batches are committed"
  (cd "$work" && exec "$bin/streaming_job" --config /dev/null --input-eh-connection-string "$hub_conn" \
    --trigger-interval available-now --preview-seconds 0 --output-path delta/meter-data \
    "${storage[@]}") > "$work/killed.out" 2> "$work/killed.err" &
  job_pid=$!
  pids+=($job_pid)
  for _ in $(seq 1 600); do
    rm -rf "$work/log_poll"
    download "$endpoint" data delta/meter-data/_delta_log/ "$work/log_poll" > /dev/null 2>&1 || true
    n=$(ls "$work/log_poll" 2> /dev/null | grep -c '^[0-9]\{20\}\.json$' || true)
    [ "$n" -ge 3 ] && break
    kill -0 "$job_pid" 2> /dev/null || break
    sleep 0.2
  done
  kill -KILL "$job_pid" 2> /dev/null || true
  wait "$job_pid" 2> /dev/null || true
  echo "killed after $n commits"
  echo "--- run 2 after the restart drains the rest"
  job run2 "${storage[@]}"
  echo "--- more events, run 3"
  produce 4000 1500
  job run3 "${storage[@]}"
  kill "$proxy_pid"
  wait "$proxy_pid" || true
  counts=$(tail -1 "$work/proxy.out")
  echo "fault proxy: $counts"
  for k in served503 resetBefore resetAfter delayed; do
    [ "$(json_field "$counts" $k)" -gt 0 ] || fail "the proxy injected no $k"
  done
  check_stream data checkpoints/faulty 5500
  ;;
stream_cli)
  unset AZURE_STORAGE_CONNECTION_STRING
  start_hub
  node "$tools/nested_events.mjs" --schema > "$work/device.ddl"
  base=abfss://devices@devstoreaccount1.dfs.core.windows.net
  stream_run() {  # stream_run <name> [options...]: one available-now run, bounded in time
    local name=$1
    shift
    timeout 300 "$cli" stream --schema "$work/device.ddl" --input-eh-connection-string "$hub_conn" \
      --table "$base/delta/devices" --checkpoint-location "$base/checkpoints/devices" \
      --partition-by site --flatten false --trigger-interval available-now \
      --max-events-per-trigger 700 --no-ui --storage-blob-endpoint "$endpoint" "$@" \
      > "$work/$name.out" 2> "$work/$name.err"
  }
  echo "--- bad storage options stop it before it touches storage"
  set +e
  stream_run nokey
  rc_nokey=$?
  stream_run badkey --storage-account-key 'not*a*key'
  rc_badkey=$?
  set -e
  [ "$rc_nokey" = 2 ] || fail "no credential: exit $rc_nokey, expected 2"
  grep -q "no credential" "$work/nokey.err" || fail "no credential: $(cat "$work/nokey.err")"
  [ "$rc_badkey" = 2 ] || fail "a bad key: exit $rc_badkey, expected 2"
  ! grep -q 'not\*a\*key' "$work/badkey.err" || fail "the bad key was shown"
  ! download "$endpoint" devices "" "$work/untouched" > /dev/null 2> "$work/untouched.err" ||
    fail "the container was created despite the bad options"
  produce_nested() {
    node "$tools/nested_events.mjs" --first "$1" --count "$2" --bad "$3" --keyed > "$work/nested.kv"
    kcat -b "$bootstrap" -t input -P -K: < "$work/nested.kv" 2> "$work/kcat.err" || fail "kcat: $(cat "$work/kcat.err")"
  }
  produce_nested 0 3000 4
  stream_run run1 --storage-account-key "$dev_key" || fail "run1: $(tail -n 20 "$work/run1.err")"
  produce_nested 3000 1500 2
  stream_run run2 --storage-account-key "$dev_key" || fail "run2: $(tail -n 20 "$work/run2.err")"
  ! grep -q -e "$dev_key" "$work"/run*.out "$work"/run*.err || fail "the account key was printed"
  download "$endpoint" devices delta/devices/ "$work/table" > /dev/null
  download "$endpoint" devices delta/devices_dead_letter/ "$work/dead" > /dev/null
  download "$endpoint" devices checkpoints/devices/ "$work/checkpoint" > /dev/null
  [ -s "$work/checkpoint/metadata" ] || fail "no checkpoint metadata on Azurite"
  node "$tools/check_nested.mjs" --table "$work/table" --events 0:4500 --partition-by site \
    --dead-letter "$work/dead" --bad-count 6 --cli "$cli" > "$work/check.out" 2> "$work/check.err" ||
    fail "check_nested: $(head -c 2000 "$work/check.err")"
  echo "table on Azurite: $(cat "$work/check.out")"
  ;;

*)
  fail "unknown scenario"
  ;;
esac
echo "azure_test($scenario): OK"
