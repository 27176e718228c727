#!/usr/bin/env bash
# trit's freestanding Cortex-M runtime beside TensorFlow Lite Micro (TFLM) on the same int8 models,
# under qemu-system-arm: the arena each needs, the instructions executed per inference, the code
# size of each firmware, and whether the outputs agree.
#
# Models: trit's zoo (LeNet-5, MobileNet width 0.5, the DeepChip ConvNet), compressed by trit
# itself with int8 weights (per channel) and int8 activations (LeNet-5 calibrated on
# Fashion-MNIST, the others on random images), then written twice by bench/mcu/tflm/trit_to_tflite
# (a host tool built here against build/release): with plain encodings, as trit deploy stores it,
# and as a .tflite flatbuffer holding the same weights, biases and quantization parameters. Pads
# that TFLite's SAME cannot express (MobileNet's stride-2 3x3 convolutions, padded 1 on every side)
# become a PAD node before a VALID convolution, as TensorFlow's converter writes them.
#
# Firmwares, all compiled by arm-none-eabi-g++ with trit's Cortex-M flags (src/micro/sources.cmake)
# and the target's CPU flags (src/micro/port/targets.txt), trit's port (startup, semihosting, the
# linker script with 4M flash and 1M RAM; model, input and arena in the emulator's extra memory):
#   trit: its test harness (tests/micro/firmware/harness.c), optimized kernels as the runtime
#         picks them (Helium on the M55, the DSP extension on the M4 and M7), as bench/mcu/models.sh;
#   TFLM CMSIS-NN: bench/mcu/tflm/tflm_harness.cc with TFLM's core and its cmsis_nn kernels
#         (-DCMSIS_NN, CMSIS-NN built for the target: Helium on the M55, DSP on the M4);
#   TFLM reference: the same with TFLM's portable reference kernels.
#   TFLM also gets -DTF_LITE_STATIC_MEMORY -DTF_LITE_DISABLE_X86_NEON, no exceptions or RTTI.
#
# Arena: trit's is trit_micro_arena_used() (the harness prints it), TFLM's
# MicroInterpreter::arena_used_bytes() after AllocateTensors, both measured on the 32-bit target.
# Instructions: the TCG plugin of bench/arm (insn_count_plugin.c) counts every instruction
# executed; each firmware runs the model 1 and 2 times (reading the input before each run) and the
# difference is one inference, without loading, allocation or file I/O. A proxy for speed where no
# board exists, NOT time: it ignores pipelines, multi-cycle instructions, wait states and memory,
# and QEMU counts a Helium instruction as one whatever its beats.
# Code: .text of arm-none-eabi-size (it holds .rodata here) of each whole firmware (harness,
# runtime, startup, semihosting, the parts of newlib and libgcc it links; TFLM's also newlib's
# vsnprintf, which its DebugLog needs). The model is not in it: it is loaded through semihosting.
# Outputs: both runtimes dequantize the same int8 output tensor; the float outputs are turned back
# into levels (q = y / scale + zero point) and compared. Exact equality is not expected: TFLite's
# requantization rounds differently from trit's.
#
# Usage: bench/mcu/tflm.sh [TABLE.md]   prints the table; also writes it to TABLE.md
# Environment: TARGETS (default "cortex-m4 cortex-m55"; cortex-m7 works too), MODELS (default
# "lenet5 mobilenet convnet"), TFLM_REFERENCE=0 to skip TFLM's reference kernels, BUILD_DIR
# (default build/release: `make build` first), TRIT_SRC: the source tree trit's firmware and the
# converter are built from (default this checkout; e.g. an export of a commit, to measure it while
# the working tree changes: git archive HEAD | tar -x -C DIR).
# Peers, outside the repo (TRIT_PEERS, default ~/.cache/trit-peers), each a plain checkout:
#   TFLM_DIR        $TRIT_PEERS/tflm/src         github.com/tensorflow/tflite-micro
#   CMSIS_NN_DIR    $TRIT_PEERS/cmsis-nn/src     github.com/ARM-software/CMSIS-NN
#   FLATBUFFERS_DIR $TRIT_PEERS/flatbuffers/src  github.com/google/flatbuffers (headers; v25.9.23,
#                   which TFLM's schema_generated.h requires)
#   GEMMLOWP_DIR    $TRIT_PEERS/gemmlowp/src     github.com/google/gemmlowp (fixedpoint headers)
#   RUY_DIR         $TRIT_PEERS/ruy/src          github.com/google/ruy (profiler header)
# at the commits below; the script prints the commands when one is missing. TFLM and CMSIS-NN are
# compiled once per target into $TRIT_PEERS/tflm/build-TARGET. The host converter uses Debian's
# flatc and FlatBuffers headers (libflatbuffers-dev, flatbuffers-compiler; trit's own build needs
# them too) on a copy of TFLM's schema.fbs. Needs gcc-arm-none-eabi with libnewlib-arm-none-eabi,
# qemu-system-arm 7.2 or later (TCG plugins), g++, cmake and python3. Nothing is downloaded.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${BUILD_DIR:-$root/build/release}" && pwd)
src=$(cd "${TRIT_SRC:-$root}" && pwd)
peers=${TRIT_PEERS:-$HOME/.cache/trit-peers}
targets=${TARGETS:-cortex-m4 cortex-m55}
models=${MODELS:-lenet5 mobilenet convnet}
tflm_reference=${TFLM_REFERENCE:-1}
trit_cli=$build/tools/trit/trit
fashion_mnist=${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}

