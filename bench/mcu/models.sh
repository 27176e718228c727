#!/usr/bin/env bash
# Instructions executed per inference of whole zoo models on Cortex-M4, M7 and M55, trit's
# optimized kernels (Helium on the M55, the DSP extension on the M4 and M7) beside its reference
# kernels, counted under qemu-system-arm: a proxy for speed where no board exists, NOT time.
#
# Method: the test harness firmware (tests/micro/firmware/harness.c) built twice per target from
# the runtime's sources with the Cortex-M flags (src/micro/sources.cmake, targets.txt): as the
# runtime is, and with the DSP and Helium feature macros undefined, which leaves every layer on the
# reference kernels. Each runs a model 1 and 2 times (its RUNS argument); with bench/arm's TCG
# plugin counting, the difference is one inference, without loading, verification or I/O. The
# models are the cross-ISA fixtures that the host's release build writes (plain encodings); the
# output of one run is checked against the host's bytes.
#
# Usage: bench/mcu/models.sh [BUILD_DIR]   (default build/release; make build first)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$root/build/release}" && pwd)
fixtures=$build/tests/cross_isa/fixtures
schema=$build/schema/generated
[[ -f $fixtures/cases.txt ]] || { echo "no fixtures in $fixtures: make build first" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

gcc -O2 -shared -fPIC -fvisibility=hidden -o "$work/insn_count.so" "$root/bench/arm/insn_count_plugin.c"
mkdir -p "$work/include" && ln -s /usr/include/flatbuffers "$work/include/flatbuffers"

# The lists and flags of src/micro/sources.cmake, read with CMake itself.
cat >"$work/print.cmake" <<'CMAKE'
include(${SOURCES})
string(REPLACE ";" " " out "${TRIT_MICRO_RUNTIME_SOURCES}|${TRIT_MICRO_FLAGS}|${TRIT_MICRO_CXX_FLAGS}|${TRIT_MICRO_LINK_FLAGS}")
message("${out}")
CMAKE
IFS='|' read -r sources flags cxx_flags link_flags < <(cmake -DSOURCES="$root/src/micro/sources.cmake" -P "$work/print.cmake" 2>&1)
read -ra sources <<<"$sources"
read -ra flags <<<"$flags"
read -ra cxx_flags <<<"$cxx_flags"
read -ra link_flags <<<"$link_flags"

# build TARGET VARIANT EXTRA_FLAGS...: the harness in $work/TARGET-VARIANT.elf
build() {
  local target=$1 variant=$2
  shift 2
  local row cpu_flags machine vectors flash ram host
  row=$(grep "^$target|" "$root/src/micro/port/targets.txt")
  IFS='|' read -r _ cpu_flags machine vectors flash ram host _ <<<"$row"
  local -a cpu
  read -ra cpu <<<"$cpu_flags"
  local dir=$work/$target-$variant
  mkdir -p "$dir"
  sed -e "s/@TARGET@/$target/" -e "s/@VECTORS_ORIGIN@/$vectors/" -e "s/@FLASH_ORIGIN@/$flash/" \
    -e "s/@FLASH_BYTES@/4M/" -e "s/@RAM_ORIGIN@/$ram/" -e "s/@RAM_BYTES@/1M/" \
    -e "s/@HOST_ORIGIN@/$host/" -e "s/@STACK_BYTES@/16384/" \
    "$root/src/micro/port/cortex-m.ld.in" >"$dir/harness.ld"
  local includes=(-I"$root/src" -I"$root/include" -I"$schema" -isystem "$work/include"
                  -I"$root/src/micro/port")
  local objects=() source
  for source in "${sources[@]}"; do
    arm-none-eabi-g++ "${cpu[@]}" "${flags[@]}" "$@" -std=c++20 "${cxx_flags[@]}" "${includes[@]}" \
      -c "$root/$source" -o "$dir/$(basename "$source").o"
    objects+=("$dir/$(basename "$source").o")
  done
  for source in src/micro/port/startup.c src/micro/port/semihosting.c tests/micro/firmware/harness.c; do
    arm-none-eabi-gcc "${cpu[@]}" "${flags[@]}" "$@" -std=c11 "${includes[@]}" \
      -c "$root/$source" -o "$dir/$(basename "$source").o"
    objects+=("$dir/$(basename "$source").o")
  done
  arm-none-eabi-g++ "${cpu[@]}" "${link_flags[@]}" -T"$dir/harness.ld" "${objects[@]}" \
    -o "$work/$target-$variant.elf"
  echo "$machine" >"$work/$target.machine"
}

# count TARGET VARIANT MODEL RUNS: instructions of the harness run.
count() {
  local target=$1 variant=$2 model=$3 runs=$4
  (cd "$work" && qemu-system-arm -M "$(cat "$work/$target.machine")" -nographic -monitor none \
    -serial none -semihosting-config enable=on,target=native \
    -plugin "$work/insn_count.so,out=$work/counts.txt" -kernel "$work/$target-$variant.elf" \
    -append "model.trit input.bin output.bin $runs" >/dev/null 2>&1)
  awk '{sum += $2 * $3} END {printf "%d\n", sum}' "$work/counts.txt"
}

group() { python3 -c "print(f'{int($1):,}')"; }

targets=${TARGETS:-cortex-m4 cortex-m7 cortex-m55}
models=${MODELS:-lenet5_int8 lenet5_ternary convnet_int8 convnet_ternary convnet_int4 convnet_deepchip resnet20_int8 mobilenet_int8 mobilenet_ternary}
for target in $targets; do
  echo "models.sh: building $target" >&2
  build "$target" optimized
  build "$target" reference -U__ARM_FEATURE_DSP -U__ARM_FEATURE_MVE
done

echo "Instructions executed per inference under $(qemu-system-arm --version | head -1)"
echo "(a proxy for speed, not time); $(arm-none-eabi-gcc --version | head -1)."
echo
echo "| model | target | trit reference | trit optimized | reference / optimized |"
echo "|---|---|---|---|---|"
for model in $models; do
  cp "$fixtures/$model.plain.trit" "$work/model.trit"
  cp "$fixtures/$model.input" "$work/input.bin"
  for target in $targets; do
    echo "models.sh: counting $model on $target" >&2
    declare -A per
    for variant in reference optimized; do
      one=$(count "$target" "$variant" "$model" 1)
      cmp -s "$work/output.bin" "$fixtures/$model.output" ||
        { echo "$model on $target ($variant): output differs from the host's" >&2; exit 1; }
      two=$(count "$target" "$variant" "$model" 2)
      per[$variant]=$((two - one))
    done
    echo "| $model | $target | $(group "${per[reference]}") | $(group "${per[optimized]}") |" \
      "$(python3 -c "print(f'{${per[reference]} / ${per[optimized]}:.2f}')") |"
  done
done
