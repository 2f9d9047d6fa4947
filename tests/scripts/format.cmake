# Format check (label `lint`): every tracked C++ file is as clang-format (.clang-format at the
# root) would write it, so the tree does not drift between `make format` runs. Skipped when
# clang-format or git is missing (e.g. a source tarball), reported by name.
find_program(LAKESTREAM_CLANG_FORMAT clang-format)
find_program(LAKESTREAM_GIT git)
add_test(NAME lint.clang_format
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/format_test.sh ${PROJECT_SOURCE_DIR}
                 "${LAKESTREAM_CLANG_FORMAT}" "${LAKESTREAM_GIT}")
set_tests_properties(lint.clang_format PROPERTIES LABELS lint TIMEOUT 120 SKIP_RETURN_CODE 77)
