# The live UI of a real streaming_job (label ui): API, progress records and metrics against the
# job's log and the tables (DuckDB), promtool, headless Chromium (screenshots in
# <build>/ui-screenshots), readiness across a broker outage, port fallback and --no-ui.
# Scenarios live in ui_test.sh; each stops the processes it started by pid.
if(TARGET streaming_job)
  foreach(scenario live_job port_taken_no_ui)
    add_test(NAME ui.${scenario}
             COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/ui_test.sh ${scenario}
                     $<TARGET_FILE:lakestream_cli> $<TARGET_FILE:streaming_job>
                     ${CMAKE_CURRENT_SOURCE_DIR}/tools ${PROJECT_SOURCE_DIR}
                     ${PROJECT_BINARY_DIR}/ui-screenshots)
    set_tests_properties(ui.${scenario} PROPERTIES LABELS ui TIMEOUT 180)
  endforeach()
endif()
