#!/usr/bin/env bash
# CLI end-to-end scenarios for ctest (registered in cli.cmake).
# usage: cli_test.sh <scenario> <path to lakestream> <source dir>
set -u -o pipefail

scenario=$1
cli=$2
cd "$3" || exit 1

out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

fail() {
  echo "FAIL [$scenario]: $*" >&2
  echo "--- stdout:" >&2
  cat "$out" >&2
  echo "--- stderr:" >&2
  cat "$err" >&2
  exit 1
}

# run <args...>: runs the CLI, stdout/stderr captured, exit code in $rc.
run() {
  "$cli" "$@" >"$out" 2>"$err"
  rc=$?
}
expect_rc() { [[ $rc -eq $1 ]] || fail "exit code $rc, expected $1"; }
expect_out() { grep -Eq -- "$1" "$out" || fail "stdout lacks /$1/"; }
expect_err() { grep -Eq -- "$1" "$err" || fail "stderr lacks /$1/"; }
expect_no_out() { ! grep -Eq -- "$1" "$out" || fail "stdout unexpectedly has /$1/"; }

sample=samples/meter_readings.ndjson
ddl=schemas/meter_reading.ddl
json=schemas/meter_reading.json

# The "Done when" check: flattened columns, 12 valid rows, the month-19 record rejected with a
# reason naming ObservationTime, and the other bad lines rejected at their line numbers.
check_meter_flattened() {
  local where=$1
  expect_rc 0
  expect_out '^ \|-- Measurement_Value: decimal\(10,0\) \(nullable = false\)$'
  expect_out '^ \|-- Measurement_Unit: string \(nullable = true\)$'
  expect_out '^\|MeterId\|SupplierId\|Measurement_Value\|Measurement_Unit\| *ObservationTime\|$'
  local row2='^\|     98\|         6\|               10\|             kWH\|'
  expect_out "${row2}2021-01-19 10:33:\\.\\.\\.\\|\$"
  local rows
  rows=$(grep -c '^|' "$out")
  [[ $rows -eq 13 ]] || fail "expected header + 12 rows, got $rows table lines"
  expect_out '^5 records rejected:$'
  expect_out "^  $where:5: .*ObservationTime"
  expect_out "^  $where:8: .*MeterId"
  expect_out "^  $where:11: .*Value"
  expect_out "^  $where:13: "
  expect_out "^  $where:15: .*Value"
  expect_no_out '^\|.*2021-19-01'
}

case $scenario in
  no_command_exits_2)
    run
    expect_rc 2
    expect_err 'usage: lakestream <command>'
    ;;
  unknown_command_exits_2)
    run frobnicate
    expect_rc 2
    expect_err "unknown command 'frobnicate'"
    ;;
  bad_option_exits_2)
    run preview --schema "$ddl" --bogus-option
    expect_rc 2
    expect_err "unknown option '--bogus-option'"
    ;;
  missing_value_exits_2)
    run preview --schema
    expect_rc 2
    expect_err "option --schema expects a value"
    ;;
  missing_schema_option_exits_2)
    run preview --input "$sample"
    expect_rc 2
    expect_err "missing required option: --schema"
    ;;
  bad_rows_value_exits_2)
    run preview --schema "$ddl" -n many
    expect_rc 2
    expect_err "--rows.*'many'"
    ;;
  bad_mode_exits_2)
    run preview --schema "$ddl" --mode lenient
    expect_rc 2
    expect_err "'--mode'.*'lenient'"
    ;;
  missing_schema_file_fails)
    run preview --schema schemas/does-not-exist.ddl --input "$sample"
    expect_rc 1
    expect_err 'schemas/does-not-exist.ddl'
    ;;
  preview_meter_sample_flattened)
    run preview --schema "$ddl" --input "$sample" --flatten
    check_meter_flattened "$sample"
    ;;
  preview_meter_sample_nested)
    run preview --schema "$ddl" --input "$sample"
    expect_rc 0
    expect_out '^ \|-- Measurement: struct \(nullable = false\)$'
    expect_out '^ \|    \|-- Value: decimal\(10,0\) \(nullable = false\)$'
    expect_out '^\|MeterId\|SupplierId\|Measurement\| *ObservationTime\|$'
    expect_out '^\|     98\|         6\|  \{10, kWH\}\|2021-01-19 10:33:\.\.\.\|$'
    expect_out '^5 records rejected:$'
    ;;
  preview_json_schema_matches_ddl)
    run preview --schema "$json" --input "$sample" --flatten
    check_meter_flattened "$sample"
    from_json=$(cat "$out")
    run preview --schema "$ddl" --input "$sample" --flatten
    [[ "$from_json" == "$(cat "$out")" ]] || fail "JSON and DDL schemas print differently"
    ;;
  preview_from_stdin)
    "$cli" preview --schema "$ddl" --input - --flatten <"$sample" >"$out" 2>"$err"
    rc=$?
    check_meter_flattened '<stdin>'
    "$cli" preview --schema "$ddl" --flatten <"$sample" >"$out" 2>"$err"
    rc=$?
    check_meter_flattened '<stdin>'
    ;;
  preview_row_limit)
    run preview --schema "$ddl" --input "$sample" -n 3
    expect_rc 0
    rows=$(grep -c '^|' "$out")
    [[ $rows -eq 4 ]] || fail "expected header + 3 rows, got $rows table lines"
    expect_out '^only showing top 3 rows$'
    ;;
  preview_fail_fast)
    run preview --schema "$ddl" --input "$sample" --mode fail-fast
    [[ $rc -ne 0 ]] || fail "fail-fast with a bad record exited 0"
    expect_err "$sample:5: .*ObservationTime"
    ;;
  *)
    echo "unknown scenario '$scenario'" >&2
    exit 2
    ;;
esac
echo "PASS [$scenario]"
