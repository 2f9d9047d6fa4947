# streaming_job under failures, end to end against `lakestream hub` on 127.0.0.1, checked with
# DuckDB: a group member killed mid-run, the broker down for 10 s, the group's committed offsets
# against the table's txn versions. Scenarios live in stream_resilience_test.sh; each cleans up
# the processes it started by pid. Label: streaming.
if(TARGET streaming_job)
  foreach(scenario two_members_one_killed offsets_match_txn hub_outage_signals broker_down
                  two_drains_one_table sigterm_under_load scale_out)
    add_test(NAME stream_resilience.${scenario}
             COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/stream_resilience_test.sh ${scenario}
                     $<TARGET_FILE:lakestream_cli> $<TARGET_FILE:streaming_job>
                     ${CMAKE_CURRENT_SOURCE_DIR}/tools ${PROJECT_SOURCE_DIR})
    set_tests_properties(stream_resilience.${scenario} PROPERTIES LABELS streaming TIMEOUT 180)
  endforeach()
endif()
