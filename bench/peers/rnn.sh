#!/usr/bin/env bash
# Batch-1 latency of the row-wise Fashion-MNIST LSTMs (hidden 128, 28 steps) side by side, in one
# run: ONNX Runtime 1.30 and PyTorch 1.13 on the dense LSTM as `trit export` writes it (an ONNX
# LSTM node), and trit on the dense LSTM and on each structured or pruned one trained by
# bench/rnn_fmnist.sh. Each line: median, p10, p90 of RUNS timed runs, speedup against ORT,
# file bytes, and (for the dense peers) the largest output difference to trit's dense LSTM.
#
# Usage: bench/peers/rnn.sh RUNS_DIR [BUILD_DIR]   (RUNS_DIR from `bench/rnn_fmnist.sh train`)
# ONNX Runtime comes from npm into $TRIT_PEERS (default ~/.cache/trit-peers), outside the repo.
set -euo pipefail
runs_dir=$1
build_dir=${2:-build/release}
here=$(cd "$(dirname "$0")" && pwd)
trit="$build_dir/tools/trit/trit"
py=/usr/bin/python3
runs=${RUNS:-500}
threads=${THREADS:-1}
dense=$runs_dir/lstm-128-dense-1.trit
[[ -f $dense ]] || { echo "rnn.sh: error: $dense is missing (run bench/rnn_fmnist.sh train $runs_dir)" >&2; exit 1; }
source "$here/ort_env.sh"

peer_header "$threads thread(s), $runs runs"
echo
"$trit" export "$dense" -o "$work/lstm.onnx" >/dev/null
$py -c "import numpy as np; x = np.random.RandomState(0).rand(1, 28, 28, 1).astype(np.float32); np.save('$work/x.npy', x); np.save('$work/x_nchw.npy', np.ascontiguousarray(x.transpose(0, 3, 1, 2)))"
"$trit" run "$dense" -i "$work/x.npy" -o "$work/ref.npy" >/dev/null
dense_bytes=$(stat -c %s "$dense")
echo "| runtime | model | median ms | p10 ms | p90 ms | speedup vs ORT | file bytes | max abs diff to trit dense |"
echo "|---|---|---|---|---|---|---|---|"
ort_ms=""
row() {  # runtime model file bench.json reference
  read -r median p10 p90 diff < <($py -c "
import json, numpy as np
b = json.load(open('$4'))
diff = '-'
if '$5':
    y, ref = np.load('$work/y.npy'), np.load('$5')
    diff = f'{float(abs(y.reshape(ref.shape) - ref).max()):.2g}'
print(b['median_ms'], b['p10_ms'], b['p90_ms'], diff)")
  [[ -z $ort_ms ]] && ort_ms=$median
  $py -c "print(f'| $1 | $2 | {$median:.4f} | {$p10:.4f} | {$p90:.4f} | {$ort_ms / $median:.2f}x | {$(stat -c %s "$3"):,} | $diff |')"
}
node "$here/ort_bench.js" "$work/lstm.onnx" "$work/x_nchw.npy" "$work/y.npy" "$threads" "$runs" 50 >"$work/bench.json"
row "ORT fp32" "dense LSTM (ONNX LSTM node)" "$work/lstm.onnx" "$work/bench.json" "$work/ref.npy"
$py "$here/torch_bench.py" "$work/lstm.onnx" "$work/x_nchw.npy" "$work/y.npy" "$threads" "$runs" 50 >"$work/bench.json"
row "PyTorch fp32" "dense LSTM (nn.LSTM kernel)" "$work/lstm.onnx" "$work/bench.json" "$work/ref.npy"
for model in "$runs_dir"/lstm-128-*.trit; do
  variant=$(basename "$model" .trit)
  "$trit" bench "$model" --threads "$threads" --runs "$runs" --warmup 50 --json >"$work/bench.json"
  row "trit" "${variant#lstm-128-}" "$model" "$work/bench.json" ""
done
