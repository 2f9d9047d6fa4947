#!/usr/bin/env bash
# Write the Parquet fixtures, then check them with DuckDB and hyparquet.
#   parquet_readers.sh <parquet_fixture_writer> <work-dir> <tests/tools dir>
set -euo pipefail
writer=$1
work=$2
tools=$3

if [ ! -d "$tools/node_modules/@duckdb/node-api" ] || [ ! -d "$tools/node_modules/hyparquet" ]; then
  echo "parquet_readers: the npm test tools are missing in $tools/node_modules;" \
       "run scripts/bootstrap.sh (it runs npm ci there)" >&2
  exit 1
fi
rm -rf "$work"
mkdir -p "$work"
"$writer" "$work"
node "$tools/check_parquet.mjs" "$work"
