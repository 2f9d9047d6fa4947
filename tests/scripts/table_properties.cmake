# --table-property on `lakestream ingest` and `lakestream stream` (from `lakestream hub`): new
# tables get the properties and the protocol they need, appends honour them (row ids, v2
# checkpoints), DuckDB reads every row, unknown delta.* keys are refused before anything is
# written. Scenarios live in table_properties_test.sh.
foreach(scenario ingest stream)
  add_test(NAME table_properties.${scenario}
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/table_properties_test.sh ${scenario}
                   $<TARGET_FILE:lakestream_cli> ${CMAKE_CURRENT_SOURCE_DIR}/tools
                   ${PROJECT_SOURCE_DIR})
  set_tests_properties(table_properties.${scenario} PROPERTIES LABELS readers TIMEOUT 240)
endforeach()
