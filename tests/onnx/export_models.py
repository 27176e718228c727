"""Exports PyTorch networks to ONNX with random weights, with an input and PyTorch's output.

    export_models.py OUT_DIR

Writes OUT_DIR/NAME.onnx, NAME.input.npy and NAME.expected.npy for each network, and two
models trit must refuse: unsupported.onnx (two op types it lacks) and dynamic.onnx (a dynamic
batch dimension).
"""
import os
import sys

import numpy as np
import torch
import torchvision


class SmallCnn(torch.nn.Module):
    """Conv/BN/ReLU, pooling, a residual Add, a Flatten of a spatial map into a Linear."""

    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 16, 3, padding=1)
        self.bn1 = torch.nn.BatchNorm2d(16)
        self.conv2 = torch.nn.Conv2d(16, 16, 3, padding=1, groups=4)
        self.bn2 = torch.nn.BatchNorm2d(16)
        self.pool = torch.nn.MaxPool2d(2)
        self.fc = torch.nn.Linear(16 * 8 * 8, 10)

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = torch.relu(y + self.bn2(self.conv2(y)))
        y = self.pool(y)
        return torch.softmax(self.fc(torch.flatten(y, 1)), dim=1)


class SiluSe(torch.nn.Module):
    """EfficientNet's pieces: SiLU (exported as Sigmoid and Mul), a squeeze-and-excitation gate
    (global pool, two 1x1 convolutions, Sigmoid, channel-wise Mul), and MobileNetV3's
    hard-swish and hard-sigmoid."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 16, 3, padding=1)
        self.bn = torch.nn.BatchNorm2d(16)
        self.squeeze = torch.nn.Conv2d(16, 4, 1)
        self.excite = torch.nn.Conv2d(4, 16, 1)
        self.fc = torch.nn.Linear(16, 10)

    def forward(self, x):
        y = torch.nn.functional.silu(self.bn(self.conv(x)))
        s = torch.nn.functional.adaptive_avg_pool2d(y, 1)
        s = torch.sigmoid(self.excite(torch.nn.functional.silu(self.squeeze(s))))
        y = torch.nn.functional.hardswish(y * s)
        y = torch.nn.functional.hardsigmoid(torch.flatten(torch.nn.functional.adaptive_avg_pool2d(y, 1), 1))
        return self.fc(y)


class Decomposed(torch.nn.Module):
    """Hard-swish and hard-sigmoid spelled out in Add, Clip, Mul and Div nodes, as TensorFlow and
    Paddle exporters write them, around a squeeze-and-excitation gate; GELU in both forms, which
    the ONNX opsets before 20 spell out (erf: Div, Erf, Add, Mul, Mul; tanh: Mul, Pow, Add, Tanh,
    ...); a Max of two tensors and a Min with a constant; Mish (Softplus, Tanh, Mul)."""

    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 16, 3, padding=1)
        self.conv1b = torch.nn.Conv2d(16, 16, 1)
        self.conv2 = torch.nn.Conv2d(16, 16, 3, padding=1)
        self.squeeze = torch.nn.Conv2d(16, 4, 1)
        self.excite = torch.nn.Conv2d(4, 16, 1)
        self.hidden = torch.nn.Linear(16, 32)
        self.fc = torch.nn.Linear(32, 10)

    def forward(self, x):
        y = torch.nn.functional.gelu(self.conv1(x))
        y = self.conv1b(y)
        y = torch.minimum(torch.maximum(y, 0.25 * y), torch.tensor(1.5))  # a capped leaky ReLU
        y = y * torch.clamp(y + 3, 0, 6) / 6  # x * relu6(x + 3) / 6
        y = self.conv2(y)
        y = y * (torch.clamp(3 + y, 0, 6) * (1 / 6))  # x * (relu6(3 + x) * 1/6)
        s = torch.nn.functional.adaptive_avg_pool2d(y, 1)
        s = torch.clamp(self.excite(torch.relu(self.squeeze(s))) + 3, 0, 6) / 6  # hard-sigmoid
        y = y * s
        h = self.hidden(torch.flatten(torch.nn.functional.adaptive_avg_pool2d(y, 1), 1))
        h = torch.nn.functional.mish(h)  # Softplus, Tanh, Mul below opset 18
        return self.fc(torch.nn.functional.gelu(h, approximate="tanh"))


class FloatPieces(torch.nn.Module):
    """A Sub and a MatMul of two tensors (8-bit in an int8 model), and a Sqrt, which trit runs
    in float only: the compression report names it and what follows it."""

    def __init__(self):
        super().__init__()
        self.a = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.b = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.fc = torch.nn.Linear(8, 4)

    def forward(self, x):
        d = self.a(x) - self.b(x)
        f = torch.flatten(d, 2)  # [1, 8, 64]
        gram = torch.matmul(f, f.transpose(1, 2))  # [1, 8, 8]
        return self.fc(torch.relu(torch.sqrt(gram * gram + 1.0)))


class TinyEncoder(torch.nn.Module):
    """A transformer encoder layer: self-attention (MatMul, Softmax), LayerNorm (spelled out in
    ReduceMean, Sub, Pow, Sqrt, Div, Mul, Add below opset 17; LayerNormalization from 17) and a
    GELU feed-forward block."""

    def __init__(self):
        super().__init__()
        self.norm1 = torch.nn.LayerNorm(16)
        self.q = torch.nn.Linear(16, 16)
        self.k = torch.nn.Linear(16, 16)
        self.v = torch.nn.Linear(16, 16)
        self.up = torch.nn.Linear(16, 32)
        self.down = torch.nn.Linear(32, 16)
        self.norm2 = torch.nn.LayerNorm(16)
        with torch.no_grad():
            for norm in (self.norm1, self.norm2):
                norm.weight.copy_(torch.rand(16) + 0.5)
                norm.bias.copy_(torch.randn(16) * 0.1)

    def forward(self, x):
        n = self.norm1(x)
        attention = torch.softmax(self.q(n) @ self.k(n).transpose(1, 2) / 4, dim=-1)
        x = x + attention @ self.v(n)
        return self.norm2(x + self.down(torch.nn.functional.gelu(self.up(x))))


class Recurrent(torch.nn.Module):
    """A PyTorch recurrent layer; returns its output sequence, the last hidden state, or an
    LSTM's last cell state (ONNX's Y_c, what a streaming model carries)."""

    def __init__(self, layer, last_state=False, cell_state=False):
        super().__init__()
        self.layer = layer
        self.last_state = last_state
        self.cell_state = cell_state

    def forward(self, x):
        y, state = self.layer(x)
        if isinstance(state, tuple):
            state = state[1] if self.cell_state else state[0]
        return state if self.last_state or self.cell_state else y


class Unsupported(torch.nn.Module):
    def forward(self, x):
        return torch.nn.functional.leaky_relu(x) + torch.nn.functional.elu(x)


def randomize_batch_norm(model, generator):
    """Non-trivial running statistics, so that folding BatchNorm is really tested."""
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=generator) * 0.1)
            m.running_var.copy_(torch.rand(m.num_features, generator=generator) + 0.5)
            m.weight.data.copy_(torch.rand(m.num_features, generator=generator) + 0.5)
            m.bias.data.copy_(torch.randn(m.num_features, generator=generator) * 0.1)


def export(model, name, shape, out_dir, dynamic=False, opset=13):
    generator = torch.Generator().manual_seed(7)
    randomize_batch_norm(model, generator)
    model.eval()
    x = torch.rand(shape, generator=generator)
    with torch.no_grad():
        y = model(x)
    path = os.path.join(out_dir, name + ".onnx")
    axes = {"input": {0: "batch"}, "output": {0: "batch"}} if dynamic else None
    torch.onnx.export(model, x, path, input_names=["input"], output_names=["output"],
                      dynamic_axes=axes, opset_version=opset)
    np.save(os.path.join(out_dir, name + ".input.npy"), x.numpy())
    np.save(os.path.join(out_dir, name + ".expected.npy"), y.numpy())


def main():
    out_dir = sys.argv[1]
    torch.manual_seed(0)
    export(SmallCnn(), "small_cnn", (1, 3, 16, 16), out_dir)
    export(SiluSe(), "silu_se", (1, 3, 16, 16), out_dir)
    export(Decomposed(), "decomposed", (1, 3, 16, 16), out_dir)
    export(FloatPieces(), "float_pieces", (1, 3, 8, 8), out_dir)
    export(TinyEncoder(), "encoder", (1, 8, 16), out_dir)
    export(TinyEncoder(), "encoder17", (1, 8, 16), out_dir, opset=17)
    export(torchvision.models.resnet18(), "resnet18", (1, 3, 64, 64), out_dir)
    export(torchvision.models.mobilenet_v2(), "mobilenet_v2", (1, 3, 64, 64), out_dir)
    # AlexNet's adaptive pooling wants 224x224 inputs; a narrower classifier (256 wide, not
    # 4096) keeps the file at 12 MB instead of 244 MB.
    alexnet = torchvision.models.alexnet(num_classes=10)
    alexnet.classifier = torch.nn.Sequential(
        torch.nn.Dropout(), torch.nn.Linear(256 * 6 * 6, 256), torch.nn.ReLU(inplace=True),
        torch.nn.Dropout(), torch.nn.Linear(256, 256), torch.nn.ReLU(inplace=True),
        torch.nn.Linear(256, 10))
    export(alexnet, "alexnet", (1, 3, 224, 224), out_dir)
    export(torchvision.models.squeezenet1_0(), "squeezenet", (1, 3, 64, 64), out_dir)
    # nn.LSTM / nn.GRU / nn.RNN on random weights, batch first and not, several layers and
    # directions: exported as ONNX LSTM/GRU/RNN nodes (the GRU with linear_before_reset=1).
    export(Recurrent(torch.nn.LSTM(12, 20, num_layers=2, batch_first=True, bidirectional=True)),
           "lstm", (2, 9, 12), out_dir)
    export(Recurrent(torch.nn.GRU(12, 16), last_state=True), "gru", (9, 2, 12), out_dir)
    export(Recurrent(torch.nn.LSTM(12, 16, bidirectional=True), cell_state=True), "lstm_cell_state",
           (9, 2, 12), out_dir)
    export(Recurrent(torch.nn.RNN(12, 16, nonlinearity="relu", batch_first=True)), "rnn",
           (1, 9, 12), out_dir)
    export(SmallCnn(), "dynamic", (1, 3, 16, 16), out_dir, dynamic=True)
    export(Unsupported(), "unsupported", (1, 4), out_dir)


if __name__ == "__main__":
    main()
