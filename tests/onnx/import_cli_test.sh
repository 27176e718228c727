#!/usr/bin/env bash
# `trit import` as a user drives it: networks exported from PyTorch (torchvision architectures,
# random weights) imported, checked against PyTorch's outputs, written and run; dynamic input
# dimensions; and bad input: unsupported ops (all listed at once), a truncated file, random
# bytes, a missing file (one-line error, non-zero exit, no output file).
set -uo pipefail
trit=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
check() {  # check DESCRIPTION COMMAND...: the command must succeed
  local what=$1; shift
  if ! "$@" >"$work/out" 2>"$work/err"; then fail "$what"; cat "$work/out" "$work/err"; fi
}
check_error() {  # check_error DESCRIPTION PATTERN COMMAND...: must fail with one line matching
  local what=$1 pattern=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  if [[ $rc -eq 0 || $rc -gt 2 ]]; then fail "$what: exit $rc"; cat "$work/err"; return; fi
  if [[ $(wc -l <"$work/err") -ne 1 ]] || ! grep -q -- "$pattern" "$work/err"; then
    fail "$what: stderr was:"; cat "$work/err"
  fi
}
py() { /usr/bin/python3 -c "$@"; }

/usr/bin/python3 "$here/export_models.py" "$work" >/dev/null 2>"$work/export.log" \
  || { cat "$work/export.log"; echo "import-cli: export with PyTorch failed"; exit 1; }

for model in small_cnn silu_se decomposed float_pieces encoder encoder17 resnet18 mobilenet_v2 alexnet squeezenet lstm gru rnn lstm_cell_state; do
  check "import $model" "$trit" import "$work/$model.onnx" -o "$work/$model.trit" --verify \
    -i "$work/$model.input.npy" --expect "$work/$model.expected.npy"
  grep -q "max abs error .* ok" "$work/out" || fail "$model: no verified output"
  # The written file runs to PyTorch's output as well.
  check "run $model" "$trit" run "$work/$model.trit" -i "$work/$model.input.npy" -o "$work/$model.y.npy"
  py "import numpy as np; y = np.load('$work/$model.y.npy'); e = np.load('$work/$model.expected.npy'); assert np.allclose(y, e, rtol=1e-3, atol=1e-4), abs(y - e).max()" \
    || fail "$model: trit run differs from PyTorch"
done
# An imported model exported again keeps its NCHW input, and still gives PyTorch's output.
check "export an imported model" "$trit" export "$work/resnet18.trit" -o "$work/resnet18.again.onnx"
check "import it again" "$trit" import "$work/resnet18.again.onnx" -o "$work/resnet18.again.trit" \
  --verify -i "$work/resnet18.input.npy" --expect "$work/resnet18.expected.npy"
grep -q "input  'input' \[1,3,64,64\]" "$work/out" || fail "export of an imported model changed its input layout"
# SiLU arrives as Sigmoid and Mul and runs as one Silu node (the gate's Sigmoid stays); it
# exports as Sigmoid and Mul again, and the int8 model runs its activations as tables.
check "import silu_se again" "$trit" import "$work/silu_se.onnx" -o "$work/silu_se.trit"
grep -q "note: folded .*, fused 2 SiLU, fused 1 hard-swish" "$work/out" \
  || { fail "import silu_se: the fold summary is not printed"; cat "$work/out"; }
check "info silu_se" "$trit" info "$work/silu_se.trit"
[[ $(grep -cE "^[^ ]+ +Silu " "$work/out") -eq 2 && $(grep -cE "^[^ ]+ +Sigmoid " "$work/out") -eq 1 ]] \
  || fail "silu_se: expected two Silu nodes and one Sigmoid"
# Its input Transpose (NCHW -> NHWC) runs a Transpose row: no node is left on a reference kernel.
grep -q "run a scalar reference kernel" "$work/out" && fail "info silu_se: a reference kernel is listed"
grep -qE " Transpose .* x32_transpose_(interleave__|tiled32)" "$work/out" \
  || fail "info silu_se: the input Transpose runs no Transpose row"