# name, directory, file that must exist, repository, commit these figures were made with
peer_list=(
  "TFLM|${TFLM_DIR:-$peers/tflm/src}|tensorflow/lite/micro/micro_interpreter.h|tensorflow/tflite-micro|90b983c2b3f1480642e040bbd2ddb37b998f3424"
  "CMSIS-NN|${CMSIS_NN_DIR:-$peers/cmsis-nn/src}|Include/arm_nnfunctions.h|ARM-software/CMSIS-NN|99f736a63036613032f9b70de36b493bcd7802d4"
  "FlatBuffers|${FLATBUFFERS_DIR:-$peers/flatbuffers/src}|include/flatbuffers/flatbuffers.h|google/flatbuffers|187240970746d00bbd26b0f5873ed54d2477f9f3"
  "gemmlowp|${GEMMLOWP_DIR:-$peers/gemmlowp/src}|fixedpoint/fixedpoint.h|google/gemmlowp|16e8662c34917be0065110bfcd9cc27d30f52fdf"
  "ruy|${RUY_DIR:-$peers/ruy/src}|ruy/profiler/instrumentation.h|google/ruy|2af88863614a8298689cc52b1a47b3fcad7be835"
)
declare -A peer_dir peer_commit
missing=0
for entry in "${peer_list[@]}"; do
  IFS='|' read -r name dir file repo commit <<<"$entry"
  if [[ ! -f $dir/$file ]]; then
    echo "tflm.sh: no $name checkout at $dir. Get it (outside the repo) with:" >&2
    echo "  git clone https://github.com/$repo $dir && git -C $dir checkout $commit" >&2
    missing=1
    continue
  fi
  peer_dir[$name]=$(cd "$dir" && pwd)
  # A checkout's commit, or the COMMIT file of an exported snapshot.
  peer_commit[$name]=$(git -C "$dir" rev-parse HEAD 2>/dev/null || cat "$dir/COMMIT" 2>/dev/null ||
                       echo unknown)
done
[[ $missing == 0 ]] || { echo "(or point TFLM_DIR, CMSIS_NN_DIR, ... at checkouts)" >&2; exit 1; }
for tool in arm-none-eabi-gcc arm-none-eabi-g++ arm-none-eabi-size arm-none-eabi-ar \
    qemu-system-arm g++ gcc cmake flatc python3; do
  command -v $tool >/dev/null || { echo "tflm.sh: needs $tool" >&2; exit 1; }
done
[[ -x $trit_cli && -f $build/src/api/libtrit.a ]] ||
  { echo "tflm.sh: no trit release build in $build: make build first" >&2; exit 1; }
tflm=${peer_dir[TFLM]}
cmsis=${peer_dir[CMSIS-NN]}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log() { echo "tflm.sh: $*" >&2; }

# --- Host side: the instruction counter and the converter ----------------------------------------
gcc -O2 -shared -fPIC -fvisibility=hidden -o "$work/insn_count.so" "$root/bench/arm/insn_count_plugin.c"
# flatc 2.0.8 does not know the "(deprecated)" attribute on enum values, unions and tables.
sed -E 's/^(\s*[A-Z_0-9]+ = [0-9]+) \(deprecated\)/\1/; s/^(\s*\w+) \(deprecated\),/\1,/;
        s/^table (\w+) \(deprecated\)/table \1/' \
  "$tflm/tensorflow/compiler/mlir/lite/schema/schema.fbs" >"$work/schema.fbs"
