#!/usr/bin/env bash
# streaming_job under failures, against `lakestream hub` on 127.0.0.1 (ctest, label streaming;
# registered in stream_resilience.cmake). Each scenario produces known meter events with kcat
# (n = 0..N-1, v = n*3019, ObservationTime 2021-01-19T10:00:00Z + n ms, unique), runs the job
# into a local table, and checks with DuckDB (stream_resilience_check.mjs) exactly N rows and N
# distinct events.
#   two_members_one_killed  two jobs in one consumer group over 8 partitions; one is killed
#                           (kill -9) mid-run, the survivor takes its partitions over
#   broker_down             the hub's broker down for 10 s mid-run (SIGUSR1/SIGUSR2 to the hub):
#                           the job waits, resumes, and also takes events produced afterwards
#   offsets_match_txn       after an available-now run, the group's committed offsets
#                           (`lakestream offsets`) equal the table's txn versions + 1
#   hub_outage_signals      the hub's SIGUSR1 (broker down) / SIGUSR2 (up) switch, with kcat
#   two_drains_one_table    two available-now jobs at once on one table and checkpoint: each
#                           reads every partition (no group), the txn check keeps one copy
#   scale_out               16 partitions, 200,000 events: one instance, then four (scale up), each
#                           /readyz 200 once it holds partitions; two stopped by SIGTERM (exit 0),
#                           one killed (kill -9); the last drains the rest: exactly N rows
#   sigterm_under_load      a group member stopped by SIGTERM in the middle of a backlog exits 0
#                           within 20 s (Kubernetes' grace is 30), the group's committed offsets
#                           equal the table's txn versions + 1, and a restart continues exactly
# usage: stream_resilience_test.sh <scenario> <lakestream> <streaming_job> <tests/tools> <src>
set -u -o pipefail

source "$(dirname "$0")/hub_test_lib.sh" --job-test "$@"

table=$work/out/delta/streaming-data
# group_job NAME GROUP TRIGGER MAX_EVENTS [more options]: streaming_job (start_job, into
# $work/out) in consumer group GROUP; sets job_pid.
group_job() {
  local name=$1 group=$2 trigger=$3 max=$4
  shift 4
  start_job "$name" "$work/out" --consumer-group "$group" --trigger-interval "$trigger" \
    --max-events-per-trigger "$max" "$@"
}

# rows_committed: rows the table's commits appended so far (hub_test_lib.sh appended_rows); a
# cheap progress probe, DuckDB checks at the end.
rows_committed() { appended_rows "$table"; }

# wait_rows TARGET SECONDS [pid...]: until rows_committed >= TARGET; fails when time runs out
# or a listed process dies.
wait_rows() {
  local target=$1 seconds=$2
  shift 2
  local deadline=$((SECONDS + seconds)) p
  while (($(rows_committed) < target)); do
    ((SECONDS < deadline)) || fail "only $(rows_committed) of $target rows after ${seconds} s"
    for p in "$@"; do kill -0 "$p" 2>/dev/null || fail "process $p exited early"; done
    sleep 0.2
  done
}

# has_batches NAME: the job has logged a progress record with input (on stderr).
has_batches() { grep -q '"numInputRows":[1-9]' "$work/$1.err"; }

# stop_job PID NAME: SIGTERM, exit 0 and "Job complete." expected.
stop_job() {
  kill -TERM "$1" 2>/dev/null
  local rc=0
  wait "$1" || rc=$?
  [[ $rc -eq 0 ]] || fail "$2 exited $rc on SIGTERM, expected 0"
  grep -q '^Job complete\.' "$work/$2.out" || fail "$2 did not print 'Job complete.'"
}

