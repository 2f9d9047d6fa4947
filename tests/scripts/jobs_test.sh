#!/usr/bin/env bash
# Sample-job scenarios for ctest (registered in jobs.cmake).
# usage: jobs_test.sh <scenario> <path to lakestream> <bin dir with the jobs> <tests/tools dir>
set -u -o pipefail

scenario=$1
cli=$2
bin=$3
tools=$4

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1

fail() {
  echo "FAIL [$scenario]: $*" >&2
  for f in "$work"/*.out "$work"/*.err; do
    [[ -f $f ]] && { echo "--- $f (last 20 lines):" >&2; tail -n 20 "$f" >&2; }
  done
  exit 1
}

# start_hub: `lakestream hub --hub input:4` in the background; sets $conn and $bootstrap.
start_hub() {
  # The mock hub keeps at most 5 MiB per partition: big runs need more partitions.
  "$cli" hub --hub "input:${hub_partitions:-4}" --connection-file "$work/conn" >"$work/hub.out" 2>"$work/hub.err" &
  pids+=($!)
  for _ in $(seq 1 100); do
    if [[ -s $work/conn ]] && grep -q '^lakestream hub: ready' "$work/hub.out"; then
      conn=$(head -n 1 "$work/conn")
      bootstrap=$(sed -n 's/^Endpoint=sb:\/\/\([^;]*\);.*/\1/p' <<<"$conn")
      [[ $bootstrap =~ ^127\.0\.0\.1:[0-9]+$ ]] || fail "no 127.0.0.1:port in '$conn'"
      return
    fi
    sleep 0.1
  done
  fail "the hub was not ready within 10 s"
}

# meter_lines <first> <count>: valid meter messages "key:json", one per line.
meter_lines() {
  awk -v first="$1" -v n="$2" 'BEGIN {
    for (i = first; i < first + n; i++) {
      v = i * 3019
      printf "m%d:{\"MeterId\": \"%d\", \"SupplierId\": \"%d\", \"Measurement\": {\"Value\": %d, \"Unit\": \"kWH\"}, \"ObservationTime\": \"2021-01-19T10:%02d:%02dZ\"}\n", i, v % 127, v % 23, v % 59, (i / 60) % 60, i % 60
    }
  }'
}

run_job() {
  exec "$bin/streaming_job" --config /dev/null --output-root "$work/data" \
    --output-path delta/meter-data --input-eh-connection-string "$conn" \
    --trigger-interval available-now --preview-seconds 0 "$@"
}

case $scenario in
  available_now_exact)
    start_hub
    meter_lines 0 500 >"$work/valid.kv"
    # Malformed ones: not JSON, a missing member, the original's month-19 timestamp, a text
    # Value. Keys spread them over the partitions too.
    cat >"$work/bad.kv" <<'BAD'
