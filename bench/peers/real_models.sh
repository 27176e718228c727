#!/usr/bin/env bash
# The real-model table: torchvision networks as users export them (random weights, batch 1,
# 96x96, opset 14; bench/peers/export_torchvision.py), imported into trit and run beside ONNX
# Runtime 1.30, in one run on one machine. Per model and thread count (1, 2): ORT fp32 (the
# exported file), ORT int8 (the QDQ model `trit export` writes of trit's int8 PTQ), and trit
# fp32, int8 and ternary (PTQ: 32 calibration images uniform in [0, 1), u8 activations). Each
# line: median of RUNS timed runs after warm-up, speedup against ORT fp32 and ORT int8, and the
# output SQNR of trit's int8 and ternary models against its fp32 model on the benchmark input.
# A model trit cannot import or quantize prints the one-line error in its row.
#
# Usage: [RUNS=100] [MODELS="..."] bench/peers/real_models.sh [BUILD_DIR]
# ONNX Runtime comes from npm into $TRIT_PEERS (default ~/.cache/trit-peers), outside the repo.
set -uo pipefail
build_dir=${1:-build/release}
runs=${RUNS:-100}
models=${MODELS:-mobilenet_v2 mobilenet_v3_small mobilenet_v3_large efficientnet_b0 mnasnet squeezenet resnet18 regnet shufflenet_v2}
here=$(cd "$(dirname "$0")" && pwd)
trit="$build_dir/tools/trit/trit"
py=/usr/bin/python3
source "$here/ort_env.sh"
peer_header
echo "torchvision $($py -c 'import torchvision; print(torchvision.__version__)')"
echo
echo "| model | threads | ORT fp32 ms | ORT int8 ms | trit fp32 ms | trit int8 ms | trit ternary ms | fp32 vs ORT fp32 | int8 vs ORT fp32 | int8 vs ORT int8 | SQNR int8 dB | SQNR ternary dB |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
sqnr() {
  $py -c "
import numpy as np
a, b = np.load('$1').ravel().astype(np.float64), np.load('$2').ravel().astype(np.float64)
print(f'{10 * np.log10((a * a).sum() / max(((a - b) ** 2).sum(), 1e-30)):.1f}')"
}
median() { $py -c "import json; print(json.load(open('$1'))['median_ms'])"; }
for model in $models; do
  m=$work/$model
  if ! $py "$here/export_torchvision.py" "$work" 96 32 "$model" >/dev/null 2>"$work/err"; then
    echo "| $model | - | export failed: $(tail -1 "$work/err") |"
    continue
  fi
  if ! "$trit" import "$m.onnx" -o "$m.fp32.trit" >/dev/null 2>"$work/err"; then
    echo "| $model | - | $(head -1 "$work/err") |"
    continue
  fi
  calib=(--calib "npy:$m.calib.npy,$m.labels.npy" --calib-samples 32 --acts uint8)
  status=""
  for weights in int8 ternary; do
    "$trit" compress "$m.fp32.trit" -o "$m.$weights.trit" --weights "$weights" "${calib[@]}" \
      >/dev/null 2>"$work/err" || status="$weights: $(head -1 "$work/err")"
  done
  [[ -z $status ]] && { "$trit" export "$m.int8.trit" -o "$m.int8.onnx" >/dev/null 2>"$work/err" || status="export: $(head -1 "$work/err")"; }
  if [[ -n $status ]]; then
    echo "| $model | - | $status |"
    continue
  fi
  for v in fp32 int8 ternary; do "$trit" run "$m.$v.trit" -i "$m.x.npy" -o "$m.$v.y.npy" >/dev/null; done
  q8=$(sqnr "$m.fp32.y.npy" "$m.int8.y.npy")
  t2=$(sqnr "$m.fp32.y.npy" "$m.ternary.y.npy")
  for threads in 1 2; do
    node "$here/ort_bench.js" "$m.onnx" "$m.x.npy" "$work/o.npy" "$threads" "$runs" 10 >"$work/ort32.json"
    node "$here/ort_bench.js" "$m.int8.onnx" "$m.x.npy" "$work/o.npy" "$threads" "$runs" 10 >"$work/ort8.json"
    for v in fp32 int8 ternary; do
      "$trit" bench "$m.$v.trit" --threads "$threads" --runs "$runs" --warmup 10 --json >"$work/$v.json"
    done
    $py -c "
o32, o8, f32, i8, t2 = $(median "$work/ort32.json"), $(median "$work/ort8.json"), $(median "$work/fp32.json"), $(median "$work/int8.json"), $(median "$work/ternary.json")
print(f'| $model | $threads | {o32:.3f} | {o8:.3f} | {f32:.3f} | {i8:.3f} | {t2:.3f} | {o32 / f32:.2f}x | {o32 / i8:.2f}x | {o8 / i8:.2f}x | $q8 | $t2 |')"
  done
done
