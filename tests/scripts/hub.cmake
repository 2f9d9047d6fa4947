# `lakestream hub` end to end: the hub runs as a background process, kcat (an independent Kafka
# client) produces into it and consumes back, and the hub stops with exit 0 on SIGTERM.
# Scenarios live in hub_test.sh; each cleans up the processes it started by pid.

set(ls_hub_cli $<TARGET_FILE:lakestream_cli>)
set(ls_hub_script ${CMAKE_CURRENT_LIST_DIR}/hub_test.sh)

add_test(NAME hub.help COMMAND ${ls_hub_cli} hub --help)
set_tests_properties(hub.help PROPERTIES
  PASS_REGULAR_EXPRESSION "usage: lakestream hub.*--hub NAME:PARTITIONS.*--connection-file PATH")

foreach(scenario
    kcat_round_trip
    sigint_exits_0
    drop_warning
    bad_hub_exits_2
    repeated_hub_exits_2)
  add_test(NAME hub.${scenario} COMMAND bash ${ls_hub_script} ${scenario} ${ls_hub_cli})
  set_tests_properties(hub.${scenario} PROPERTIES TIMEOUT 60)
endforeach()
