#!/usr/bin/env bash
# The live UI of a real streaming_job on `lakestream hub`, everything on 127.0.0.1 (ctest, label
# ui; registered in ui.cmake). Scenarios:
#   live_job          kcat produces N good and B bad meter events; streaming_job (UI on a free
#                     port, a secret SharedAccessKey in its connection string) drains them; then
#                     ui_check.mjs compares the API, the progress records and /metrics with the
#                     job's log and with the tables (DuckDB); promtool checks /metrics; headless
#                     Chromium loads both pages and waits for the charts (ui_browser.mjs,
#                     screenshots in <out>); /readyz turns 503 while the hub's broker is down and
#                     200 once it is back; SIGTERM ends the job with exit 0; the secret is in no
#                     line the job printed.
#   port_taken_no_ui  --ui-port P with P taken: the job serves on the next free port and prints
#                     it; --no-ui: no UI line, and nothing listens on the port it was given.
# usage: ui_test.sh <scenario> <lakestream> <streaming_job> <tests/tools> <src> <out dir>
set -u -o pipefail

out=$6

# A secret only this run knows, in the hub's connection string (hub_test_lib.sh).
hub_secret="uiTestKey$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')="
source "$(dirname "$0")/hub_test_lib.sh" --job-test "$@"

# ui_port NAME: the port of the job's "UI: http://127.0.0.1:<port>/" line (waits up to 15 s).
ui_port() {
  local deadline=$((SECONDS + 15)) line
  while ((SECONDS < deadline)); do
    line=$(grep -o 'UI: http://127\.0\.0\.1:[0-9]*/' "$work/$1.err" | head -n 1)
    [[ -n $line ]] && { sed 's|.*:\([0-9]*\)/$|\1|' <<<"$line"; return; }
    kill -0 "$job_pid" 2>/dev/null || fail "$1 exited before printing its UI address"
    sleep 0.1
  done
  fail "$1 printed no 'UI: http://127.0.0.1:<port>/' line within 15 s"
}


# http_status URL: the HTTP status, 000 when nothing answers.
http_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1" || true; }

# wait_status URL CODE SECONDS
wait_status() {
  local deadline=$((SECONDS + $3)) got
  while :; do
    got=$(http_status "$1")
    [[ $got == "$2" ]] && return
    ((SECONDS < deadline)) || fail "$1 answered $got, expected $2 within $3 s"
    sleep 0.25
  done
}

# stop_job PID NAME: SIGTERM, exit 0 expected.
stop_job() {
  kill -TERM "$1" 2>/dev/null
  local rc=0
  wait "$1" || rc=$?
  [[ $rc -eq 0 ]] || fail "$2 exited $rc on SIGTERM, expected 0"
}

