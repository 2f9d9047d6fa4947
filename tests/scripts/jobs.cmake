# The sample jobs end to end (label `jobs`), everything on 127.0.0.1: `lakestream hub` in the
# background, kcat producing known messages, streaming_job draining them in available-now
# mode, DuckDB checking the table and the dead letters (tests/tools), plus the jobs' option
# handling. Scenarios live in jobs_test.sh; each stops the processes it started by pid.
foreach(scenario available_now_exact print_config_redacts missing_required_exits_2
        load_and_filter_reads_one_partition crash_restart_exactly_once)
  add_test(NAME jobs.${scenario}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/scripts/jobs_test.sh ${scenario}
                   $<TARGET_FILE:lakestream_cli> ${PROJECT_BINARY_DIR}/bin
                   ${CMAKE_CURRENT_SOURCE_DIR}/tools)
  set_tests_properties(jobs.${scenario} PROPERTIES LABELS jobs TIMEOUT 180)
endforeach()
