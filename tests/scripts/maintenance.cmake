# Table maintenance end to end (label maintenance): OPTIMIZE of a table streaming_job wrote,
# checked by DuckDB, alone and in a loop beside a running stream with kill -9 of either.
# Scenarios live in maintenance_test.sh; each stops the processes it started by pid.
if(TARGET streaming_job)
  foreach(scenario optimize_duckdb optimize_beside_stream auto_compaction)
    add_test(NAME maintenance.${scenario}
             COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/maintenance_test.sh ${scenario}
                     $<TARGET_FILE:lakestream_cli> $<TARGET_FILE:streaming_job>
                     ${CMAKE_CURRENT_SOURCE_DIR}/tools ${PROJECT_SOURCE_DIR})
    set_tests_properties(maintenance.${scenario} PROPERTIES LABELS maintenance TIMEOUT 240)
  endforeach()
endif()
