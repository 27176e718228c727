#!/usr/bin/env bash
# Instructions executed per call of single int8 layers on Cortex-M4, M7 and M55, trit's
# kernels beside CMSIS-NN's, counted under qemu-system-arm: a proxy for speed where no board
# exists, NOT time. Instructions are not cycles: they ignore pipelines, multi-cycle
# instructions, wait states and memory; QEMU's M55 executes Helium (MVE) instructions as one
# instruction each, whatever their beats. Also the kernels' scratch bytes and code size.
#
# Kernels: trit's reference (ref::Conv2DQ8, ref::DenseQ8) and its optimized kernel for the
# target, the one the runtime picks (kernels/registry/cortex_m.h): Helium on the M55
# (Conv2DQ8Mve, DepthwiseQ8Mve), the DSP extension on the M4 and M7 (Conv2DQ8Dsp,
# DepthwiseQ8Dsp); CMSIS-NN's public API
# (arm_convolve_wrapper_s8, arm_depthwise_conv_wrapper_s8, arm_fully_connected_s8), on the same
# random data (layers.cc, the firmware, sets it up). Both libraries are compiled by the same
# arm-none-eabi-gcc with trit's Cortex-M flags (src/micro/sources.cmake) and the target's CPU
# flags (src/micro/port/targets.txt); on the M55 these define __ARM_FEATURE_MVE, so CMSIS-NN
# builds its Helium paths. Convolutions requantize per channel, dense layers per tensor (the
# form arm_fully_connected_s8 takes).
#
# Method: the TCG plugin of bench/arm (insn_count_plugin.c) counts the translation blocks
# executed; the firmware runs a kernel R = 1 and R = 2 times (selected by its semihosting
# command line) and the difference is one call, without startup, data setup or I/O. Before
# counting, the firmware checks every layer: trit's optimized kernel must equal its reference byte
# for byte (else the script fails); CMSIS-NN rounds its requantization differently (two
# roundings, half away from zero), so only the fraction of its bytes equal to trit's is shown.
#
# Usage: bench/mcu/run.sh [TABLE.md]     prints the tables; also writes them to TABLE.md
# CMSIS_NN_DIR: a CMSIS-NN checkout (default ~/.cache/trit-peers/cmsis-nn/src), built under
# $TRIT_PEERS/cmsis-nn/build-<target> (default ~/.cache/trit-peers), outside the repo.
# TARGETS (default "cortex-m4 cortex-m7 cortex-m55"). Needs gcc-arm-none-eabi (with
# libnewlib-arm-none-eabi), qemu-system-arm 7.2 or later (TCG plugins) and gcc for the plugin.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
peers=${TRIT_PEERS:-$HOME/.cache/trit-peers}
cmsis=${CMSIS_NN_DIR:-$peers/cmsis-nn/src}
targets=${TARGETS:-cortex-m4 cortex-m7 cortex-m55}
cmsis_commit=99f736a63036613032f9b70de36b493bcd7802d4  # the snapshot these figures were made with

if [[ ! -f $cmsis/Include/arm_nnfunctions.h ]]; then
  echo "run.sh: no CMSIS-NN checkout at $cmsis. Get it (outside the repo) with:" >&2
  echo "  git clone https://github.com/ARM-software/CMSIS-NN $peers/cmsis-nn/src" >&2
  echo "  git -C $peers/cmsis-nn/src checkout $cmsis_commit" >&2
  echo "or point CMSIS_NN_DIR at a checkout." >&2
  exit 1
fi
for tool in arm-none-eabi-gcc arm-none-eabi-g++ arm-none-eabi-size qemu-system-arm gcc python3; do
  command -v $tool >/dev/null || { echo "run.sh: needs $tool" >&2; exit 1; }
done
cmsis=$(cd "$cmsis" && pwd)
cmsis_version=$(git -C "$cmsis" rev-parse HEAD 2>/dev/null || echo unknown)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gcc -O2 -shared -fPIC -fvisibility=hidden -o "$work/insn_count.so" \
  "$root/bench/arm/insn_count_plugin.c"

