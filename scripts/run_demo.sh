#!/usr/bin/env bash
# The main demo, what `make run` calls:  scripts/run_demo.sh <path-to-lakestream-cli>
#
# Until the streaming job exists this previews the bundled sample: the meter-reading schema
# tree, the decoded and flattened rows as Spark's show() prints them, then the rejected records
# (the sample carries the original's month-19 timestamp on purpose).
set -euo pipefail
cd "$(dirname "$0")/.."

cli=${1:-build/release/bin/lakestream}
if [ ! -x "$cli" ]; then
  echo "run_demo: no lakestream CLI at '$cli' (build it first: make build)" >&2
  exit 2
fi

schema=schemas/meter_reading.ddl
input=samples/meter_readings.ndjson
for f in "$schema" "$input"; do
  [ -f "$f" ] || { echo "run_demo: missing $f" >&2; exit 2; }
done

echo "+ $cli preview --schema $schema --input $input --flatten"
exec "$cli" preview --schema "$schema" --input "$input" --flatten
