#include "quant/activation_range.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace trit::quant {
namespace {

TensorStats Observe(const std::vector<float>& x) {
  TensorStats s;
  s.ObserveRange(x.data(), x.size());
  s.ObserveHistogram(x.data(), x.size());
  return s;
}

TEST(ActivationRange, AffineCoversTheRangeWithAnExactZero) {
  const ActivationParams p = ParamsForRange(-1.0, 3.0, ActivationMode::kInt8);
  EXPECT_EQ(p.dtype, DType::kI8);
  EXPECT_FLOAT_EQ(p.quant.scale[0], 4.0f / 255.0f);
  // real 0 maps to an integer: -128 + 1 / (4/255) = -64.25 -> -64
  EXPECT_EQ(p.quant.zero_point[0], -64);
  const ActivationParams u = ParamsForRange(0.0, 2.0, ActivationMode::kUint8);
  EXPECT_EQ(u.dtype, DType::kU8);
  EXPECT_EQ(u.quant.zero_point[0], 0);
}

TEST(ActivationRange, PowerOfTwoScales) {
  const ActivationParams relu = ParamsForRange(0.0, 6.0, ActivationMode::kPow2);
  EXPECT_EQ(relu.dtype, DType::kU8);
  EXPECT_FLOAT_EQ(relu.quant.scale[0], 1.0f / 32.0f);  // 6/255 = 0.0235 -> 2^-5 covers 7.97
  const ActivationParams signed_range = ParamsForRange(-0.3, 0.2, ActivationMode::kPow2);
  EXPECT_EQ(signed_range.dtype, DType::kI8);
  EXPECT_FLOAT_EQ(signed_range.quant.scale[0], 1.0f / 256.0f);  // 0.3/127 -> 2^-8 covers 0.496
  EXPECT_EQ(signed_range.quant.zero_point[0], 0);
}

TEST(ActivationRange, DeadAndBrokenTensorsGetFiniteParameters) {
  for (const ActivationMode mode :
       {ActivationMode::kInt8, ActivationMode::kUint8, ActivationMode::kPow2}) {
    for (const RangeMethod method :
         {RangeMethod::kMinMax, RangeMethod::kPercentile, RangeMethod::kMse}) {
      const TensorStats zeros = Observe(std::vector<float>(100, 0.0f));
      const TensorStats constant = Observe(std::vector<float>(100, 2.5f));
      const TensorStats broken = Observe({NAN, INFINITY, -INFINITY});
      const TensorStats empty;
      for (const TensorStats* s : {&zeros, &constant, &broken, &empty}) {
        const ActivationParams p = ChooseActivationParams(*s, mode, method);
        EXPECT_TRUE(std::isfinite(p.quant.scale[0]) && p.quant.scale[0] > 0);
      }
      const ActivationParams c = ChooseActivationParams(constant, mode, RangeMethod::kMinMax);
      EXPECT_GE(c.quant.scale[0] * (QuantMax(c.dtype) - c.quant.zero_point[0]), 2.5f);
    }
  }
}

TEST(ActivationRange, PercentileAndMseHandleOutliers) {
  std::mt19937 rng(4);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> x(100000);
  for (float& v : x) v = normal(rng);
  x[0] = 100.0f;  // one outlier
  const TensorStats s = Observe(x);
  const float minmax =
      ChooseActivationParams(s, ActivationMode::kInt8, RangeMethod::kMinMax).quant.scale[0];
  const float percentile =
      ChooseActivationParams(s, ActivationMode::kInt8, RangeMethod::kPercentile, 99.9)
          .quant.scale[0];
  const float mse =
      ChooseActivationParams(s, ActivationMode::kInt8, RangeMethod::kMse).quant.scale[0];
  EXPECT_LT(percentile, minmax / 10);
  // One outlier among 100,000 normal values: squared error still favours covering it with 8 bits
  // (clipping it costs more than the coarser step), so MSE may keep most of the range.
  EXPECT_LE(mse, minmax);
  // Uniform [0, 10] and one value at 12: clipping it (error 4) costs less than the coarser step
  // over 100,000 values (12/255 vs 10/255: 18.4 vs 12.8 in total squared error).
  std::vector<float> tail(x.size());
  std::uniform_real_distribution<float> bulk(0.0f, 10.0f);
  for (float& v : tail) v = bulk(rng);
  tail[0] = 12.0f;
  const TensorStats t = Observe(tail);
  EXPECT_LT(ChooseActivationParams(t, ActivationMode::kUint8, RangeMethod::kMse).quant.scale[0],
            ChooseActivationParams(t, ActivationMode::kUint8, RangeMethod::kMinMax).quant.scale[0]);
  EXPECT_NEAR(s.Quantile(0.5), 0.0, 0.1);
}

}  // namespace
}  // namespace trit::quant
