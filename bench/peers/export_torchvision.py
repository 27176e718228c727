"""Exports torchvision networks for the real-model table (bench/peers/real_models.sh): random
weights (seeded), BatchNorm statistics randomized, batch 1 at SIZE x SIZE, opset 14, as a user's
exporter writes them. Per model: NAME.onnx, NAME.x.npy (one NCHW input), NAME.y.npy (PyTorch's
output), NAME.calib.npy and NAME.labels.npy (calibration images in the model's NCHW layout,
uniform in [0, 1), and dummy labels for the npy dataset format).

    export_torchvision.py OUT_DIR SIZE CALIB_COUNT NAME...
"""
import os
import sys

import numpy as np
import torch
import torchvision

MODELS = {
    "mobilenet_v2": torchvision.models.mobilenet_v2,
    "mobilenet_v3_small": torchvision.models.mobilenet_v3_small,
    "mobilenet_v3_large": torchvision.models.mobilenet_v3_large,
    "efficientnet_b0": torchvision.models.efficientnet_b0,
    "mnasnet": torchvision.models.mnasnet1_0,
    "squeezenet": torchvision.models.squeezenet1_1,
    "resnet18": torchvision.models.resnet18,
    "regnet": torchvision.models.regnet_x_400mf,
    "shufflenet_v2": torchvision.models.shufflenet_v2_x1_0,
}


def main():
    out_dir, size, calib_count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for name in sys.argv[4:]:
        torch.manual_seed(0)
        model = MODELS[name]().eval()
        generator = torch.Generator().manual_seed(7)
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.copy_(torch.randn(m.num_features, generator=generator) * 0.1)
                m.running_var.copy_(torch.rand(m.num_features, generator=generator) + 0.5)
        x = torch.rand(1, 3, size, size, generator=generator)
        with torch.no_grad():
            y = model(x)
        base = os.path.join(out_dir, name)
        torch.onnx.export(model, x, base + ".onnx", input_names=["x"], output_names=["y"],
                          opset_version=14)
        np.save(base + ".x.npy", x.numpy())
        np.save(base + ".y.npy", y.numpy())
        calib = torch.rand(calib_count, 3, size, size, generator=generator).numpy()
        np.save(base + ".calib.npy", calib)
        np.save(base + ".labels.npy", np.zeros(calib_count, np.int32))


if __name__ == "__main__":
    main()
