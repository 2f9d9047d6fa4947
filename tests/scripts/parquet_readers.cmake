# Independent readers: files written by lakestream's Parquet writer are read back by DuckDB and
# hyparquet (npm, pinned in tests/tools/package-lock.json), value by value.
add_executable(parquet_fixture_writer ${CMAKE_CURRENT_SOURCE_DIR}/scripts/parquet_fixture_writer.cc)
lakestream_link_modules(parquet_fixture_writer parquet)
target_link_libraries(parquet_fixture_writer PRIVATE lakestream_warnings)
# The random nested values and their canonical JSON are shared with the GoogleTest tests.
target_include_directories(parquet_fixture_writer PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})

add_test(NAME parquet_readers
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/scripts/parquet_readers.sh
                 $<TARGET_FILE:parquet_fixture_writer>
                 ${CMAKE_CURRENT_BINARY_DIR}/parquet_readers
                 ${CMAKE_CURRENT_SOURCE_DIR}/tools)
set_tests_properties(parquet_readers PROPERTIES LABELS readers TIMEOUT 600)