# info and bench name the nodes left on a reference kernel, and why (float_pieces: MatMul, Sqrt).
check "info float_pieces" "$trit" info "$work/float_pieces.trit"
grep -q "2 node(s) run a scalar reference kernel" "$work/out" \
  && grep -q "MatMul (f32) x1, ref_matmul_f32: no optimized kernel for this op yet" "$work/out" \
  || fail "info float_pieces: the reference MatMul is not listed"
check "bench float_pieces" "$trit" bench "$work/float_pieces.trit" --runs 3 --warmup 0
grep -q "MatMul (f32) x1, ref_matmul_f32: .* ms; no optimized kernel" "$work/out" \
  || fail "bench float_pieces: the reference MatMul is not listed"
TRIT_ISA=ref check "info silu_se at the reference level" "$trit" info "$work/silu_se.trit"
grep -q "Silu (f32) x2, ref_silu_f32: the reference level was chosen (TRIT_ISA=ref)" "$work/out" \
  || fail "info at TRIT_ISA=ref: the reason is not given"
check "export silu_se" "$trit" export "$work/silu_se.trit" -o "$work/silu_se.again.onnx"
check "import it again" "$trit" import "$work/silu_se.again.onnx" -o "$work/silu_se.again.trit" \
  --verify -i "$work/silu_se.input.npy" --expect "$work/silu_se.expected.npy"
py "import numpy as np; np.save('$work/silu_se.calib.npy', np.random.RandomState(1).rand(32, 3, 16, 16).astype(np.float32)); np.save('$work/silu_se.labels.npy', np.zeros(32, np.int32))"
check "compress silu_se to int8" "$trit" compress "$work/silu_se.trit" -o "$work/silu_se.i8.trit" \
  --calib "npy:$work/silu_se.calib.npy,$work/silu_se.labels.npy" --calib-samples 32
check "info of the int8 silu_se" "$trit" info "$work/silu_se.i8.trit"
for op in Silu HardSwish HardSigmoid; do
  grep -E " $op +.*q8_lut" "$work/out" >/dev/null || fail "int8 silu_se: $op does not run as a table"
done
check "run the int8 silu_se" "$trit" run "$work/silu_se.i8.trit" -i "$work/silu_se.input.npy" -o "$work/silu_se.i8.y.npy"
py "import numpy as np; y = np.load('$work/silu_se.i8.y.npy'); e = np.load('$work/silu_se.expected.npy'); err = np.abs(y - e).max() / np.abs(e).max(); assert err < 0.1, err" \
  || fail "int8 silu_se is far from PyTorch"
# Hard-swish and hard-sigmoid spelled out in Add, Clip, Mul and Div run as HardSwish (twice)
# and HardSigmoid, GELU spelled out (erf and tanh forms) as Gelu; the model quantizes (int8 and
# ternary), its Gelu nodes run as tables, and its outputs track PyTorch's.
check "import decomposed again" "$trit" import "$work/decomposed.onnx" -o "$work/decomposed.trit"
grep -q "note: folded .*, fused 2 GELU, fused 1 Mish" "$work/out" || { fail "decomposed: GELU or Mish not folded"; cat "$work/out"; }
check "info decomposed" "$trit" info "$work/decomposed.trit"
[[ $(grep -cE "^[^ ]+ +HardSwish " "$work/out") -eq 2 && $(grep -cE "^[^ ]+ +HardSigmoid " "$work/out") -eq 1 ]] \
  || fail "decomposed: expected two HardSwish nodes and one HardSigmoid"