# check_offsets GROUP DRAINED: every partition the group committed equals the table's txn
# version + 1 (and, when DRAINED is 1, its high watermark: lag 0); sets $parts to the number of
# partitions the group has committed (-1: never).
check_offsets() {
  "$cli" offsets --connection "$conn" --group "$1" >"$work/offsets.out" \
    2>"$work/offsets.err" || fail "lakestream offsets failed"
  # appId = <query id>-<topic>-<partition> (dead letters end in -dead-letter): the last version.
  txn=$(cat "$table"/_delta_log/*.json | node -e '
    const t = {}
    for (const l of require("fs").readFileSync(0, "utf8").split("\n")) {
      if (!l.startsWith("{\"txn\"")) continue
      const a = JSON.parse(l).txn
      if (a.appId.endsWith("-dead-letter")) continue
      t[a.appId.slice(a.appId.lastIndexOf("-") + 1)] = a.version
    }
    for (const p of Object.keys(t)) console.log(p, t[p])')
  local p committed low high lag version
  parts=0
  while read -r p committed low high lag; do
    [[ $p =~ ^[0-9]+$ ]] || continue
    ((committed >= 0)) || continue
    parts=$((parts + 1))
    version=$(awk -v p="$p" '$1 == p {print $2}' <<<"$txn")
    [[ -n $version ]] || fail "partition $p has no txn in the table"
    ((committed == version + 1)) ||
      fail "partition $p: group committed $committed, table txn version $version (+1 expected)"
    if [[ $2 == 1 ]]; then
      ((committed == high && lag == 0)) ||
        fail "partition $p: committed $committed but high watermark $high (lag $lag)"
    fi
  done <"$work/offsets.out"
}

check_table() {
  node "$src/tests/scripts/stream_resilience_check.mjs" "$tools" "$table" "$1" \
    >"$work/check.json" 2>"$work/check.err" || fail "DuckDB check: $(cat "$work/check.err")"
  note "DuckDB: $(cat "$work/check.json")"
}

case $scenario in
  two_members_one_killed)
    n=40000
    start_hub input:8
    produce 0 "$n"
    # Small micro-batches so the run lasts long enough to kill one member in the middle.
    group_job a group-ab "250 ms" 2000
    a_pid=$job_pid
    sleep 1
    group_job b group-ab "250 ms" 2000
    b_pid=$job_pid
    # Kill a once both members have committed batches (the group has split the partitions).
    deadline=$((SECONDS + 45))
    until has_batches a && has_batches b; do
      ((SECONDS < deadline)) || fail "the two members did not both commit batches within 45 s"
      kill -0 "$a_pid" 2>/dev/null && kill -0 "$b_pid" 2>/dev/null || fail "a member exited early"
      sleep 0.2
    done
    done_before=$(rows_committed)
    ((done_before < n)) || fail "the run finished before a member could be killed"
    kill -KILL "$a_pid"
    wait "$a_pid" 2>/dev/null
    note "killed member a (kill -9) at $done_before of $n rows"
    # b gets a's partitions once the group drops a (session timeout 6 s) and rebalances.
    wait_rows "$n" 60 "$b_pid"
    sleep 1  # a batch past n would show up as extra rows in the check
    stop_job "$b_pid" b
    check_table "$n"
    ;;

  broker_down)
    n1=40000
    n2=10000
    start_hub input:8
    produce 0 "$n1"
    group_job job group-down "200 ms" 1000
    job_pid1=$job_pid
    wait_rows $((n1 / 4)) 40 "$job_pid1"
    kill -USR1 "$hub_pid"
    sleep 0.5
    grep -q 'broker down (SIGUSR1)' "$work/hub.out" || fail "the hub did not take its broker down"
    at_down=$(rows_committed)
    ((at_down < n1)) || fail "the run finished before the broker went down"
    note "broker down at $at_down of $n1 rows, for 10 s"
    sleep 10
    kill -0 "$job_pid1" 2>/dev/null || fail "the job exited while the broker was down"
    kill -USR2 "$hub_pid"
    sleep 0.5
    grep -q 'broker up (SIGUSR2)' "$work/hub.out" || fail "the hub did not bring its broker up"
    note "broker up with $(rows_committed) rows committed"
    produce "$n1" "$n2"
    wait_rows $((n1 + n2)) 45 "$job_pid1"
    sleep 1
    stop_job "$job_pid1" job
    check_table $((n1 + n2))
    ;;

  offsets_match_txn)
    n=20000
    start_hub input:8
    produce 0 "$n"
    group_job job group-offsets available-now 3000
    rc=0
    wait "$job_pid" || rc=$?
    [[ $rc -eq 0 ]] || fail "the available-now job exited $rc"
    grep -q '^Job complete\.' "$work/job.out" || fail "no 'Job complete.'"
    check_table "$n"
    check_offsets group-offsets 1
    note "group offsets:"
    cat "$work/offsets.out"
    ((parts == 8)) || fail "lakestream offsets listed $parts partitions, expected 8"
    ;;

  scale_out)
    n=200000
    start_hub input:16
    produce 0 "$n"
    group_job a group-scale "200 ms" 1000 --ui-port 0
    a_pid=$job_pid
    wait_rows $((n / 10)) 60 "$a_pid"
    declare -A member_pid=([a]=$a_pid)
    for m in b c d; do
      group_job "$m" group-scale "200 ms" 1000 --ui-port 0
      member_pid[$m]=$job_pid
    done
    note "scaled up to 4 instances at $(rows_committed) of $n rows"
    # Each new member gets partitions (cooperative rebalance) and commits; its UI says ready.
    deadline=$((SECONDS + 60))
    for m in b c d; do
      until has_batches "$m"; do
        ((SECONDS < deadline)) || fail "member $m committed nothing within 60 s of joining"
        kill -0 "${member_pid[$m]}" 2>/dev/null || fail "member $m exited"
        sleep 0.2
      done
      port=$(grep -o 'UI: http://127\.0\.0\.1:[0-9]*/' "$work/$m.err" | head -n 1 | sed 's|.*:\([0-9]*\)/$|\1|')
      [[ -n $port ]] || fail "member $m printed no UI address"
      code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/readyz" || true)
      [[ $code == 200 ]] || fail "member $m holds partitions but /readyz answered $code"
    done
    done_at=$(rows_committed)
    ((done_at < n)) || fail "the backlog was drained before the scale-down"
    note "all four committed; /readyz 200 on each; scaling down at $done_at rows"
    for m in b c; do stop_job "${member_pid[$m]}" "$m"; done
    note "b and c stopped by SIGTERM (exit 0)"
    kill -KILL "${member_pid[d]}"
    wait "${member_pid[d]}" 2>/dev/null
    note "d killed (kill -9) at $(rows_committed) rows"
    wait_rows "$n" 120 "$a_pid"
    sleep 1
    stop_job "$a_pid" a
    check_table "$n"
    ;;

  sigterm_under_load)
    n=60000
    start_hub input:8
    produce 0 "$n"
    group_job a group-term "100 ms" 1000
    wait_rows $((n / 4)) 60 "$job_pid"
    at=$(rows_committed)
    ((at < n)) || fail "the backlog was drained before the stop"
    t0=$(date +%s%N)
    kill -TERM "$job_pid"
    rc=0
    timeout 25 tail --pid="$job_pid" -f /dev/null || fail "the job did not exit within 25 s of SIGTERM"
    wait "$job_pid" || rc=$?
    ms=$((($(date +%s%N) - t0) / 1000000))
    [[ $rc -eq 0 ]] || fail "the job exited $rc on SIGTERM"
    ((ms <= 20000)) || fail "the job took $ms ms to stop (the stop timeout is 20 s)"
    grep -q '^Job complete\.' "$work/a.out" || fail "no 'Job complete.' after SIGTERM"
    note "SIGTERM at $at of $n rows: exit 0 in $ms ms"
    check_offsets group-term 0
    ((parts > 0)) || fail "the group committed no offsets"
    note "group offsets = txn versions + 1 on $parts partitions"
    group_job b group-term "100 ms" 1000
    wait_rows "$n" 90 "$job_pid"
    sleep 1
    stop_job "$job_pid" b
    check_table "$n"
    check_offsets group-term 1
    ((parts == 8)) || fail "the group committed $parts partitions after the drain, expected 8"
    ;;

  two_drains_one_table)
    n=30000
    start_hub input:8
    produce 0 "$n"
    # Small batches, so that the two runs overlap over many commits.
    group_job a drains available-now 500
    a_pid=$job_pid
    group_job b drains available-now 500
    b_pid=$job_pid
    for p in a b; do
      pid_var=${p}_pid
      rc=0
      wait "${!pid_var}" || rc=$?
      [[ $rc -eq 0 ]] || fail "drain $p exited $rc: $(tail -n 5 "$work/$p.err")"
      grep -q '^Job complete\.' "$work/$p.out" || fail "drain $p did not print 'Job complete.'"
    done
    # Both read all 8 partitions; whichever lost a commit race dropped its batch and went on
    # from the table's offsets.
    dropped=$(cat "$work/a.err" "$work/b.err" | grep -c 'dropped (' || true)
    note "batches dropped on a lost commit race: $dropped"
    check_table "$n"
    ;;

  hub_outage_signals)
    # The hub's outage switch itself: SIGUSR1 refuses clients, SIGUSR2 serves them again.
    start_hub input:2
    produce 0 10
    kill -USR1 "$hub_pid"
    sleep 0.5
    grep -q 'broker down (SIGUSR1)' "$work/hub.out" || fail "no 'broker down (SIGUSR1)' line"
    if timeout 20 kcat -b "$bootstrap" -t input -C -e -q -m 3 -f '%o\n' >"$work/down.txt" \
      2>"$work/kcat_down.err"; then
      fail "kcat read $(wc -l <"$work/down.txt") events from a broker that is down"
    fi
    kill -USR2 "$hub_pid"
    sleep 0.5
    grep -q 'broker up (SIGUSR2)' "$work/hub.out" || fail "no 'broker up (SIGUSR2)' line"
    got=$(timeout 20 kcat -b "$bootstrap" -t input -C -e -q -f '%o\n' 2>>"$work/kcat.err" | wc -l)
    [[ $got -eq 10 ]] || fail "read $got events after the broker came back, expected 10"
    kill -TERM "$hub_pid"
    rc=0
    wait "$hub_pid" || rc=$?
    [[ $rc -eq 0 ]] || fail "the hub exited $rc on SIGTERM"
    ;;

  *)
    echo "unknown scenario '$scenario'" >&2
    exit 2
    ;;
esac
note "passed"