flatc --cpp --gen-object-api -o "$work/host" "$work/schema.fbs"
log "building the converter"
g++ -std=c++20 -O1 -I"$src/src" -I"$src/include" -I"$work/host" -I"$build/schema/generated" \
  "$here/tflm/trit_to_tflite.cc" "$build/src/api/libtrit.a" -o "$work/trit_to_tflite"

# --- The models ----------------------------------------------------------------------------------
# npy NAME N H W C: random u8 images and labels (NAME_images.npy, NAME_labels.npy) for calibration.
npy() {
  python3 - "$@" <<'PY'
import random, struct, sys
def write(path, descr, shape, data):
    dims = ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "")
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (descr, dims)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + data)
name, n, h, w, c = sys.argv[1], *map(int, sys.argv[2:6])
rng = random.Random(7)
write(name + "_images.npy", "|u1", (n, h, w, c), bytes(rng.randrange(256) for _ in range(n * h * w * c)))
write(name + "_labels.npy", "|u1", (n,), bytes(rng.randrange(10) for _ in range(n)))
PY
}
declare -A levels  # model -> "scale zero_point" of the int8 output behind the Dequantize
for model in $models; do
  log "making $model int8"
  dir=$work/models/$model
  mkdir -p "$dir"
  "$trit_cli" zoo "$model" -o "$dir/fp32.trit" >/dev/null
  case $model in
    lenet5)
      calib=(--calib "fashion-mnist:$fashion_mnist")
      # The input: the first Fashion-MNIST test image, scaled to [0, 1] as trit's loader does.
      python3 - "$fashion_mnist/t10k-images-idx3-ubyte.gz" "$dir/input.bin" <<'PY'
import gzip, struct, sys
pixels = gzip.open(sys.argv[1]).read()[16:16 + 784]
open(sys.argv[2], "wb").write(struct.pack("<784f", *(p / 255.0 for p in pixels)))
PY
      ;;
    mobilenet | convnet)
      side=32
      [[ $model == convnet ]] && side=40
      (cd "$dir" && npy calib 64 $side $side 3)
      calib=(--calib "npy:$dir/calib_images.npy,$dir/calib_labels.npy" --calib-samples 64)
      # The input: uniform in [0, 1), as the calibration images.
      python3 - $((side * side * 3)) "$dir/input.bin" <<'PY'
import random, struct, sys
n, rng = int(sys.argv[1]), random.Random(11)
open(sys.argv[2], "wb").write(struct.pack("<%df" % n, *(rng.random() for _ in range(n))))
PY
      ;;
    *) echo "tflm.sh: unknown model $model (lenet5, mobilenet, convnet)" >&2; exit 1 ;;
  esac
  "$trit_cli" compress "$dir/fp32.trit" -o "$dir/int8.trit" --weights int8 --acts int8 \
    "${calib[@]}" >/dev/null
  levels[$model]=$("$work/trit_to_tflite" "$dir/int8.trit" "$dir/model.tflite" \
                     "$dir/model.plain.trit" | sed -n 's/^output_levels //p')
  [[ -n ${levels[$model]} ]] || { echo "tflm.sh: $model's output is not a Dequantize" >&2; exit 1; }
  # The layout TensorFlow would export (SAME instead of PAD nodes), for TFLM's arena only.
  "$work/trit_to_tflite" --same-padding "$dir/int8.trit" "$dir/model.same.tflite" >/dev/null
  cmp -s "$dir/model.tflite" "$dir/model.same.tflite" && rm "$dir/model.same.tflite"
done

# --- Firmwares -----------------------------------------------------------------------------------
# trit's Cortex-M source list and flags, read with CMake itself (as bench/mcu/models.sh).
cat >"$work/print.cmake" <<'CMAKE'
include(${SOURCES})
string(REPLACE ";" " " out "${TRIT_MICRO_RUNTIME_SOURCES}|${TRIT_MICRO_FLAGS}|${TRIT_MICRO_CXX_FLAGS}|${TRIT_MICRO_LINK_FLAGS}")
message("${out}")
CMAKE
IFS='|' read -r sources flags cxx_flags link_flags < \
  <(cmake -DSOURCES="$src/src/micro/sources.cmake" -P "$work/print.cmake" 2>&1)
