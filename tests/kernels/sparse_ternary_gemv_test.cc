// The sparse ternary GEMV against the reference Dense: random ternary levels at sparsities from
// 0 to all-zero channels, s8 and u8 inputs and outputs, random zero points, multipliers,
// biases and clamps; bit for bit.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "kernel_tester.h"
#include "kernels/ref/dense.h"
#include "kernels/sparse/ternary_gemv.h"

namespace trit::sparse {
namespace {

TEST(SparseTernaryGemv, RandomLayersMatchTheReference) {
  for (const uint64_t seed : test::Seeds(120)) {
    TRIT_SEED_SCOPE(seed);
    test::Rng rng(seed);
    auto pick = [&](int lo, int hi) { return rng.Int(lo, hi); };
    const int depth = pick(1, 700), n = pick(1, 30);
    const double sparsity = rng.Real(0.0, 1.0);
    std::vector<int8_t> levels(static_cast<size_t>(n * depth));
    for (int c = 0; c < n; ++c) {
      const int pos = pick(1, 127), neg = -pick(1, 127);
      for (int k = 0; k < depth; ++k) {
        const bool zero = rng.Real(0.0, 1.0) < sparsity;
        levels[static_cast<size_t>(c * depth + k)] =
            static_cast<int8_t>(zero ? 0 : (pick(0, 1) ? pos : neg));
      }
    }
    const bool u8_in = pick(0, 1), u8_out = pick(0, 1);
    const int in_lo = u8_in ? 0 : -128, out_lo = u8_out ? 0 : -128;
    std::vector<uint8_t> input(static_cast<size_t>(depth));
    for (uint8_t& v : input) v = static_cast<uint8_t>(pick(0, 255));
    std::vector<int32_t> bias(static_cast<size_t>(n));
    for (int32_t& b : bias) b = pick(-100000, 100000);
    const bool per_channel = pick(0, 1);
    std::vector<Requant> requant(per_channel ? static_cast<size_t>(n) : 1);
    for (Requant& r : requant) {
      r = QuantizeMultiplier(std::pow(10.0, rng.Real(-6, 0)));
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
    std::vector<int32_t> scratch(static_cast<size_t>(depth));
    const auto* s8 = reinterpret_cast<const int8_t*>(input.data());
    auto* expected_s8 = reinterpret_cast<int8_t*>(expected.data());
    if (u8_in && u8_out) {
      ref::DenseQ8(1, depth, n, input.data(), zero_point, weights, bias.data(), out,
                   expected.data(), scratch.data());
    } else if (u8_in) {
      ref::DenseQ8(1, depth, n, input.data(), zero_point, weights, bias.data(), out, expected_s8,
                   scratch.data());
    } else if (u8_out) {
      ref::DenseQ8(1, depth, n, s8, zero_point, weights, bias.data(), out, expected.data(),
                   scratch.data());
    } else {
      ref::DenseQ8(1, depth, n, s8, zero_point, weights, bias.data(), out, expected_s8,
                   scratch.data());
    }
    GemvLayer layer;
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
    const TernaryGemv gemv(layer);
    std::vector<uint8_t> output(static_cast<size_t>(n));
    gemv.Run(input.data(), output.data());
    ASSERT_EQ(output, expected) << "seed " << seed << ": " << depth << " -> " << n << ", sparsity "
                                << sparsity;
  }
}

TEST(SparseTernaryGemv, FitsOnlyTernaryLayersOfAtMost65536Inputs) {
  const int8_t two_positive[] = {3, 0, 5};
  EXPECT_FALSE(TernaryGemv::Fits(two_positive, 1, 3));
  const int8_t ternary[] = {3, 0, -7, 3};
  EXPECT_TRUE(TernaryGemv::Fits(ternary, 1, 4));
  std::vector<int8_t> wide(65537, 0);
  EXPECT_FALSE(TernaryGemv::Fits(wide.data(), 1, 65537));
}

}  // namespace
}  // namespace trit::sparse
