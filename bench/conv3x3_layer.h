// A ResNet-like fp32 3x3 stride-1 convolution (padding 1, Cin = Cout, batch 1) with random
// weights, bias and input, as the kernel table sees it: shared by the Winograd crossover
// benchmarks (winograd_bench.cc timed on x86, arm/winograd_runs.cc counted under qemu).
#pragma once

#include <random>
#include <vector>

#include "kernels/f32_gemm.h"

namespace trit::bench {

struct Conv3x3Layer {
  std::vector<float> weights, bias, input;
  F32GemmLayer layer;

  Conv3x3Layer(int channels, int side)
      : weights(static_cast<size_t>(9 * channels * channels)),
        bias(static_cast<size_t>(channels)),
        input(static_cast<size_t>(side) * side * channels) {
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    for (float& v : weights) v = dist(rng);
    for (float& v : bias) v = dist(rng);
    for (float& v : input) v = dist(rng);
    ref::ConvGeometry g;
    g.in_h = g.in_w = g.out_h = g.out_w = side;
    g.in_c = g.out_c = channels;
    g.kernel_h = g.kernel_w = 3;
    g.pad_top = g.pad_left = 1;
    layer.m = int64_t{side} * side;
    layer.n = channels;
    layer.taps = 9;
    layer.depth = channels;
    layer.vectors = int64_t{side} * side;
    layer.indirection = ConvIndirection(1, side, side, side, side, 3, 3, 1, 1, 1, 1, 1, 1);
    layer.weights = weights.data();
    layer.bias = bias.data();
    layer.conv = g;
  }
  Conv3x3Layer(const Conv3x3Layer&) = delete;  // layer points into the vectors
  Conv3x3Layer& operator=(const Conv3x3Layer&) = delete;
};

}  // namespace trit::bench