read -ra sources <<<"$sources"
read -ra flags <<<"$flags"
read -ra cxx_flags <<<"$cxx_flags"
read -ra link_flags <<<"$link_flags"
port=$src/src/micro/port
mkdir -p "$work/include" && ln -s /usr/include/flatbuffers "$work/include/flatbuffers"

# compile_all COMMAND...: compiles the "SOURCE OBJECT" pairs on stdin with COMMAND, two at a time.
compile_all() {
  xargs -P 2 -L 1 bash -c 'a=("$@"); n=${#a[@]}; "${a[@]:0:n-2}" -c "${a[n-2]}" -o "${a[n-1]}"' _ "$@" ||
    { echo "tflm.sh: compile failed" >&2; exit 1; }
}

# The sources of TFLM a model with these ops needs (relative to tensorflow/lite), not the tests.
tflm_core=(micro/flatbuffer_utils.cc micro/memory_helpers.cc micro/micro_allocation_info.cc
  micro/micro_allocator.cc micro/micro_context.cc micro/micro_interpreter.cc
  micro/micro_interpreter_context.cc micro/micro_interpreter_graph.cc micro/micro_log.cc
  micro/micro_op_resolver.cc micro/micro_resource_variable.cc micro/micro_utils.cc
  micro/arena_allocator/non_persistent_arena_buffer_allocator.cc
  micro/arena_allocator/persistent_arena_buffer_allocator.cc
  micro/arena_allocator/single_arena_buffer_allocator.cc
  micro/memory_planner/greedy_memory_planner.cc micro/memory_planner/linear_memory_planner.cc
  micro/memory_planner/non_persistent_buffer_planner_shim.cc
  micro/tflite_bridge/flatbuffer_conversions_bridge.cc micro/tflite_bridge/micro_error_reporter.cc
  core/api/flatbuffer_conversions.cc core/api/tensor_utils.cc core/c/common.cc
  kernels/internal/common.cc kernels/internal/quantization_util.cc
  kernels/internal/portable_tensor_utils.cc kernels/internal/runtime_shape.cc
  kernels/internal/tensor_ctypes.cc kernels/internal/tensor_utils.cc kernels/kernel_util.cc
  micro/kernels/kernel_util.cc micro/kernels/micro_tensor_utils.cc
  ../compiler/mlir/lite/schema/schema_utils.cc ../compiler/mlir/lite/core/api/error_reporter.cc)
tflm_kernels=(conv depthwise_conv fully_connected pooling add pad reshape quantize dequantize
  reduce activations)

