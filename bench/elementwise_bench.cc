// The quantized binary ops (Add, Mul) on the shapes the zoo's and imported models give them,
// every row of their kernel tables that this CPU runs, side by side in one run: the same-shape
// residual Add of ResNet-44's first stage, a per-channel operand over an NHWC tensor (a scale or
// shift), and squeeze-and-excitation's per-image channel weights (EfficientNet-B0 at 96x96).
// Counter: elements per second.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "kernels/isa.h"
#include "kernels/registry/elementwise.h"
#include "kernels/registry/kernel_table.h"
#include "kernels/requantize.h"

namespace {

struct BinaryShape {
  const char* name;
  std::vector<int64_t> a, b;  // b broadcast against a
};

const BinaryShape kShapes[] = {
    {"resnet44_add_32x32x16", {1, 32, 32, 16}, {1, 32, 32, 16}},
    {"per_channel_24x24x96", {1, 24, 24, 96}, {96}},
    {"se_excite_12x12x240", {1, 12, 12, 240}, {1, 1, 1, 240}},
};

std::vector<uint8_t> RandomBytes(size_t count) {
  std::mt19937 rng(1);
  std::vector<uint8_t> v(count);
  for (uint8_t& x : v) x = static_cast<uint8_t>(rng() & 0xFF);
  return v;
}

int64_t Count(const std::vector<int64_t>& shape) {
  int64_t count = 1;
  for (const int64_t e : shape) count *= e;
  return count;
}

// range(0): shape; range(1): the table row (in table order); range(2): 0 Add, 1 Mul.
void BM_Q8Binary(benchmark::State& state) {
  const BinaryShape& s = kShapes[state.range(0)];
  const size_t row_index = static_cast<size_t>(state.range(1));
  const bool mul = state.range(2) == 1;
  const trit::ref::Broadcast broadcast = trit::ref::MakeBroadcast(
      s.a.data(), static_cast<int>(s.a.size()), s.b.data(), static_cast<int>(s.b.size()));
  const std::vector<uint8_t> a = RandomBytes(static_cast<size_t>(Count(s.a)));
  const std::vector<uint8_t> b = RandomBytes(static_cast<size_t>(Count(s.b)));
  std::vector<uint8_t> out(static_cast<size_t>(broadcast.count));
  const bool same_shapes = s.a == s.b;
  const auto run_row = [&](auto table, const auto& params) {
    if (row_index >= table.size()) {
      state.SkipWithError("no such row");
      return;
    }
    const auto& row = table[row_index];
    if (!trit::IsaCovers(trit::DetectedIsa(), row.isa) ||
        (row.applies && !row.applies({same_shapes, params}))) {
      state.SkipWithError("row not runnable here");
      return;
    }
    for (auto _ : state) {
      row.entry(broadcast, a.data(), false, b.data(), false, params, out.data(), false);
      benchmark::ClobberMemory();
    }
    state.SetLabel(std::string(s.name) + " " + std::string(row.name));
    state.counters["Gelem/s"] = benchmark::Counter(static_cast<double>(broadcast.count) * 1e-9,
                                                   benchmark::Counter::kIsIterationInvariantRate);
  };
  if (mul) {
    trit::ref::QuantMulParams params{128, 128, 0, trit::QuantizeMultiplier(0.013), 0, 255};
    run_row(trit::Q8MulKernels(), params);
  } else {
    trit::ref::QuantAddParams params;
    params.zero_a = params.zero_b = 128;
    params.shift = trit::QuantizeMultiplier(0.8).shift;
    params.multiplier_a = std::llround(std::ldexp(0.8, params.shift));
    params.multiplier_b = std::llround(std::ldexp(0.6, params.shift));
    params.lo = 0;
    params.hi = 255;
    run_row(trit::Q8AddKernels(), params);
  }
}
BENCHMARK(BM_Q8Binary)
    ->ArgsProduct({{0, 1, 2}, {0, 1, 2, 3}, {0, 1}})
    ->ArgNames({"shape", "row", "mul"});

}  // namespace

BENCHMARK_MAIN();
