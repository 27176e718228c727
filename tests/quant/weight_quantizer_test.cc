#include "quant/weight_quantizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "core/bitpack.h"

namespace trit::quant {
namespace {

std::vector<float> RandomWeights(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 0.1f);
  std::vector<float> w(n);
  for (float& v : w) v = normal(rng);
  return w;
}

TEST(WeightQuantizer, Int8PerChannelUsesTheFullRangeAndRoundsToNearest) {
  const std::vector<float> w = RandomWeights(4 * 50, 1);
  const QuantizedWeights q =
      QuantizeWeights(w, 4, {.type = WeightType::kInt8, .per_channel = true});
  ASSERT_EQ(q.quant.scale.size(), 4u);
  EXPECT_EQ(q.quant.axis, 0);
  const std::vector<float> back = q.Dequantize();
  for (int c = 0; c < 4; ++c) {
    int max_level = 0;
    for (int i = 0; i < 50; ++i) {
      max_level = std::max(max_level, std::abs(int{q.levels[c * 50 + i]}));
      EXPECT_LE(std::fabs(back[c * 50 + i] - w[c * 50 + i]), q.quant.scale[c] * 0.5f + 1e-7f);
    }
    EXPECT_EQ(max_level, 127);
  }
  EXPECT_GT(Sqnr(w, back), 38.0);
}

TEST(WeightQuantizer, NarrowTypesStayInRangeAndBeatMaxScaling) {
  const std::vector<float> w = RandomWeights(8 * 200, 2);
  for (const WeightType type : {WeightType::kInt4, WeightType::kInt2}) {
    const QuantizedWeights q = QuantizeWeights(w, 8, {.type = type, .per_channel = true});
    for (const int8_t l : q.levels) {
      EXPECT_GE(l, MinLevel(q.dtype));
      EXPECT_LE(l, MaxLevel(q.dtype));
    }
    // Plain max scaling for comparison: scale = max|w| / max level.
    QuantizedWeights naive = q;
    for (int c = 0; c < 8; ++c) {
      float m = 0;
      for (int i = 0; i < 200; ++i) m = std::max(m, std::fabs(w[c * 200 + i]));
      naive.quant.scale[c] = m / MaxLevel(q.dtype);
      for (int i = 0; i < 200; ++i) {
        naive.levels[c * 200 + i] =
            static_cast<int8_t>(std::clamp<long>(std::lround(w[c * 200 + i] / naive.quant.scale[c]),
                                                 MinLevel(q.dtype), MaxLevel(q.dtype)));
      }
    }
    EXPECT_GE(Sqnr(w, q.Dequantize()), Sqnr(w, naive.Dequantize()));
  }
  // Packing round-trips through the bit-packed form.
  const QuantizedWeights q4 =
      QuantizeWeights(w, 8, {.type = WeightType::kInt4, .per_channel = true});
  const Buffer packed = q4.Pack();
  std::vector<int8_t> unpacked(q4.levels.size());
  UnpackLevels(DType::kI4, packed.data(), static_cast<int64_t>(unpacked.size()), unpacked.data());
  EXPECT_EQ(unpacked, q4.levels);
}

TEST(WeightQuantizer, TernaryByHand) {
  // One layer: max|w| = 1.0, threshold 0.3 -> codes + + 0 0 - -, Wp = mean(1.0, 0.6) = 0.8,
  // Wn = mean(0.5, 0.4) = 0.45; scale = 0.8 / 127, pos = 127, neg = round(0.45 / scale) = 71.
  const std::vector<float> w = {1.0f, 0.6f, 0.2f, -0.3f, -0.5f, -0.4f};
  WeightSpec spec{.type = WeightType::kTernary, .per_channel = false};
  spec.ternary_threshold = 0.3;
  const QuantizedWeights q = QuantizeWeights(w, 2, spec);
  EXPECT_EQ(q.levels, (std::vector<int8_t>{1, 1, 0, 0, -1, -1}));
  ASSERT_EQ(q.quant.scale.size(), 1u);
  EXPECT_FLOAT_EQ(q.quant.scale[0], 0.8f / 127.0f);
  EXPECT_EQ(q.quant.ternary_pos[0], 127);
  EXPECT_EQ(q.quant.ternary_neg[0], 71);
  EXPECT_EQ(q.quant.axis, -1);
}

TEST(WeightQuantizer, TernarySparsityTargetAndPerChannelScales) {
  const std::vector<float> w = RandomWeights(16 * 300, 3);
  WeightSpec spec{.type = WeightType::kTernary, .per_channel = true};
  spec.ternary_sparsity = 0.7;
  const QuantizedWeights q = QuantizeWeights(w, 16, spec);
  for (int c = 0; c < 16; ++c) {
    int zeros = 0;
    for (int i = 0; i < 300; ++i) zeros += q.levels[c * 300 + i] == 0;
    EXPECT_EQ(zeros, 210);
    EXPECT_GE(q.quant.ternary_pos[c], 1);
    EXPECT_GE(q.quant.ternary_neg[c], 1);
    EXPECT_TRUE(q.quant.ternary_pos[c] == 127 || q.quant.ternary_neg[c] == 127);
  }
}

TEST(WeightQuantizer, BinaryUsesTheMeanMagnitude) {
  const std::vector<float> w = {0.5f, -1.5f, 0.0f, 1.0f};
  const QuantizedWeights q =
      QuantizeWeights(w, 1, {.type = WeightType::kBinary, .per_channel = true});
  EXPECT_EQ(q.levels, (std::vector<int8_t>{1, -1, 1, 1}));
  EXPECT_FLOAT_EQ(q.quant.scale[0], 0.75f);
}

TEST(WeightQuantizer, DeadChannelsGetFiniteScales) {
  const std::vector<float> w(2 * 10, 0.0f);
  for (const WeightType type : {WeightType::kInt8, WeightType::kInt4, WeightType::kInt2,
                                WeightType::kTernary, WeightType::kBinary}) {
    const QuantizedWeights q = QuantizeWeights(w, 2, {.type = type, .per_channel = true});
    for (const float s : q.quant.scale) {
      EXPECT_TRUE(std::isfinite(s) && s > 0) << WeightTypeName(type);
      // Large enough that a bias level b / (s_x * s) stays far inside int32.
      if (type != WeightType::kBinary) {
        EXPECT_GE(s, 1e-3f) << WeightTypeName(type);
      }
    }
    for (const float v : q.Dequantize()) EXPECT_TRUE(std::isfinite(v));
  }
}

// The int4 / int2 scale search stops a candidate once it cannot win: its scales must be the
// exhaustive search's (every candidate summed in full, the lowest step of the smallest error),
// here written out plainly, on random channels of several shapes, outliers and ties included.
TEST(WeightQuantizer, ScaleSearchEqualsTheExhaustiveSearch) {
  auto round_clamp = [](float v, int lo, int hi) {
    if (std::isnan(v)) return std::clamp(0, lo, hi);
    const double d = std::clamp(static_cast<double>(v), lo - 1.0, hi + 1.0);
    return std::clamp(static_cast<int>(d + (d < 0 ? -0.5 : 0.5)), lo, hi);
  };
  auto exhaustive = [&](const float* w, size_t n, int lo, int hi) {
    float max_abs = 0.0f;
    for (size_t i = 0; i < n; ++i) max_abs = std::max(max_abs, std::fabs(w[i]));
    if (max_abs == 0.0f) return 1.0f;
    const float full = max_abs / static_cast<float>(hi);
    float best_scale = full;
    double best_error = std::numeric_limits<double>::infinity();
    for (int step = 1; step <= 100; ++step) {
      const float scale = full * static_cast<float>(step) / 100.0f;
      double error = 0.0;
      for (size_t i = 0; i < n; ++i) {
        const double q = round_clamp(w[i] / scale, lo, hi) * static_cast<double>(scale);
        error += (w[i] - q) * (w[i] - q);
      }
      if (error < best_error) {
        best_error = error;
        best_scale = scale;
      }
    }
    return std::max(best_scale, 1e-12f);
  };
  std::mt19937 rng(23);
  for (int trial = 0; trial < 60; ++trial) {
    const int64_t channels = 1 + trial % 7;
    const size_t per_channel = size_t{1} + rng() % 300;
    std::vector<float> w(static_cast<size_t>(channels) * per_channel);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    const int kind = trial % 3;
    for (float& v : w) {
      // Gaussian; a few outliers; or a handful of equal magnitudes (ties between candidates).
      v = kind == 0   ? normal(rng)
          : kind == 1 ? normal(rng) * (rng() % 50 == 0 ? 20.0f : 1.0f)
                      : static_cast<float>(static_cast<int>(rng() % 5) - 2);
    }
    for (const WeightType type : {WeightType::kInt4, WeightType::kInt2}) {
      WeightSpec spec;
      spec.type = type;
      const QuantizedWeights q = QuantizeWeights(w, channels, spec);
      const int lo = type == WeightType::kInt4 ? -8 : -2, hi = type == WeightType::kInt4 ? 7 : 1;
      for (int64_t c = 0; c < channels; ++c) {
        EXPECT_EQ(q.quant.scale[static_cast<size_t>(c)],
                  exhaustive(w.data() + c * per_channel, per_channel, lo, hi))
            << "trial " << trial << " channel " << c << " " << WeightTypeName(type);
      }
    }
  }
}

}  // namespace
}  // namespace trit::quant
