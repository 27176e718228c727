"""Writes random cases for every fp32 reference kernel with PyTorch's outputs.

usage: /usr/bin/python3 torch_reference.py OUT_DIR SEED
Each case is OUT_DIR/<name>/ with x.npy (NHWC), optional y.npy, params.npy, and expected.npy,
plus one line in OUT_DIR/cases.txt: "<name> <op> key=value ...". Torch is NCHW: the script
transposes to trit's NHWC activations and OHWI weights.
"""
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

out_dir, seed = sys.argv[1], int(sys.argv[2])
torch.manual_seed(seed)
lines = []


def nhwc(t):
    return t.permute(0, 2, 3, 1).contiguous().numpy()


def save(name, op, arrays, **attrs):
    os.makedirs(os.path.join(out_dir, name), exist_ok=True)
    for key, value in arrays.items():
        np.save(os.path.join(out_dir, name, key + ".npy"), np.ascontiguousarray(value, dtype=np.float32))
    lines.append(" ".join([name, op] + [f"{k}={v}" for k, v in attrs.items()]))


conv_cases = [  # n, cin, h, w, cout, k, stride, pad, dilation, groups, bias
    (1, 3, 9, 9, 4, 3, 1, 1, 1, 1, 1),
    (2, 5, 11, 7, 6, 3, 2, 0, 1, 1, 0),
    (1, 4, 10, 10, 8, 3, 1, 2, 2, 1, 1),
    (1, 6, 8, 8, 9, 1, 1, 0, 1, 3, 1),
    (1, 8, 7, 9, 8, 3, 1, 1, 1, 8, 1),  # depthwise
    (1, 3, 13, 13, 5, 5, 2, 2, 1, 1, 1),
    (1, 16, 6, 6, 16, 3, 2, 1, 1, 16, 0),  # depthwise, strided
    (2, 6, 9, 7, 4, 3, 1, 1, 1, 2, 1),  # groups 2
    (1, 4, 11, 9, 6, 3, 2, 1, 1, 2, 0),  # groups 2, strided, no bias
    (1, 3, 12, 11, 5, 3, 2, 3, 2, 1, 0),  # dilation 2, strided
]
for i, (n, cin, h, w, cout, k, s, p, d, g, b) in enumerate(conv_cases):
    x = torch.randn(n, cin, h, w)
    weight = torch.randn(cout, cin // g, k, k) * 0.3
    bias = torch.randn(cout) if b else None
    y = F.conv2d(x, weight, bias, stride=s, padding=p, dilation=d, groups=g)
    arrays = {"x": nhwc(x), "w": weight.permute(0, 2, 3, 1).contiguous().numpy(), "expected": nhwc(y)}
    if b:
        arrays["b"] = bias.numpy()
    save(f"conv{i}", "conv", arrays, k=k, stride=s, pad=p, dilation=d, groups=g)

for i, (rows, k, nout) in enumerate([(1, 17, 5), (3, 64, 10), (2, 1, 7)]):
    x = torch.randn(rows, k)
    weight = torch.randn(nout, k)
    bias = torch.randn(nout)
    save(f"dense{i}", "dense", {"x": x.numpy(), "w": weight.numpy(), "b": bias.numpy(),
                                "expected": F.linear(x, weight, bias).numpy()})

for i, (h, w, c, k, s, p) in enumerate([(8, 8, 3, 2, 2, 0), (9, 7, 4, 3, 2, 1), (5, 5, 2, 3, 1, 1)]):
    x = torch.randn(1, c, h, w)
    save(f"maxpool{i}", "maxpool", {"x": nhwc(x), "expected": nhwc(F.max_pool2d(x, k, s, p))}, k=k, stride=s, pad=p)
    for include in (0, 1):
        y = F.avg_pool2d(x, k, s, p, count_include_pad=bool(include))
        save(f"avgpool{i}_{include}", "avgpool", {"x": nhwc(x), "expected": nhwc(y)}, k=k, stride=s, pad=p,
             include=include)

x = torch.randn(2, 6, 5, 7)
save("gap", "gap", {"x": nhwc(x), "expected": nhwc(F.adaptive_avg_pool2d(x, 1))})

for i, (a_shape, b_shape) in enumerate([((2, 3, 4, 5), (2, 3, 4, 5)), ((1, 4, 4, 8), (8,)), ((2, 1, 3), (1, 5, 1))]):
    a, b = torch.randn(*a_shape), torch.randn(*b_shape)
    save(f"add{i}", "add", {"x": a.numpy(), "y": b.numpy(), "expected": (a + b).numpy()})
    save(f"mul{i}", "mul", {"x": a.numpy(), "y": b.numpy(), "expected": (a * b).numpy()})

a, b = torch.randn(1, 3, 4, 5), torch.randn(1, 3, 4, 2)
save("concat", "concat", {"x": a.numpy(), "y": b.numpy(), "expected": torch.cat([a, b], dim=3).numpy()})

x = torch.randn(2, 3, 4, 5) * 4
save("relu", "relu", {"x": x.numpy(), "expected": F.relu(x).numpy()})
save("relu6", "clip", {"x": x.numpy(), "expected": torch.clamp(x, 0, 6).numpy()}, lo=0, hi=6)
save("sigmoid", "sigmoid", {"x": x.numpy(), "expected": torch.sigmoid(x).numpy()})
save("tanh", "tanh", {"x": x.numpy(), "expected": torch.tanh(x).numpy()})
save("softmax_last", "softmax", {"x": x.numpy(), "expected": F.softmax(x, dim=-1).numpy()}, axis=3)
save("softmax_axis1", "softmax", {"x": x.numpy(), "expected": F.softmax(x, dim=1).numpy()}, axis=1)

x = torch.randn(2, 6, 4, 5)
gamma, beta, mean, var = torch.randn(6), torch.randn(6), torch.randn(6), torch.rand(6) + 0.5
y = F.batch_norm(x, mean, var, gamma, beta, training=False, eps=1e-5)
save("batchnorm", "batchnorm", {"x": nhwc(x), "gamma": gamma.numpy(), "beta": beta.numpy(),
                                "mean": mean.numpy(), "var": var.numpy(), "expected": nhwc(y)})

x = torch.randn(1, 3, 4, 5)  # pad 2 channels before and 3 after, as the ResNet shortcut does
y = F.pad(x, (0, 0, 0, 0, 2, 3))
save("pad_channels", "pad", {"x": nhwc(x), "expected": nhwc(y)}, before=2, after=3)

with open(os.path.join(out_dir, "cases.txt"), "w") as f:
    f.write("\n".join(lines) + "\n")
