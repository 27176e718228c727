// Drives one fp32 3x3 stride-1 convolution (padding 1, Cin = Cout, batch 1) RUNS times at the
// NEON level, as the direct GEMM (F32Gemm) or Winograd F(2x2) or F(4x4) (F32Winograd), built as
// the kernel table builds them: for bench/arm/winograd.sh, which counts its instructions under
// qemu-user (runs R and R + 1: the difference is one convolution, Prepare and Compute).
// Usage: trit_winograd_runs CHANNELS SIDE ALGORITHM(0|2|4) RUNS
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kernels/aligned_array.h"
#include "kernels/f32_gemm.h"
#include "kernels/f32_winograd.h"
#include "kernels/isa.h"
#include "kernels/tiled_kernel.h"

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s CHANNELS SIDE ALGORITHM(0|2|4) RUNS\n", argv[0]);
    return 2;
  }
  const int channels = std::atoi(argv[1]), side = std::atoi(argv[2]);
  const int algorithm = std::atoi(argv[3]), runs = std::atoi(argv[4]);
  if (channels < 1 || side < 1 || (algorithm != 0 && algorithm != 2 && algorithm != 4) ||
      runs < 0) {
    std::fprintf(stderr, "%s: bad arguments\n", argv[0]);
    return 2;
  }
  trit::ref::ConvGeometry g;
  g.in_h = g.in_w = g.out_h = g.out_w = side;
  g.in_c = g.out_c = channels;
  g.kernel_h = g.kernel_w = 3;
  g.pad_top = g.pad_left = 1;
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> weights(static_cast<size_t>(9 * channels * channels));
  std::vector<float> bias(static_cast<size_t>(channels)),
      input(static_cast<size_t>(side) * side * channels);
  for (float& v : weights) v = dist(rng);
  for (float& v : bias) v = dist(rng);
  for (float& v : input) v = dist(rng);
  trit::F32GemmLayer layer;
  layer.m = int64_t{side} * side;
  layer.n = channels;
  layer.taps = 9;
  layer.depth = channels;
  layer.vectors = int64_t{side} * side;
  layer.indirection = trit::ConvIndirection(1, side, side, side, side, 3, 3, 1, 1, 1, 1, 1, 1);
  layer.weights = weights.data();
  layer.bias = bias.data();
  layer.conv = g;
  // The NEON rows' level (the fp32 kernels need nothing above it).
  const trit::Isa isa = trit::Isa::kNeon;
  std::unique_ptr<trit::TiledKernel> kernel;
  if (algorithm == 0) {
    kernel = std::make_unique<trit::TiledKernelOf<trit::F32Gemm>>(isa, layer);
  } else {
    kernel = std::make_unique<trit::TiledKernelOf<trit::F32Winograd>>(isa, layer, algorithm);
  }
  trit::AlignedArray<uint8_t> scratch(kernel->scratch_bytes() + 64);
  std::vector<float> output(static_cast<size_t>(side) * side * channels);
  for (int r = 0; r < runs; ++r) kernel->Run(input.data(), output.data(), scratch.data());
  std::printf("%s %g\n", std::string(kernel->name()).c_str(), static_cast<double>(output[0]));
  return 0;
}
