// The element-wise kernel tables, every row that this CPU runs, side by side in one run. Binary
// ops (8-bit Add and Mul, fp32 Add, Sub, Mul, Div) on the shapes the zoo's and imported models
// give them: the same-shape residual Add of ResNet-44's first stage, a per-channel operand over
// an NHWC tensor (a scale or shift), and squeeze-and-excitation's per-image channel weights
// (EfficientNet-B0 at 96x96). fp32 activations on EfficientNet-B0's largest SiLU input (48 x 48
// x 96 at 96x96), and Softmax rows. Counter: elements per second.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "kernels/aligned_array.h"
#include "kernels/isa.h"
#include "kernels/registry/activation.h"
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

// range(0): shape; range(1): the row of the fp32 binary table (in table order).
void BM_F32Binary(benchmark::State& state) {
  const BinaryShape& s = kShapes[state.range(0)];
  const auto table = trit::F32BinaryKernels();
  const auto row_index = static_cast<size_t>(state.range(1));
  if (row_index >= table.size() || !trit::IsaCovers(trit::DetectedIsa(), table[row_index].isa)) {
    state.SkipWithError("row not runnable here");
    return;
  }
  const auto& row = table[row_index];
  const trit::ref::Broadcast broadcast = trit::ref::MakeBroadcast(
      s.a.data(), static_cast<int>(s.a.size()), s.b.data(), static_cast<int>(s.b.size()));
  // 64-byte aligned, as the runtime's arena places tensors.
  trit::AlignedArray<float> a(static_cast<size_t>(Count(s.a))), b(static_cast<size_t>(Count(s.b)));
  trit::AlignedArray<float> out(static_cast<size_t>(broadcast.count));
  std::fill(a.data(), a.data() + a.size(), 0.75f);
  std::fill(b.data(), b.data() + b.size(), 1.25f);
  // Each row's own op: the reference rows run theirs, the last one (Div) whatever it is given.
  const trit::F32BinaryOp ops[] = {trit::F32BinaryOp::kAdd, trit::F32BinaryOp::kSub,
                                   trit::F32BinaryOp::kMul, trit::F32BinaryOp::kDiv};
  trit::F32BinaryOp op = trit::F32BinaryOp::kDiv;
  for (const trit::F32BinaryOp candidate : ops) {
    if (row.applies && row.applies({candidate})) op = candidate;
  }
  for (auto _ : state) {
    row.entry(op, broadcast, a.data(), b.data(), out.data());
    benchmark::ClobberMemory();
  }
  state.SetLabel(std::string(s.name) + " " + std::string(row.name));
  state.counters["Gelem/s"] = benchmark::Counter(static_cast<double>(broadcast.count) * 1e-9,
                                                 benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_F32Binary)->ArgsProduct({{0, 1, 2}, benchmark::CreateDenseRange(0, 15, 1)});

// range(0): the row of the fp32 activation table (in table order).
void BM_F32Unary(benchmark::State& state) {
  const auto table = trit::F32UnaryKernels();
  const auto row_index = static_cast<size_t>(state.range(0));
  if (row_index >= table.size() || !trit::IsaCovers(trit::DetectedIsa(), table[row_index].isa)) {
    state.SkipWithError("row not runnable here");
    return;
  }
  const auto& row = table[row_index];
  const int64_t kCount = state.range(1);
  trit::AlignedArray<float> x(static_cast<size_t>(kCount)), y(static_cast<size_t>(kCount));
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> values(-8.0f, 8.0f);
  for (size_t i = 0; i < x.size(); ++i) x.data()[i] = values(rng);
  using enum trit::F32UnaryOp;
  const trit::F32UnaryOp ops[] = {kClip, kSigmoid, kTanh, kHardSigmoid, kHardSwish,
                                  kSilu, kErf,     kGelu, kGeluTanh,    kExp};
  trit::F32UnaryOp op = trit::F32UnaryOp::kClip;
  for (const trit::F32UnaryOp candidate : ops) {
    if (row.applies && row.applies({candidate})) op = candidate;
  }
  const trit::F32UnaryParams params{0.0f, 6.0f, 0.2f, 0.5f};
  for (auto _ : state) {
    row.entry(op, kCount, x.data(), params, y.data());
    benchmark::ClobberMemory();
  }
  state.SetLabel(std::string(row.name));
  state.counters["Gelem/s"] = benchmark::Counter(static_cast<double>(kCount) * 1e-9,
                                                 benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_F32Unary)->ArgsProduct({benchmark::CreateDenseRange(0, 32, 1), {4096, 48 * 48 * 96}});

// range(0): the row of the fp32 Softmax table; range(1): the row length (one row of 1,000
// classes, or 64 rows of 197 as a small transformer's attention).
void BM_F32Softmax(benchmark::State& state) {
  const auto table = trit::F32SoftmaxKernels();
  const auto row_index = static_cast<size_t>(state.range(0));
  if (row_index >= table.size() || !trit::IsaCovers(trit::DetectedIsa(), table[row_index].isa)) {
    state.SkipWithError("row not runnable here");
    return;
  }
  const int64_t length = state.range(1), rows = length == 1000 ? 1 : 64;
  trit::AlignedArray<float> x(static_cast<size_t>(rows * length)), y(x.size());
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> values(-8.0f, 8.0f);
  for (size_t i = 0; i < x.size(); ++i) x.data()[i] = values(rng);
  for (auto _ : state) {
    table[row_index].entry(rows, length, 1, x.data(), y.data());
    benchmark::ClobberMemory();
  }
  state.SetLabel(std::string(table[row_index].name));
  state.counters["Gelem/s"] = benchmark::Counter(static_cast<double>(rows * length) * 1e-9,
                                                 benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_F32Softmax)->ArgsProduct({{0, 1, 2, 3}, {1000, 197}});

}  // namespace

BENCHMARK_MAIN();
