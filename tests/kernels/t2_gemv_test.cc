// The packed ternary GEMV against the reference Dense: random ternary (per-channel +pos/-neg),
// binary and mostly-zero levels, depths below, at and across 64, s8 and u8 inputs, random
// zero points, multipliers, biases and clamps; bit for bit. Skipped without AVX-512 VNNI.
#include "kernels/x86/t2_gemv.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "kernels/isa.h"
#include "kernels/ref/dense.h"

namespace trit::x86 {
namespace {

TEST(T2Gemv, RandomLayersMatchTheReference) {
  if (DetectedIsa() != Isa::kAvx512) GTEST_SKIP() << "this CPU has no AVX-512 VNNI";
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    std::mt19937_64 rng(seed);
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    const int depths[] = {1, 7, 63, 64, 65, 127, 128, 200, 1000};
    const int depth = depths[pick(0, 8)], n = pick(1, 40);
    const int pattern = pick(0, 2);  // ternary, binary, ternary and mostly zero
    std::vector<int8_t> levels(static_cast<size_t>(n * depth));
    for (int c = 0; c < n; ++c) {
      const int pos = pattern == 1 ? 1 : pick(1, 127), neg = pattern == 1 ? -1 : -pick(1, 127);
      for (int k = 0; k < depth; ++k) {
        const int t =
            pattern == 1 ? (pick(0, 1) ? 1 : -1) : (pattern == 2 && pick(0, 9) ? 0 : pick(-1, 1));
        levels[static_cast<size_t>(c * depth + k)] =
            static_cast<int8_t>(t > 0 ? pos : (t < 0 ? neg : 0));
      }
    }
    ASSERT_TRUE(T2Gemv::Fits(levels.data(), n, depth));
    const bool u8_in = pick(0, 1), u8_out = pick(0, 1);
    const int in_lo = u8_in ? 0 : -128, out_lo = u8_out ? 0 : -128;
    std::vector<uint8_t> input(static_cast<size_t>(depth));
    for (uint8_t& v : input) v = static_cast<uint8_t>(pick(0, 255));
    std::vector<int32_t> bias(static_cast<size_t>(n));
    for (int32_t& b : bias) b = pick(-100000, 100000);
    const bool per_channel = pick(0, 1);
    std::vector<Requant> requant(per_channel ? static_cast<size_t>(n) : 1);
    for (Requant& r : requant) {
      r = QuantizeMultiplier(std::pow(10.0, std::uniform_real_distribution<double>(-6, 0)(rng)));
    }
    ref::QuantOutput out;
    out.requant = requant.data();
    out.per_channel = per_channel;
    out.zero_point = pick(out_lo, out_lo + 255);
    out.lo = pick(0, 1) ? out_lo : out.zero_point;
    out.hi = out_lo + 255;
    const int32_t zero_point = pick(in_lo, in_lo + 255);

    ref::QuantWeights weights;
    weights.type = DType::kI8;
    weights.data = reinterpret_cast<const uint8_t*>(levels.data());
    std::vector<uint8_t> expected(static_cast<size_t>(n));
    std::vector<int32_t> scratch32(static_cast<size_t>(depth));
    if (u8_in && u8_out) {
      ref::DenseQ8(1, depth, n, input.data(), zero_point, weights, bias.data(), out,
                   expected.data(), scratch32.data());
    } else if (u8_in) {
      ref::DenseQ8(1, depth, n, input.data(), zero_point, weights, bias.data(), out,
                   reinterpret_cast<int8_t*>(expected.data()), scratch32.data());
    } else if (u8_out) {
      ref::DenseQ8(1, depth, n, reinterpret_cast<const int8_t*>(input.data()), zero_point, weights,
                   bias.data(), out, expected.data(), scratch32.data());
    } else {
      ref::DenseQ8(1, depth, n, reinterpret_cast<const int8_t*>(input.data()), zero_point, weights,
                   bias.data(), out, reinterpret_cast<int8_t*>(expected.data()), scratch32.data());
    }

    T2GemvLayer layer;
    layer.n = n;
    layer.depth = depth;
    layer.levels = levels.data();
    layer.bias = bias.data();
    layer.requant = requant.data();
    layer.per_channel = per_channel;
    layer.input_type = u8_in ? DType::kU8 : DType::kI8;
    layer.input_zero_point = zero_point;
    layer.output_zero_point = out.zero_point;
    layer.lo = out.lo;
    layer.hi = out.hi;
    const T2Gemv gemv(layer);
    AlignedArray<uint8_t> scratch(gemv.scratch_bytes());
    std::vector<uint8_t> output(static_cast<size_t>(n));
    gemv.Run(input.data(), output.data(), scratch.data());
    ASSERT_EQ(output, expected) << "seed " << seed << ": " << depth << " -> " << n << ", pattern "
                                << pattern;
  }
}

TEST(T2Gemv, RejectsChannelsWithTwoPositiveLevels) {
  const int8_t levels[] = {3, 0, -2, 5};  // one channel: +3 and +5
  EXPECT_FALSE(T2Gemv::Fits(levels, 1, 4));
  const int8_t ternary[] = {3, 0, -2, 3, -2, -2, 0, 0};
  EXPECT_TRUE(T2Gemv::Fits(ternary, 2, 4));
}

}  // namespace
}  // namespace trit::x86
