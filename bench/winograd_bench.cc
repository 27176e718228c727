// The crossover of Winograd against the direct fp32 GEMM (kernels/f32_winograd.h, f32_gemm.h) on
// ResNet-like 3x3 stride-1 layers (padding 1, Cin = Cout, batch 1), one thread, per ISA level:
// each kernel built as the table builds it, timed over Prepare (Winograd's input transform, the
// GEMM's padded copy) and Compute. The counter "GMAC/s" counts the direct convolution's
// multiply-adds for all three, so it compares their times. Run: bench/winograd.sh.
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "conv3x3_layer.h"
#include "kernels/aligned_array.h"
#include "kernels/f32_gemm.h"
#include "kernels/f32_winograd.h"
#include "kernels/isa.h"
#include "kernels/tiled_kernel.h"

namespace {

using trit::Isa;

// Algorithm (third argument): 0 direct GEMM, 2 F(2x2,3x3), 4 F(4x4,3x3).
void BM_Conv3x3(benchmark::State& state) {
  const int channels = static_cast<int>(state.range(0)), side = static_cast<int>(state.range(1));
  const int algorithm = static_cast<int>(state.range(2));
  const Isa isa = state.range(3) == 512 ? Isa::kAvx512 : Isa::kAvx2;
  if (!trit::IsaCovers(trit::DetectedIsa(), isa)) {
    state.SkipWithError("ISA not available");
    return;
  }
  const trit::bench::Conv3x3Layer conv(channels, side);
  const trit::F32GemmLayer& layer = conv.layer;
  std::unique_ptr<trit::TiledKernel> kernel;
  if (algorithm == 0) {
    kernel = std::make_unique<trit::TiledKernelOf<trit::F32Gemm>>(isa, layer);
  } else {
    kernel = std::make_unique<trit::TiledKernelOf<trit::F32Winograd>>(isa, layer, algorithm);
  }
  trit::AlignedArray<uint8_t> scratch(kernel->scratch_bytes() + 64);
  std::vector<float> output(static_cast<size_t>(side) * side * channels);
  for (auto _ : state) {
    kernel->Run(conv.input.data(), output.data(), scratch.data());
    benchmark::ClobberMemory();
  }
  state.SetLabel(std::string(kernel->name()));
  state.counters["GMAC/s"] = benchmark::Counter(9.0 * channels * channels * side * side / 1e9,
                                                benchmark::Counter::kIsIterationInvariantRate);
}

BENCHMARK(BM_Conv3x3)
    ->ArgsProduct({{8, 16, 32, 64, 128, 256}, {8, 14, 28, 56}, {0, 2, 4}, {512, 256}})
    ->ArgNames({"channels", "side", "algorithm", "isa"});

}  // namespace

BENCHMARK_MAIN();
