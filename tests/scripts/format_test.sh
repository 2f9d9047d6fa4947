#!/usr/bin/env bash
# format_test.sh SOURCE_DIR CLANG_FORMAT GIT: fails listing the files clang-format would change.
set -uo pipefail
src=$1 clang_format=$2 git=$3
if [[ -z $clang_format || ! -x $clang_format || -z $git || ! -d $src/.git ]]; then
  echo "format check skipped: needs clang-format and a git checkout" >&2
  exit 77
fi
cd "$src" || exit 1
mapfile -t files < <("$git" ls-files '*.h' '*.cc')
((${#files[@]} > 0)) || { echo "no C++ files tracked in $src" >&2; exit 1; }
bad=()
for f in "${files[@]}"; do
  [[ -f $f ]] || continue
  if ! "$clang_format" --dry-run --Werror "$f" >/dev/null 2>&1; then bad+=("$f"); fi
done
if ((${#bad[@]} > 0)); then
  echo "${#bad[@]} of ${#files[@]} files are not clang-formatted (run make format):" >&2
  printf '  %s\n' "${bad[@]}" >&2
  exit 1
fi
echo "all ${#files[@]} C++ files are clang-formatted"