[[ $(grep -cE "^[^ ]+ +Gelu " "$work/out") -eq 2 ]] || fail "decomposed: expected two Gelu nodes"
[[ $(grep -cE "^[^ ]+ +Mish +.*f32_mish__" "$work/out") -eq 1 ]] || fail "decomposed: expected one vectorized Mish node"
grep -qE " (Add|Clip|Div|Erf|Tanh|Pow|Softplus) " "$work/out" && fail "decomposed: an Add, Clip, Div, Erf, Tanh, Pow or Softplus was left"
py "import numpy as np; np.save('$work/decomposed.calib.npy', np.random.RandomState(2).rand(32, 3, 16, 16).astype(np.float32)); np.save('$work/decomposed.labels.npy', np.zeros(32, np.int32))"
for weights in int8 ternary; do
  check "compress decomposed to $weights" "$trit" compress "$work/decomposed.trit" -o "$work/decomposed.$weights.trit" \
    --weights $weights --calib "npy:$work/decomposed.calib.npy,$work/decomposed.labels.npy" --calib-samples 32
  check "run the $weights decomposed" "$trit" run "$work/decomposed.$weights.trit" -i "$work/decomposed.input.npy" -o "$work/decomposed.$weights.y.npy"
  py "import numpy as np; y = np.load('$work/decomposed.$weights.y.npy'); e = np.load('$work/decomposed.expected.npy'); err = np.abs(y - e).max() / np.abs(e).max(); assert err < 0.1, err" \
    || fail "$weights decomposed is far from PyTorch"
done
check "info of the int8 decomposed" "$trit" info "$work/decomposed.int8.trit"
[[ $(grep -cE " Gelu +.*q8_lut" "$work/out") -eq 2 ]] || fail "int8 decomposed: Gelu does not run as a table"
grep -qE " Mish +.*q8_lut" "$work/out" || fail "int8 decomposed: Mish does not run as a table"
grep -qE " Max +.* i8 .*q8_max_lut2" "$work/out" && grep -qE " Min +.* i8 .*q8_min_lut( |$)" "$work/out" \
  || fail "int8 decomposed: Min and Max do not run as 8-bit tables"
# Its 8-bit constant operand (Min's 1.5) exports as the real values of its levels: the QDQ model
# imports back and runs the same.
check "export the int8 decomposed" "$trit" export "$work/decomposed.int8.trit" -o "$work/decomposed.int8.onnx"
check "import it back" "$trit" import "$work/decomposed.int8.onnx" -o "$work/decomposed.int8.back.trit"
check "run it" "$trit" run "$work/decomposed.int8.back.trit" -i "$work/decomposed.input.npy" -o "$work/decomposed.back.y.npy"
py "import numpy as np; a = np.load('$work/decomposed.int8.y.npy'); b = np.load('$work/decomposed.back.y.npy'); assert np.abs(a - b).max() <= 0.02 * np.abs(a).max(), np.abs(a - b).max()" \
  || fail "the int8 decomposed model's QDQ export does not run the same"
# Exported again, the Gelu nodes are spelled out for opset 14 and fold back on import.
check "export decomposed" "$trit" export "$work/decomposed.trit" -o "$work/decomposed.again.onnx"
check "import it again" "$trit" import "$work/decomposed.again.onnx" -o "$work/decomposed.again.trit" \
  --verify -i "$work/decomposed.input.npy" --expect "$work/decomposed.expected.npy"
grep -q "fused 2 GELU, fused 1 Mish" "$work/out" || fail "the exported GELUs and Mish did not fold back"
# An op with no 8-bit form (Sqrt) stays float in an int8 model: the compression report names it
# and why, and what follows it (text and JSON); the Sub and the MatMul before it are 8-bit.
py "import numpy as np; np.save('$work/float_pieces.calib.npy', np.random.RandomState(4).rand(16, 3, 8, 8).astype(np.float32)); np.save('$work/float_pieces.labels.npy', np.zeros(16, np.int32))"
calib="npy:$work/float_pieces.calib.npy,$work/float_pieces.labels.npy"
check "compress float_pieces" "$trit" compress "$work/float_pieces.trit" -o "$work/float_pieces.i8.trit" --calib "$calib" --calib-samples 16
grep -q "node(s) run in float:" "$work/out" && ! grep -qE "  (Sub|MatMul) x1:" "$work/out" \
  && grep -q "  Sqrt x1: no 8-bit form of this op" "$work/out" \
  && grep -q "  Relu x1: its input is float, from Sqrt" "$work/out" \
  || { fail "compress float_pieces: the float nodes are not listed"; cat "$work/out"; }
