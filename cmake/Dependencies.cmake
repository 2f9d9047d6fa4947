# Every dependency comes from Debian 12 packages (scripts/bootstrap.sh installs them).
find_package(Threads REQUIRED)
find_package(simdjson REQUIRED)
find_package(fmt REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
pkg_check_modules(SNAPPY REQUIRED IMPORTED_TARGET snappy)
# Parquet pages written by others: LZ4 (Hadoop framing and raw blocks), LZ4_RAW, Brotli.
pkg_check_modules(LZ4 REQUIRED IMPORTED_TARGET liblz4)
pkg_check_modules(BROTLIDEC REQUIRED IMPORTED_TARGET libbrotlidec)
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka)
# The Azure Blob backend (storage/azure_*): libcurl for HTTP, OpenSSL for SharedKey HMACs.
find_package(CURL REQUIRED)
find_package(OpenSSL REQUIRED)
# The live UI's HTTP server (src/ui) and the library's logging facility (common/log).
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
find_package(spdlog REQUIRED)
# Deletion vectors (delta/deletion_vector): CRoaring reads the 32-bit Roaring bitmaps of a DV.
# Debian's libroaring-dev ships a CMake package (roaring::roaring) and no pkg-config file.
find_package(roaring REQUIRED)