# build TARGET: $work/TARGET/{trit,tflm-cmsis,tflm-reference}.elf
build() {
  local target=$1 row cpu_flags machine vectors flash ram host
  row=$(grep "^$target|" "$port/targets.txt") || { echo "tflm.sh: $target not in targets.txt" >&2; exit 1; }
  IFS='|' read -r _ cpu_flags machine vectors flash ram host _ <<<"$row"
  local -a cpu
  read -ra cpu <<<"$cpu_flags"
  local dir=$work/$target
  mkdir -p "$dir/trit"
  echo "$machine" >"$dir/machine"
  sed -e "s/@TARGET@/$target/" -e "s/@VECTORS_ORIGIN@/$vectors/" -e "s/@FLASH_ORIGIN@/$flash/" \
    -e "s/@FLASH_BYTES@/4M/" -e "s/@RAM_ORIGIN@/$ram/" -e "s/@RAM_BYTES@/1M/" \
    -e "s/@HOST_ORIGIN@/$host/" -e "s/@STACK_BYTES@/16384/" \
    "$port/cortex-m.ld.in" >"$dir/harness.ld"

  # trit: the harness as bench/mcu/models.sh builds it (its "optimized" variant), holding the
  # ops TFLM's harness registers and int8 weights, as trit deploy selects a model's
  # (micro/compiled_ops.h; bits by core/op_type.h: Conv2D, Dense, MaxPool, AvgPool,
  # GlobalAvgPool, Add, Reshape, Flatten, Relu, Clip, Quantize, Dequantize, Pad).
  log "building trit for $target"
  local source
  for source in "${sources[@]}"; do echo "$src/$source $dir/trit/$(basename "$source").o"; done |
    compile_all arm-none-eabi-g++ "${cpu[@]}" "${flags[@]}" -std=c++20 "${cxx_flags[@]}" \
      -DTRIT_MICRO_OPS=0x70f3full -DTRIT_MICRO_WEIGHT_TYPES=0x4u \
      -I"$src/src" -I"$src/include" -I"$build/schema/generated" -isystem "$work/include" -I"$port"
  for source in src/micro/port/startup.c src/micro/port/semihosting.c tests/micro/firmware/harness.c; do
    echo "$src/$source $dir/trit/$(basename "$source").o"
  done | compile_all arm-none-eabi-gcc "${cpu[@]}" "${flags[@]}" -std=c11 -I"$src/include" -I"$port"
  arm-none-eabi-g++ "${cpu[@]}" "${link_flags[@]}" -T"$dir/harness.ld" "$dir"/trit/*.o -o "$dir/trit.elf"

  # CMSIS-NN and TFLM, once per target and flags, outside the repo.
  local lib=$peers/tflm/build-$target
  local stamp="${peer_commit[*]} ${cpu[*]} ${flags[*]} ${cxx_flags[*]}"
  stamp+=" $(cat "$here/tflm/tflm_harness.cc" "$here/tflm/debug_log.cc" | cksum)"
  if [[ $(cat "$lib/stamp" 2>/dev/null) != "$stamp" ]]; then
    rm -rf "$lib"
    mkdir -p "$lib/cmsis-nn" "$lib/core" "$lib/cmsis" "$lib/reference"
    log "building CMSIS-NN for $target"
    for source in "$cmsis"/Source/{Convolution,FullyConnected,NNSupport,Pooling,BasicMath,Pad,Transpose}Functions/*.c; do
      [[ $source == *_f16.c || $source == *_f32.c ]] || echo "$source $lib/cmsis-nn/$(basename "${source%.c}").o"
    done | compile_all arm-none-eabi-gcc "${cpu[@]}" "${flags[@]}" -std=c11 -I"$cmsis/Include"
    arm-none-eabi-ar rcs "$lib/libcmsis-nn.a" "$lib"/cmsis-nn/*.o
    local tflm_cxx=(arm-none-eabi-g++ "${cpu[@]}" "${flags[@]}" -std=c++17 "${cxx_flags[@]}"
      -DTF_LITE_STATIC_MEMORY -DTF_LITE_DISABLE_X86_NEON -I"$tflm"
      -isystem "${peer_dir[FlatBuffers]}/include" -isystem "${peer_dir[gemmlowp]}"
      -isystem "${peer_dir[ruy]}" -I"$cmsis" -I"$cmsis/Include" -I"$port")
    log "building TFLM's core for $target"
    for source in "${tflm_core[@]}"; do
      echo "$tflm/tensorflow/lite/$source $lib/core/$(tr / _ <<<"${source%.cc}" | tr -d .).o"
    done | compile_all "${tflm_cxx[@]}"
    arm-none-eabi-gcc "${cpu[@]}" "${flags[@]}" -std=c11 -I"$port" -c "$port/startup.c" -o "$lib/core/startup.o"
    arm-none-eabi-gcc "${cpu[@]}" "${flags[@]}" -std=c11 -I"$port" -c "$port/semihosting.c" -o "$lib/core/semihosting.o"
    "${tflm_cxx[@]}" -c "$here/tflm/debug_log.cc" -o "$lib/core/debug_log.o"
    local variant kernel kernels=$tflm/tensorflow/lite/micro/kernels
    for variant in cmsis reference; do
      [[ $variant == reference && $tflm_reference != 1 ]] && continue
      log "building TFLM's $variant kernels for $target"
      local defines=()
      [[ $variant == cmsis ]] && defines=(-DCMSIS_NN)
      for kernel in "${tflm_kernels[@]}"; do
        if [[ $variant == cmsis && -f $kernels/cmsis_nn/$kernel.cc ]]; then
          echo "$kernels/cmsis_nn/$kernel.cc $lib/$variant/$kernel.o"
        else
          echo "$kernels/$kernel.cc $lib/$variant/$kernel.o"
        fi
        [[ -f $kernels/${kernel}_common.cc ]] &&
          echo "$kernels/${kernel}_common.cc $lib/$variant/${kernel}_common.o"
      done | compile_all "${tflm_cxx[@]}" "${defines[@]}"
      "${tflm_cxx[@]}" "${defines[@]}" -c "$here/tflm/tflm_harness.cc" -o "$lib/$variant/tflm_harness.o"
    done
    echo "$stamp" >"$lib/stamp"
  fi
  for variant in cmsis reference; do
    [[ $variant == reference && $tflm_reference != 1 ]] && continue
    arm-none-eabi-g++ "${cpu[@]}" "${link_flags[@]}" -T"$dir/harness.ld" "$lib/$variant"/*.o \
      "$lib"/core/*.o "$lib/libcmsis-nn.a" -o "$dir/tflm-$variant.elf"
  done
}

# run TARGET FIRMWARE MODEL RUNS [COUNTS] [FILE]: runs a firmware on MODEL's files in $work/run
# (output in $work/run/output.bin, console in $work/run/console), counting into COUNTS if given.
run() {
  local target=$1 firmware=$2 model=$3 runs=$4 counts=${5:-} file=${6:-model.plain.trit}
  [[ $firmware == tflm-* && -z ${6:-} ]] && file=model.tflite
  local plugin=()
  [[ -n $counts ]] && plugin=(-plugin "$work/insn_count.so,out=$counts")
  rm -rf "$work/run" && mkdir -p "$work/run"
  cp "$work/models/$model/$file" "$work/run/$file"
  cp "$work/models/$model/input.bin" "$work/run/input.bin"
  if ! (cd "$work/run" && timeout 1800 qemu-system-arm -M "$(cat "$work/$target/machine")" \
          -nographic -monitor none -serial none -semihosting-config enable=on,target=native \
          "${plugin[@]}" -kernel "$work/$target/$firmware.elf" \
          -append "$file input.bin output.bin $runs" >console 2>&1); then
    cat "$work/run/console" >&2
    echo "tflm.sh: $firmware failed on $model ($target)" >&2
    exit 1
  fi
}

# measure TARGET FIRMWARE MODEL: "ARENA INSTRUCTIONS TEXT", and the output in $work/out/...
measure() {
  local target=$1 firmware=$2 model=$3 one two arena
  run "$target" "$firmware" "$model" 1 "$work/counts1"
  arena=$(sed -n 's/^arena bytes //p' "$work/run/console")
  mkdir -p "$work/out"
  cp "$work/run/output.bin" "$work/out/$target-$firmware-$model.bin"
  run "$target" "$firmware" "$model" 2 "$work/counts2"
  one=$(awk '{sum += $2 * $3} END {printf "%d\n", sum}' "$work/counts1")
  two=$(awk '{sum += $2 * $3} END {printf "%d\n", sum}' "$work/counts2")
  echo "$arena $((two - one)) $(arm-none-eabi-size "$work/$target/$firmware.elf" | awk 'NR == 2 {print $1}')"
}

# agree TARGET MODEL FIRMWARE: "MAX_DIFF ARGMAX_SAME" of FIRMWARE's output levels against trit's.
agree() {
  python3 - "$work/out/$1-trit-$2.bin" "$work/out/$1-$3-$2.bin" ${levels[$2]} <<'PY'
import struct, sys
scale, zero = float(sys.argv[3]), int(sys.argv[4])
def levels(path):
    data = open(path, "rb").read()
    return [round(y / scale) + zero for y in struct.unpack("<%df" % (len(data) // 4), data)]
a, b = levels(sys.argv[1]), levels(sys.argv[2])
argmax = lambda v: max(range(len(v)), key=lambda i: v[i])
print(max(abs(x - y) for x, y in zip(a, b)), "yes" if argmax(a) == argmax(b) else "no")
PY
}

group() { python3 -c "import sys; print(f'{int(sys.argv[1]):,}')" "$1"; }
ratio() { python3 -c "import sys; print(f'{int(sys.argv[1]) / int(sys.argv[2]):.2f}')" "$1" "$2"; }

for target in $targets; do build "$target"; done

declare -A result
for model in $models; do
  for target in $targets; do
    for firmware in trit tflm-cmsis tflm-reference; do
      [[ $firmware == tflm-reference && $tflm_reference != 1 ]] && continue
      log "running $model on $target ($firmware)"
      result[$model $target $firmware]=$(measure "$target" "$firmware" "$model")
    done
    if [[ -f $work/models/$model/model.same.tflite ]]; then
      log "running $model on $target (tflm-cmsis, SAME padding, arena only)"
      run "$target" tflm-cmsis "$model" 1 "" model.same.tflite
      result[$model $target same]=$(sed -n 's/^arena bytes //p' "$work/run/console")
    fi
  done
done

names() {
  case $1 in
    lenet5) echo "LeNet-5 int8" ;;
    mobilenet) echo "MobileNet (width 0.5) int8" ;;
    convnet) echo "ConvNet (DeepChip) int8" ;;
  esac
}
short() { case $1 in cortex-m4) echo M4 ;; cortex-m7) echo M7 ;; cortex-m55) echo M55 ;; esac; }

{
  qemu_version=$(qemu-system-arm --version | head -1 | cut -d' ' -f1-4)
  echo "trit beside TensorFlow Lite Micro on the same int8 models, under $qemu_version;"
  echo "$(arm-none-eabi-gcc --version | head -1), ${flags[*]}."
  echo "TFLM ${peer_commit[TFLM]:0:9}, CMSIS-NN ${peer_commit[CMSIS-NN]:0:8}. Instructions per inference are a"
  echo "proxy for speed, not time. TFLM ref: its reference kernels."
  echo
  if [[ $tflm_reference == 1 ]]; then
    echo "| model | target | arena: trit | arena: TFLM CMSIS-NN / ref | trit / TFLM | instructions: trit | TFLM CMSIS-NN | TFLM ref | trit / TFLM CMSIS-NN | code: trit | TFLM CMSIS-NN | TFLM ref | output vs trit: max level difference (CMSIS-NN / ref), same argmax |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  else
    echo "| model | target | arena: trit | arena: TFLM CMSIS-NN | trit / TFLM | instructions: trit | TFLM CMSIS-NN | trit / TFLM CMSIS-NN | code: trit | TFLM CMSIS-NN | output vs trit: max level difference, same argmax |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
  fi
  for model in $models; do
    for target in $targets; do
      read -r t_arena t_insns t_text <<<"${result[$model $target trit]}"
      read -r c_arena c_insns c_text <<<"${result[$model $target tflm-cmsis]}"
      read -r c_diff c_argmax <<<"$(agree "$target" "$model" tflm-cmsis)"
      same=${result[$model $target same]:-}
      c_cell=$(group "$c_arena") ratio_cell=$(ratio "$t_arena" "$c_arena")
      if [[ -n $same ]]; then
        c_cell+=" (SAME: $(group "$same"))"
        ratio_cell+=" (SAME: $(ratio "$t_arena" "$same"))"
      fi
      if [[ $tflm_reference == 1 ]]; then
        read -r r_arena r_insns r_text <<<"${result[$model $target tflm-reference]}"
        read -r r_diff r_argmax <<<"$(agree "$target" "$model" tflm-reference)"
        echo "| $(names "$model") | $(short "$target") | $(group "$t_arena") |" \
          "$c_cell / $(group "$r_arena") | $ratio_cell |" \
          "$(group "$t_insns") | $(group "$c_insns") | $(group "$r_insns") |" \
          "$(ratio "$t_insns" "$c_insns") | $(group "$t_text") | $(group "$c_text") |" \
          "$(group "$r_text") | $c_diff / $r_diff, $c_argmax / $r_argmax |"
      else
        echo "| $(names "$model") | $(short "$target") | $(group "$t_arena") | $c_cell |" \
          "$ratio_cell | $(group "$t_insns") | $(group "$c_insns") |" \
          "$(ratio "$t_insns" "$c_insns") | $(group "$t_text") | $(group "$c_text") |" \
          "$c_diff, $c_argmax |"
      fi
    done
  done
  echo
  echo "Arena: bytes used after loading (trit_micro_arena_used, MicroInterpreter::arena_used_bytes)."
  echo "SAME: TFLM's arena for the same model exported as TensorFlow would (SAME padding instead"
  echo "of the PAD nodes that trit's symmetric stride-2 pads need; the outputs then differ)."
  echo "Instructions: trit's optimized kernels (Helium on the M55, DSP on the M4 and M7); one"
  echo "inference, the difference between 2 runs and 1. Code: .text of the whole firmware."
  echo "Output: largest difference of the int8 output levels from trit's, and whether the argmax"
  echo "agrees."
} | tee "$work/table.md"
[[ $# -ge 1 ]] && cp "$work/table.md" "$1"
exit 0
