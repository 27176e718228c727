// Recurrent-cell kernel microbenchmarks (Google Benchmark): one product with an LSTM's U
// (512 x 128, one vector) dense on the packed GEMM and pruned as compressed sparse rows, and
// one step of hidden-128 LSTM gate arithmetic with libm's and with the vectorized
// nonlinearities. Run: build/release/bench/trit_rnn_bench (docs/benchmarks.md).
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "kernels/isa.h"
#include "kernels/ref/recurrent.h"
#include "kernels/sparse/f32_csr.h"
#include "kernels/x86/rnn_cell_step.h"
#include "runtime/ops/structured_product.h"

namespace trit {
namespace {

std::vector<float> Matrix(double sparsity) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f), unit(0.0f, 1.0f);
  std::vector<float> m(512 * 128);
  for (float& v : m) v = unit(rng) < sparsity ? 0.0f : value(rng);
  return m;
}

void BM_UDenseGemm(benchmark::State& state) {
  const std::vector<float> m = Matrix(0.0);
  const runtime::StructuredProduct product(
      DetectedIsa(), {ref::StructureKind::kDense, 512, 128, {{512, 128, m.data()}}, 1}, 1);
  std::vector<float> x(128, 0.5f), y(512), scratch(product.scratch_floats() + 16);
  for (auto _ : state) {
    product.Run(x.data(), y.data(), scratch.data());
    benchmark::DoNotOptimize(y.data());
  }
  state.SetLabel(std::string(IsaName(DetectedIsa())));
}
BENCHMARK(BM_UDenseGemm);

void BM_USparseRows(benchmark::State& state) {
  const double sparsity = static_cast<double>(state.range(0)) / 100.0;
  const std::vector<float> m = Matrix(sparsity);
  const sparse::F32Csr csr(m.data(), 512, 128);
  std::vector<float> x(128, 0.5f), y(512);
  for (auto _ : state) {
    csr.Run(1, x.data(), y.data());
    benchmark::DoNotOptimize(y.data());
  }
}
BENCHMARK(BM_USparseRows)->ArgName("zeros%")->Arg(80)->Arg(90)->Arg(95)->Arg(98);

// One LSTM step's gates (U h already computed: a map that does nothing).
class NoProduct final : public ref::LinearMap {
 public:
  int64_t rows() const override { return 512; }
  void Apply(int64_t, const float*, float*) const override {}
};

template <bool kFast>
void BM_LstmGates(benchmark::State& state) {
  std::vector<float> wx(512, 0.1f), bias(512, 0.0f), h(128, 0.2f), c(128, 0.3f), scratch(1024);
  ref::RecurrentParams p;
  p.hidden = 128;
  ref::RecurrentWeightsF32 w;
  w.bias_w = bias.data();
  w.bias_u = bias.data();
  const NoProduct none;
  for (auto _ : state) {
    if (kFast && DetectedIsa() == Isa::kAvx512) {
      x86::CellStepF32Avx512(p, w, wx.data(), 512, none, nullptr, h.data(), c.data(),
                             scratch.data());
    } else if (kFast) {
      x86::CellStepF32Avx2(p, w, wx.data(), 512, none, nullptr, h.data(), c.data(), scratch.data());
    } else {
      ref::CellStepF32(p, w, wx.data(), 512, none, nullptr, h.data(), c.data(), scratch.data());
    }
    benchmark::DoNotOptimize(h.data());
  }
}
BENCHMARK_TEMPLATE(BM_LstmGates, false)->Name("BM_LstmGates/libm");
BENCHMARK_TEMPLATE(BM_LstmGates, true)->Name("BM_LstmGates/vectorized");

}  // namespace
}  // namespace trit

BENCHMARK_MAIN();
