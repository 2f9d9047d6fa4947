# The Azure Blob backend against Azurite (npm, pinned in tests/tools), label `azure`.
# azure_test.sh starts azurite-blob on a free loopback port for each scenario and stops it by
# pid; the gtest binary below holds the client-level scenarios. The streaming_* scenarios run
# `lakestream hub` + kcat + streaming_job (and load_and_filter_job) against Azurite.
add_executable(test_azure ${CMAKE_CURRENT_LIST_DIR}/azure_integration_test.cc)
lakestream_link_modules(test_azure storage delta stream)
target_link_libraries(test_azure PRIVATE lakestream_warnings GTest::gtest_main)

foreach(scenario client ingest faults maintenance streaming_devstorage streaming_account_key
                  streaming_faults stream_cli)
  add_test(NAME azure.${scenario}
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/azure_test.sh ${scenario}
                   $<TARGET_FILE:test_azure> $<TARGET_FILE:lakestream_cli>
                   ${CMAKE_CURRENT_BINARY_DIR}/azure_${scenario}
                   ${CMAKE_CURRENT_SOURCE_DIR}/tools ${PROJECT_SOURCE_DIR}
                   $<TARGET_FILE_DIR:streaming_job>)
  set_tests_properties(azure.${scenario} PROPERTIES LABELS azure TIMEOUT 600)
endforeach()
# UseDevelopmentStorage=true means Azurite on 127.0.0.1:10000: one test at a time on that port.
set_tests_properties(azure.streaming_devstorage PROPERTIES RESOURCE_LOCK azurite_port_10000)
