# measure.bash: the figures the script benchmarks read from `/usr/bin/time -v -o FILE` reports,
# the median of a list, and the local hub they stream from. Sourced by bench/*.sh (named .bash so that scripts/run_bench.sh,
# which runs every bench/*.sh, does not take it for a benchmark).

# peak_rss_kb <time -v output file>: maximum resident set size, KB.
peak_rss_kb() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }
# cpu_pct <file>: (user + system) / wall, in percent; 200 = both cores of a 2-core machine.
cpu_pct() { awk -F': ' '/Percent of CPU/ {sub("%", "", $2); print $2}' "$1"; }
# cpu_s <file>: user + system seconds.
cpu_s() { awk -F': ' '/User time|System time/ {s += $2} END {print s + 0}' "$1"; }
# wall_s <file>: elapsed wall time in seconds (the report prints h:mm:ss or m:ss.ss).
wall_s() {
  awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0;
    for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$1"
}
# median <number>...
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# start_hub <partitions> <work dir>: `lakestream hub` (from $cli) with topic `input` in the
# background, its pid appended to $pids; sets $conn (its connection string) and $bootstrap.
start_hub() {
  "$cli" hub --hub "input:$1" --connection-file "$2/conn" >"$2/hub.out" 2>"$2/hub.err" &
  pids+=($!)
  for _ in $(seq 1 100); do
    [ -s "$2/conn" ] && grep -q '^lakestream hub: ready' "$2/hub.out" && break
    sleep 0.1
  done
  conn=$(head -n 1 "$2/conn")
  bootstrap=$(sed -n 's/^Endpoint=sb:\/\/\([^;]*\);.*/\1/p' <<<"$conn")
}
