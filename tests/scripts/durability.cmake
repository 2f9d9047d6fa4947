# Durable commits on local disk (label durability): lakestream ingest and lakestream stream run
# under strace, their system calls replayed against a power-cut model (durability_test.sh).
foreach(scenario ingest stream)
  add_test(NAME durability.${scenario}
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/durability_test.sh ${scenario}
                   $<TARGET_FILE:lakestream_cli> ${CMAKE_CURRENT_SOURCE_DIR}/tools
                   ${PROJECT_SOURCE_DIR})
  set_tests_properties(durability.${scenario} PROPERTIES LABELS durability TIMEOUT 240)
endforeach()
