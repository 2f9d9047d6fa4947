# Appending with `lakestream ingest` to tables that use Delta's writer features, their logs
# written by hand as Spark writes them: CHECK constraints and generated columns enforced (rows
# that break a rule dead-lettered naming it, fail-fast failing), identity columns (values after
# the high-water mark across inputs and runs, the mark committed) and column mapping (physical
# names and field ids in the files, partitionValues and stats keyed by them), read back by
# DuckDB (tests/scripts/delta_features_check.mjs: read_parquet and parquet_schema) and by
# `lakestream show` (logical names).
add_test(NAME delta_features
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/scripts/delta_features_test.sh
                 $<TARGET_FILE:lakestream_cli>
                 ${CMAKE_CURRENT_BINARY_DIR}/delta_features
                 ${CMAKE_CURRENT_SOURCE_DIR}/tools
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(delta_features PROPERTIES LABELS readers TIMEOUT 300)
