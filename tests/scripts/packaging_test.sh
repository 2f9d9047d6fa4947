#!/usr/bin/env bash
# Packaging tests, driven by tests/scripts/packaging.cmake.
#
#   packaging_test.sh install <build-dir> <source-dir> <work-dir> <version> <c++-compiler> [flags]
#     cmake --install the build tree into <work-dir>/prefix, check what was installed, then
#     configure, build and run examples/out_of_tree_job against it, as a user would. [flags]
#     are extra compiler and linker flags for the job (the sanitizers of an asan build).
#   packaging_test.sh cpack <build-dir> <work-dir> <version>
#     build the .deb and .tar.gz with cpack and check their metadata and contents.
set -euo pipefail

# The outer `make test` may export its jobserver; the inner builds must not inherit it.
unset MAKEFLAGS MFLAGS MAKELEVEL CMAKE_PREFIX_PATH

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

check_built() {
  local build=$1
  [ -f "$build/CMakeCache.txt" ] || fail "$build is not a configured build tree"
  compgen -G "$build/src/liblakestream.so*" >/dev/null ||
    fail "liblakestream.so is not built in $build/src (build targets lakestream and lakestream_cli first)"
  [ -x "$build/bin/lakestream" ] ||
    fail "the CLI is not built at $build/bin/lakestream (build target lakestream_cli first)"
}

run_install() {
  local build=$1 source=$2 work=$3 version=$4 cxx=$5 extra_flags=${6:-}
  check_built "$build"
  local prefix=$work/prefix
  rm -rf "$work"
  mkdir -p "$work"

  cmake --install "$build" --prefix "$prefix" >"$work/install.log" ||
    { cat "$work/install.log"; fail "cmake --install $build --prefix $prefix"; }

  # What a consumer relies on.
  for f in include/lakestream/version.h include/lakestream/common/status.h \
    include/lakestream/schema/schema.h bin/lakestream \
    lib/cmake/lakestream/lakestreamConfig.cmake \
    lib/cmake/lakestream/lakestreamConfigVersion.cmake \
    lib/cmake/lakestream/lakestreamTargets.cmake; do
    [ -e "$prefix/$f" ] || fail "not installed: $f"
  done
  local lib
  lib=$(compgen -G "$prefix/lib/liblakestream.so.*.*.*" | head -n1) ||
    fail "no versioned liblakestream.so.X.Y.Z in $prefix/lib"
  local soname
  soname=$(objdump -p "$lib" | awk '/SONAME/ {print $2}')
  [ "$soname" = "liblakestream.so.${version%%.*}" ] ||
    fail "SONAME of $lib is '$soname', expected liblakestream.so.${version%%.*}"
  [ -L "$prefix/lib/liblakestream.so" ] || fail "the liblakestream.so development link is missing"

  # The exported targets must point into the install tree, never back at the build or source.
  if grep -rn -e "$source/include" -e "$build" "$prefix/lib/cmake/lakestream"; then
    fail "exported CMake files reference the source or build tree (lines above)"
  fi
  # Public headers may use only the standard library and other lakestream headers: simdjson,
  # fmt, nlohmann_json and the codecs are private dependencies a consumer does not have.
  if grep -rnE '^\s*#\s*include\s*[<"](simdjson|fmt/|nlohmann/|zlib|zstd|snappy|rdkafka|curl/|openssl/)' \
    "$prefix/include/lakestream"; then
    fail "installed public headers include private dependencies (lines above)"
  fi

  # The installed CLI runs from the prefix alone (RPATH $ORIGIN/../lib) and loads the installed
  # library, not the one in the build tree.
  local cli_version
  cli_version=$(env -u LD_LIBRARY_PATH "$prefix/bin/lakestream" --version) ||
    fail "installed CLI: lakestream --version failed"
  [ "$cli_version" = "lakestream $version" ] ||
    fail "installed CLI printed '$cli_version', expected 'lakestream $version'"
  # (The linker drops an unused liblakestream.so from the CLI with --as-needed, so check the
  # library only where it is needed.)
  local cli_libs
  cli_libs=$(env -u LD_LIBRARY_PATH ldd "$prefix/bin/lakestream")
  if grep -q "not found" <<<"$cli_libs"; then
    echo "$cli_libs"
    fail "installed CLI has unresolved libraries"
  fi
  local cli_lakestream
  cli_lakestream=$(awk '/liblakestream/ {print $3}' <<<"$cli_libs")
  if [ -n "$cli_lakestream" ] &&
    [ "$(realpath "$cli_lakestream")" != "$(realpath "$lib")" ]; then
    echo "$cli_libs"
    fail "installed CLI does not load $prefix/lib/liblakestream.so"
  fi

  # The out-of-tree job, configured the way its CMakeLists tells a user to, with strict warnings
  # so our public headers stay warning-free for consumers.
  local job_build=$work/job-build
  cmake -S "$source/examples/out_of_tree_job" -B "$job_build" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$cxx" \
    -DCMAKE_CXX_FLAGS="-Wall -Wextra -Wpedantic -Werror $extra_flags" \
    -DCMAKE_EXE_LINKER_FLAGS="$extra_flags" \
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
    -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON \
    -DCMAKE_PREFIX_PATH="$prefix" >"$work/job-configure.log" 2>&1 ||
    { cat "$work/job-configure.log"; fail "configuring examples/out_of_tree_job"; }
  local found_dir
  found_dir=$(sed -n 's/^lakestream_DIR:PATH=//p' "$job_build/CMakeCache.txt")
  [ "$found_dir" = "$prefix/lib/cmake/lakestream" ] ||
    fail "find_package(lakestream) found '$found_dir', expected $prefix/lib/cmake/lakestream"
  cmake --build "$job_build" >"$work/job-build.log" 2>&1 ||
    { cat "$work/job-build.log"; fail "building examples/out_of_tree_job"; }
  grep -q -- "-isystem $prefix/include" "$job_build/compile_commands.json" ||
    grep -q -- "-I$prefix/include" "$job_build/compile_commands.json" ||
    fail "the job was not compiled against $prefix/include"

  local expected=$work/expected.txt actual=$work/actual.txt
  sed "s/@LAKESTREAM_VERSION@/$version/" "$source/examples/out_of_tree_job/expected_output.txt" \
    >"$expected"
  env -u LD_LIBRARY_PATH "$job_build/meter_job" >"$actual" || fail "meter_job exited with $?"
  diff -u "$expected" "$actual" || fail "meter_job output differs from expected_output.txt"
  echo "packaging: installed into $prefix; out-of-tree job built and ran"
}