case $scenario in
  live_job)
    good=20000
    bad=25
    start_hub input:4
    produce 0 "$good" "$bad"
    start_job job "$work/out-job" --ui-port 0 --trigger-interval "300 ms" --max-events-per-trigger 2000
    port=$(ui_port job)
    base="http://127.0.0.1:$port"
    note "job UI at $base"
    table=$work/out-job/delta/streaming-data
    deadline=$((SECONDS + 60))
    until (($(appended_rows "$table") >= good)) && (($(appended_rows "${table}_dead_letter") >= bad)); do
      ((SECONDS < deadline)) || fail "only $(appended_rows "$table") rows and $(appended_rows "${table}_dead_letter") dead letters after 60 s"
      kill -0 "$job_pid" 2>/dev/null || fail "the job exited early"
      sleep 0.2
    done
    # Lag is measured at each trigger: wait for the API to report 0 everywhere.
    deadline=$((SECONDS + 20))
    until curl -s --max-time 5 "$base/api/v1/queries" | grep -q '"lag":{"0":0,"1":0,"2":0,"3":0}'; do
      ((SECONDS < deadline)) || fail "lag is not 0 on every partition 20 s after the drain: $(curl -s "$base/api/v1/queries" | grep -o '"lag":{[^}]*}')"
      sleep 0.25
    done
    note "drained: $(appended_rows "$table") rows, $(appended_rows "${table}_dead_letter") dead letters, lag 0"

    node "$src/tests/scripts/ui_check.mjs" "$tools" "$base" "$work/job.err" "$table" \
      "${table}_dead_letter" "$good" "$bad" "$hub_secret" >"$work/check.json" 2>"$work/check.err" ||
      fail "ui_check: $(cat "$work/check.err")"
    note "ui_check: $(cat "$work/check.json")"

    curl -s --max-time 5 "$base/metrics" >"$work/metrics.txt" || fail "GET /metrics failed"
    promtool check metrics <"$work/metrics.txt" >"$work/promtool.out" 2>&1 ||
      fail "promtool check metrics: $(cat "$work/promtool.out")"
    note "promtool check metrics: clean ($(grep -vc '^#' "$work/metrics.txt") samples)"

    mkdir -p "$out"
    node "$src/tests/scripts/ui_browser.mjs" "$base" "$out" --timeout-ms 45000 \
      >"$work/browser.out" 2>"$work/browser.err" || fail "browser: $(cat "$work/browser.err")"
    note "browser: $(tail -n 1 "$work/browser.out"); screenshots in $out"

    # Readiness follows the source: the hub's broker down (SIGUSR1), then up (SIGUSR2).
    wait_status "$base/readyz" 200 5
    kill -USR1 "$hub_pid"
    wait_status "$base/readyz" 503 20
    why=$(curl -s --max-time 5 "$base/readyz")
    note "broker down: /readyz 503 ($(cut -c1-100 <<<"$why"))"
    [[ $why == *"$hub_secret"* ]] && fail "/readyz shows the secret"
    wait_status "$base/healthz" 200 2
    kill -USR2 "$hub_pid"
    wait_status "$base/readyz" 200 30
    note "broker up: /readyz 200 again"

    stop_job "$job_pid" job
    if grep -q -- "$hub_secret" "$work/job.err" "$work/job.out"; then
      fail "the job printed its connection string's key"
    fi
    [[ $(http_status "$base/healthz") == 000 ]] || fail "the UI still answers after the job ended"
    note "SIGTERM: exit 0, the UI is gone, no secret in the job's output"
    ;;

  port_taken_no_ui)
    start_hub input:2
    produce 0 100
    # Hold a port with a listener of our own, as another job's UI would.
    node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => {
      console.log(s.address().port) })' >"$work/holder.out" &
    holder_pid=$!
    pids+=("$holder_pid")
    for _ in $(seq 1 50); do [[ -s $work/holder.out ]] && break; sleep 0.1; done
    taken=$(head -n 1 "$work/holder.out")
    [[ $taken =~ ^[0-9]+$ ]] || fail "no port held"
    start_job a "$work/out-a" --ui-port "$taken" --consumer-group ga --trigger-interval "500 ms"
    a_pid=$job_pid
    port=$(ui_port a)
    ((port > taken && port <= taken + 16)) || fail "port $taken taken: the job chose $port, expected the next free one"
    wait_status "http://127.0.0.1:$port/healthz" 200 5
    note "port $taken taken: the job serves on $port and printed it"

    # A free port for the --no-ui job to be given (and not to use).
    free=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => {
      console.log(s.address().port); s.close() })')
    start_job b "$work/out-b" --no-ui --ui-port "$free" --consumer-group gb --trigger-interval "500 ms"
    b_pid=$job_pid
    deadline=$((SECONDS + 30))
    until grep -q '"numInputRows":[1-9]' "$work/b.err"; do
      ((SECONDS < deadline)) || fail "the --no-ui job committed nothing in 30 s"
      kill -0 "$b_pid" 2>/dev/null || fail "the --no-ui job exited early"
      sleep 0.2
    done
    grep -q 'UI: http' "$work/b.err" && fail "--no-ui: the job printed a UI address"
    [[ $(http_status "http://127.0.0.1:$free/healthz") == 000 ]] || fail "--no-ui: something answers on $free"
    note "--no-ui: no UI line, nothing on port $free"
    stop_job "$b_pid" b
    stop_job "$a_pid" a
    ;;

  *)
    fail "unknown scenario $scenario"
    ;;
esac
note "passed"
