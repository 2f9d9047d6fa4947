# Hostile input, counted (label hostile): 31 kinds of records built to break a decoder through
# lakestream ingest and lakestream stream, each found where docs/decoding.md says (hostile_test.sh).
foreach(scenario ingest stream)
  add_test(NAME hostile.${scenario}
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/hostile_test.sh ${scenario}
                   $<TARGET_FILE:lakestream_cli> ${CMAKE_CURRENT_SOURCE_DIR}/tools ${PROJECT_SOURCE_DIR})
  set_tests_properties(hostile.${scenario} PROPERTIES LABELS hostile TIMEOUT 240)
endforeach()
