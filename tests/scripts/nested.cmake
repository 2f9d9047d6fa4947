# Nested data end to end (label nested): `lakestream ingest` and `lakestream stream` (from
# `lakestream hub`, kcat producing) of device events with structs, arrays and maps, checked row
# for row by DuckDB and lakestream's reader. Scenarios live in nested_test.sh.
foreach(scenario ingest stream stream_flatten stream_merge_schema stream_rescued stream_options)
  add_test(NAME nested.${scenario}
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/nested_test.sh ${scenario}
                   $<TARGET_FILE:lakestream_cli> ${CMAKE_CURRENT_SOURCE_DIR}/tools)
  set_tests_properties(nested.${scenario} PROPERTIES LABELS nested TIMEOUT 240)
endforeach()
