# `lakestream show/describe/history` end to end: a table ingested in 12 commits (so it has a
# checkpoint at version 10) read by `lakestream show` and by DuckDB (the data files through
# the log, and the checkpoint Parquet itself) must agree; typed output formats; time travel;
# partition pruning; the testdata tables Spark and delta-rs wrote; deletion vectors and column
# mapping (tests/data).
add_test(NAME show
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/scripts/show_test.sh
                 $<TARGET_FILE:lakestream_cli>
                 ${CMAKE_CURRENT_BINARY_DIR}/show
                 ${CMAKE_CURRENT_SOURCE_DIR}/tools
                 ${PROJECT_SOURCE_DIR}
                 "${LAKESTREAM_TEST_DATA_DIR}")
# Exit 77: everything but the corpus's tables passed, and there is no corpus.
set_tests_properties(show PROPERTIES LABELS readers TIMEOUT 300 SKIP_RETURN_CODE 77)
