#!/usr/bin/env bash
# Side-by-side batch-1 latency of the zoo models (DeepChip ConvNet, ResNet-44, AlexNet; random
# weights) in ONNX Runtime 1.30 (fp32, and int8 as the QDQ model `trit export` writes), PyTorch
# 1.13 (fp32, eager) and trit (fp32, int8, ternary, ternary with 70% pruned), on 1 and 2 threads,
# in one run on one machine. Each line: median, p10 and p90 of RUNS timed runs after warm-up,
# speedup against ORT fp32, model file bytes against the fp32 .trit. Every runtime runs the same
# input; the largest output difference of ORT and PyTorch to trit at the same precision (fp32,
# or int8 for the QDQ model) is printed as a check that they run the same network. Calibration of the quantized models: 64 Fashion-MNIST training images.
#
# Usage: bench/peers/run.sh [BUILD_DIR]   (after `make build`; `make bench-peers` runs it)
# ONNX Runtime comes from npm into $TRIT_PEERS (default ~/.cache/trit-peers), outside the repo.
set -euo pipefail
build_dir=${1:-build/release}
here=$(cd "$(dirname "$0")" && pwd)
trit="$build_dir/tools/trit/trit"
py=/usr/bin/python3

source "$here/ort_env.sh"
source "$here/../zoo_variants.sh"

peer_header
# The cost of one call through the Node binding, on a model that does nothing (Identity).
$py -c "
import numpy as np, onnx
from onnx import helper as h, TensorProto as T
g = h.make_graph([h.make_node('Identity', ['x'], ['y'])], 'identity', [h.make_tensor_value_info('x', T.FLOAT, [1, 10])], [h.make_tensor_value_info('y', T.FLOAT, [1, 10])])
m = h.make_model(g, opset_imports=[h.make_opsetid('', 14)]); m.ir_version = 7
onnx.save(m, '$work/identity.onnx'); np.save('$work/x10.npy', np.zeros((1, 10), np.float32))"
floor=$(node "$here/ort_bench.js" "$work/identity.onnx" "$work/x10.npy" "$work/y10.npy" 1 2000 50 | $py -c "import json, sys; print(json.load(sys.stdin)['median_ms'])")
echo "ORT call floor through the Node binding (an Identity model, median of 2000): $floor ms"
echo
echo "| model | runtime | threads | median ms | p10 ms | p90 ms | speedup vs ORT fp32 | file bytes | bytes vs fp32 | max abs diff to trit |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for spec in convnet:300 resnet44:100 alexnet:20; do
  model=${spec%%:*} runs=${spec##*:} warmup=5
  zoo_variants "$trit" "$model" "$work"
  "$trit" export "$work/fp32.trit" -o "$work/fp32.onnx" >/dev/null
  "$trit" export "$work/int8.trit" -o "$work/int8.onnx" >/dev/null
  # One input, NHWC for trit and NCHW for the ONNX peers.
  shape=$("$trit" info --json "$work/fp32.trit" | $py -c "import json, sys; print(','.join(map(str, json.load(sys.stdin)['layers'][0]['inputs'][0])))")
  $py -c "import numpy as np; x = np.random.RandomState(0).rand($shape).astype(np.float32); np.save('$work/x.npy', x); np.save('$work/x_nchw.npy', np.ascontiguousarray(x.transpose(0, 3, 1, 2)))"
  fp32_bytes=$(stat -c %s "$work/fp32.trit")
  "$trit" run "$work/fp32.trit" -i "$work/x.npy" -o "$work/ref_fp32.npy" >/dev/null
  "$trit" run "$work/int8.trit" -i "$work/x.npy" -o "$work/ref_int8.npy" >/dev/null
  for threads in 1 2; do
    ort_ms=""
    for runtime in "ORT fp32" "ORT int8 (QDQ)" "PyTorch fp32" "trit fp32" "trit int8" "trit ternary" "trit ternary, 70% pruned"; do
      case $runtime in
        "ORT fp32") file=$work/fp32.onnx; cmd=(node "$here/ort_bench.js" "$file" "$work/x_nchw.npy") ;;
        "ORT int8 (QDQ)") file=$work/int8.onnx; cmd=(node "$here/ort_bench.js" "$file" "$work/x_nchw.npy") ;;
        "PyTorch fp32") file=$work/fp32.onnx; cmd=($py "$here/torch_bench.py" "$file" "$work/x_nchw.npy") ;;
        "trit fp32") file=$work/fp32.trit ;;
        "trit int8") file=$work/int8.trit ;;
        "trit ternary") file=$work/ternary.trit ;;
        *) file=$work/pruned.trit ;;
      esac
      reference=""
      if [[ $runtime == trit* ]]; then
        "$trit" bench "$file" --threads "$threads" --runs "$runs" --warmup "$warmup" --json >"$work/bench.json"
      else
        "${cmd[@]}" "$work/y.npy" "$threads" "$runs" "$warmup" >"$work/bench.json"
        reference=$work/ref_fp32.npy
        [[ $runtime == "ORT int8 (QDQ)" ]] && reference=$work/ref_int8.npy
      fi
      read -r median p10 p90 diff < <($py -c "
import json, numpy as np
b = json.load(open('$work/bench.json'))
diff = '-'
if '$reference':
    y, ref = np.load('$work/y.npy'), np.load('$reference')
    diff = f'{float(abs(y.reshape(ref.shape) - ref).max()):.2g}'
print(b['median_ms'], b['p10_ms'], b['p90_ms'], diff)")
      [[ $runtime == "ORT fp32" ]] && ort_ms=$median
      bytes=$(stat -c %s "$file")
      $py -c "print(f'| $model | $runtime | $threads | {$median:.3f} | {$p10:.3f} | {$p90:.3f} | {$ort_ms / $median:.2f}x | {$bytes:,} | {$bytes / $fp32_bytes:.3f} | $diff |')"
    done
  done
done
