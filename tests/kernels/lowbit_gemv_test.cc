// The low-bit batch-1 Dense kernel (int4, int2, ternary per channel, asymmetric or not, and
// binary codes unpacked in registers) against the reference dense kernel: random depths (below, at
// and across the 128- and 256-weight chunks), channel counts across the 4-channel block, s8 and u8
// inputs, random zero points, biases, multipliers and clamps; every level of the code range, bit
// for bit, the blocks in two parts as two threads run them. The seed is in every failure message.
#include "kernels/x86/lowbit_gemv.h"

#include <gtest/gtest.h>

#include <vector>

#include "core/error.h"
#include "kernels/ref/dense.h"
#include "q8_random_case.h"

namespace trit::x86 {
namespace {

TEST(LowBitGemv, RandomLayersMatchTheReference) {
  if (DetectedIsa() != Isa::kAvx512) GTEST_SKIP() << "this CPU has no AVX-512 VNNI";
  for (uint64_t seed = 1; seed <= 120; ++seed) {
    Rng rng(seed);
    const int kind = rng.Int(0, 3);  // int4, int2, ternary, binary
    const int bits = kind == 0 ? 4 : 2;
    const auto codes = kind == 0   ? LowBitGemv::Codes::kInt4
                       : kind == 1 ? LowBitGemv::Codes::kInt2
                                   : LowBitGemv::Codes::kTernary;
    const int depths[] = {1, 2, 63, 64, 65, 127, 128, 129, 255, 256, 257, 700, 1500};
    const int in = depths[rng.Int(0, 12)], out = rng.Int(1, 37);
    Case c = RandomCase(rng, in, out, in);
    const int lowest = bits == 4 ? -8 : -2, highest = bits == 4 ? 7 : 1;
    for (int8_t& w : c.levels) w = static_cast<int8_t>(rng.Int(lowest, highest));
    if (kind >= 2) {
      // Per channel {+pos, 0, -neg}: asymmetric, symmetric, or binary {+1, -1}.
      const bool symmetric = rng.Int(0, 1);
      for (int ch = 0; ch < out; ++ch) {
        const int pos = rng.Int(1, 127), neg = symmetric ? pos : rng.Int(1, 127);
        for (int k = 0; k < in; ++k) {
          const int t = kind == 3 ? (rng.Int(0, 1) ? 1 : -1) : rng.Int(-1, 1);
          c.levels[static_cast<size_t>(ch * in + k)] = static_cast<int8_t>(
              t > 0 ? (kind == 3 ? 1 : pos) : (t < 0 ? (kind == 3 ? -1 : -neg) : 0));
        }
      }
    }
    std::vector<int8_t> expected(static_cast<size_t>(out));
    std::vector<int32_t> scratch(static_cast<size_t>(in));
    WithTypes(c, [&](auto i, auto o) {
      using In = decltype(i);
      using Out = decltype(o);
      ref::DenseQ8(1, in, out, reinterpret_cast<const In*>(c.input.data()), c.input_zero_point,
                   I8Weights(c), c.bias.data(), c.out, reinterpret_cast<Out*>(expected.data()),
                   scratch.data());
    });
    GemvLayer layer;
    layer.n = out;
    layer.depth = in;
    SetCase(layer, c);
    const LowBitGemv gemv(layer, codes);
    AlignedArray<uint8_t> prepared_bytes(gemv.scratch_bytes());
    const uint8_t* prepared = gemv.Prepare(c.input.data(), prepared_bytes.data());
    std::vector<int8_t> output(static_cast<size_t>(out));
    const int64_t half = gemv.blocks() / 2;
    gemv.Compute(prepared, output.data(), 0, half);
    gemv.Compute(prepared, output.data(), half, gemv.blocks());
    ASSERT_EQ(output, expected) << "seed " << seed << ": " << gemv.name() << " " << in << " -> "
                                << out;
  }
}

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
  EXPECT_THROW(LowBitGemv(layer, LowBitGemv::Codes::kTernary), Error);
}

}  // namespace
}  // namespace trit::x86
