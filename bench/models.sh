#!/usr/bin/env bash
# End-to-end batch-1 latency of the zoo models (ConvNet, ResNet-44, MobileNet, BNN, AlexNet;
# random weights) as fp32, int8 (PTQ), ternary (PTQ), ternary with 70% of the weights pruned (and
# for the BNN, whose activations are binary, binary weights), on 1 and 2
# threads, with `trit bench`; the fp32 model also on the scalar reference kernels
# (TRIT_ISA=ref). Calibration: 64 Fashion-MNIST training images.
# Usage: bench/models.sh [BUILD_DIR]   (after `make build`)
set -euo pipefail
build_dir=${1:-build/release}
trit="$build_dir/tools/trit/trit"
data=fashion-mnist:/usr/share/datasets/fashion-mnist
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/zoo_variants.sh"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
echo
echo "| model | weights | file bytes | threads | median ms | p10 ms | p90 ms | speedup vs trit fp32 |"
echo "|---|---|---|---|---|---|---|---|"
for spec in convnet:200 resnet44:100 mobilenet:200 bnn:200 alexnet:10; do
  model=${spec%%:*} runs=${spec##*:}
  zoo_variants "$trit" "$model" "$work"
  common=(--calib "$data" --calib-samples 64 --acts uint8)
  variants=(fp32 int8 ternary pruned ref)
  if [[ $model == bnn ]]; then  # binary activations: binary weights too, xor + popcount
    "$trit" compress "$work/fp32.trit" -o "$work/binary.trit" --weights binary "${common[@]}" >/dev/null
    variants=(fp32 int8 ternary pruned binary ref)
  fi
  for threads in 1 2; do
    fp32_ms=""
    for variant in "${variants[@]}"; do
      file="$work/$variant.trit" isa=""
      if [[ $variant == ref ]]; then
        [[ $threads == 1 ]] || continue
        file="$work/fp32.trit" isa=ref
      fi
      TRIT_ISA=$isa "$trit" bench "$file" --threads "$threads" --runs "$runs" --warmup 3 --json \
        >"$work/bench.json"
      read -r median p10 p90 < <(/usr/bin/python3 -c "import json; b = json.load(open('$work/bench.json')); print(b['median_ms'], b['p10_ms'], b['p90_ms'])")
      [[ $variant == fp32 ]] && fp32_ms=$median
      bytes=$(stat -c %s "$file")
      label=$variant
      [[ $variant == pruned ]] && label="ternary, 70% pruned"
      [[ $variant == ref ]] && label="fp32, reference kernels"
      /usr/bin/python3 -c "print(f'| $model | $label | {$bytes:,} | $threads | {$median:.3f} | {$p10:.3f} | {$p90:.3f} | {$fp32_ms / $median:.2f}x |')"
    done
  done
done
