// The shared base of the kernel tests: fixed seeds (printed on failure, one rerun with
// TRIT_TEST_SEED=n), the ISA levels this CPU can run, every runnable row of an op family's
// kernel table (kernels/registry/), shape sizes that cross every tile edge, random quantized
// layers, and the comparisons against the reference: bytes for integer paths, a rounding bound
// derived from the sum's terms for float paths. A new kernel's test is a table row it already
// has plus, where its family has no tester yet, a few lines here (linear_tester.h holds the
// Conv2D / Dense ones).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "core/dtype.h"
#include "kernels/isa.h"
#include "kernels/ref/conv2d.h"
#include "kernels/ref/elementwise.h"
#include "kernels/ref/quant_weights.h"
#include "kernels/registry/kernel_table.h"
#include "kernels/requantize.h"

namespace trit::test {

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(engine_); }
  double Real(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(engine_);
  }
  bool Bool() { return Int(0, 1) != 0; }
  std::mt19937_64& engine() { return engine_; }  // for std::shuffle and distributions
  template <typename T, size_t N>
  T Pick(const T (&values)[N]) {
    return values[static_cast<size_t>(Int(0, static_cast<int>(N) - 1))];
  }

 private:
  std::mt19937_64 engine_;
};

// The seeds of a randomized test: 1..count, or only TRIT_TEST_SEED when it is set (to rerun the
// seed a failure printed).
inline std::vector<uint64_t> Seeds(uint64_t count) {
  if (const char* only = std::getenv("TRIT_TEST_SEED"); only != nullptr && *only != '\0') {
    return {std::strtoull(only, nullptr, 10)};
  }
  std::vector<uint64_t> seeds(count);
  for (uint64_t i = 0; i < count; ++i) seeds[i] = i + 1;
  return seeds;
}

inline std::string SeedNote(uint64_t seed) {
  return "seed " + std::to_string(seed) + " (rerun: TRIT_TEST_SEED=" + std::to_string(seed) + ")";
}

// Every failure in the enclosing scope names the seed.
#define TRIT_SEED_SCOPE(seed) SCOPED_TRACE(::trit::test::SeedNote(seed))

// The levels above the reference this CPU can run (empty: only the reference).
inline std::vector<Isa> OptimizedLevels() {
  std::vector<Isa> levels = RunnableIsas();
  levels.erase(std::remove(levels.begin(), levels.end(), Isa::kRef), levels.end());
  return levels;
}

// Forces the runtime's level (TRIT_ISA) for a scope.
class ForcedIsa {
 public:
  explicit ForcedIsa(Isa isa) { setenv("TRIT_ISA", std::string(IsaName(isa)).c_str(), 1); }
  ~ForcedIsa() { unsetenv("TRIT_ISA"); }
  ForcedIsa(const ForcedIsa&) = delete;
  ForcedIsa& operator=(const ForcedIsa&) = delete;
};

// Calls run(row) for every row of `table` that this CPU can run, whose predicate holds for
// `problem` and that has an entry (reference rows of the Conv2D / Dense tables have none: the
// reference kernel is the oracle). Failures inside name the row and its level. Returns how many
// rows ran.
template <typename Problem, typename Entry, typename Run>
int ForEachRunnableRow(std::span<const KernelCandidate<Problem, Entry>> table,
                       const Problem& problem, Run&& run) {
  int ran = 0;
  for (const KernelCandidate<Problem, Entry>& row : table) {
    if constexpr (std::is_pointer_v<Entry>) {
      if (!row.entry) continue;
    }
    if (!IsaCovers(DetectedIsa(), row.isa)) continue;
    if (row.applies != nullptr && !row.applies(problem)) continue;
    SCOPED_TRACE("kernel row " + std::string(row.name) + " at " + std::string(IsaName(row.isa)));
    run(row);
    ++ran;
  }
  return ran;
}

// Sizes on both sides of every tile and vector width the kernels use (4, 8, 12, 16, 24, 32, 48,
// 64 elements, rows or channels): sweeping M, N or K over them crosses every tile edge.
inline constexpr int kTileEdges[] = {1,  2,  3,  4,  5,  7,  8,  9,  11, 12, 13, 15, 16,
                                     17, 23, 24, 25, 31, 32, 33, 47, 48, 49, 63, 64, 65};
// Depths across the dot-product granules (2, 4, 8 bytes) and the low-bit chunks (64-256).
inline constexpr int kDepthEdges[] = {1,  2,  3,  4,  5,  7,   8,   9,   15,  16,  17, 31,
                                      32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257};

