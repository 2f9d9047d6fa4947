#!/usr/bin/env bash
# A full disk (ctest, label resource_faults; resource_faults.cmake). Each scenario runs in a
# private mount namespace (unshare -rm: no privileges needed where user namespaces are allowed)
# with a small tmpfs as the disk, so the failures are the kernel's own ENOSPC:
#   enospc_ingest  `lakestream ingest` of ~6 MB of nested events into a 1 MiB disk: exit 1 with
#                  an error naming the file and saying the disk is full, and nothing committed
#                  (no _delta_log commit names a missing or partial file); the disk grows
#                  (remount), the same command appends every row exactly (DuckDB).
#   enospc_stream  `lakestream stream` from `lakestream hub` into a 1 MiB disk: it stops with the
#                  same kind of error; every commit made before names only complete files; the
#                  disk grows, a restart continues from the table's log: exact, no duplicates.
# Exit 77 (reported as skipped by ctest) only when this kernel refuses the namespace or mount.
# usage: resource_faults_test.sh <scenario> <lakestream> <tests/tools>
set -u -o pipefail

scenario=$1
cli=$2
tools=$3
source "$(dirname "$0")/hub_test_lib.sh"

disk=$work/disk
mkdir -p "$disk"
if ! unshare -rm sh -c "mount -t tmpfs -o size=64k none '$disk'" 2>"$work/unshare.err"; then
  echo "SKIP: no private mount namespace with a tmpfs here: $(cat "$work/unshare.err")"
  exit 77
fi
node "$tools/nested_events.mjs" --schema >"$work/device.ddl"

# in_namespace SCRIPT: runs SCRIPT with bash in a private mount namespace where $disk is a
# 1 MiB tmpfs; `grow` inside it remounts the disk at 256 MiB (space returns).
in_namespace() {
  unshare -rm bash -c "set -u -o pipefail
    mount -t tmpfs -o size=1m none '$disk' || exit 99
    grow() { mount -o remount,size=256m '$disk'; }
    $1"
}

# A check run inside the namespace (the disk exists only there): every add of every commit
# names a file that exists with the add's size.
adds_complete='node -e "
  const fs = require(\"fs\"), path = require(\"path\");
  const t = process.argv[1], log = path.join(t, \"_delta_log\");
  let n = 0;
  for (const f of fs.readdirSync(log).filter((f) => /^\\d{20}\\.json$/.test(f))) {
    for (const l of fs.readFileSync(path.join(log, f), \"utf8\").split(\"\\n\")) {
      if (!l.trim()) continue;
      const a = JSON.parse(l).add;
      if (!a) continue;
      const p = path.join(t, decodeURIComponent(a.path));
      if (!fs.existsSync(p) || fs.statSync(p).size !== a.size) { console.error(\"incomplete: \" + p); process.exit(1); }
      n++;
    }
  }
  console.log(n + \" adds, all complete\");
"'

case $scenario in
  enospc_ingest)
    node "$tools/nested_events.mjs" --count 20000 >"$work/events.ndjson"
    in_namespace "
      '$cli' ingest --schema '$work/device.ddl' -i '$work/events.ndjson' --table '$disk/t' \
        --partition-by site --flatten false --no-ui >'$work/full.out' 2>'$work/full.err'
      echo \$? >'$work/full.rc'
      if [ -d '$disk/t/_delta_log' ]; then ls '$disk/t/_delta_log' >'$work/full.log'; fi
      grow
      '$cli' ingest --schema '$work/device.ddl' -i '$work/events.ndjson' --table '$disk/t' \
        --partition-by site --flatten false --no-ui >'$work/again.out' 2>'$work/again.err' || exit 3
      $adds_complete '$disk/t' >'$work/adds.out' 2>&1 || exit 4
      node '$tools/check_nested.mjs' --table '$disk/t' --events 0:20000 --partition-by site \
        --cli '$cli' >'$work/check.out' 2>'$work/check.err' || exit 5
    "
    rc=$?
    [[ $rc == 0 ]] || fail "the run in the namespace failed at step $rc"
    [[ $(cat "$work/full.rc") == 1 ]] || fail "ingest into a full disk exited $(cat "$work/full.rc"), expected 1"
    grep -q 'the disk is full' "$work/full.err" || fail "no 'the disk is full' in: $(cat "$work/full.err")"
    grep -q "file://$disk/t" "$work/full.err" || fail "the error does not name the file: $(cat "$work/full.err")"
    if grep -q '^[0-9]*\.json$' "$work/full.log" 2>/dev/null; then
      fail "the failed ingest committed: $(cat "$work/full.log")"
    fi
    note "full disk: $(head -c 300 "$work/full.err")"
    note "after the disk grew: $(cat "$work/adds.out"); $(cat "$work/check.out")"
    ;;

  enospc_stream)
    start_hub input:2
    node "$tools/nested_events.mjs" --first 0 --count 20000 --keyed >"$work/produce.txt"
    kcat -b "$bootstrap" -t input -P -K: -z lz4 <"$work/produce.txt" 2>>"$work/kcat.err" ||
      fail "kcat produce failed"
    in_namespace "
      run() {
        timeout 120 '$cli' stream --schema '$work/device.ddl' --input-eh-connection-string '$conn' \
          --table '$disk/t' --checkpoint-location '$disk/cp' --partition-by site --flatten false --no-ui \
          --trigger-interval available-now --max-events-per-trigger 2000 >>"$work/\$1.out" 2>>"$work/\$1.err"
      }
      run full
      echo \$? >'$work/full.rc'
      $adds_complete '$disk/t' >'$work/adds_full.out' 2>&1 || exit 2
      grow
      run again || exit 3
      $adds_complete '$disk/t' >'$work/adds.out' 2>&1 || exit 4
      node '$tools/check_nested.mjs' --table '$disk/t' --events 0:20000 --partition-by site \
        --cli '$cli' >'$work/check.out' 2>'$work/check.err' || exit 5
    "
    rc=$?
    [[ $rc == 0 ]] || fail "the run in the namespace failed at step $rc: $(cat "$work/check.err" 2>/dev/null)"
    [[ $(cat "$work/full.rc") == 1 ]] || fail "the stream on a full disk exited $(cat "$work/full.rc"), expected 1"
    grep -q 'the disk is full' "$work/full.err" || fail "no 'the disk is full' in: $(tail -n 5 "$work/full.err")"
    note "full disk: $(grep -m1 'the disk is full' "$work/full.err" | head -c 300); before: $(cat "$work/adds_full.out")"
    note "after the disk grew: $(cat "$work/adds.out"); $(cat "$work/check.out")"
    ;;

  *)
    fail "unknown scenario $scenario"
    ;;
esac
note "passed"
