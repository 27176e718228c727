#!/usr/bin/env bash
# scripts/check_format.sh on a tree without git: it passes a formatted file and names a badly
# formatted one. Usage: check_format_test.sh SOURCE_DIR
set -euo pipefail
source_dir=$1
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
cp "$source_dir/.clang-format" "$tree/"
mkdir -p "$tree/src" "$tree/build/release"
printf 'int Answer() { return 42; }\n' >"$tree/src/good.cc"
printf 'int  Bad( ) {return 1;}\n' >"$tree/build/release/generated.cc"  # build output: skipped

"$source_dir/scripts/check_format.sh" "$tree" || {
  echo "check_format_test: a formatted tree failed"
  exit 1
}
printf 'int  Bad( ) {return 1;}\n' >"$tree/src/bad.cc"
if output=$("$source_dir/scripts/check_format.sh" "$tree"); then
  echo "check_format_test: a badly formatted file passed"
  exit 1
fi
grep -q '^src/bad\.cc:1:[0-9]*: error: ' <<<"$output" || {
  echo "check_format_test: the finding does not name src/bad.cc: $output"
  exit 1
}
