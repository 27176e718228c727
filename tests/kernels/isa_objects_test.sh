#!/bin/sh
# The object files built with an ISA's flags (x86/*_avx2.cc, *_avx512*.cc, arm/*_neondot.cc,
# *_i8mm.cc, ...) must define no
# weak functions (nm type W): the linker keeps one copy of an inline function or template
# instantiation that several files define, so a shared one runs one ISA's build for every caller
# (AVX-512 code on an AVX2 machine, or the AVX2 build in the AVX-512 path).
# kernels/fast_math.h says how to keep such code file-local. Weak data (typeinfo, the
# exception personality's reference) holds no instructions. Optimized builds only: at -O0 every
# file emits the standard library's inline helpers out of line. Arguments: the kernel object
# files (a CMake list is split on ';'). NM: the toolchain's nm (the target's, when cross-built).
set -eu
found=0
checked=0
for list in "$@"; do
  for object in $(echo "$list" | tr ';' ' '); do
    case $(basename "$object") in
      *_avx2.cc.o | *_avx512*.cc.o | *_vnni*.cc.o | *_neondot.cc.o | *_i8mm.cc.o) ;;
      *) continue ;;
    esac
    checked=$((checked + 1))
    shared=$("${NM:-nm}" -C --defined-only "$object" | awk '$2 == "W"')
    if [ -n "$shared" ]; then
      echo "$(basename "$object") defines weak functions:"
      echo "$shared"
      found=1
    fi
  done
done
[ "$checked" -gt 0 ] || { echo "no ISA object files among the arguments"; exit 1; }
echo "$checked ISA object files checked"
exit $found