check "compress float_pieces --json" "$trit" compress "$work/float_pieces.trit" -o "$work/float_pieces.i8.trit" --calib "$calib" --calib-samples 16 --json
py "import json; r = json.load(open('$work/out')); ops = {f['op']: f['reason'] for f in r['float_nodes']}; assert 'Sub' not in ops and 'MatMul' not in ops and ops['Sqrt'] == 'no 8-bit form of this op', r['float_nodes']" \
  || fail "compress --json: float_nodes"
check "compress silu_se again" "$trit" compress "$work/silu_se.trit" -o "$work/silu_se.i8.trit" \
  --calib "npy:$work/silu_se.calib.npy,$work/silu_se.labels.npy" --calib-samples 32
float_lines=$(grep -E "^  [A-Za-z]+ x[0-9]+: " "$work/out" | grep -v "^  Transpose x1: it reads the float graph input")
[[ -z $float_lines ]] || fail "int8 silu_se: nodes left in float: $float_lines"

# A transformer encoder layer: LayerNorm spelled out (opset 13) or as LayerNormalization
# (opset 17) runs as LayerNorm, the erf GELU as Gelu; it quantizes with sequence-shaped
# calibration data (LayerNorm, Gelu and the attention's MatMuls, scale Div and Softmax on 8 bits).
for model in encoder encoder17; do
  check "info $model" "$trit" info "$work/$model.trit"
  [[ $(grep -cE "^[^ ]+ +LayerNorm " "$work/out") -eq 2 && $(grep -cE "^[^ ]+ +Gelu " "$work/out") -eq 1 ]] \
    || fail "$model: expected two LayerNorm nodes and one Gelu"
  grep -qE " (ReduceMean|Sqrt|Pow|Erf) " "$work/out" && fail "$model: a piece of LayerNorm or GELU was left"
done
py "import numpy as np; np.save('$work/encoder.calib.npy', np.random.RandomState(5).rand(32, 8, 16).astype(np.float32)); np.save('$work/encoder.labels.npy', np.zeros(32, np.int32))"
for weights in int8 ternary; do
  check "compress encoder to $weights" "$trit" compress "$work/encoder.trit" -o "$work/encoder.$weights.trit" \
    --weights $weights --calib "npy:$work/encoder.calib.npy,$work/encoder.labels.npy" --calib-samples 32
  check "run the $weights encoder" "$trit" run "$work/encoder.$weights.trit" -i "$work/encoder.input.npy" -o "$work/encoder.$weights.y.npy"
done
# int8 within 10% of the output range; ternary PTQ of 16-wide layers is coarse (35% measured).
py "import numpy as np; e = np.load('$work/encoder.expected.npy'); err = lambda w: np.abs(np.load(f'$work/encoder.{w}.y.npy') - e).max() / np.abs(e).max(); assert err('int8') < 0.1 and err('ternary') < 0.5, (err('int8'), err('ternary'))" \
  || fail "the quantized encoder is far from PyTorch"
check "info of the int8 encoder" "$trit" info "$work/encoder.int8.trit"
grep -qE "^output +LayerNorm .* i8 " "$work/out" || fail "int8 encoder: the last LayerNorm is not 8-bit"
[[ $(grep -cE " MatMul .* i8 .*ref_matmul_q8" "$work/out") -eq 2 ]] \
  && grep -qE " Div .* i8 .*(q8_div_lut|ref_div_q8)" "$work/out" \
  && grep -qE " Softmax .* i8 .*ref_softmax_q8" "$work/out" \
  || fail "int8 encoder: the attention does not run on 8 bits"
