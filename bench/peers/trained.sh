#!/usr/bin/env bash
# Batch-1 latency of trained models beside ONNX Runtime, in one run on one machine: ORT 1.30
# runs the trained fp32 model (fp32) and its int8 post-training quantization (the QDQ model
# `trit export` writes; 64 Fashion-MNIST calibration images, u8 activations); trit runs the
# same int8 file and each trained trit model given (QAT, pruned). Each line: median, p10 and
# p90 of RUNS timed runs after warm-up, speedup against ORT fp32 and ORT int8, the share of
# zero weights in the quantized layers and how many layers run the block lists.
#
# Usage: [RUNS=300] bench/peers/trained.sh BUILD_DIR FP32.trit MODEL.trit...
#   e.g. bench/peers/trained.sh build/release convnet.trit deepchip_blocks.trit
# ONNX Runtime comes from npm into $TRIT_PEERS (default ~/.cache/trit-peers), outside the repo.
set -euo pipefail
build_dir=$1
fp32=$2
shift 2
runs=${RUNS:-300}
here=$(cd "$(dirname "$0")" && pwd)
trit="$build_dir/tools/trit/trit"
py=/usr/bin/python3

source "$here/ort_env.sh"

peer_header
"$trit" compress "$fp32" -o "$work/int8.trit" --weights int8 \
  --calib fashion-mnist:/usr/share/datasets/fashion-mnist --calib-samples 64 --acts uint8 >/dev/null
"$trit" export "$fp32" -o "$work/fp32.onnx" >/dev/null
"$trit" export "$work/int8.trit" -o "$work/int8.onnx" >/dev/null
shape=$("$trit" info --json "$fp32" | $py -c "import json, sys; print(','.join(map(str, json.load(sys.stdin)['layers'][0]['inputs'][0])))")
$py -c "import numpy as np; x = np.random.RandomState(0).rand($shape).astype(np.float32); np.save('$work/x.npy', x); np.save('$work/x_nchw.npy', np.ascontiguousarray(x.transpose(0, 3, 1, 2)))"

# Zero share of the quantized layers' weights, and the layers that walk block lists.
zeros() {
  "$trit" info --json "$1" | $py -c "
import json, sys
layers = [l for l in json.load(sys.stdin)['layers'] if l.get('weight_dtype', 'f32') != 'f32']
weights = sum(l['parameters'] for l in layers)
zero = sum(l['sparsity'] * l['parameters'] for l in layers)
lists = sum('_blocks' in l['kernel'] for l in layers)
print(f'{zero / weights:.1%}', f'{lists}/{len(layers)}')"
}

echo
echo "| model | runtime | threads | median ms | p10 ms | p90 ms | vs ORT fp32 | vs ORT int8 | zero weights | block-list layers |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for threads in 1 2; do
  ort_fp32="" ort_int8=""
  for entry in "ORT fp32:$work/fp32.onnx" "ORT int8 (QDQ):$work/int8.onnx" "trit int8 (PTQ):$work/int8.trit" "$@"; do
    case $entry in
      ORT*) runtime=${entry%%:*} file=${entry#*:} ;;
      trit*) runtime=${entry%%:*} file=${entry#*:} ;;
      *) runtime="trit $(basename "$entry" .trit)" file=$entry ;;
    esac
    if [[ $runtime == ORT* ]]; then
      node "$here/ort_bench.js" "$file" "$work/x_nchw.npy" "$work/y.npy" "$threads" "$runs" 5 >"$work/bench.json"
      share="-" lists="-"
    else
      "$trit" bench "$file" --threads "$threads" --runs "$runs" --warmup 5 --json >"$work/bench.json"
      read -r share lists < <(zeros "$file")
    fi
    read -r median p10 p90 < <($py -c "
import json
b = json.load(open('$work/bench.json'))
print(b['median_ms'], b['p10_ms'], b['p90_ms'])")
    [[ $runtime == "ORT fp32" ]] && ort_fp32=$median
    [[ $runtime == "ORT int8 (QDQ)" ]] && ort_int8=$median
    $py -c "
ratio = lambda peer: f'{float(peer) / $median:.2f}x' if peer else '-'
print(f'| $(basename "$fp32" .trit) | $runtime | $threads | {$median:.3f} | {$p10:.3f} | {$p90:.3f} | {ratio(\"$ort_fp32\")} | {ratio(\"$ort_int8\")} | $share | $lists |')"
  done
done
