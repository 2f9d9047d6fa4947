# The module graph, visible to every directory (src, tests, tools, jobs, bench).
# module -> modules it uses (dependency order: nothing reaches up this list)
set(LS_DEPS_common "")
set(LS_DEPS_config common)
set(LS_DEPS_schema common)
set(LS_DEPS_batch common schema)
set(LS_DEPS_storage common)
set(LS_DEPS_source common config)
set(LS_DEPS_json common schema batch source)
set(LS_DEPS_parquet common schema batch storage)
set(LS_DEPS_delta common schema batch storage parquet)
set(LS_DEPS_stream common config schema batch json storage parquet delta source)
set(LS_DEPS_ui common config schema batch json storage parquet delta source stream)
set(LAKESTREAM_MODULES common config schema batch storage source json parquet delta stream ui)

set(ls_private_deps simdjson::simdjson fmt::fmt nlohmann_json::nlohmann_json ZLIB::ZLIB
    PkgConfig::ZSTD PkgConfig::SNAPPY PkgConfig::LZ4 PkgConfig::BROTLIDEC PkgConfig::RDKAFKA CURL::libcurl OpenSSL::Crypto PkgConfig::HTTPLIB
    spdlog::spdlog roaring::roaring)

# lakestream_module_closure(<out-var> <module>...) : the modules plus everything they use.
function(lakestream_module_closure out)
  set(result)
  set(queue ${ARGN})
  while(queue)
    list(POP_FRONT queue m)
    if(NOT m IN_LIST result)
      list(APPEND result ${m})
      list(APPEND queue ${LS_DEPS_${m}})
    endif()
  endwhile()
  set(${out} ${result} PARENT_SCOPE)
endfunction()

# lakestream_link_modules(<target> <module>...) : link a test or tool against just those modules.
function(lakestream_link_modules target)
  lakestream_module_closure(mods ${ARGN})
  foreach(m IN LISTS mods)
    target_sources(${target} PRIVATE $<TARGET_OBJECTS:ls_${m}>)
  endforeach()
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/include
                             ${PROJECT_BINARY_DIR}/generated ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${target} PRIVATE Threads::Threads ${ls_private_deps})
endfunction()

