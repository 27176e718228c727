// Every Conv2D and Dense kernel of the tables (kernels/registry/linear.h) that this CPU runs,
// against the reference: random geometries and sweeps across every tile edge (rows, channels,
// depth), padding, strides, dilation, batch, groups (depthwise); random types, zero points,
// multipliers, biases and clamps; bit for bit for 8-bit and binary layers, within the rounding
// bound for fp32 (linear_tester.h).
#include <gtest/gtest.h>

#include "linear_tester.h"

namespace trit::test {
namespace {

// The tables have rows above the reference on this CPU (else every test here is vacuous).
bool HasOptimizedLevel() { return !OptimizedLevels().empty(); }

TEST(ConvKernels, Q8RandomGeometriesMatchTheReference) {
  if (!HasOptimizedLevel()) GTEST_SKIP() << "no level above the reference on this CPU";
  for (const uint64_t seed : Seeds(250)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    EXPECT_GT(ConvTester::Random(rng, false).TestQ8(rng), 0);
  }
}

TEST(ConvKernels, Q8ChannelsAcrossEveryTileEdge) {
  if (!HasOptimizedLevel()) GTEST_SKIP() << "no level above the reference on this CPU";
  Rng rng(1);
  for (const int in : {1, 3, 4, 7, 8, 9, 16, 17, 33}) {
    for (const int out : kTileEdges) {
      ConvTester()
          .input(6, 5)
          .channels(in, out)
          .kernel(3, 3)
          .padding(1, 1, 1, 1)
          .with_geometry(in % 2 == 1)
          .TestQ8(rng);
    }
  }
}

// Low-bit weights, decoded and as stored codes (the kernels that keep them packed): channels
// across every tile edge, depths across the granule (few input channels: the row-tap form too).
TEST(ConvKernels, Q8LowBitCodesAcrossEveryTileEdge) {
  if (!HasOptimizedLevel()) GTEST_SKIP() << "no level above the reference on this CPU";
  Rng rng(3);
  for (const DType type : {DType::kI4, DType::kI2, DType::kTernary, DType::kBinary}) {
    for (const int in : {1, 3, 5, 8, 9}) {
      for (const int out : kTileEdges) {
        ConvTester()
            .input(5, 4)
            .channels(in, out)
            .kernel(3, 3)
            .padding(1, 1, 1, 1)
            .with_geometry(in < 8)
            .weights(type)
            .TestQ8(rng);
      }
    }
  }
}

// Block lists (AVX-512) on layers from no zero blocks to all zero, int8 and stored codes, across
// the tile edges of channels and rows; the table's rows take them where the share passes the
// crossover, and the tester forces them on and off.
TEST(ConvKernels, Q8BlockListsAcrossDensities) {
  if (!HasOptimizedLevel()) GTEST_SKIP() << "no level above the reference on this CPU";
  Rng rng(5);
  for (const double share : {0.0, 0.3, 0.6, 0.9, 1.0}) {
    for (const DType type : {DType::kI8, DType::kTernary, DType::kI4}) {
      for (const int out : {1, 16, 17, 33}) {
        for (const int in : {8, 13, 32}) {
          ConvTester()
              .input(rng.Int(3, 6), rng.Int(3, 20))
              .channels(in, out)
              .kernel(3, 3)
              .padding(1, 1, 1, 1)
              .weights(type)
              .zero_blocks(share)
              .TestQ8(rng);
        }
      }
    }
  }
}

TEST(ConvKernels, Q8OutputRowsAcrossEveryTileEdge) {
  if (!HasOptimizedLevel()) GTEST_SKIP() << "no level above the reference on this CPU";
  Rng rng(2);
  // 1 x W outputs: M = W crosses the microkernels' row blocks.
  for (const int width : kTileEdges) {
    ConvTester().input(1, width).channels(5, 20).kernel(1, 1).TestQ8(rng);
  }
}

TEST(ConvKernels, F32RandomGeometriesMatchTheReference) {
  if (!HasOptimizedLevel()) GTEST_SKIP() << "no level above the reference on this CPU";
  for (const uint64_t seed : Seeds(150)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    EXPECT_GT(ConvTester::Random(rng, false).TestF32(rng), 0);
  }
}

TEST(ConvKernels, F32ChannelsAcrossEveryTileEdge) {
  if (!HasOptimizedLevel()) GTEST_SKIP() << "no level above the reference on this CPU";
  Rng rng(3);
  for (const int in : {1, 3, 8, 17}) {
    for (const int out : kTileEdges) {
      ConvTester().input(5, 6).channels(in, out).kernel(3, 2).stride(2, 1).TestF32(rng);
    }
  }
}

TEST(DepthwiseKernels, Q8RandomGeometriesMatchTheReference) {
  if (!HasOptimizedLevel()) GTEST_SKIP() << "no level above the reference on this CPU";
  for (const uint64_t seed : Seeds(200)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    EXPECT_GT(ConvTester::Random(rng, true).TestQ8(rng), 0);
  }
}

TEST(DepthwiseKernels, F32RandomGeometriesMatchTheReference) {
  if (!HasOptimizedLevel()) GTEST_SKIP() << "no level above the reference on this CPU";
  for (const uint64_t seed : Seeds(120)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    EXPECT_GT(ConvTester::Random(rng, true).TestF32(rng), 0);
  }
}

TEST(DepthwiseKernels, ChannelsAcrossEveryLaneBlock) {
  if (!HasOptimizedLevel()) GTEST_SKIP() << "no level above the reference on this CPU";
  Rng rng(4);
  for (const int channels : kTileEdges) {
    ConvTester t;
    t.input(7, 7).depthwise(channels).kernel(3, 3).padding(1, 1, 1, 1);
    t.TestQ8(rng);
    t.TestF32(rng);
    t.depthwise(channels + 64).kernel(5, 5).stride(2, 2).padding(2, 2, 1, 1).TestQ8(rng);
  }
}

TEST(DenseKernels, Q8RandomLayersMatchTheReference) {
  if (!HasOptimizedLevel()) GTEST_SKIP() << "no level above the reference on this CPU";
  for (const uint64_t seed : Seeds(80)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    EXPECT_GT(DenseTester()
                  .rows(rng.Int(1, 20))
                  .depth(rng.Int(1, 300))
                  .channels(rng.Int(1, 100))
                  .TestQ8(rng),
              0);
  }
}

TEST(DenseKernels, Q8RowsChannelsAndDepthsAcrossEveryTileEdge) {
  if (!HasOptimizedLevel()) GTEST_SKIP() << "no level above the reference on this CPU";
  Rng rng(5);
  for (const int rows : {1, 2, 7, 8, 9, 11, 12, 13, 16, 17, 24, 25}) {
    for (const int channels : kTileEdges)
      DenseTester().rows(rows).depth(40).channels(channels).TestQ8(rng);
  }
  for (const int depth : kDepthEdges) {
    DenseTester().rows(3).depth(depth).channels(33).TestQ8(rng);
  }
  for (const DType type : {DType::kI4, DType::kI2, DType::kTernary, DType::kBinary}) {
    for (const int depth : kDepthEdges) {
      DenseTester().rows(9).depth(depth).channels(rng.Pick(kTileEdges)).weights(type).TestQ8(rng);
    }
  }
}

// s8 inputs near +127 with zero point 0: VNNI's u8 sums (x + 128) * w pass 2^31 and wrap,
// the zero-point offset wraps the same way, and the true accumulator is still exact.
TEST(DenseKernels, Q8WrappingSumsStayExact) {
  if (!HasOptimizedLevel()) GTEST_SKIP() << "no level above the reference on this CPU";
  Rng rng(7);
  const int in = 100000, out = 3;
  Q8Case c = RandomQ8Case(rng, in, out, in);
  c.input_type = DType::kI8;
  c.input_zero_point = 0;
  for (int8_t& v : c.input) v = static_cast<int8_t>(rng.Int(120, 127));
  for (int8_t& w : c.levels) w = static_cast<int8_t>(rng.Int(120, 127));
  std::fill(c.bias.begin(), c.bias.end(), 0);
  std::vector<int8_t> expected(out);
  std::vector<int32_t> scratch(in);
  WithTypes(c.input_type, c.output_type, [&](auto, auto o) {
    ref::DenseQ8(1, in, out, c.input.data(), 0, I8Weights(c), c.bias.data(), c.out,
                 reinterpret_cast<decltype(o)*>(expected.data()), scratch.data());
  });
  Q8GemmLayer layer;
  layer.m = 1;
  layer.n = out;
  layer.depth = in;
  layer.vectors = 1;
  layer.indirection = {0};
  SetCase(layer, c);
  EXPECT_GT(ForEachRunnableRow(Q8GemmKernels(), layer,
                               [&](const auto& row) {
                                 const auto kernel = row.entry(row.isa, layer);
                                 EXPECT_EQ(RunInParts<int8_t>(*kernel, c.input.data(), out),
                                           expected);
                               }),
            0);
}

// Batch 1 (and small batches): int4, int2, ternary (asymmetric or not) and binary codes, and
// the index lists of highly sparse ternary layers; depths across the 64- to 256-weight chunks.
TEST(DenseKernels, Q8LowBitAndSparseGemvMatchTheReference) {
  if (!HasOptimizedLevel()) GTEST_SKIP() << "no level above the reference on this CPU";
  const DType types[] = {DType::kI4, DType::kI2, DType::kTernary, DType::kBinary};
  for (const uint64_t seed : Seeds(160)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    DenseTester t;
    t.depth(rng.Pick(kDepthEdges) + (rng.Int(0, 3) == 0 ? 700 : 0)).channels(rng.Int(1, 37));
    if (rng.Int(0, 2) == 0) t.rows(rng.Int(2, static_cast<int>(kQ8GemvMaxRows)));
    t.weights(rng.Pick(types));
    if (rng.Int(0, 2) == 0) t.zero_share(rng.Pick({0.0, 0.75, 0.98, 1.0}));
    t.TestQ8(rng);
  }
}

// Layers past the AArch64 codes' memory-bound threshold (512 Ki int8 weights): the low-bit
// GEMV rows of both families, against the reference.
TEST(DenseKernels, Q8LowBitGemvOnLargeLayersMatchesTheReference) {
  if (!HasOptimizedLevel()) GTEST_SKIP() << "no level above the reference on this CPU";
  const DType types[] = {DType::kI4, DType::kI2, DType::kTernary, DType::kBinary};
  Rng rng(11);
  for (const DType type : types) {
    DenseTester().depth(4100).channels(131).weights(type).TestQ8(rng);
  }
}

TEST(DenseKernels, F32RandomLayersMatchTheReference) {
  if (!HasOptimizedLevel()) GTEST_SKIP() << "no level above the reference on this CPU";
  for (const uint64_t seed : Seeds(80)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    EXPECT_GT(DenseTester()
                  .rows(rng.Int(1, 20))
                  .depth(rng.Int(1, 300))
                  .channels(rng.Int(1, 100))
                  .TestF32(rng),
              0);
  }
}

TEST(BinaryKernels, ConvolutionsMatchTheReference) {
  for (const uint64_t seed : Seeds(150)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    ConvTester::Random(rng, false).TestB1(rng);
  }
}

TEST(BinaryKernels, DenseLayersMatchTheReference) {
  for (const uint64_t seed : Seeds(80)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    DenseTester().rows(rng.Int(1, 20)).depth(rng.Int(1, 700)).channels(rng.Int(1, 100)).TestB1(rng);
  }
}

// Past 4,095 words (131,040 bits) per output: NEON counts in 16-bit lanes and moves them to 32
// bits every 4,095 words (AVX2 its byte counts every 31).
TEST(BinaryKernels, LongDotProductsMatchTheReference) {
  for (const uint64_t seed : Seeds(2)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    const int ran =
        DenseTester().rows(5).depth(131040 + 32 * 4096 + rng.Int(1, 40)).channels(17).TestB1(rng);
    if (FamilyOf(DetectedIsa()) == IsaFamily::kAArch64) {
      EXPECT_EQ(ran, 1);  // b1_igemm_4x16__neon
    }
  }
}

}  // namespace
}  // namespace trit::test
