# A full disk (label resource_faults): lakestream ingest and lakestream stream on a small tmpfs
# in a private mount namespace (resource_faults_test.sh); exit 77 is a skip (no namespaces).
foreach(scenario enospc_ingest enospc_stream)
  add_test(NAME resource_faults.${scenario}
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/resource_faults_test.sh ${scenario}
                   $<TARGET_FILE:lakestream_cli> ${CMAKE_CURRENT_SOURCE_DIR}/tools)
  set_tests_properties(resource_faults.${scenario} PROPERTIES LABELS resource_faults TIMEOUT 240
                       SKIP_RETURN_CODE 77)
endforeach()