# trit's Cortex-M flags, read from the file the firmware build uses, so both stay the same.
cmake_list() { sed -n "s/^set($1 \(.*\))\$/\1/p" "$root/src/micro/sources.cmake"; }
read -ra flags <<<"$(cmake_list TRIT_MICRO_FLAGS)"
read -ra cxx_flags <<<"$(cmake_list TRIT_MICRO_CXX_FLAGS)"
read -ra link_flags <<<"$(cmake_list TRIT_MICRO_LINK_FLAGS)"
port=$root/src/micro/port

# build TARGET: the firmwares of TARGET in $work/TARGET: bench.elf (both libraries) and, for
# code size, size-none/size-trit/size-cmsis.elf (the calls a deployment makes, one library each).
build() {
  local target=$1 row cpu machine vectors flash ram host dir lib
  row=$(grep "^$target|" "$port/targets.txt") ||
    { echo "run.sh: $target not in targets.txt" >&2; exit 1; }
  IFS='|' read -r _ cpu machine vectors flash ram host _ <<<"$row"
  read -ra cpu <<<"$cpu"
  dir=$work/$target
  mkdir -p "$dir"
  echo "$machine" >"$dir/machine"
  # Whether the CPU flags select Helium (MVE), which CMSIS-NN then uses.
  : >"$dir/helium"
  if arm-none-eabi-gcc "${cpu[@]}" -dM -E -x c /dev/null | grep -q __ARM_FEATURE_MVE; then
    echo " (Helium: __ARM_FEATURE_MVE)" >"$dir/helium"
  fi
  # The harness memory map of src/micro/port/CMakeLists.txt (big buffers in the emulator's
  # extra memory, the .trit_host section).
  sed -e "s/@TARGET@/$target/; s/@VECTORS_ORIGIN@/$vectors/; s/@FLASH_ORIGIN@/$flash/" \
    -e "s/@RAM_ORIGIN@/$ram/; s/@HOST_ORIGIN@/$host/; s/@FLASH_BYTES@/4M/; s/@RAM_BYTES@/1M/" \
    -e "s/@STACK_BYTES@/16384/" "$port/cortex-m.ld.in" >"$dir/bench.ld"

  # CMSIS-NN, once per target and flags: the int8 convolution, fully connected and support
  # functions (and transpose, which Helium's depthwise wrapper calls); not the float ones.
  lib=$peers/cmsis-nn/build-$target
  local stamp="$cmsis $cmsis_version ${cpu[*]} ${flags[*]}"
  if [[ ! -f $lib/libcmsis-nn.a || $(cat "$lib/stamp" 2>/dev/null) != "$stamp" ]]; then
    rm -rf "$lib"
    mkdir -p "$lib"
    local source
    for source in "$cmsis"/Source/{Convolution,FullyConnected,NNSupport,Transpose}Functions/*.c; do
      [[ $source == *_f16.c || $source == *_f32.c ]] || printf '%s\0' "$source"
    done | (cd "$lib" && xargs -0 -P 2 -n 8 arm-none-eabi-gcc "${cpu[@]}" "${flags[@]}" -std=c11 \
      -I"$cmsis/Include" -c)  # objects in $lib
    arm-none-eabi-ar rcs "$lib/libcmsis-nn.a" "$lib"/*.o
    echo "$stamp" >"$lib/stamp"
  fi

  # trit's kernels and the port (startup, semihosting), as the firmware build compiles them.
  local cc=(arm-none-eabi-gcc "${cpu[@]}" "${flags[@]}" -std=c11 -I"$port")
  local cxx=(arm-none-eabi-g++ "${cpu[@]}" "${flags[@]}" -std=c++20 "${cxx_flags[@]}"
             -I"$root/src" -I"$root/include" -I"$port" -I"$cmsis/Include")
  local objects=()
  for source in startup.c semihosting.c; do
    "${cc[@]}" -c "$port/$source" -o "$dir/${source%.c}.o"
    objects+=("$dir/${source%.c}.o")
  done
  for source in kernels/ref/conv2d.cc kernels/ref/dense.cc kernels/cortex_m/q8_conv_dsp.cc \
      kernels/cortex_m/q8_conv_mve.cc \
      kernels/cortex_m/q8_depthwise_dsp.cc kernels/cortex_m/q8_depthwise_mve.cc; do
    local object
    object=$dir/$(basename "${source%.cc}").o
    "${cxx[@]}" -c "$root/src/$source" -o "$object"
    objects+=("$object")
  done
  local variant defines
  for variant in bench size-none size-trit size-cmsis; do
    case $variant in
      bench) defines=() ;;
      size-none) defines=(-DBENCH_DEPLOY=1 -DBENCH_TRIT=0 -DBENCH_CMSIS=0) ;;
      size-trit) defines=(-DBENCH_DEPLOY=1 -DBENCH_TRIT=1 -DBENCH_CMSIS=0) ;;
      size-cmsis) defines=(-DBENCH_DEPLOY=1 -DBENCH_TRIT=0 -DBENCH_CMSIS=1) ;;
    esac
    "${cxx[@]}" "${defines[@]}" -c "$here/layers.cc" -o "$dir/$variant.o"
    arm-none-eabi-g++ "${cpu[@]}" "${link_flags[@]}" -T"$dir/bench.ld" -o "$dir/$variant.elf" \
      "$dir/$variant.o" "${objects[@]}" "$lib/libcmsis-nn.a"
  done
}

# qemu TARGET PLUGIN_OUT ARGS...: runs TARGET's bench firmware with the semihosting command
# line ARGS, counting into PLUGIN_OUT if given; fails if the firmware does. QEMU writes the
# semihosting console to stderr: it comes out on stdout here.
qemu() {
  local target=$1 out=$2
  shift 2
  local plugin=()
  [[ -n $out ]] && plugin=(-plugin "$work/insn_count.so,out=$out")
  timeout 900 qemu-system-arm -M "$(cat "$work/$target/machine")" -nographic -monitor none \
    -serial none -semihosting-config enable=on,target=native "${plugin[@]}" \
    -kernel "$work/$target/bench.elf" -append "$*" 2>&1
}

# count TARGET LAYER TYPE KERNEL: instructions of one call.
count() {
  local runs
  for runs in 1 2; do
    qemu "$1" "$work/blocks$runs" run "$2" "$3" "$4" "$runs" >"$work/console" ||
      { cat "$work/console" >&2; echo "run.sh: $* failed" >&2; exit 1; }
  done
  echo $(($(python3 "$root/bench/arm/attribute.py" total "$work/blocks2") -
          $(python3 "$root/bench/arm/attribute.py" total "$work/blocks1")))
}

names=("conv 3x3, 18x18x48 -> 18x18x64, pad 1 (ConvNet conv4)"
       "conv 5x5, 5x5x128 -> 1x1x512, valid (ConvNet conv21)"
       "conv 5x5, 28x28x1 -> 28x28x6, pad 2 (LeNet conv1)"
       "depthwise 3x3, 16x16x64, pad 1"
       "dense 400 -> 120 (LeNet fc8)"
       "dense 512 -> 10")
low_bit_layers=" 0 1 4 "  # the layers also run with ternary, int4 and binary weights

declare -A info    # "target layer type" -> the firmware's check line
declare -A dsp_i8  # target -> trit optimized's instructions with int8 weights on this layer
for target in $targets; do
  echo "run.sh: building and checking $target" >&2
  build "$target"
  qemu "$target" "" check >"$work/$target/check" ||
    { cat "$work/$target/check" >&2; echo "run.sh: $target: outputs differ (above)" >&2; exit 1; }
  while read -r _ layer type rest; do
    info["$target $layer $type"]=$rest
  done <"$work/$target/check"
done

# field LINE NAME: the value of NAME=... in a check line, or "-".
field() { sed -n "s/.*\\b$2=\\([^ ]*\\).*/\\1/p" <<<"$1" | grep . || echo -; }
group() { python3 -c "import sys; print(f'{int(sys.argv[1]):,}')" "$1"; }

{
  machines=""
  for target in $targets; do
    machines+="$target on $(cat "$work/$target/machine")$(cat "$work/$target/helium"), "
  done
  qemu_version=$(qemu-system-arm --version | head -1 | cut -d' ' -f1-4)
  echo "Instructions executed per call under $qemu_version"
  echo "(a proxy for speed, not time): ${machines%, }."
  echo "$(arm-none-eabi-gcc --version | head -1), ${flags[*]}; CMSIS-NN $cmsis_version."
  echo
  echo -n "| layer | weights | target | MACs | trit reference | trit optimized | CMSIS-NN |"
  echo -n " trit optimized / CMSIS-NN | trit optimized / its int8 |"
  echo " scratch bytes: trit ref / trit optimized / CMSIS-NN |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for layer in 0 1 2 3 4 5; do
    types=i8
    [[ $low_bit_layers == *" $layer "* ]] && types="i8 ternary i4 binary"
    for type in $types; do
      for target in $targets; do
        echo "run.sh: counting $target layer $layer $type" >&2
        line=${info["$target $layer $type"]}
        ref=$(count "$target" "$layer" "$type" ref)
        dsp=- cmsis=- ratio=- vs_i8=-
        if [[ $(field "$line" dsp_equal) == 1 ]]; then
          dsp=$(count "$target" "$layer" "$type" dsp)
          [[ $type == i8 ]] && dsp_i8[$target]=$dsp
          vs_i8=$(python3 -c "print(f'{$dsp / ${dsp_i8[$target]}:.2f}')")
        fi
        [[ $type == i8 ]] && cmsis=$(count "$target" "$layer" "$type" cmsis)
        if [[ $cmsis != - ]]; then
          if [[ $dsp != - ]]; then
            ratio=$(python3 -c "print(f'{$dsp / $cmsis:.2f}')")
          else
            ratio="$(python3 -c "print(f'{$ref / $cmsis:.2f}')") (ref)"
          fi
        fi
        cells=()
        for value in "$ref" "$dsp" "$cmsis"; do
          [[ $value == - ]] && cells+=(-) || cells+=("$(group "$value")")
        done
        scratch="$(field "$line" ref_scratch) / $(field "$line" dsp_scratch)"
        scratch+=" / $(field "$line" cmsis_scratch)"
        echo "| ${names[$layer]} | $type | $target | $(group "$(field "$line" macs)") |" \
          "${cells[0]} | ${cells[1]} | ${cells[2]} | $ratio | $vs_i8 | $scratch |"
      done
    done
  done
  echo
  echo "trit optimized: Helium (Conv2DQ8Mve, DepthwiseQ8Mve) on the M55, the DSP extension"
  echo "(Conv2DQ8Dsp, DepthwiseQ8Dsp) on the M4 and M7."
  echo "Scratch: trit's Conv2DQ8ScratchCount x 4 (DenseQ8: in_features x 4) and its optimized"
  echo "kernel's; CMSIS-NN's get_buffer_size (on Helium, arm_fully_connected_s8's"
  echo "buffer holds the weights' row sums, computed once by arm_vector_sum_s8, outside the count)."
  echo
  echo "Outputs (int8 weights): trit optimized equals its reference byte for byte on every layer and"
  echo "weight type (checked). CMSIS-NN's bytes equal to trit's reference's (it rounds"
  echo "differently); clamped: trit's outputs at -128 or 127."
  echo
  echo "| layer | target | CMSIS-NN bytes equal | largest difference | clamped |"
  echo "|---|---|---|---|---|"
  for layer in 0 1 2 3 4 5; do
    for target in $targets; do
      line=${info["$target $layer i8"]}
      equal=$(field "$line" cmsis_equal)
      percent=$(python3 -c "print(f'{100 * $equal:.2f}%')")
      echo "| ${names[$layer]} | $target | $equal ($percent) |" \
        "$(field "$line" cmsis_max_diff) | $(field "$line" clamped) |"
    done
  done
  echo
  echo "Code size (.text of arm-none-eabi-size, which holds .rodata here): a firmware making one"
  echo "library's calls for these layers (trit: its optimized kernels;"
  echo "CMSIS-NN: the three wrappers above and arm_vector_sum_s8), less the same firmware"
  echo "without either, so the layers' setup and the C library's shared parts cancel."
  echo
  echo "| target | trit | CMSIS-NN |"
  echo "|---|---|---|"
  # text TARGET VARIANT: the .text bytes of a size firmware.
  text() { arm-none-eabi-size "$work/$1/size-$2.elf" | awk 'NR == 2 {print $1}'; }
  for target in $targets; do
    none=$(text "$target" none)
    echo "| $target | $(group $(($(text "$target" trit) - none))) |" \
      "$(group $(($(text "$target" cmsis) - none))) |"
  done
} | tee "$work/table.md"
[[ $# -ge 1 ]] && cp "$work/table.md" "$1"
exit 0
