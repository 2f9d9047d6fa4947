# hub_test_lib.sh: what the end-to-end test scripts that run `lakestream hub` share. Source it
# after setting $scenario (the scenario's name, for messages) and $cli (the lakestream binary),
# or, for the scripts that run streaming_job, as `source hub_test_lib.sh --job-test "$@"` with
# the command line <scenario> <lakestream> <streaming_job> <tests/tools> <src>, which sets
# $scenario, $cli, $job, $tools and $src.
# It makes the scenario's work folder $work and the list $pids of processes to stop; on exit
# every listed process still running is killed (by pid) and $work removed (KEEP_WORK=1 keeps
# it). Functions:
#   fail MESSAGE         print it with the tail of every *.out / *.err in $work, exit 1
#   note MESSAGE         a progress line with the scenario and the time
#   start_hub NAME:PARTITIONS
#                        the hub in the background; sets $hub_pid, $conn and $bootstrap. With
#                        $hub_secret set, the connection string carries it as SharedAccessKey
#                        (the hub accepts any key), for tests that look for leaked secrets.
#   produce FIRST COUNT [BAD]
#                        meter events n = FIRST..FIRST+COUNT-1 keyed m<n> (spread over the
#                        partitions; v = n*3019, MeterId v%127, SupplierId v%23, Value v%59,
#                        ObservationTime 2021-01-19T10:00:00Z + n ms, unique), then BAD lines
#                        that are not JSON (dead letters), produced with kcat.
#   appended_rows TABLE  rows the table's commits appended (numRecords of the add actions with
#                        dataChange true: a compaction's adds rewrite rows already counted)
#   start_job NAME OUT [options]
#                        $job (streaming_job) in the background from $work, reading the hub
#                        ($conn) into the output root OUT, no console preview, output appended
#                        to $work/NAME.out and .err; sets $job_pid

if [[ ${1:-} == --job-test ]]; then
  scenario=$2 cli=$3 job=$4 tools=$5 src=$6
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/${scenario}.XXXXXX")
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do
    if kill -0 "$p" 2>/dev/null; then
      kill -KILL "$p" 2>/dev/null
      wait "$p" 2>/dev/null
    fi
  done
  [[ -n ${KEEP_WORK:-} ]] || rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL [$scenario]: $*" >&2
  local f
  for f in "$work"/*.out "$work"/*.err; do
    [[ -f $f ]] && { echo "--- $f (last 40 lines):" >&2; tail -n 40 "$f" | cut -c1-400 >&2; }
  done
  exit 1
}
note() { echo "[$scenario $(date +%T)] $*"; }

start_hub() {
  "$cli" hub --hub "$1" --connection-file "$work/conn" >"$work/hub.out" 2>"$work/hub.err" &
  hub_pid=$!
  pids+=("$hub_pid")
  for _ in $(seq 1 100); do
    if [[ -s $work/conn ]] && grep -q '^lakestream hub: ready' "$work/hub.out"; then
      conn=$(head -n 1 "$work/conn")
      [[ -n ${hub_secret:-} ]] && conn=$(sed "s|SharedAccessKey=[^;]*|SharedAccessKey=$hub_secret|" <<<"$conn")
      bootstrap=$(sed -n 's/^Endpoint=sb:\/\/\([^;]*\);.*/\1/p' <<<"$conn")
      [[ $bootstrap =~ ^127\.0\.0\.1:[0-9]+$ ]] || fail "no 127.0.0.1:port in the hub's connection string"
      return
    fi
    kill -0 "$hub_pid" 2>/dev/null || fail "the hub exited early"
    sleep 0.1
  done
  fail "the hub was not ready within 10 s"
}

produce() {
  awk -v first="$1" -v count="$2" -v bad="${3:-0}" 'BEGIN {
    for (n = first; n < first + count; n++) {
      v = n * 3019; ms = n % 1000; s = int(n / 1000)
      printf "m%d:{\"MeterId\":\"%d\",\"SupplierId\":\"%d\",\"Measurement\":{\"Value\":%d,\"Unit\":\"kWH\"},\"ObservationTime\":\"2021-01-19T%02d:%02d:%02d.%03dZ\"}\n",
        n, v % 127, v % 23, v % 59, 10 + int(s / 3600), int(s / 60) % 60, s % 60, ms
    }
    for (n = 0; n < bad; n++) printf "b%d:not json %d {\n", first + n, n
  }' >"$work/produce.txt"
  kcat -b "$bootstrap" -t input -P -K: -z lz4 -X linger.ms=50 <"$work/produce.txt" \
    2>>"$work/kcat.err" || fail "kcat produce failed"
}

appended_rows() {
  cat "$1"/_delta_log/*.json 2>/dev/null | grep '^{"add"' | grep '"dataChange":true' |
    grep -o 'numRecords\\":[0-9]*' | awk -F: '{s += $2} END {print s + 0}'
}

start_job() {
  local name=$1 out=$2
  shift 2
  (cd "$work" && exec "$job" --output-root "$out" --input-eh-connection-string "$conn" \
    --preview-seconds 0 "$@") >>"$work/$name.out" 2>>"$work/$name.err" &
  job_pid=$!
  pids+=("$job_pid")
}
