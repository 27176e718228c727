#!/usr/bin/env bash
# Checks that every C/C++ source is formatted as .clang-format says: one line per finding, exit 1
# if there is any. Usage: check_format.sh [ROOT] (default: this checkout). The files are those
# git tracks, or, in a tree without git (a source tarball), every one outside build*/ and out/.
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"

command -v clang-format >/dev/null || {
  echo "check_format: clang-format not found (scripts/install-deps.sh installs it)"
  exit 1
}

if [[ $(git rev-parse --show-toplevel 2>/dev/null) == "$(pwd -P)" ]]; then
  mapfile -t listed < <(git ls-files -- '*.c' '*.cc' '*.h' '*.hpp')
else
  mapfile -t listed < <(find . \( -path './build*' -o -path './out' -o -path './.*' \) -prune -o \
    -type f \( -name '*.c' -o -name '*.cc' -o -name '*.h' -o -name '*.hpp' \) -printf '%P\n' | sort)
fi
files=()
for file in "${listed[@]}"; do
  [[ -f $file ]] && files+=("$file")  # tracked but deleted in the work tree: nothing to check
done
((${#files[@]} > 0)) || exit 0

if ! output=$(clang-format --dry-run --Werror "${files[@]}" 2>&1); then
  grep ': error: ' <<<"$output" || echo "$output"
  echo "check_format: clang-format -i the files above"
  exit 1
fi
