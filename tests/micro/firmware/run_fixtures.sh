#!/usr/bin/env bash
# Runs the harness firmware under qemu-system-arm on every microcontroller-sized cross-ISA
# fixture of one weight variant (and the microcontroller-only cases of micro_cases.txt) and
# compares the output bytes with the host's.
# The arena the firmware reports must equal the one the host computed for the target's kernel
# level (NAME.arena): what trit deploy writes into model_data.h.
# Usage: run_fixtures.sh HARNESS.elf QEMU_MACHINE FIXTURES_DIR VARIANT LEVEL
set -euo pipefail
harness=$(realpath "$1") machine=$2 dir=$(realpath "$3") variant=$4 level=$5
[[ -f $dir/cases.txt ]] || { echo "no fixtures in $dir: build the host (make build) first"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
checked=0
while read -r name case_variant; do
  [[ $case_variant == "$variant" ]] || continue
  case $name in lenet5_* | convnet_* | resnet20_* | mlp_* | mobilenet_* | rnn_* | concat_*) ;; *) continue ;; esac
  # Relative paths: semihosting opens them from QEMU's working directory.
  cp "$dir/$name.plain.trit" "$work/model.trit"
  cp "$dir/$name.input" "$work/input.bin"
  log=$(cd "$work" && timeout 300 qemu-system-arm -M "$machine" -nographic -monitor none \
    -serial none -semihosting-config enable=on,target=native -kernel "$harness" \
    -append "model.trit input.bin output.bin" 2>&1) || { echo "$name: failed: $log"; exit 1; }
  if ! cmp -s "$work/output.bin" "$dir/$name.output"; then
    echo "$name: output bytes differ from the host's"
    exit 1
  fi
  host_arena=$(awk -v level="$level" '$1 == level {print $2}' "$dir/$name.arena")
  if [[ $log != *"arena bytes $host_arena"* ]]; then
    echo "$name: the firmware's arena ($log) is not the host's for $level ($host_arena)"
    exit 1
  fi
  echo "$name: same bytes as the host, same arena ($log)"
  checked=$((checked + 1))
done < <(cat "$dir/cases.txt" "$dir/micro_cases.txt")
minimum=4
[[ $variant == deepchip ]] && minimum=1
[[ $variant == recurrent ]] && minimum=5
[[ $variant == concat ]] && minimum=1
((checked >= minimum)) || { echo "only $checked $variant models checked"; exit 1; }