b1:this is not json
b2:{"MeterId": "1", "SupplierId": "2", "Measurement": {"Value": 3, "Unit": "kWH"}}
b3:{"MeterId": "217", "SupplierId": "23", "Measurement": {"Value": 12345, "Unit": "kWH"}, "ObservationTime": "2021-19-01T10:33:00Z"}
b4:{"MeterId": "5", "SupplierId": "6", "Measurement": {"Value": "abc", "Unit": "kWH"}, "ObservationTime": "2021-01-19T10:33:00Z"}
BAD
    cat "$work/valid.kv" "$work/bad.kv" | kcat -b "$bootstrap" -t input -P -K: 2>"$work/kcat.err" ||
      fail "kcat produce failed"
    cut -d: -f2- "$work/valid.kv" "$work/bad.kv" >"$work/all.ndjson"
    timeout 120 bash -c "$(declare -f run_job); bin='$bin' work='$work' conn='$conn' run_job" \
      >"$work/job.out" 2>"$work/job.err" || fail "streaming_job exited $?"
    grep -q '^Job complete\.$' "$work/job.out" || fail "no 'Job complete.'"
    node "$tools/check_delta.mjs" --table "$work/data/delta/meter-data" --partition-by SupplierId \
      "$work/all.ndjson" >"$work/check.out" 2>"$work/check.err" || fail "check_delta failed"
    grep -q '"rows":500' "$work/check.out" || fail "check_delta: $(cat "$work/check.out")"
    # The dead letters: exactly the 4 malformed events, with their partition, offset and bytes.
    kcat -b "$bootstrap" -t input -C -e -q -f '%p %o %k %s\n' 2>/dev/null |
      awk '$3 ~ /^b[0-9]$/' >"$work/bad.consumed"
    [[ $(wc -l <"$work/bad.consumed") -eq 4 ]] || fail "kcat did not read back the 4 bad events"
    (cd "$tools" && node -e "
      const { DuckDBInstance } = require('@duckdb/node-api')
      const fs = require('fs'), path = require('path')
      const [table, expectedFile] = process.argv.slice(1)
      const log = path.join(table, '_delta_log')
      const live = new Map()
      for (const f of fs.readdirSync(log).filter((f) => /^\d{20}\.json$/.test(f)).sort())
        for (const l of fs.readFileSync(path.join(log, f), 'utf8').split('\n').filter(Boolean)) {
          const a = JSON.parse(l)
          if (a.add) live.set(a.add.path, a.add)
          if (a.remove) live.delete(a.remove.path)
        }
      const want = new Map()
      for (const l of fs.readFileSync(expectedFile, 'utf8').split('\n').filter(Boolean)) {
        const [p, o, k, ...rest] = l.split(' ')
        want.set(p + ':' + o, rest.join(' '))
      }
      ;(async () => {
        const db = await (await DuckDBInstance.create(':memory:')).connect()
        const files = [...live.keys()].map((p) => \"'\" + path.join(table, decodeURIComponent(p)) + \"'\")
        const rows = (await db.runAndReadAll('SELECT \"partition\" AS p, \"offset\" AS o, raw, reason FROM read_parquet([' + files.join(',') + '])')).getRowObjectsJS()
        let bad = rows.length !== want.size ? 'dead-letter rows ' + rows.length + ', expected ' + want.size : ''
        for (const r of rows) {
          const w = want.get(r.p + ':' + r.o)
          const raw = Buffer.from(r.raw).toString('utf8')
          if (w === undefined) bad = 'unexpected dead letter at ' + r.p + ':' + r.o
          else if (w !== raw) bad = 'raw bytes differ at ' + r.p + ':' + r.o + ': ' + JSON.stringify(raw)
          if (!r.reason) bad = 'no reason at ' + r.p + ':' + r.o
        }
        if (bad) { console.error(bad); process.exit(1) }
        console.log('dead letters ok: ' + rows.length)
      })()
    " "$work/data/delta/meter-data_dead_letter" "$work/bad.consumed") >"$work/dl.out" 2>"$work/dl.err" ||
      fail "dead-letter check: $(cat "$work/dl.err")"
    # A second run finds nothing new: the table's txn versions say where it stopped.
    timeout 120 bash -c "$(declare -f run_job); bin='$bin' work='$work' conn='$conn' run_job" \
      >"$work/job2.out" 2>"$work/job2.err" || fail "second streaming_job exited $?"
    node "$tools/check_delta.mjs" --table "$work/data/delta/meter-data" --partition-by SupplierId \
      "$work/all.ndjson" >"$work/check2.out" 2>"$work/check2.err" ||
      fail "after a re-run: $(cat "$work/check2.err")"
    ;;

  print_config_redacts)
    secret_key='TopSecretKey123=='
    cs="Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Listen;SharedAccessKey=$secret_key;EntityPath=input"
    STREAMING_STORAGE_KEY=AccountKeyXYZ "$bin/streaming_job" --config /dev/null \
      --storage-account-name acct --input-eh-connection-string "$cs" --print-config \
      >"$work/print.out" 2>"$work/print.err" || fail "--print-config exited $?"
    grep -q "$secret_key" "$work/print.out" "$work/print.err" && fail "the SharedAccessKey is shown"
    grep -q 'AccountKeyXYZ' "$work/print.out" "$work/print.err" && fail "the storage key is shown"
    grep -q 'servicebus' "$work/print.out" && fail "the connection string is shown"
    grep -q '^storage-account-key=.*redacted.*environment variable STREAMING_STORAGE_KEY' \
      "$work/print.out" || fail "storage-account-key line: $(grep storage-account-key "$work/print.out")"
    grep -q '^input-eh-connection-string=.*redacted' "$work/print.out" ||
      fail "no redacted input-eh-connection-string line"
    grep -q '^consumer-group=\$Default' "$work/print.out" || fail "consumer-group default missing"
    ;;

  missing_required_exits_2)
    "$bin/streaming_job" --config /dev/null --output-root "$work/data" >"$work/a.out" 2>"$work/a.err"
    rc=$?
    [[ $rc -eq 2 ]] || fail "no connection string: exit $rc, expected 2"
    grep -q 'input-eh-connection-string' "$work/a.err" || fail "the message does not name the option"
    "$bin/streaming_job" --config /dev/null --input-eh-connection-string "kafka://127.0.0.1:1/x" \
      >"$work/b.out" 2>"$work/b.err"
    rc=$?
    [[ $rc -eq 2 ]] || fail "no storage account and no --output-root: exit $rc, expected 2"
    grep -q -- '--storage-account-name, --storage-account-key (or give --output-root DIR' \
      "$work/b.err" || fail "message: $(cat "$work/b.err")"
    "$bin/data_generator" --config /dev/null >"$work/c.out" 2>"$work/c.err"
    rc=$?
    [[ $rc -eq 2 ]] || fail "data_generator without a connection string: exit $rc, expected 2"
    "$bin/load_and_filter_job" --config /dev/null >"$work/d.out" 2>"$work/d.err"
    rc=$?
    [[ $rc -eq 2 ]] || fail "load_and_filter_job without storage: exit $rc, expected 2"
    ;;

  load_and_filter_reads_one_partition)
    start_hub
    meter_lines 0 230 | kcat -b "$bootstrap" -t input -P -K: 2>"$work/kcat.err" ||
      fail "kcat produce failed"
    timeout 120 bash -c "$(declare -f run_job); bin='$bin' work='$work' conn='$conn' run_job" \
      >"$work/job.out" 2>"$work/job.err" || fail "streaming_job exited $?"
    "$bin/load_and_filter_job" --config /dev/null --output-root "$work/data" \
      --output-path delta/meter-data --num-rows 100 >"$work/lf.out" 2>"$work/lf.err" ||
      fail "load_and_filter_job exited $?"
    # 230 consecutive counters hit each of the 23 suppliers exactly 10 times.
    grep -q '^SupplierId == "19": 10 rows from [0-9]* of [0-9]* files$' "$work/lf.out" ||
      fail "summary line: $(grep 'SupplierId ==' "$work/lf.out")"
    read -r opened total < <(sed -n 's/^SupplierId == "19": 10 rows from \([0-9]*\) of \([0-9]*\) files$/\1 \2/p' "$work/lf.out")
    [[ $opened -lt $total ]] || fail "read $opened of $total files: not only the partition's"
    rows19=$(sed -n '/SupplierId == "19"/,$p' "$work/lf.out" | grep -c '^|.*|  *19|')
    [[ $rows19 -eq 10 ]] || fail "shown rows of supplier 19: $rows19, expected 10"
    "$bin/load_and_filter_job" --config /dev/null --output-root "$work/data" \
      --output-path delta/meter-data --counts >"$work/counts.out" 2>&1 || fail "--counts failed"
    grep -q '^total rows: 230 in 23 partitions$' "$work/counts.out" || fail "counts: $(cat "$work/counts.out")"
    ;;

  crash_restart_exactly_once)
    # kill -9 at random moments while the job drains N events, restart, repeat; then exactly
    # N distinct rows. (N and the number of kills are kept small enough for ctest's time box.)
    n=${JOBS_CRASH_EVENTS:-20000}
    kills=${JOBS_CRASH_KILLS:-5}
    hub_partitions=$(( n / 25000 > 4 ? n / 25000 : 4 ))
    start_hub
    meter_lines 0 "$n" | kcat -b "$bootstrap" -t input -P -K: 2>"$work/kcat.err" ||
      fail "kcat produce failed"
    meter_lines 0 "$n" | cut -d: -f2- >"$work/all.ndjson"
    for k in $(seq 1 "$kills"); do
      run_job --max-events-per-trigger 500 >"$work/crash$k.out" 2>"$work/crash$k.err" &
      pid=$!
      pids+=("$pid")
      sleep "$(awk -v s="$RANDOM" 'BEGIN { srand(s); printf "%.2f", 6 + rand() * 4 }')"
      kill -KILL "$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
    done
    timeout 150 bash -c "$(declare -f run_job); bin='$bin' work='$work' conn='$conn' run_job" \
      >"$work/final.out" 2>"$work/final.err" || fail "the final run exited $?"
    node "$tools/check_delta.mjs" --table "$work/data/delta/meter-data" --partition-by SupplierId \
      "$work/all.ndjson" >"$work/check.out" 2>"$work/check.err" || fail "check_delta failed"
    grep -q "\"rows\":$n" "$work/check.out" || fail "check_delta: $(cat "$work/check.out")"
    ;;

  *)
    fail "unknown scenario"
    ;;
esac
echo "PASS [$scenario]"
