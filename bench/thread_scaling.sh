#!/usr/bin/env bash
# Batch-1 latency on 1 and 2 threads of the zoo's ConvNet, ResNet-44 and MobileNet (width 0.5),
# fp32, int8 and ternary (PTQ on 64 Fashion-MNIST images), with `trit bench` (median of RUNS
# runs after warm-up): the table of docs/benchmarks.md, "The second core at batch 1". First what
# moving data between the two cores costs now (bench/cross_core.cc): on a VM it changes with the
# vCPUs' placement, and the table with it.
#
# Usage: [RUNS=300] bench/thread_scaling.sh [BUILD_DIR]
set -euo pipefail
build_dir=${1:-build/release}
runs=${RUNS:-300}
trit="$build_dir/tools/trit/trit"
data=fashion-mnist:/usr/share/datasets/fashion-mnist
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; trit $(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo '?')"
"$build_dir/bench/trit_cross_core_bench"
echo
echo "| model | weights | 1 thread ms | 2 threads ms | speedup |"
echo "|---|---|---|---|---|"
median() { "$trit" bench "$1" --runs "$runs" --threads "$2" | awk '/^latency ms/ {print $4}'; }
for model in convnet resnet44 mobilenet; do
  "$trit" zoo "$model" -o "$work/$model.fp32.trit" >/dev/null
  for weights in int8 ternary; do
    "$trit" compress "$work/$model.fp32.trit" -o "$work/$model.$weights.trit" --weights "$weights" \
      --calib "$data" --calib-samples 64 >/dev/null
  done
  for weights in fp32 int8 ternary; do
    one=$(median "$work/$model.$weights.trit" 1)
    two=$(median "$work/$model.$weights.trit" 2)
    echo "| $model | $weights | $one | $two | $(awk -v a="$one" -v b="$two" 'BEGIN {printf "%.2fx", a / b}') |"
  done
done