// A random quantized layer, the same for the kernel and the reference: input, int8 weight
// levels, biases, requantization and output clamps.
struct Q8Case {
  DType input_type = DType::kI8, output_type = DType::kI8;
  int32_t input_zero_point = 0;
  std::vector<int8_t> input, levels;
  std::vector<int32_t> bias;
  std::vector<Requant> requant;
  bool per_channel = true;
  ref::QuantOutput out;
};

// Weight patterns: full int8, ternary {-neg, 0, +pos}, or mostly zero; per-channel or
// per-tensor requantization; random types, zero points and clamps (a fused ReLU or ReLU6 half
// the time).
inline Q8Case RandomQ8Case(Rng& rng, int64_t input_count, int64_t channels, int64_t depth) {
  Q8Case c;
  c.input_type = rng.Bool() ? DType::kU8 : DType::kI8;
  c.output_type = rng.Bool() ? DType::kU8 : DType::kI8;
  const int in_lo = c.input_type == DType::kU8 ? 0 : -128;
  c.input_zero_point = rng.Int(in_lo, in_lo + 255);
  c.input.resize(static_cast<size_t>(input_count));
  for (int8_t& v : c.input) v = static_cast<int8_t>(rng.Int(in_lo, in_lo + 255));
  const int pattern = rng.Int(0, 2);
  const int pos = rng.Int(1, 127), neg = rng.Int(1, 127);
  c.levels.resize(static_cast<size_t>(channels * depth));
  for (int8_t& w : c.levels) {
    const int t = rng.Int(-1, 1);
    w = static_cast<int8_t>(pattern == 0   ? rng.Int(-128, 127)
                            : pattern == 1 ? (t > 0 ? pos : (t < 0 ? -neg : 0))
                                           : (rng.Int(0, 9) == 0 ? rng.Int(-128, 127) : 0));
  }
  c.per_channel = rng.Int(0, 3) != 0;
  c.bias.resize(static_cast<size_t>(channels));
  for (int32_t& b : c.bias) b = rng.Int(-100000, 100000);
  c.requant.resize(c.per_channel ? static_cast<size_t>(channels) : 1);
  for (Requant& r : c.requant) r = QuantizeMultiplier(std::pow(10.0, rng.Real(-6, 0.5)));
  const int out_lo = c.output_type == DType::kU8 ? 0 : -128;
  c.out.requant = c.requant.data();
  c.out.per_channel = c.per_channel;
  c.out.zero_point = rng.Int(out_lo, out_lo + 255);
  c.out.lo = rng.Bool() ? out_lo : std::max(out_lo, c.out.zero_point);
  c.out.hi = rng.Bool() ? out_lo + 255 : rng.Int(c.out.lo, out_lo + 255);
  return c;
}

// The case's levels as the reference reads int8 weights.
inline ref::QuantWeights I8Weights(const Q8Case& c) {
  ref::QuantWeights w;
  w.type = DType::kI8;
  w.data = reinterpret_cast<const uint8_t*>(c.levels.data());
  w.per_channel = c.per_channel;
  return w;
}

// Calls f(In{}, Out{}) with the C++ types of the case's input and output.
template <typename F>
void WithTypes(DType input_type, DType output_type, F&& f) {
  const bool in_u8 = input_type == DType::kU8, out_u8 = output_type == DType::kU8;
  if (in_u8 && out_u8) f(uint8_t{}, uint8_t{});
  if (in_u8 && !out_u8) f(uint8_t{}, int8_t{});
  if (!in_u8 && out_u8) f(int8_t{}, uint8_t{});
  if (!in_u8 && !out_u8) f(int8_t{}, int8_t{});
}

// Calls f(A{}, B{}, C{}) with int8_t or uint8_t for each signedness.
template <typename F>
void WithQ8Types(bool a_signed, bool b_signed, bool c_signed, F&& f) {
  const auto with_c = [&](auto a, auto b) { c_signed ? f(a, b, int8_t{}) : f(a, b, uint8_t{}); };
  const auto with_b = [&](auto a) { b_signed ? with_c(a, int8_t{}) : with_c(a, uint8_t{}); };
  a_signed ? with_b(int8_t{}) : with_b(uint8_t{});
}

// The case's weights, bias, requantization, input and output parameters into a kernel's layer
// struct (the fields it has).
template <typename Layer>
void SetCase(Layer& layer, const Q8Case& c) {
  layer.levels = c.levels.data();
  layer.bias = c.bias.data();
  layer.requant = c.requant.data();
  layer.per_channel = c.per_channel;
  if constexpr (requires { layer.input_type; }) {
    layer.input_type = c.input_type;
    layer.input_zero_point = c.input_zero_point;
  }
  if constexpr (requires { layer.output_type; }) layer.output_type = c.output_type;
  layer.output_zero_point = c.out.zero_point;
  layer.lo = c.out.lo;
  layer.hi = c.out.hi;
}

