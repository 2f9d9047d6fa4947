# Packaging tests (label `packaging`): install the build tree into a temporary prefix and build
# examples/out_of_tree_job against it with find_package(lakestream); build the .deb and .tar.gz
# with cpack. Both need the library and CLI built, which ctest runs after.
set(packaging_script ${CMAKE_CURRENT_LIST_DIR}/packaging_test.sh)

# A sanitized library needs its runtime first in the job's link too.
set(packaging_job_flags "")
if(LAKESTREAM_SANITIZE)
  set(packaging_job_flags "-fsanitize=address,undefined")
endif()

add_test(NAME packaging.install_and_out_of_tree_job
         COMMAND bash ${packaging_script} install ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR}
                 ${PROJECT_BINARY_DIR}/packaging_test/install ${PROJECT_VERSION}
                 ${CMAKE_CXX_COMPILER} "${packaging_job_flags}")
add_test(NAME packaging.cpack_deb_and_tgz
         COMMAND bash ${packaging_script} cpack ${PROJECT_BINARY_DIR}
                 ${PROJECT_BINARY_DIR}/packaging_test/cpack ${PROJECT_VERSION})
# Both run the build tree's install script (which writes install_manifest.txt there).
set_tests_properties(packaging.install_and_out_of_tree_job packaging.cpack_deb_and_tgz
                     PROPERTIES LABELS packaging TIMEOUT 120 RESOURCE_LOCK lakestream_install)
