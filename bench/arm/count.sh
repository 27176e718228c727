#!/usr/bin/env bash
# Instructions executed per inference on AArch64, trit beside ONNX Runtime 1.30's AArch64 build,
# counted under qemu-user: a proxy for speed where no ARM hardware exists. Instructions are not
# cycles: they ignore issue width, latencies, caches and memory bandwidth; they do show how much
# work each runtime's code does for the same network, and how densely its inner loops use the
# multiply instructions (MACs per instruction against SDOT's 16 and SMMLA's 32): for the 8-bit
# GEMM, over the whole microkernel (epilogue, edge tiles and all, against the MACs of the layers
# it ran) and in its inner loop (the hottest block: its multiplies' MACs over its instructions).
#
# Method: a TCG plugin (insn_count_plugin.c) counts each translation block's executions; the
# guest runs a model R and R+1 times (trit bench --runs, or ort_run RUNS) and the difference is
# one inference, without loading. One thread. ORT's CPU detection reads /proc/cpuinfo, which
# qemu-user passes through from the x86 host (and ORT then crashes); count.sh gives the guest an
# ARM one (a Cortex-A76, or a Neoverse V1 for -cpu max) through qemu's -L prefix. Everything
# else (the instruction set each runtime uses) comes from the HWCAP bits of the emulated CPU.
#
# Usage: bench/arm/count.sh [HOST_BUILD] [AARCH64_BUILD]   (after make build build-aarch64)
# MODELS (default "convnet resnet44 mobilenet alexnet"), CPUS (default "cortex-a76 max").
# ONNX Runtime comes from npm into $TRIT_PEERS (default ~/.cache/trit-peers), outside the repo;
# the plugin and the ORT driver are built there too.
set -euo pipefail
host_build=${1:-build/release}
arm_build=${2:-build/aarch64}
here=$(cd "$(dirname "$0")" && pwd)
trit="$host_build/tools/trit/trit"
arm_trit="$arm_build/tools/trit/trit"
py=/usr/bin/python3
models=${MODELS:-convnet resnet44 mobilenet alexnet}
cpus=${CPUS:-cortex-a76 max}
for tool in "$trit" "$arm_trit"; do
  [[ -x $tool ]] || { echo "count.sh: $tool not built (make build build-aarch64)"; exit 1; }
done
command -v aarch64-linux-gnu-gcc >/dev/null || { echo "count.sh: needs g++-aarch64-linux-gnu"; exit 1; }

source "$here/../peers/ort_env.sh"
ort_lib=$peers/node_modules/onnxruntime-node/bin/napi-v6/linux/arm64/libonnxruntime.so.1
tools=$peers/arm
mkdir -p "$tools"
gcc -O2 -shared -fPIC -fvisibility=hidden -o "$tools/insn_count.so" "$here/insn_count_plugin.c"
aarch64-linux-gnu-gcc -O2 -o "$tools/ort_run" "$here/ort_run.c" -ldl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$here/../zoo_variants.sh"

# A guest root holding only /proc/cpuinfo (qemu-user falls back to the host's files elsewhere).
cpu_root() {
  local cpu=$1 root=$work/root-$1 part=0xd0b variant=0x4 features
  features="fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp"
  if [[ $cpu == max ]]; then
    part=0xd40 variant=0x1 features="$features sve i8mm bf16"
  fi
  mkdir -p "$root/proc"
  for i in $(seq 0 $(($(nproc) - 1))); do
    printf 'processor\t: %d\nBogoMIPS\t: 50.00\nFeatures\t: %s\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: %s\nCPU part\t: %s\nCPU revision\t: 1\n\n' \
      "$i" "$features" "$variant" "$part"
  done >"$root/proc/cpuinfo"
  echo "$root"
}

# count CPU OUT COMMAND...: runs the guest command under the plugin; blocks in OUT.
count() {
  local cpu=$1 out=$2
  shift 2
  QEMU_CPU=$cpu qemu-aarch64 -L "$(cpu_root "$cpu")" -plugin "$tools/insn_count.so,out=$out" "$@" \
    >/dev/null
}

total() { $py "$here/attribute.py" total "$1"; }

