#!/usr/bin/env bash
# Issue #21: instructions per MAC of batch-1 low-bit GEMV on AArch64, codes unpacked for SDOT
# against exact TBL lookup tables (lut_gemv.cc's header describes each method), counted under
# qemu-user with the TCG plugin of count.sh (insn_count_plugin.c): each method runs R and R + 1
# times and the difference is one run, table build and input preparation included.
#
# Usage: bench/arm/lut_gemv.sh     SIZES (default "4096x4096 1024x4096 256x4096": N outputs x K
#                                  inputs), CPU (default cortex-a76)
# Builds the plugin and lut_gemv (static, -O2 -march=armv8.2-a+dotprod) under $TRIT_PEERS
# (default ~/.cache/trit-peers)/arm, outside the repo; first checks every method bit for bit
# against the scalar reference (lut_gemv check); exits non-zero on any mismatch.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sizes=${SIZES:-4096x4096 1024x4096 256x4096}
cpu=${CPU:-cortex-a76}
py=/usr/bin/python3
tools=${TRIT_PEERS:-$HOME/.cache/trit-peers}/arm
mkdir -p "$tools"
command -v aarch64-linux-gnu-g++ >/dev/null || { echo "lut_gemv.sh: needs g++-aarch64-linux-gnu"; exit 1; }
command -v qemu-aarch64 >/dev/null || { echo "lut_gemv.sh: needs qemu-user"; exit 1; }
gcc -O2 -shared -fPIC -fvisibility=hidden -o "$tools/insn_count.so" "$here/insn_count_plugin.c"
aarch64-linux-gnu-g++ -std=c++20 -O2 -march=armv8.2-a+dotprod -static -o "$tools/lut_gemv" \
  "$here/lut_gemv.cc"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

qemu-aarch64 -cpu "$cpu" "$tools/lut_gemv" check

# count KIND N K METHOD: instructions of one run.
count() {
  local runs
  for runs in 1 2; do
    qemu-aarch64 -cpu "$cpu" -plugin "$tools/insn_count.so,out=$work/blocks$runs" \
      "$tools/lut_gemv" "$@" "$runs" >/dev/null
  done
  echo $(($($py "$here/attribute.py" total "$work/blocks2") - $($py "$here/attribute.py" total "$work/blocks1")))
}

echo
echo "$(qemu-aarch64 --version | head -1), -cpu $cpu; $(aarch64-linux-gnu-g++ --version | head -1)"
echo
echo "Instructions per MAC (MACs = N x K), one run: input preparation, table build, all channels."
echo "Build: the table build alone, included in its LUT's number."
echo
echo "| codes | N x K | unpacked (SDOT) | unpacked-mask (SDOT) | lut (TL1, 4-bit index) | build | lut3 (6-bit index) | build | fewest |"
echo "|---|---|---|---|---|---|---|---|---|"
for size in $sizes; do
  n=${size%x*} k=${size#*x}
  for kind in ternary int2 int4; do
    declare -A per=()
    methods="unpacked lut lut-build"
    [[ $kind != int4 ]] && methods="unpacked unpacked-mask lut lut-build lut3 lut3-build"
    for method in $methods; do
      per[$method]=$(count "$kind" "$n" "$k" "$method")
    done
    $py - "$kind" "$n" "$k" "${per[unpacked]}" "${per[unpacked-mask]:-}" "${per[lut]}" \
      "${per[lut-build]}" "${per[lut3]:-}" "${per[lut3-build]:-}" <<'EOF'
import sys
kind, n, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
names = ["unpacked", "unpacked-mask", "lut", "lut-build", "lut3", "lut3-build"]
counts = {m: int(c) for m, c in zip(names, sys.argv[4:]) if c}
macs = n * k
cell = lambda m: f"{counts[m] / macs:.4f}" if m in counts else "-"
best = min((m for m in counts if not m.endswith("build")), key=counts.get)
print(f"| {kind} | {n} x {k} | " + " | ".join(cell(m) for m in names) + f" | {best} |")
EOF
    unset per
  done
done