# Exported again, LayerNorm is spelled out for opset 14 and folds back on import.
check "export encoder17" "$trit" export "$work/encoder17.trit" -o "$work/encoder17.again.onnx"
check "import it again" "$trit" import "$work/encoder17.again.onnx" -o "$work/encoder17.again.trit" \
  --verify -i "$work/encoder17.input.npy" --expect "$work/encoder17.expected.npy"
grep -q "fused 2 LayerNorm" "$work/out" || fail "the exported LayerNorms did not fold back"

# An LSTM whose output is its last cell state exports as an LSTM node's Y_c.
check "export the cell-state LSTM" "$trit" export "$work/lstm_cell_state.trit" -o "$work/lstm_cell_state.again.onnx"
py "import onnx; m = onnx.load('$work/lstm_cell_state.again.onnx'); assert any(n.op_type == 'LSTM' and len(n.output) == 3 and n.output[2] for n in m.graph.node)" \
  || fail "the cell-state LSTM was not exported as Y_c"
check "import it again" "$trit" import "$work/lstm_cell_state.again.onnx" -o "$work/lstm_cell_state.again.trit" \
  --verify -i "$work/lstm_cell_state.input.npy" --expect "$work/lstm_cell_state.expected.npy"

# BatchNorm is folded into the convolutions, and no layout change is left before the Linear.
check "info small_cnn" "$trit" info "$work/small_cnn.trit"
grep -q "BatchNorm" "$work/out" && fail "small_cnn keeps a BatchNorm"
[[ $(grep -cE "^[^ ]+ +Transpose " "$work/out") -eq 1 ]] || fail "small_cnn: expected one Transpose (the input's)"

# --nhwc: the input takes NHWC data, as trit's datasets and `trit eval` have it; the same
# outputs, and no layout change left in the graph.
check "import --nhwc" "$trit" import "$work/small_cnn.onnx" --nhwc -o "$work/small_cnn_nhwc.trit"
grep -q "input  'input' \[1,16,16,3\]" "$work/out" || fail "--nhwc: input not NHWC"
py "import numpy as np; x = np.load('$work/small_cnn.input.npy'); np.save('$work/x_nhwc.npy', np.ascontiguousarray(x.transpose(0, 2, 3, 1)))"
check "run --nhwc model" "$trit" run "$work/small_cnn_nhwc.trit" -i "$work/x_nhwc.npy" -o "$work/y_nhwc.npy"
py "import numpy as np; y = np.load('$work/y_nhwc.npy'); e = np.load('$work/small_cnn.expected.npy'); assert np.allclose(y, e, rtol=1e-3, atol=1e-4), abs(y - e).max()" \
  || fail "--nhwc model differs from PyTorch"
check "info --nhwc model" "$trit" info "$work/small_cnn_nhwc.trit"
grep -q "Transpose" "$work/out" && fail "--nhwc model keeps a Transpose"
fashion=fashion-mnist:/usr/share/datasets/fashion-mnist
check "eval of an ONNX model imported with --nhwc" "$trit" eval "$work/small_cnn_nhwc.trit" --data "$fashion" --limit 50
check_error "eval of an NCHW model" "import ONNX models with --nhwc" "$trit" eval "$work/small_cnn.trit" --data "$fashion" --limit 50

# Quantized ONNX: QLinearConv, a QDQ Conv + Relu, QLinearMatMul (native int8 layers), and
# ConvInteger / MatMulInteger (float), against the ONNX operator definitions in NumPy: equal up
# to one output step (trit requantizes in integers, NumPy rounds floats).
/usr/bin/python3 "$here/quantized_models.py" "$work" || fail "quantized_models.py"
for model in qlinearconv qdq_conv qlinearmatmul convinteger matmulinteger; do
  check "import $model" "$trit" import "$work/$model.onnx" -o "$work/$model.trit"
  check "run $model" "$trit" run "$work/$model.trit" -i "$work/$model.input.npy" -o "$work/$model.y.npy"
  py "import numpy as np; y = np.load('$work/$model.y.npy'); e = np.load('$work/$model.expected.npy'); step = float(open('$work/$model.step').read()); assert y.shape == e.shape and abs(y - e).max() <= step * 1.001, abs(y - e).max()" \
    || fail "$model differs from the ONNX definition"
  if [[ $model == q* ]]; then
    "$trit" info "$work/$model.trit" >"$work/out"
    grep -q "q[us]8_\|ref_conv2d_q8\|ref_dense_q8" "$work/out" || fail "$model: no int8 layer"
  fi
