#!/usr/bin/env bash
# A harness built with only some ops and weight types (as trit deploy builds one for its model:
# TRIT_MICRO_OPS, TRIT_MICRO_WEIGHT_TYPES) runs a model within them, byte for byte as the host,
# and refuses, naming what is missing, a model with an op or a weight type outside them; its image
# is smaller than the full harness's.
# Usage: selected_ops.sh SELECTED.elf FULL.elf QEMU_MACHINE FIXTURES_DIR
set -euo pipefail
selected=$(realpath "$1") full=$(realpath "$2") machine=$3 dir=$(realpath "$4")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() {  # run NAME: the selected harness on a fixture; prints its console, returns its status
  cp "$dir/$1.plain.trit" "$work/model.trit"
  cp "$dir/$1.input" "$work/input.bin"
  (cd "$work" && timeout 300 qemu-system-arm -M "$machine" -nographic -monitor none \
    -serial none -semihosting-config enable=on,target=native -kernel "$selected" \
    -append "model.trit input.bin output.bin" 2>&1)
}
run lenet5_int8 >/dev/null || { echo "lenet5_int8 failed on the selected harness"; exit 1; }
cmp -s "$work/output.bin" "$dir/lenet5_int8.output" || { echo "lenet5_int8: bytes differ"; exit 1; }
if log=$(run concat_int8); then echo "concat_int8 ran without Concat"; exit 1; fi
[[ $log == *"Concat is not compiled into this build"* ]] || { echo "concat_int8: $log"; exit 1; }
if log=$(run lenet5_ternary); then echo "lenet5_ternary ran without ternary"; exit 1; fi
[[ $log == *"ternary weights are not compiled into this build"* ]] || {
  echo "lenet5_ternary: $log"
  exit 1
}
text() { arm-none-eabi-size -A "$1" | awk '$1 == ".text" {print $2}'; }
(($(text "$selected") < $(text "$full"))) || { echo "the selected image is not smaller"; exit 1; }
echo "selected harness: lenet5_int8 same bytes; Concat and ternary refused;" \
  ".text $(text "$selected") B beside $(text "$full") B"
