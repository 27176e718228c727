#!/usr/bin/env bash
# Winograd F(2x2) and F(4x4) against the direct fp32 GEMM on AArch64 NEON, in instructions
# executed per convolution under qemu-user (a proxy: no ARM hardware here; instructions are not
# cycles, and they ignore the memory traffic that Winograd's transforms add), for 3x3 stride-1
# layers (Cin = Cout, padding 1, batch 1, one thread): the crossover the NEON rows of the kernel
# table use (kernels/registry/linear.cc). Each shape runs R and R + 1 times under the counting
# plugin of count.sh; the difference is one convolution, Prepare and Compute.
# Usage: bench/arm/winograd.sh [AARCH64_BUILD]   (after make build-aarch64)
# CHANNELS (default "8 16 32 64 128 256"), SIDES (default "8 14 28 56"), CPU (default cortex-a76).
set -euo pipefail
arm_build=${1:-build/aarch64}
here=$(cd "$(dirname "$0")" && pwd)
runs="$arm_build/bench/arm/trit_winograd_runs"
[[ -x $runs ]] || { echo "winograd.sh: $runs not built (make build-aarch64)"; exit 1; }
py=/usr/bin/python3
cpu=${CPU:-cortex-a76}
tools=${TRIT_PEERS:-$HOME/.cache/trit-peers}/arm
mkdir -p "$tools"
gcc -O2 -shared -fPIC -fvisibility=hidden -o "$tools/insn_count.so" "$here/insn_count_plugin.c"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# per CHANNELS SIDE ALGORITHM: instructions of one convolution.
per() {
  for r in 1 2; do
    QEMU_CPU=$cpu qemu-aarch64 -plugin "$tools/insn_count.so,out=$work/b$r" "$runs" "$1" "$2" \
      "$3" "$r" >/dev/null
  done
  echo $(($($py "$here/attribute.py" total "$work/b2") - $($py "$here/attribute.py" total "$work/b1")))
}

echo "$(qemu-aarch64 --version | head -1), -cpu $cpu; trit $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?')"
echo
echo "| channels | side | direct instructions | F(2x2) | F(4x4) | F(2x2) x | F(4x4) x |"
echo "|---|---|---|---|---|---|---|"
for c in ${CHANNELS:-8 16 32 64 128 256}; do
  for s in ${SIDES:-8 14 28 56}; do
    d=$(per "$c" "$s" 0)
    f2=$(per "$c" "$s" 2)
    f4=$(per "$c" "$s" 4)
    $py -c "print(f'| $c | $s | {$d:,} | {$f2:,} | {$f4:,} | {$d / $f2:.2f} | {$d / $f4:.2f} |')"
  done
done