done

# A dynamic batch dimension: 1 by default (with a note), or what --shape says.
check "import dynamic" "$trit" import "$work/dynamic.onnx" -o "$work/dynamic.trit"
grep -q "note: graph input 'input': dynamic batch dimension 'batch' set to 1" "$work/out" || fail "no note on the dynamic batch"
check "import --shape" "$trit" import "$work/dynamic.onnx" --shape input:4,3,16,16 -o "$work/dynamic4.trit"
grep -q "output 'output' \[4,10\]" "$work/out" || fail "--shape did not fix the batch"
check_error "--shape on a missing input" "not a graph input" "$trit" import "$work/dynamic.onnx" --shape x:1,3,16,16 -o "$work/bad.trit"
check_error "--shape syntax" "must look like NAME:1,3,224,224" "$trit" import "$work/dynamic.onnx" --shape 1,3,16,16 -o "$work/bad.trit"

# Unsupported ops: every one listed at once, no output file.
check_error "unsupported ops" "2 unsupported nodes: LeakyRelu x1 .*Elu x1" \
  "$trit" import "$work/unsupported.onnx" -o "$work/bad.trit"
check_error "--check with unsupported ops" "2 unsupported nodes" "$trit" import --check "$work/unsupported.onnx"
grep -q "unsupported: LeakyRelu" "$work/out" || fail "--check does not list LeakyRelu"
check "--check" "$trit" import --check "$work/resnet18.onnx"
grep -q "every node is supported" "$work/out" || fail "--check on resnet18"

# Broken files.
head -c 20000 "$work/small_cnn.onnx" >"$work/truncated.onnx"
check_error "truncated file" "not a valid ONNX model" "$trit" import "$work/truncated.onnx" -o "$work/bad.trit"
head -c 4096 /dev/urandom >"$work/random.onnx"
check_error "random bytes" "not a valid ONNX model\|fails the ONNX checker" "$trit" import "$work/random.onnx" -o "$work/bad.trit"
check_error "missing file" "cannot open" "$trit" import "$work/missing.onnx" -o "$work/bad.trit"
check_error "expected output of the wrong shape" "must be f32 \[1,10\]" \
  "$trit" import "$work/small_cnn.onnx" --verify --expect "$work/resnet18.expected.npy" -o "$work/bad.trit"
/usr/bin/python3 "$here/malformed_models.py" "$work" || fail "malformed_models.py"
check_error "Concat of constants differing off the axis" "inputs differ off the concat axis" \
  "$trit" import "$work/bad_concat.onnx" -o "$work/bad.trit"
check_error "Transpose with a repeated axis" "perm must name every axis once" \
  "$trit" import "$work/bad_perm.onnx" -o "$work/bad.trit"
check_error "Range with an empty start" "Range x1" "$trit" import "$work/empty_range.onnx" -o "$work/bad.trit"
check_error "an initializer claiming 2^33 values" "holds 1 values" \
  "$trit" import "$work/huge_initializer.onnx" -o "$work/bad.trit"
check_error "Relu on int8" "Relu x1 .*input type int8" "$trit" import "$work/int8_relu.onnx" -o "$work/bad.trit"
check "Dropout with an unread mask" "$trit" import "$work/dropout_mask.onnx" -o "$work/dropout.trit"
[[ -e $work/bad.trit ]] && fail "a failed import left a file"
ls "$work" | grep -q "\.tmp" && fail "a failed import left a temporary file"

