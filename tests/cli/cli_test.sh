#!/usr/bin/env bash
# Drives the trit binary as a user would: every command, JSON output, and bad input
# (one-line error, non-zero exit, no output file, no crash).
set -uo pipefail
trit=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
check() {  # check DESCRIPTION COMMAND...: the command must succeed
  local what=$1; shift
  if ! "$@" >"$work/out" 2>"$work/err"; then
    echo "FAIL: $what"; cat "$work/err"; failures=$((failures + 1))
  fi
}
check_error() {  # check_error DESCRIPTION PATTERN COMMAND...: must fail with one line matching
  local what=$1 pattern=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  if [[ $rc -eq 0 || $rc -gt 2 ]]; then echo "FAIL: $what: exit $rc"; failures=$((failures + 1)); return; fi
  if [[ $(wc -l <"$work/err") -ne 1 ]] || ! grep -q -- "$pattern" "$work/err"; then
    echo "FAIL: $what: stderr was:"; cat "$work/err"; failures=$((failures + 1))
  fi
}
py() { /usr/bin/python3 -c "$@"; }

check "zoo --list" "$trit" zoo --list
grep -q resnet44 "$work/out" || { echo "FAIL: list lacks resnet44"; failures=$((failures + 1)); }
check "zoo lenet5" "$trit" zoo lenet5 -o "$work/lenet5.trit"
check "zoo resnet20" "$trit" zoo resnet20 -o "$work/resnet20.trit"
check "info" "$trit" info "$work/lenet5.trit"
grep -qE "ref_conv2d_f32|f32_igemm_[0-9x]+__avx" "$work/out" || { echo "FAIL: info shows no kernel"; failures=$((failures + 1)); }
TRIT_ISA=ref check "info at TRIT_ISA=ref" "$trit" info "$work/lenet5.trit"
grep -q "ref_conv2d_f32" "$work/out" || { echo "FAIL: TRIT_ISA=ref does not pick the reference"; failures=$((failures + 1)); }
TRIT_ISA=sse9 check_error "unknown TRIT_ISA" "TRIT_ISA='sse9'" "$trit" info "$work/lenet5.trit"
check "info --json" "$trit" info --json "$work/resnet20.trit"
py "import json; t = json.load(open('$work/out'))['totals']; assert t['parameters'] == 271098, t; assert t['arena_bytes'] > 0; assert abs(t['compression'] - t['fp32_bytes'] / t['file_bytes']) < 1e-9" \
  || { echo "FAIL: info --json totals"; failures=$((failures + 1)); }
check "run random" "$trit" run "$work/lenet5.trit" --output "$work/y.npy"
py "import numpy as np; y = np.load('$work/y.npy'); assert y.shape == (1, 10) and y.dtype == np.float32" \
  || { echo "FAIL: run output npy"; failures=$((failures + 1)); }
py "import numpy as np; np.save('$work/x.npy', np.full((1, 28, 28, 1), 0.5, np.float32)); np.save('$work/bad.npy', np.zeros((1, 27, 28, 1), np.float32))"
check "run with input" "$trit" run "$work/lenet5.trit" --input "$work/x.npy" --json
py "import json; r = json.load(open('$work/out')); assert len(r['top']) == 5" || { echo "FAIL: run --json"; failures=$((failures + 1)); }
check "bench --json" "$trit" bench "$work/lenet5.trit" --runs 3 --warmup 1 --json
py "import json; b = json.load(open('$work/out')); assert b['p10_ms'] <= b['median_ms'] <= b['p90_ms']; assert len(b['ops']) > 0" \
  || { echo "FAIL: bench --json"; failures=$((failures + 1)); }

# eval (and train, where trit-train is built) on a small generated dataset: images, labels.
py "import numpy as np; r = np.random.default_rng(0); np.save('$work/images.npy', r.integers(0, 256, (40, 28, 28), dtype=np.uint8)); np.save('$work/labels.npy', r.integers(0, 10, 40).astype(np.int32))"
data="npy:$work/images.npy,$work/labels.npy"
check "eval --json" "$trit" eval "$work/lenet5.trit" --data "$data" --json
py "import json; e = json.load(open('$work/out')); assert e['samples'] == 40 and 0 <= e['top1'] <= 1; assert sum(map(sum, e['confusion'])) == 40" \
  || { echo "FAIL: eval --json"; failures=$((failures + 1)); }
