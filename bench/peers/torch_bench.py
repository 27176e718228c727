"""PyTorch (eager, fp32) latency of an ONNX model exported by `trit export`, at batch 1.

    torch_bench.py MODEL.onnx INPUT.npy OUTPUT.npy THREADS RUNS WARMUP

The ONNX graph is rebuilt as PyTorch calls (torch.nn.functional), one per node, with the
initializers as tensors: the same network PyTorch would run had it been written there.
"""
import json
import sys
import time

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper


def attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def conv(x, w, b=None, a=None):
    pads = a.get("pads", [0, 0, 0, 0])
    padding = (pads[0], pads[1])
    if pads[0] != pads[2] or pads[1] != pads[3]:  # asymmetric: pad first
        x = F.pad(x, (pads[1], pads[3], pads[0], pads[2]))
        padding = (0, 0)
    return F.conv2d(x, w, b, stride=a.get("strides", [1, 1]), padding=padding,
                    dilation=a.get("dilations", [1, 1]), groups=a.get("group", 1))


def pool(x, a, kind):
    pads = a.get("pads", [0, 0, 0, 0])
    kernel, stride = a["kernel_shape"], a.get("strides", [1, 1])
    if kind == "max":
        x = F.pad(x, (pads[1], pads[3], pads[0], pads[2]), value=float("-inf"))
        return F.max_pool2d(x, kernel, stride)
    if pads[0] == pads[2] and pads[1] == pads[3] and a.get("count_include_pad", 0) == 0:
        return F.avg_pool2d(x, kernel, stride, padding=(pads[0], pads[1]), count_include_pad=False)
    x = F.pad(x, (pads[1], pads[3], pads[0], pads[2]))
    return F.avg_pool2d(x, kernel, stride)


LSTM_WEIGHTS = {}


def lstm(node, i, a):
    """ONNX LSTM (layout 0, default activations) as PyTorch's LSTM kernel: the gate blocks
    reordered once from ONNX's i, o, f, c to PyTorch's i, f, g, o. Returns (Y, Y_h)."""
    directions = 2 if a.get("direction", b"forward") == b"bidirectional" else 1
    hidden = a["hidden_size"]
    if node.name not in LSTM_WEIGHTS:
        order = lambda m: torch.cat([m[k * hidden:(k + 1) * hidden] for k in (0, 2, 3, 1)])
        flat = []
        for d in range(directions):
            bias = i[3][d] if len(i) > 3 and i[3] is not None else torch.zeros(8 * hidden)
            flat += [order(i[1][d]), order(i[2][d]), order(bias[:4 * hidden]),
                     order(bias[4 * hidden:])]
        LSTM_WEIGHTS[node.name] = flat
    x = i[0]
    zeros = torch.zeros(directions, x.shape[1], hidden)
    y, h, _ = torch._VF.lstm(x, (zeros, zeros), LSTM_WEIGHTS[node.name], True, 1, 0.0, False,
                             directions == 2, False)
    return y.reshape(x.shape[0], x.shape[1], directions, hidden).transpose(1, 2), h


def run_node(node, v):
    a = attrs(node)
    i = [v[name] if name else None for name in node.input]
    op = node.op_type
    if op == "LSTM":
        if a.get("direction", b"forward") == b"reverse" or len(i) > 4:
            raise SystemExit("torch_bench: error: LSTM with reverse direction or initial state")
        return lstm(node, i, a)
    if op == "Conv":
        return conv(i[0], i[1], i[2] if len(i) > 2 else None, a)
    if op == "Gemm":
        y = F.linear(i[0], i[1] if a.get("transB", 0) else i[1].t(), i[2] if len(i) > 2 else None)
        return y
    if op == "MatMul":
        return torch.matmul(i[0], i[1])
    if op == "Relu":
        return F.relu(i[0])
    if op == "Clip":
        return torch.clamp(i[0], float(i[1]), float(i[2]))
    if op == "MaxPool":
        return pool(i[0], a, "max")
    if op == "AveragePool":
        return pool(i[0], a, "avg")
    if op == "GlobalAveragePool":
        return i[0].mean(dim=(2, 3), keepdim=True)
    if op == "BatchNormalization":
        return F.batch_norm(i[0], i[3], i[4], i[1], i[2], False, 0.0, a.get("epsilon", 1e-5))
    if op in ("Add", "Mul", "Sub", "Div"):
        return {"Add": torch.add, "Mul": torch.mul, "Sub": torch.sub, "Div": torch.div}[op](i[0], i[1])
    if op == "Reshape":
        return i[0].reshape([int(d) for d in i[1]])
    if op == "Transpose":
        return i[0].permute(a["perm"])
    if op == "Softmax":
        return torch.softmax(i[0], a.get("axis", -1))
    if op == "Concat":
        return torch.cat(i, a["axis"])
    if op in ("Identity", "Dropout"):
        return i[0]
    if op == "Sigmoid":
        return torch.sigmoid(i[0])
    if op == "Tanh":
        return torch.tanh(i[0])
    if op == "Pad":
        pads = [int(p) for p in i[1]]
        rank = len(pads) // 2
        torch_pads = []
        for d in reversed(range(rank)):
            torch_pads += [pads[d], pads[d + rank]]
        return F.pad(i[0], torch_pads)
    raise SystemExit(f"torch_bench: error: op {op} is not mapped")


def main():
    model_path, input_path, output_path, threads, runs, warmup = sys.argv[1:7]
    threads, runs, warmup = int(threads), int(runs), int(warmup)
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    model = onnx.load(model_path)
    weights = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in model.graph.initializer}
    x = torch.from_numpy(np.load(input_path))
    input_name = model.graph.input[0].name
    output_name = model.graph.output[0].name

    def forward():
        values = dict(weights)
        values[input_name] = x
        for node in model.graph.node:
            result = run_node(node, values)
            for name, value in zip(node.output, result if node.op_type == "LSTM" else [result]):
                values[name] = value
        return values[output_name]

    with torch.no_grad():
        for _ in range(warmup):
            y = forward()
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            y = forward()
            times.append((time.perf_counter() - start) * 1e3)
    times.sort()
    at = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    np.save(output_path, y.numpy())
    print(json.dumps({"median_ms": at(0.5), "p10_ms": at(0.1), "p90_ms": at(0.9), "runs": runs}))


if __name__ == "__main__":
    main()
