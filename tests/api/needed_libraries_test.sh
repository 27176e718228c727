#!/usr/bin/env bash
# The runtime links nothing but the C++ standard library: the C-only example that embeds
# libtrit may need only libstdc++, libm, libgcc_s and libc (plus sanitizer runtimes in a
# sanitizer build).
set -euo pipefail
binary=$1
needed=$(objdump -p "$binary" | awk '/NEEDED/ {print $2}')
echo "$needed"
for lib in $needed; do
  case "$lib" in
    libstdc++.so.*|libm.so.*|libgcc_s.so.*|libc.so.*|ld-linux*|libasan.so.*|libubsan.so.*) ;;
    *) echo "unexpected dependency: $lib" >&2; exit 1 ;;
  esac
done