// Float results against the reference: a sum of `terms` products, run in another order (and
// with fused multiply-adds), may differ from the reference's by rounding: at most
// 8 sqrt(terms + 1) u times the sum of the terms' magnitudes (u = 2^-24: each partial sum of a
// blocked or tree order rounds O(sqrt(n)) times on average, bounded here with margin), far below
// what one wrong or missing term costs. `magnitude` is the reference run on |x|, |w|, |b|.
// `growth`: how much more an algorithm that is not a plain sum may round (Winograd:
// kernels/f32_winograd.h, WinogradRoundingGrowth).
inline void ExpectWithinRounding(const std::vector<float>& got, const std::vector<float>& want,
                                 const std::vector<float>& magnitude, double terms,
                                 double growth = 1.0) {
  ASSERT_EQ(got.size(), want.size());
  const double tolerance = 8.0 * growth * std::sqrt(terms + 1.0) * std::ldexp(1.0, -24);
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_LE(std::fabs(static_cast<double>(got[i]) - want[i]), tolerance * magnitude[i] + 1e-30)
        << "output " << i << " of " << got.size();
  }
}

// A random pooling window over an NHWC image: kernels 1 to 4, strides 1 to 3, padding below
// the kernel, channels across the tile edges (sometimes past 64); with one chance in four the
// whole image as one window (GlobalAvgPool).
inline ref::ConvGeometry RandomPoolWindow(Rng& rng, bool maybe_global) {
  ref::ConvGeometry g;
  g.batch = rng.Int(1, 2);
  g.kernel_h = rng.Int(1, 4);
  g.kernel_w = rng.Int(1, 4);
  g.in_h = rng.Int(g.kernel_h, 11);
  g.in_w = rng.Int(g.kernel_w, 11);
  g.in_c = g.out_c = rng.Pick(kTileEdges) + (rng.Int(0, 4) == 0 ? 64 : 0);
  g.stride_h = rng.Int(1, 3);
  g.stride_w = rng.Int(1, 3);
  g.pad_top = rng.Int(0, g.kernel_h - 1);
  g.pad_left = rng.Int(0, g.kernel_w - 1);
  const int pad_bottom = rng.Int(0, g.kernel_h - 1), pad_right = rng.Int(0, g.kernel_w - 1);
  g.out_h = (g.in_h + g.pad_top + pad_bottom - g.kernel_h) / g.stride_h + 1;
  g.out_w = (g.in_w + g.pad_left + pad_right - g.kernel_w) / g.stride_w + 1;
  if (maybe_global && rng.Int(0, 3) == 0) {
    g.kernel_h = g.in_h;
    g.kernel_w = g.in_w;
    g.stride_h = g.stride_w = 1;
    g.pad_top = g.pad_left = 0;
    g.out_h = g.out_w = 1;
  }
  return g;
}

// A random NumPy broadcast for the binary ops: an output shape of rank 1 to 4 (inner extent
// across the tile edges), each input the output's shape with random dimensions set to 1 (per
// channel, per image, scalar, middle dimensions) and sometimes leading ones dropped.
struct BroadcastCase {
  std::vector<int64_t> shape_a, shape_b;
  ref::Broadcast broadcast;
  int64_t count_a = 1, count_b = 1;
};
inline BroadcastCase RandomBroadcast(Rng& rng) {
  const int rank = rng.Int(1, 4);
  std::vector<int64_t> out_shape(static_cast<size_t>(rank));
  for (int64_t& e : out_shape) e = rng.Int(1, 5);
  out_shape.back() = rng.Pick(kTileEdges);
  const auto input_shape = [&] {
    std::vector<int64_t> shape = out_shape;
    for (int64_t& e : shape) {
      if (rng.Int(0, 2) == 0) e = 1;
    }
    const int dropped = rng.Int(0, 3) == 0 ? rng.Int(0, rank - 1) : 0;
    shape.erase(shape.begin(), shape.begin() + dropped);
    return shape;
  };
  BroadcastCase c;
  c.shape_a = input_shape();
  c.shape_b = input_shape();
  c.broadcast = ref::MakeBroadcast(c.shape_a.data(), static_cast<int>(c.shape_a.size()),
                                   c.shape_b.data(), static_cast<int>(c.shape_b.size()));
  for (const int64_t e : c.shape_a) c.count_a *= e;
  for (const int64_t e : c.shape_b) c.count_b *= e;
  return c;
}

}  // namespace trit::test
