#!/usr/bin/env bash
# Install what lakestream needs to build and test: Debian 12 packages, then the npm test tools
# pinned by tests/tools/package-lock.json. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # file: cpack's .deb generator uses it to find the binaries for dpkg-shlibdeps.
  build-essential cmake pkg-config git ninja-build file
  libsimdjson-dev libfmt-dev nlohmann-json3-dev
  libsnappy-dev libzstd-dev zlib1g-dev libssl-dev libcurl4-openssl-dev
  # Reading Parquet pages others compressed with LZ4, LZ4_RAW or Brotli.
  liblz4-dev libbrotli-dev
  librdkafka-dev kcat
  # CRoaring: the bitmaps of Delta deletion vectors (src/delta/deletion_vector.cc).
  libroaring-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-format clang-tidy
  # make fuzz: libFuzzer (fuzz/) needs clang and its runtime; make test does not.
  clang libclang-rt-14-dev
  # The live UI (src/ui) and the library's logging.
  libcpp-httplib-dev libspdlog-dev
  # promtool checks /metrics; headless Chromium loads the UI pages (tests only).
  prometheus chromium
  # time: bench/ingest_bench.sh reads peak RSS from /usr/bin/time -v.
  time
  # strace: the durability tests record the order of fsyncs and commits.
  strace
)
# node and npm may come from outside Debian (newer npm); only install Debian's when absent.
command -v node >/dev/null 2>&1 || APT_PACKAGES+=(nodejs)
command -v npm >/dev/null 2>&1 || APT_PACKAGES+=(npm)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm test tools (independent readers, Azurite), pinned by the lock file. The benchmarks' own
# peers (bench/tools: Polars) are not test tools: bench/nested_bench.sh installs them when it runs.
if [ -f tests/tools/package-lock.json ]; then
  if [ ! -d tests/tools/node_modules ] || [ tests/tools/package-lock.json -nt tests/tools/node_modules/.package-lock.json ]; then
    echo "bootstrap: installing npm test tools (npm ci)"
    # npm 11 refuses `npm ci` when the lock file lacks other platforms' optional packages
    # (DuckDB's per-platform bindings), which is how npm itself writes it here; `npm install
    # --no-save` then installs the same pinned versions from the lock without rewriting it.
    (cd tests/tools && { npm ci --no-audit --no-fund --loglevel=silent 2>/dev/null ||
      npm install --no-save --no-audit --no-fund --loglevel=error; })
  fi
fi

# uPlot, embedded into the UI at build time, pinned by src/ui/assets/package-lock.json.
if [ -f src/ui/assets/package-lock.json ]; then
  if [ ! -f src/ui/assets/node_modules/uplot/dist/uPlot.iife.min.js ] ||
    [ src/ui/assets/package-lock.json -nt src/ui/assets/node_modules/.package-lock.json ]; then
    echo "bootstrap: installing the UI's uPlot (npm ci)"
    (cd src/ui/assets && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
