#!/usr/bin/env bash
# Build the libFuzzer targets (preset fuzz: clang, ASan + UBSan) and run each for N seconds on
# its seed corpus (fuzz/corpus/<name>/). What `make fuzz FUZZ_SECONDS=N` runs.
#   scripts/run_fuzz.sh SECONDS [TARGET...]      (all targets of fuzz/CMakeLists.txt by default)
# New corpus entries go to build/fuzz/corpus/<name>/ (a scratch folder); FUZZ_KEEP=1 adds them
# to fuzz/corpus/<name>/ instead. A crash leaves its input in build/fuzz/artifacts/<name>/, the
# other targets still run, and the script exits 1 at the end. FUZZ_JOBS: build parallelism.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then
  read -r -a targets <<<"$(sed -n 's/^set(fuzz_targets \(.*\))$/\1/p' fuzz/CMakeLists.txt)"
fi
build=build/fuzz
jobs=${FUZZ_JOBS:-$(nproc)}

for tool in /usr/bin/clang /usr/bin/clang++; do
  if [ ! -x "$tool" ]; then
    echo "run_fuzz: $tool is missing: run scripts/bootstrap.sh (clang, libclang-rt-14-dev)" >&2
    exit 2
  fi
done
[ -f "$build/CMakeCache.txt" ] || cmake --preset fuzz
cmake --build "$build" -j "$jobs" --target "${targets[@]/#/fuzz_}"

failed=()
for name in "${targets[@]}"; do
  scratch=$build/corpus/$name
  artifacts=$build/artifacts/$name
  mkdir -p "$scratch" "$artifacts"
  corpora=("$scratch" "fuzz/corpus/$name")
  # libFuzzer adds new inputs to the first folder it is given.
  [ "${FUZZ_KEEP:-0}" = 1 ] && corpora=("fuzz/corpus/$name" "$scratch")
  echo "== fuzz_$name for ${seconds}s"
  if ! "$build/fuzz/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$artifacts/" "${corpora[@]}" 2>"$build/fuzz_$name.log"; then
    failed+=("$name")
    grep -E "ERROR|SUMMARY|Test unit written" "$build/fuzz_$name.log" >&2 || true
    echo "fuzz_$name: crash (log $build/fuzz_$name.log, input in $artifacts/)" >&2
  fi
  grep -E "stat::number_of_executed_units|cov: " "$build/fuzz_$name.log" | tail -2 || true
done
if ((${#failed[@]})); then
  echo "run_fuzz: crashes in: ${failed[*]}" >&2
  exit 1
fi