check_error "eval on a missing dataset" "no such file" "$trit" eval "$work/lenet5.trit" --data "fashion-mnist:$work/none"
py "import numpy as np; np.save('$work/two_channels.npy', np.zeros((4, 28, 28, 2), np.uint8)); np.save('$work/four_labels.npy', np.zeros(4, np.int32))"
check_error "eval on samples that do not fit" "do not fit" "$trit" eval "$work/resnet20.trit" --data "npy:$work/two_channels.npy,$work/four_labels.npy"
# binary activations: the BinaryNet-style zoo model with binary weights, the same accuracy on
# the optimized kernels (xor + popcount where the CPU has it) and on the reference
check "zoo bnn" "$trit" zoo bnn -o "$work/bnn.trit"
check "compress bnn --weights binary" "$trit" compress "$work/bnn.trit" -o "$work/bnn_b1.trit" --weights binary --acts uint8 --calib "$data" --calib-samples 16
check "info bnn" "$trit" info "$work/bnn_b1.trit"
grep -q "Binarize" "$work/out" && grep -qE "b1_igemm_8x32__avx512vpopcntdq|b1_igemm_4x16__avx2|_from_b1|ref_conv2d_b1_binary" "$work/out" \
  || { echo "FAIL: info shows no binary layer"; failures=$((failures + 1)); }
check "eval bnn" "$trit" eval "$work/bnn_b1.trit" --data "$data" --json
cp "$work/out" "$work/bnn_eval.json"
TRIT_ISA=ref check "eval bnn at TRIT_ISA=ref" "$trit" eval "$work/bnn_b1.trit" --data "$data" --json
py "import json; a = json.load(open('$work/bnn_eval.json')); b = json.load(open('$work/out')); assert a['confusion'] == b['confusion'], (a['top1'], b['top1'])" \
  || { echo "FAIL: bnn differs between the optimized kernels and the reference"; failures=$((failures + 1)); }
# compress (PTQ) and eval --compare
check "compress --json" "$trit" compress "$work/lenet5.trit" -o "$work/int8.trit" --weights int8 --acts int8 --calib "$data" --calib-samples 16 --json
py "import json, os; r = json.load(open('$work/out')); assert r['file_bytes'] == os.path.getsize('$work/int8.trit'); assert abs(r['compression'] - r['fp32_file_bytes'] / r['file_bytes']) < 1e-9; assert len(r['layers']) == 5 and r['layers'][1]['weights'] == 'i8' and r['layers'][1]['output_sqnr_db'] is not None" \
  || { echo "FAIL: compress --json report"; failures=$((failures + 1)); }
check "compress ternary pruned" "$trit" compress "$work/lenet5.trit" -o "$work/ternary.trit" --weights ternary --acts pow2 --prune 0.5 --prune-channels 0.25 --calib "$data" --calib-samples 16 --json
py "import json; r = json.load(open('$work/out')); assert r['layers'][2]['weights'] == 'ternary' and r['layers'][2]['zeros'] >= r['layers'][2]['params'] // 2; assert len(r['pruned_channels']) > 0; assert r['compression'] > 4" \
  || { echo "FAIL: compress ternary report"; failures=$((failures + 1)); }
check "eval --compare" "$trit" eval "$work/int8.trit" --data "$data" --compare "$work/lenet5.trit" --layer-samples 8 --json
py "import json; e = json.load(open('$work/out')); c = e['compare']; assert 0 <= c['agreement'] <= 1 and 0 <= c['top1'] <= 1; assert len(c['layers']) == 5 and c['layer_samples'] == 8" \
  || { echo "FAIL: eval --compare --json"; failures=$((failures + 1)); }
check_error "compress without calibration data" "calibration data" "$trit" compress "$work/lenet5.trit" -o "$work/never.trit" --weights int8
check_error "compress with a missing config" "cannot open" "$trit" compress "$work/lenet5.trit" -o "$work/never.trit" --weights int8 --calib "$data" --config "$work/none.json"
echo '{"layers": {"conv9": "int4"}}' >"$work/layers.json"
check_error "config naming no layer" "no Conv2D/Dense layer named 'conv9'" "$trit" compress "$work/lenet5.trit" -o "$work/never.trit" --weights int8 --calib "$data" --config "$work/layers.json"
[[ -e "$work/never.trit" ]] && { echo "FAIL: model written after an error"; failures=$((failures + 1)); }