run_cpack() {
  local build=$1 work=$2 version=$3
  check_built "$build"
  rm -rf "$work"
  mkdir -p "$work"
  cpack --config "$build/CPackConfig.cmake" -B "$work" >"$work/cpack.log" 2>&1 ||
    { cat "$work/cpack.log"; fail "cpack"; }

  local deb tgz
  deb=$(compgen -G "$work/lakestream_${version}_*.deb" | head -n1) || fail "no .deb in $work"
  tgz=$(compgen -G "$work/lakestream-${version}-*.tar.gz" | head -n1) || fail "no .tar.gz in $work"

  [ "$(dpkg-deb -f "$deb" Package)" = lakestream ] || fail "$deb: Package is not lakestream"
  [ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "$deb: Version is not $version"
  [ -n "$(dpkg-deb -f "$deb" Maintainer)" ] || fail "$deb: no Maintainer"
  local depends
  depends=$(dpkg-deb -f "$deb" Depends)
  # Every shared library the package's binaries need must come from a package it depends on
  # (dpkg-shlibdeps works this out; this checks it did, for libraries added later too).
  local extract=$work/deb-root
  dpkg-deb -x "$deb" "$extract"
  local binaries
  binaries=$(find "$extract/usr/bin" "$extract/usr/lib" -type f \( -perm -u+x -o -name '*.so*' \))
  [ -n "$binaries" ] || fail "$deb: holds no binaries"
  local bin line path owner needed
  for bin in $binaries; do
    # Only direct dependencies (DT_NEEDED): what those libraries need in turn is their own
    # packages' business (librdkafka1 brings liblz4-1, for instance).
    needed=" $(objdump -p "$bin" | awk '$1 == "NEEDED" {print $2}' | tr '\n' ' ') "
    while read -r line; do
      # "libfoo.so.1 => /lib/x86_64-linux-gnu/libfoo.so.1 (0x...)"
      [[ $line == *" => "* ]] || continue
      [[ $needed == *" $(awk '{print $1}' <<<"$line") "* ]] || continue
      path=$(awk '{print $3}' <<<"$line")
      [[ $path == "$extract"/* ]] && continue  # shipped in this package
      [ "$path" != "not" ] || fail "$bin: unresolved library: $line"
      owner=$(dpkg -S "$path" 2>/dev/null || dpkg -S "/usr$path" 2>/dev/null ||
        dpkg -S "${path#/usr}" 2>/dev/null) || fail "no installed package provides $path"
      owner=$(head -n1 <<<"$owner" | cut -d: -f1)
      [[ $depends == *"$owner"* ]] ||
        fail "$deb: $(basename "$bin") needs $path from $owner, but Depends is '$depends'"
    done < <(env -u LD_LIBRARY_PATH ldd "$bin")
  done
  local contents
  contents=$(dpkg-deb -c "$deb")
  for f in ./usr/bin/lakestream ./usr/bin/streaming_job ./usr/bin/data_generator \
    ./usr/bin/load_and_filter_job ./usr/include/lakestream/version.h \
    ./usr/lib/cmake/lakestream/lakestreamConfig.cmake; do
    grep -q " $f\$" <<<"$contents" || fail "$deb lacks $f"
  done
  grep -qE ' \./usr/lib/liblakestream\.so\.[0-9]+\.[0-9]+\.[0-9]+$' <<<"$contents" ||
    fail "$deb lacks the versioned shared library"
  local listing
  listing=$(tar -tzf "$tgz") || fail "cannot list $tgz"
  grep -q '/lib/cmake/lakestream/lakestreamTargets.cmake$' <<<"$listing" ||
    fail "$tgz lacks lib/cmake/lakestream/lakestreamTargets.cmake"
  # What the container image's runtime stage does with the package, without an engine: its
  # files in a root of their own, the job started from there with the packaged library.
  local help
  help=$(env LD_LIBRARY_PATH="$extract/usr/lib" "$extract/usr/bin/streaming_job" --help 2>&1) ||
    fail "the packaged streaming_job does not start: $help"
  [[ $help == *"--input-eh-connection-string"* ]] || fail "the packaged streaming_job's help: $help"
  [[ $(env LD_LIBRARY_PATH="$extract/usr/lib" ldd "$extract/usr/bin/streaming_job" |
    grep liblakestream) == *"$extract/usr/lib/"* ]] ||
    fail "the packaged streaming_job does not load the packaged liblakestream"
  echo "packaging: built $(basename "$deb") and $(basename "$tgz"); Depends: $depends"
}

mode=${1:-}
shift || true
case "$mode" in
  install) run_install "$@" ;;
  cpack) run_cpack "$@" ;;
  *) fail "usage: $0 install|cpack ..." ;;
esac
