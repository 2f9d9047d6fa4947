# deploy/: the Kubernetes manifests and the Containerfile parse and name only what the project
# defines (image, port, probe paths, options, secrets), and streaming_job accepts their config
# (deploy_check.mjs). The image itself is checked by packaging.cmake's install of the .deb.
if(TARGET streaming_job)
  add_test(NAME deploy.manifests
           COMMAND node ${CMAKE_CURRENT_LIST_DIR}/deploy_check.mjs ${PROJECT_SOURCE_DIR}
                   ${CMAKE_CURRENT_SOURCE_DIR}/tools $<TARGET_FILE:streaming_job>
                   ${CMAKE_CURRENT_BINARY_DIR}/deploy)
  set_tests_properties(deploy.manifests PROPERTIES LABELS deploy TIMEOUT 60)
endif()
