# `lakestream ingest` end to end: the sample and generated meter readings into Delta tables,
# read back by DuckDB (tests/tools/check_delta.mjs) and compared with the input; re-runs,
# dead letters, every codec, concurrent writers, schema evolution (--merge-schema), fail-fast,
# and --rescued-data-column (DuckDB finds every unexpected member of a small corpus in the
# column: tests/tools/check_rescued.mjs).
add_test(NAME ingest
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/scripts/ingest_test.sh
                 $<TARGET_FILE:lakestream_cli>
                 ${CMAKE_CURRENT_BINARY_DIR}/ingest
                 ${CMAKE_CURRENT_SOURCE_DIR}/tools
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(ingest PROPERTIES LABELS readers TIMEOUT 600)