if [[ -x "$(dirname "$trit")/trit-train" ]]; then
  check "train --quant --json" "$trit" train --model "$work/lenet5.trit" --data "$data" --quant ternary --acts pow2 --prune 0.5 --epochs 1 --batch 8 --optimizer adam --lr 0.0001 --calib-samples 8 --json -o "$work/qat.trit"
  py "import json, os; r = json.load(open('$work/out')); assert r['file_bytes'] == os.path.getsize('$work/qat.trit'); assert 0 <= r['test_accuracy'] <= 1; open('$work/qat_acc', 'w').write(str(r['test_accuracy']))" \
    || { echo "FAIL: train --quant --json"; failures=$((failures + 1)); }
  check "eval QAT model" "$trit" eval "$work/qat.trit" --data "$data" --json
  py "import json; e = json.load(open('$work/out')); assert abs(e['top1'] - float(open('$work/qat_acc').read())) <= 0.001" \
    || { echo "FAIL: trit eval differs from the QAT trainer"; failures=$((failures + 1)); }
  check "train --preset deepchip" "$trit" train --model "$work/lenet5.trit" --data "$data" --preset deepchip --epochs 1 --batch 8 --optimizer adam --lr 0.0001 --calib-samples 8 --json -o "$work/deepchip.trit"
  py "import json; r = json.load(open('$work/out')); w = [l['weights'] for l in r['layers']]; assert w[0] == w[-1] == 'f32' and set(w[1:-1]) == {'ternary'}, w; open('$work/deepchip_acc', 'w').write(str(r['test_accuracy']))" \
    || { echo "FAIL: train --preset deepchip"; failures=$((failures + 1)); }
  check "eval DeepChip model" "$trit" eval "$work/deepchip.trit" --data "$data" --json
  py "import json; e = json.load(open('$work/out')); assert abs(e['top1'] - float(open('$work/deepchip_acc').read())) <= 0.001" \
    || { echo "FAIL: trit eval differs from the DeepChip preset's trainer"; failures=$((failures + 1)); }
  check_error "preset with --prune-channels" "excludes" "$trit" train --model lenet5 --data "$data" --preset deepchip --prune-channels 0.5 -o "$work/never.trit"
  check_error "preset with --quant" "excludes" "$trit" train --model lenet5 --data "$data" --preset deepchip --quant int8 -o "$work/never.trit"
  check_error "prune without --quant" "use --quant TYPE" "$trit" train --model lenet5 --data "$data" --prune 0.5 -o "$work/never.trit"
  check_error "structure without a spec" "needs a JSON network spec" "$trit" train --model lenet5 --data "$data" --structure kron --compression 20 -o "$work/never.trit"
  # A recurrent network from a spec, its W and U as Kronecker products chosen for 8x.
  echo '{"input": [28, 28, 1], "layers": [{"lstm": 16}, {"dense": 10}]}' > "$work/lstm.json"
  check "train a Kronecker LSTM" "$trit" train --model "$work/lstm.json" --data "$data" --structure kron --compression 8 --epochs 1 --limit 256 --batch 32 --optimizer adam --lr 0.01 -o "$work/lstm.trit"
  check "bench it" "$trit" bench "$work/lstm.trit" --runs 5
  grep -q "moved / working set" "$work/out" || { echo "FAIL: bench reports no data movement for the LSTM"; failures=$((failures + 1)); }
  check_error "ternary cells" "structured weights take int8 or f32" "$trit" compress "$work/lstm.trit" -o "$work/never.trit" --weights ternary --acts int8 --calib "$data"
  [[ -e "$work/never.trit" ]] && { echo "FAIL: model written after an error"; failures=$((failures + 1)); }
  # Compression adds the cell's bias pair into one vector; the folded model exports to ONNX and
  # comes back with the same outputs, and trains further.
  check "fold the LSTM" "$trit" compress "$work/lstm.trit" -o "$work/lstm_folded.trit" --weights fp32
  grep -q "added 1 recurrent bias pair" "$work/out" || { echo "FAIL: the bias pair was not folded"; failures=$((failures + 1)); }
  check "run the folded LSTM" "$trit" run "$work/lstm_folded.trit" --input "$work/x.npy" --output "$work/lstm_folded_y.npy"
  check "run the LSTM" "$trit" run "$work/lstm.trit" --input "$work/x.npy" --output "$work/lstm_y.npy"
  check "export the folded LSTM" "$trit" export "$work/lstm_folded.trit" -o "$work/lstm_folded.onnx"
  check "import it back" "$trit" import "$work/lstm_folded.onnx" -o "$work/lstm_folded_again.trit"
  py "import numpy as np; np.save('$work/x_nchw.npy', np.load('$work/x.npy').transpose(0, 3, 1, 2))"
  check "run the round trip" "$trit" run "$work/lstm_folded_again.trit" --input "$work/x_nchw.npy" --output "$work/lstm_again_y.npy"
  py "import numpy as np; a = np.load('$work/lstm_y.npy'); b = np.load('$work/lstm_folded_y.npy'); c = np.load('$work/lstm_again_y.npy'); assert np.allclose(a, b, atol=1e-5) and np.allclose(a, c, atol=1e-4), (abs(a - b).max(), abs(a - c).max())" \
    || { echo "FAIL: the folded LSTM or its ONNX round trip computes something else"; failures=$((failures + 1)); }
  check "train the folded LSTM" "$trit" train --model "$work/lstm_folded.trit" --data "$data" --epochs 1 --limit 128 --batch 32 --optimizer adam --lr 0.01 -o "$work/lstm_folded_trained.trit"
  check "int8 QAT of the folded LSTM" "$trit" train --model "$work/lstm_folded.trit" --data "$data" --quant int8 --acts int8 --epochs 1 --limit 128 --batch 32 --optimizer adam --lr 0.001 -o "$work/lstm_qat.trit"
  # A dense layer with Kronecker weights from a spec: trained, int8, exported to ONNX (the matrix
  # materialized) and imported back with the same outputs.
  echo '{"input": [28, 28, 1], "layers": [{"flatten": 1}, {"dense": 32, "structure": "kron", "compression": 8}, {"relu": 1}, {"dense": 10}]}' > "$work/kron_mlp.json"
  check "train a Kronecker dense layer" "$trit" train --model "$work/kron_mlp.json" --data "$data" --epochs 1 --limit 256 --batch 32 --optimizer adam --lr 0.01 -o "$work/kron_mlp.trit"
  check "info of it" "$trit" info "$work/kron_mlp.trit"
  grep -q "StructuredDense" "$work/out" || { echo "FAIL: no StructuredDense layer"; failures=$((failures + 1)); }
  check "int8 Kronecker dense" "$trit" compress "$work/kron_mlp.trit" -o "$work/kron_mlp_int8.trit" --weights int8 --acts int8 --calib "$data" --calib-samples 16
  check "run it" "$trit" run "$work/kron_mlp_int8.trit" --input "$work/x.npy" --output "$work/kron_int8_y.npy"
  check "export it" "$trit" export "$work/kron_mlp.trit" -o "$work/kron_mlp.onnx"
  check "import it back" "$trit" import "$work/kron_mlp.onnx" -o "$work/kron_mlp_again.trit"
  check "run the original" "$trit" run "$work/kron_mlp.trit" --input "$work/x.npy" --output "$work/kron_y.npy"
  # The exported model takes NCHW images (x_nchw.npy, above).
  check "run the round trip" "$trit" run "$work/kron_mlp_again.trit" --input "$work/x_nchw.npy" --output "$work/kron_again_y.npy"
  py "import numpy as np; a = np.load('$work/kron_y.npy'); b = np.load('$work/kron_again_y.npy'); assert np.allclose(a, b, atol=1e-4), abs(a - b).max()" \
    || { echo "FAIL: ONNX round trip of a Kronecker dense layer"; failures=$((failures + 1)); }
  check "train" "$trit" train --model lenet5 --data "$data" --epochs 2 --batch 8 --lr 0.01 -o "$work/trained.trit"
  trainer=$(grep "epoch 2 test accuracy" "$work/out" | sed 's/.*accuracy \([0-9.]*\)%.*/\1/')
  check "eval trained" "$trit" eval "$work/trained.trit" --data "$data" --json
  py "import json; e = json.load(open('$work/out')); assert abs(100 * e['top1'] - float('$trainer')) <= 0.1, (e['top1'], '$trainer')" \
    || { echo "FAIL: trit eval differs from the trainer"; failures=$((failures + 1)); }
  check "train --resume" "$trit" train --model lenet5 --data "$data" --epochs 3 --batch 8 --lr 0.01 \
    --checkpoint "$work/trained.trit.checkpoint" --resume -o "$work/resumed.trit"
  grep -q "epoch 3 test accuracy" "$work/out" && ! grep -q "epoch 2 test" "$work/out" \
    || { echo "FAIL: resume did not continue at epoch 3"; failures=$((failures + 1)); }
  check_error "train on a missing dataset" "no such file" "$trit" train --model lenet5 --data "mnist:$work/none" -o "$work/never.trit"
  [[ -e "$work/never.trit" ]] && { echo "FAIL: model written after an error"; failures=$((failures + 1)); }
fi

check_error "wrong input shape" "does not match input" "$trit" run "$work/lenet5.trit" --input "$work/bad.npy" --output "$work/never.npy"
[[ -e "$work/never.npy" ]] && { echo "FAIL: output written after an error"; failures=$((failures + 1)); }
check_error "unknown zoo model" "unknown zoo model" "$trit" zoo nonet -o "$work/never.trit"
[[ -e "$work/never.trit" ]] && { echo "FAIL: model written after an error"; failures=$((failures + 1)); }
check_error "missing file" "cannot open" "$trit" info "$work/missing.trit"
head -c 3000 "$work/lenet5.trit" >"$work/truncated.trit"
check_error "truncated model" "truncated" "$trit" run "$work/truncated.trit"
printf 'garbage' >"$work/garbage.trit"
check_error "not a model" "header" "$trit" bench "$work/garbage.trit"
check_error "bad option" "" "$trit" bench "$work/lenet5.trit" --runs 0
check_error "no subcommand" "" "$trit"

if [[ $failures -eq 0 ]]; then echo "cli: all checks passed"; else echo "cli: $failures failed"; exit 1; fi