# onnx_io MODEL: the first input's name and shape (D0,D1,...), and the first output's name.
onnx_io() {
  $py -c "
import onnx
m = onnx.load('$1')
i = m.graph.input[0]
print(i.name, ','.join(str(d.dim_value) for d in i.type.tensor_type.shape.dim), m.graph.output[0].name)"
}

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') running $(qemu-aarch64 --version | head -1)"
echo "onnxruntime-node $(node -p "require('onnxruntime-node/package.json').version") (linux/arm64 libonnxruntime), trit $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?')"
echo
echo "| model | MACs | CPU | runtime | instructions / inference | instructions / MAC | vs ORT fp32 | int8 GEMM MACs / instruction: kernel / inner loop |"
echo "|---|---|---|---|---|---|---|---|"
for model in $models; do
  zoo_variants "$trit" "$model" "$work"
  "$trit" export "$work/fp32.trit" -o "$work/fp32.onnx" >/dev/null
  "$trit" export "$work/int8.trit" -o "$work/int8.onnx" >/dev/null
  macs=$("$trit" info --json "$work/fp32.trit" | $py -c "import json, sys; print(json.load(sys.stdin)['totals']['macs'])")
  read -r in_name in_shape _ < <(onnx_io "$work/fp32.onnx")
  elements=$(echo "$in_shape" | tr ',' '*' | bc)
  $py -c "import numpy as np; np.random.RandomState(0).rand($elements).astype(np.float32).tofile('$work/x.f32')"
  for cpu in $cpus; do
    ort_fp32=""
    for runtime in "ORT fp32" "ORT int8 (QDQ)" "trit fp32" "trit int8" "trit ternary" "trit ternary, 70% pruned"; do
      case $runtime in
        "ORT fp32") onnx=$work/fp32.onnx ;;
        "ORT int8 (QDQ)") onnx=$work/int8.onnx ;;
        "trit fp32") file=$work/fp32.trit ;;
        "trit int8") file=$work/int8.trit ;;
        "trit ternary") file=$work/ternary.trit ;;
        *) file=$work/pruned.trit ;;
      esac
      for runs in 1 2; do
        if [[ $runtime == ORT* ]]; then
          read -r in_name in_shape out_name < <(onnx_io "$onnx")
          count "$cpu" "$work/blocks$runs" "$tools/ort_run" "$ort_lib" "$onnx" "$in_name" "$in_shape" \
            "$work/x.f32" "$out_name" "$runs"
        else
          count "$cpu" "$work/blocks$runs" "$arm_trit" bench "$file" --runs "$runs" --warmup 0
        fi
      done
      per=$(($(total "$work/blocks2") - $(total "$work/blocks1")))
      [[ -z $ort_fp32 ]] && ort_fp32=$per
      rate="-"
      if [[ $runtime == "trit int8" || $runtime == "trit ternary"* ]]; then
        # The 8-bit GEMM's share: its layers' MACs over its microkernels' instructions.
        gemm_macs=$(QEMU_CPU=$cpu qemu-aarch64 "$arm_trit" info --json "$file" | $py -c "
import json, re, sys
print(sum(l['macs'] for l in json.load(sys.stdin)['layers'] if re.search(r'^q[su]8_(i?gemm|rowconv)_', l['kernel'])))")
        pattern='trit::arm::(Q8Gemm(Neon|NeonDot|I8mm)\(|\(anonymous namespace\)::Microkernel(OneRow|<[0-9]+>)?\(trit::Q8GemmPacked)'
        gemm_1=$($py "$here/attribute.py" match "$work/blocks1" "$arm_trit" aarch64-linux-gnu-nm "$pattern")
        gemm_2=$($py "$here/attribute.py" match "$work/blocks2" "$arm_trit" aarch64-linux-gnu-nm "$pattern")
        read -r _ loop_rate < <($py "$here/attribute.py" loop "$work/blocks2" "$arm_trit" \
          aarch64-linux-gnu-nm "$pattern" aarch64-linux-gnu-objdump)
        nominal=16 instruction=SDOT
        [[ $cpu == max ]] && nominal=32 instruction=SMMLA
        rate=$($py -c "
d = $gemm_2 - $gemm_1
whole = f'{$gemm_macs / d:.1f}' if d > 0 else '-'
print(f'{whole} / {$loop_rate:.1f} ({100 * $loop_rate / $nominal:.0f}% of $instruction)')")
      fi
      $py -c "print(f'| $model | {$macs:,} | $cpu | $runtime | {$per:,} | {$per / $macs:.3f} | {$per / $ort_fp32:.2f} | $rate |')"
    done
  done
done
