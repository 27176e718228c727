// Drives one fp32 3x3 stride-1 convolution (padding 1, Cin = Cout, batch 1) RUNS times at the
// NEON level, as the direct GEMM (F32Gemm) or Winograd F(2x2) or F(4x4) (F32Winograd), built as
// the kernel table builds them: for bench/arm/winograd.sh, which counts its instructions under
// qemu-user (runs R and R + 1: the difference is one convolution, Prepare and Compute).
// Usage: trit_winograd_runs CHANNELS SIDE ALGORITHM(0|2|4) RUNS
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "../conv3x3_layer.h"
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
  const trit::bench::Conv3x3Layer conv(channels, side);
  const trit::F32GemmLayer& layer = conv.layer;
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
  for (int r = 0; r < runs; ++r) kernel->Run(conv.input.data(), output.data(), scratch.data());
  std::printf("%s %g\n", std::string(kernel->name()).c_str(), static_cast<double>(output[0]));
  return 0;
}
