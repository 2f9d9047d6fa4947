# End-to-end tests of the `lakestream` CLI (target lakestream_cli, bin/lakestream).
# Included from tests/CMakeLists.txt; assertions that need more than one regex live in
# cli_test.sh next to this file.

set(ls_cli $<TARGET_FILE:lakestream_cli>)
set(ls_cli_script ${CMAKE_CURRENT_LIST_DIR}/cli_test.sh)

add_test(NAME cli.version COMMAND ${ls_cli} --version)
set_tests_properties(cli.version PROPERTIES
  PASS_REGULAR_EXPRESSION "^lakestream ${PROJECT_VERSION}\n$")

add_test(NAME cli.help_lists_commands COMMAND ${ls_cli} --help)
set_tests_properties(cli.help_lists_commands PROPERTIES
  PASS_REGULAR_EXPRESSION "commands:\n.*  preview  ")

add_test(NAME cli.preview_help COMMAND ${ls_cli} preview --help)
set_tests_properties(cli.preview_help PROPERTIES
  PASS_REGULAR_EXPRESSION "usage: lakestream preview.*--schema FILE.*--flatten.*--truncate N")

# Each scenario: bash cli_test.sh <scenario> <cli binary> <source dir>.
foreach(scenario
    no_command_exits_2
    unknown_command_exits_2
    bad_option_exits_2
    missing_value_exits_2
    missing_schema_option_exits_2
    bad_rows_value_exits_2
    bad_mode_exits_2
    missing_schema_file_fails
    preview_meter_sample_flattened
    preview_meter_sample_nested
    preview_json_schema_matches_ddl
    preview_from_stdin
    preview_row_limit
    preview_fail_fast)
  add_test(NAME cli.${scenario}
           COMMAND bash ${ls_cli_script} ${scenario} ${ls_cli} ${PROJECT_SOURCE_DIR})
  set_tests_properties(cli.${scenario} PROPERTIES TIMEOUT 60)
endforeach()
