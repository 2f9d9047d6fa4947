# I/O errors and out of file descriptors (label resource_faults): faults injected below an
# unmodified lakestream by io_fault_inject.c (LD_PRELOAD), and a real `ulimit -n`
# (io_faults_test.sh).
add_library(ls_io_fault_inject SHARED ${CMAKE_CURRENT_LIST_DIR}/io_fault_inject.c)
target_link_libraries(ls_io_fault_inject PRIVATE ${CMAKE_DL_LIBS})
foreach(scenario eio_data_ingest eio_commit_ingest eio_dead_letter emfile_ingest eio_stream)
  add_test(NAME io_faults.${scenario}
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/io_faults_test.sh ${scenario}
                   $<TARGET_FILE:lakestream_cli> $<TARGET_FILE:ls_io_fault_inject>
                   ${CMAKE_CURRENT_SOURCE_DIR}/tools)
  set_tests_properties(io_faults.${scenario} PROPERTIES LABELS resource_faults TIMEOUT 240)
endforeach()
