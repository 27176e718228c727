// The low-bit GEMV's own guard: ternary codes hold one positive and one negative level per
// channel, and a layer with more is refused at construction (the GEMV table's predicate keeps
// such layers away; its random layers are in linear_kernels_test.cc). And its sums at the
// extremes: levels of +127 / -128 against inputs near the top of the range, where the kernels'
// int32 lanes wrap.
#include "kernels/lowbit_gemv.h"

#include <gtest/gtest.h>

#include <vector>

#include "core/error.h"
#include "kernels/ref/dense.h"

namespace trit {
namespace {

TEST(LowBitGemv, TernaryCodesRejectChannelsWithTwoPositiveLevels) {
  const int8_t levels[] = {3, 0, -2, 5};  // one channel: +3 and +5
  const int8_t ternary[] = {3, 0, -2, 3, -2, -2, 0, 0};
  EXPECT_FALSE(IsTernaryPerChannel(levels, 1, 4));
  EXPECT_TRUE(IsTernaryPerChannel(ternary, 2, 4));
  const Requant requant;
  GemvLayer layer;
  layer.n = 1;
  layer.depth = 4;
  layer.levels = levels;
  layer.requant = &requant;
  for (const Isa isa : {Isa::kAvx512, Isa::kNeonDot}) {
    EXPECT_THROW(LowBitGemv(isa, layer, LowBitGemv::Codes::kTernary), Error);
  }
}

TEST(LowBitGemv, TernarySumsThatWrapTheLanesStayExact) {
  Isa isa = Isa::kRef;
  if (IsaCovers(DetectedIsa(), Isa::kAvx512)) isa = Isa::kAvx512;
  if (IsaCovers(DetectedIsa(), Isa::kNeonDot)) isa = Isa::kNeonDot;
  if (isa == Isa::kRef) GTEST_SKIP() << "no low-bit GEMV on this CPU";
  // sum(level * x) reaches about 1.6e9 per channel; the kernels' u8 form (x + 128) and their
  // code sums pass 2^31, and only the true accumulator fits in 32 bits.
  const int64_t depth = 100000, n = 6;
  std::vector<int8_t> input(static_cast<size_t>(depth)), levels(static_cast<size_t>(n * depth));
  for (int64_t k = 0; k < depth; ++k)
    input[static_cast<size_t>(k)] = static_cast<int8_t>(120 + k % 8);
  for (int64_t c = 0; c < n; ++c) {
    for (int64_t k = 0; k < depth; ++k) {
      // Channels 0, 2, 4 mostly +127, 1, 3, 5 mostly -128; every eleventh weight zero.
      const bool zero = k % 11 == 0, flip = k % 7 == 0;
      const bool positive = (c % 2 == 0) != flip;
      levels[static_cast<size_t>(c * depth + k)] =
          static_cast<int8_t>(zero ? 0 : (positive ? 127 : -128));
    }
  }
  const std::vector<int32_t> bias = {5, -5, 100, -100, 0, 7};
  const Requant requant = QuantizeMultiplier(5e-8);
  ref::QuantOutput out;
  out.requant = &requant;
  out.zero_point = 0;
  std::vector<int8_t> expected(static_cast<size_t>(n));
  std::vector<int32_t> scratch(static_cast<size_t>(depth));
  ref::QuantWeights weights;
  weights.type = DType::kI8;
  weights.data = reinterpret_cast<const uint8_t*>(levels.data());
  ref::DenseQ8(1, depth, n, input.data(), 0, weights, bias.data(), out, expected.data(),
               scratch.data());
  GemvLayer layer;
  layer.n = n;
  layer.depth = depth;
  layer.levels = levels.data();
  layer.bias = bias.data();
  layer.requant = &requant;
  const LowBitGemv gemv(isa, layer, LowBitGemv::Codes::kTernary);
  std::vector<uint8_t> scratch_bytes(gemv.scratch_bytes() + 64);
  void* aligned =
      scratch_bytes.data() + (64 - reinterpret_cast<uintptr_t>(scratch_bytes.data()) % 64) % 64;
  std::vector<int8_t> output(static_cast<size_t>(n));
  gemv.Compute(gemv.Prepare(input.data(), aligned), output.data(), 0, gemv.blocks());
  EXPECT_EQ(output, expected);
  EXPECT_NE(expected[0], expected[1]);  // the outputs are not all clamped to one value
}

}  // namespace
}  // namespace trit
