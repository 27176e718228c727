"""Quantized ONNX models (QDQ, QLinearConv, QLinearMatMul, ConvInteger, MatMulInteger), each
with float input and output, an input, and the output the ONNX operator definitions give,
computed here with NumPy.

    quantized_models.py OUT_DIR

Writes OUT_DIR/NAME.onnx, NAME.input.npy, NAME.expected.npy and NAME.step (the output's
quantization step: trit's integer requantization may differ from NumPy's float rounding by
one step).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.RandomState(11)


def quantize(x, scale, zero, dtype):
    info = np.iinfo(dtype)
    return np.clip(np.rint(x / scale) + zero, info.min, info.max).astype(dtype)


def conv_nchw(x, w, pad):
    """Cross-correlation of integer-valued arrays, stride 1: x [N,C,H,W], w [M,C,kh,kw]."""
    n, c, h, wd = x.shape
    m, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = h + 2 * pad - kh + 1, wd + 2 * pad - kw + 1
    y = np.zeros((n, m, oh, ow), dtype=np.int64)
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, :, i:i + oh, j:j + ow].astype(np.int64)
            y += np.einsum("nchw,mc->nmhw", patch, w[:, :, i, j].astype(np.int64))
    return y


def save(out_dir, name, nodes, inits, x, y_shape, expected, step):
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x.shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(y_shape))],
        [numpy_helper.from_array(v, k) for k, v in inits.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out_dir, name + ".onnx"))
    np.save(os.path.join(out_dir, name + ".input.npy"), x.astype(np.float32))
    np.save(os.path.join(out_dir, name + ".expected.npy"), expected.astype(np.float32))
    with open(os.path.join(out_dir, name + ".step"), "w") as f:
        f.write(repr(float(step)))


def conv_case(out_dir, qdq):
    x = rng.rand(1, 3, 8, 8).astype(np.float32) * 2 - 1
    sx, zx = np.float32(0.01), np.uint8(128)
    w = rng.randint(-127, 128, size=(4, 3, 3, 3)).astype(np.int8)
    sw = (rng.rand(4).astype(np.float32) * 0.01 + 0.002).astype(np.float32)
    b = rng.randint(-2000, 2000, size=4).astype(np.int32)
    sy, zy = np.float32(0.05), np.uint8(0 if qdq else 100)
    xq = quantize(x, sx, zx, np.uint8)
    acc = conv_nchw(xq.astype(np.int64) - int(zx), w, 1) + b.reshape(1, 4, 1, 1)
    real = acc * (sx * sw).reshape(1, 4, 1, 1).astype(np.float64)
    if qdq:
        real = np.maximum(real, 0)  # the Relu before the output QuantizeLinear
    yq = np.clip(np.rint(real / sy) + int(zy), 0, 255)
    expected = (yq - int(zy)) * sy
    inits = {"sx": np.array(sx), "zx": np.array(zx), "w": w, "sw": sw,
             "zw": np.zeros(4, np.int8), "b": b, "sb": (sx * sw).astype(np.float32),
             "zb": np.zeros(4, np.int32), "sy": np.array(sy), "zy": np.array(zy)}
    q = helper.make_node("QuantizeLinear", ["x", "sx", "zx"], ["xq"])
    if qdq:
        nodes = [q,
                 helper.make_node("DequantizeLinear", ["xq", "sx", "zx"], ["xf"]),
                 helper.make_node("DequantizeLinear", ["w", "sw", "zw"], ["wf"], axis=0),
                 helper.make_node("DequantizeLinear", ["b", "sb", "zb"], ["bf"], axis=0),
                 helper.make_node("Conv", ["xf", "wf", "bf"], ["c"], pads=[1, 1, 1, 1]),
                 helper.make_node("Relu", ["c"], ["r"]),
                 helper.make_node("QuantizeLinear", ["r", "sy", "zy"], ["yq"]),
                 helper.make_node("DequantizeLinear", ["yq", "sy", "zy"], ["y"])]
    else:
        nodes = [q,
                 helper.make_node("QLinearConv", ["xq", "sx", "zx", "w", "sw", "zw", "sy", "zy", "b"],
                                  ["yq"], pads=[1, 1, 1, 1]),
                 helper.make_node("DequantizeLinear", ["yq", "sy", "zy"], ["y"])]
    save(out_dir, "qdq_conv" if qdq else "qlinearconv", nodes, inits, x, expected.shape, expected, sy)


def qlinearmatmul_case(out_dir):
    x = rng.rand(2, 16).astype(np.float32) * 2 - 1
    sx, zx = np.float32(0.01), np.int8(3)
    b = rng.randint(-127, 128, size=(16, 8)).astype(np.int8)
    sb, zb = np.float32(0.004), np.int8(0)
    sy, zy = np.float32(0.02), np.int8(-5)
    xq = quantize(x, sx, zx, np.int8)
    acc = (xq.astype(np.int64) - int(zx)) @ b.astype(np.int64)
    yq = np.clip(np.rint(acc * (float(sx) * float(sb)) / sy) + int(zy), -128, 127)
    expected = (yq - int(zy)) * sy
    inits = {"sx": np.array(sx), "zx": np.array(zx), "b": b, "sb": np.array(sb),
             "zb": np.array(zb), "sy": np.array(sy), "zy": np.array(zy)}
    nodes = [helper.make_node("QuantizeLinear", ["x", "sx", "zx"], ["xq"]),
             helper.make_node("QLinearMatMul", ["xq", "sx", "zx", "b", "sb", "zb", "sy", "zy"], ["yq"]),
             helper.make_node("DequantizeLinear", ["yq", "sy", "zy"], ["y"])]
    save(out_dir, "qlinearmatmul", nodes, inits, x, expected.shape, expected, sy)


def integer_case(out_dir, conv):
    sx, zx = np.float32(0.02), np.uint8(120)
    if conv:
        x = rng.rand(1, 2, 6, 6).astype(np.float32) * 2 - 1
        w = rng.randint(-100, 100, size=(3, 2, 3, 3)).astype(np.int8)
    else:
        x = rng.rand(3, 10).astype(np.float32) * 2 - 1
        w = rng.randint(-100, 100, size=(10, 4)).astype(np.int8)
    sw = np.float32(0.003)
    xq = quantize(x, sx, zx, np.uint8)
    centered = xq.astype(np.int64) - int(zx)
    acc = conv_nchw(centered, w, 0) if conv else centered @ w.astype(np.int64)
    expected = acc * (float(sx) * float(sw))
    inits = {"sx": np.array(sx), "zx": np.array(zx), "w": w,
             "scale": np.array(np.float32(sx * sw))}
    op = "ConvInteger" if conv else "MatMulInteger"
    nodes = [helper.make_node("QuantizeLinear", ["x", "sx", "zx"], ["xq"]),
             helper.make_node(op, ["xq", "w", "zx"], ["acc"]),
             helper.make_node("Cast", ["acc"], ["accf"], to=TensorProto.FLOAT),
             helper.make_node("Mul", ["accf", "scale"], ["y"])]
    save(out_dir, op.lower(), nodes, inits, x, expected.shape, expected, 1e-4)


def main():
    out_dir = sys.argv[1]
    conv_case(out_dir, qdq=False)
    conv_case(out_dir, qdq=True)
    qlinearmatmul_case(out_dir)
    integer_case(out_dir, conv=True)
    integer_case(out_dir, conv=False)


if __name__ == "__main__":
    main()
