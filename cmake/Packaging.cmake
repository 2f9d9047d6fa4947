# Install rules, CMake package config and CPack: the counterpart of the original's
# `setup.py sdist bdist_wheel`. After `cmake --install`, a job elsewhere does
#   find_package(lakestream REQUIRED)
#   target_link_libraries(job PRIVATE lakestream::lakestream)
# and `make package` (cpack) builds a .deb and a .tar.gz of the same install tree.

include(CMakePackageConfigHelpers)

set(LAKESTREAM_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/lakestream)

# The CLI finds the library next to it in any prefix (a temp dir, /usr/local, an unpacked
# tarball) without LD_LIBRARY_PATH.
set_target_properties(lakestream_cli PROPERTIES
                      INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}")
# The shipped .so must be self-contained: an undefined symbol fails here, when the library is
# linked, not later in a consumer's link or at load time.
target_link_options(lakestream PRIVATE LINKER:--no-undefined)
# `make install` / `make package` build first (Makefile); without this, cpack's preinstall
# step would rebuild every test and benchmark just to package the library and the CLI.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
# Consumers see the library under the package namespace as lakestream::lakestream.
set_target_properties(lakestream PROPERTIES EXPORT_NAME lakestream)

# The shared library is made of the module object files (src/CMakeLists.txt), so nothing but
# `lakestream` itself is exported; its private dependencies (simdjson, fmt, nlohmann_json,
# zlib, zstd, snappy) stay inside the .so and consumers never need their headers.
install(TARGETS lakestream EXPORT lakestreamTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS lakestream_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Public headers: the whole include/lakestream tree plus the generated version header.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/lakestream
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_BINARY_DIR}/generated/lakestream/version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/lakestream)

# The bundled schemas, samples and configuration samples, so `lakestream preview` can be tried
# from an installed package (share/lakestream/...). Folders are picked up at install time.
foreach(asset_dir schemas samples configuration)
  if(IS_DIRECTORY ${PROJECT_SOURCE_DIR}/${asset_dir})
    install(DIRECTORY ${PROJECT_SOURCE_DIR}/${asset_dir}
            DESTINATION ${CMAKE_INSTALL_DATADIR}/lakestream)
  endif()
endforeach()

install(EXPORT lakestreamTargets
        NAMESPACE lakestream::
        FILE lakestreamTargets.cmake
        DESTINATION ${LAKESTREAM_CMAKE_INSTALL_DIR})

configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/lakestreamConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/lakestreamConfig.cmake
  INSTALL_DESTINATION ${LAKESTREAM_CMAKE_INSTALL_DIR})
# 0.x: the API may change between minor versions, so only the same minor version matches.
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/cmake/lakestreamConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake/lakestreamConfig.cmake
              ${PROJECT_BINARY_DIR}/cmake/lakestreamConfigVersion.cmake
        DESTINATION ${LAKESTREAM_CMAKE_INSTALL_DIR})

# ---- CPack: `make package` -> .deb + .tar.gz; `cpack --config CPackSourceConfig.cmake` -> sources
set(CPACK_PACKAGE_NAME lakestream)
set(CPACK_PACKAGE_VENDOR "lakestream")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Streaming ingestion from Event Hubs/Kafka JSON into Delta Lake (C++ library and CLI)")
set(CPACK_PACKAGE_DESCRIPTION
    "lakestream reads JSON events from Azure Event Hubs or any Kafka-protocol broker,
decodes them against a declared schema, flattens nested structs and appends them
exactly-once to a Delta Lake table. This package holds the shared library, its
headers, the CMake package config (find_package(lakestream)) and the lakestream
command-line tool.")
set(CPACK_PACKAGE_CONTACT "lakestream maintainers <maintainers@lakestream.invalid>")
if(EXISTS ${PROJECT_SOURCE_DIR}/README.md)
  set(CPACK_RESOURCE_FILE_README ${PROJECT_SOURCE_DIR}/README.md)
endif()
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_PACKAGE_FILE_NAME
    "${CPACK_PACKAGE_NAME}-${PROJECT_VERSION}-${CMAKE_SYSTEM_NAME}-${CMAKE_SYSTEM_PROCESSOR}")
set(CPACK_STRIP_FILES OFF)  # keep symbols: a job author debugs into the library with gdb

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/lakestream/lakestream")
# Runtime library dependencies (libsimdjson, libfmt, libzstd, libsnappy, zlib, libstdc++)
# come from dpkg-shlibdeps reading the binaries, so they stay right as modules add libraries.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# shlibdeps must not look for liblakestream.so.0 among the installed system packages.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${PROJECT_BINARY_DIR}/src)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)

set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_PACKAGE_FILE_NAME "${CPACK_PACKAGE_NAME}-${PROJECT_VERSION}")
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build/" "/node_modules/" "/data/" "\\\\.swp$")

include(CPack)