# trit export: zoo models as float and as QDQ (int8 and ternary weights), imported back. The
# quantized ones come back as the same int8 layers: outputs equal to the last bit.
data=fashion-mnist:/usr/share/datasets/fashion-mnist
for model in lenet5 resnet20; do
  check "zoo $model" "$trit" zoo "$model" -o "$work/$model.trit"
  check "compress $model int8" "$trit" compress "$work/$model.trit" -o "$work/$model.int8.trit" \
    --weights int8 --acts uint8 --calib "$data" --calib-samples 16
  check "compress $model ternary" "$trit" compress "$work/$model.trit" -o "$work/$model.ternary.trit" \
    --weights ternary --acts int8 --calib "$data" --calib-samples 16
  shape=$(/usr/bin/python3 -c "print({'lenet5': '1,28,28,1', 'resnet20': '1,32,32,3'}['$model'])")
  py "import numpy as np; x = np.random.RandomState(3).rand($shape).astype(np.float32); np.save('$work/x.npy', x); np.save('$work/x_nchw.npy', np.ascontiguousarray(x.transpose(0, 3, 1, 2)))"
  for variant in "" .int8 .ternary; do
    file=$work/$model$variant
    check "export $model$variant" "$trit" export "$file.trit" -o "$file.onnx"
    check "import the export of $model$variant" "$trit" import "$file.onnx" -o "$file.back.trit"
    check "run $model$variant" "$trit" run "$file.trit" -i "$work/x.npy" -o "$work/y.npy"
    check "run $model$variant back" "$trit" run "$file.back.trit" -i "$work/x_nchw.npy" -o "$work/y_back.npy"
    if [[ -z $variant ]]; then
      py "import numpy as np; a = np.load('$work/y.npy'); b = np.load('$work/y_back.npy'); assert np.allclose(a, b, rtol=1e-4, atol=1e-5), abs(a - b).max()" \
        || fail "$model: float export round trip differs"
    else
      py "import numpy as np; a = np.load('$work/y.npy'); b = np.load('$work/y_back.npy'); assert (a == b).all(), abs(a - b).max()" \
        || fail "$model$variant: QDQ export round trip is not exact"
      "$trit" info "$file.back.trit" >"$work/out"
      grep -q "qu8_\|qs8_\|ref_conv2d_q8" "$work/out" || fail "$model$variant: imported QDQ model has no int8 layers"
    fi
  done
done
# An element-wise op of the backend suite (Exp) exported and imported back runs the same.
check "import test_exp" "$trit" import /usr/share/libonnx-testdata/data/node/test_exp/model.onnx -o "$work/exp.trit"
check "export exp" "$trit" export "$work/exp.trit" -o "$work/exp.again.onnx"
check "import the export of exp" "$trit" import "$work/exp.again.onnx" -o "$work/exp.back.trit"
py "import numpy as np; np.save('$work/x.npy', np.random.RandomState(5).uniform(-90, 90, (3, 4, 5)).astype(np.float32))"
check "run exp" "$trit" run "$work/exp.trit" -i "$work/x.npy" -o "$work/y.npy"
check "run exp back" "$trit" run "$work/exp.back.trit" -i "$work/x.npy" -o "$work/y_back.npy"
py "import numpy as np; x = np.load('$work/x.npy').astype(np.float64); a = np.load('$work/y.npy'); b = np.load('$work/y_back.npy'); assert (a == b).all(); assert np.allclose(a, np.exp(x), rtol=3e-5, atol=0), abs(a / np.exp(x) - 1).max()" \
  || fail "exp: the export round trip differs, or Exp is off"

check "zoo bnn" "$trit" zoo bnn -o "$work/bnn.trit"
check_error "export of binary activations" "no ONNX export" "$trit" export "$work/bnn.trit" -o "$work/bad.onnx"
[[ -e $work/bad.onnx ]] && fail "a failed export left a file"

if ((failures)); then echo "import-cli: $failures failures"; exit 1; fi
echo "import-cli: all checks passed"
