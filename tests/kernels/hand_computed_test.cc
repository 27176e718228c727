// Small cases worked out by hand: the reference kernels' semantics in numbers.
#include <gtest/gtest.h>

#include <cmath>

#include "kernels/ref/activation.h"
#include "kernels/ref/batch_norm.h"
#include "kernels/ref/concat.h"
#include "kernels/ref/conv2d.h"
#include "kernels/ref/dense.h"
#include "kernels/ref/elementwise.h"
#include "kernels/ref/pool.h"
#include "kernels/ref/softmax.h"

namespace trit::ref {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

TEST(HandComputed, Conv3x3SamePaddingOnOnes) {
  // 3x3 ones input, 3x3 ones kernel, pad 1: each output counts its in-bounds neighbours.
  ConvGeometry g;
  g.in_h = g.in_w = g.out_h = g.out_w = 3;
  g.kernel_h = g.kernel_w = 3;
  g.pad_top = g.pad_left = 1;
  const std::vector<float> x(9, 1.0f), w(9, 1.0f);
  const float bias = 0.5f;
  std::vector<float> y(9);
  Conv2DF32(g, x.data(), w.data(), &bias, -kInf, kInf, y.data());
  EXPECT_EQ(y, (std::vector<float>{4.5f, 6.5f, 4.5f, 6.5f, 9.5f, 6.5f, 4.5f, 6.5f, 4.5f}));
}

TEST(HandComputed, DepthwiseConvKeepsChannelsApart) {
  // 2 channels, 1x1 depthwise weights 2 and -1: each channel scaled by its own weight.
  ConvGeometry g;
  g.in_h = g.in_w = g.out_h = g.out_w = 1;
  g.in_c = g.out_c = g.groups = 2;
  const float x[2] = {3.0f, 5.0f}, w[2] = {2.0f, -1.0f};
  float y[2];
  Conv2DF32(g, x, w, nullptr, -kInf, kInf, y);
  EXPECT_EQ(y[0], 6.0f);
  EXPECT_EQ(y[1], -5.0f);
  // The fused ReLU6 clamps.
  Conv2DF32(g, x, w, nullptr, 0.0f, 6.0f, y);
  EXPECT_EQ(y[1], 0.0f);
}

TEST(HandComputed, TernaryDenseIsMultiplicationFree) {
  // x - zx = {10, 20, 30, 40}; codes {+1, -1, 0, +1}; pos 3, neg 2:
  // acc = 3 * (10 + 40) - 2 * 20 = 110; M = 0.5 -> 55; + zy 1 = 56.
  const int8_t x[4] = {15, 25, 35, 45};
  const int8_t levels[4] = {1, -1, 0, 1};
  uint8_t packed = 0;
  PackLevels(DType::kTernary, levels, 4, &packed);
  const int8_t pos = 3, neg = 2;
  QuantWeights w{DType::kTernary, &packed, &pos, &neg, false};
  const Requant half = QuantizeMultiplier(0.5);
  QuantOutput out{&half, false, 1, -128, 127};
  int8_t y = 0;
  int32_t scratch[4];
  DenseQ8(1, 4, 1, x, 5, w, nullptr, out, &y, scratch);
  EXPECT_EQ(y, 56);
}

TEST(HandComputed, PoolsWithPadding) {
  // 2x2 input {1, 2, 3, 4}, 2x2 window, stride 1, pad 1 top-left: 3x3 output.
  ConvGeometry g;
  g.in_h = g.in_w = 2;
  g.out_h = g.out_w = 3;
  g.kernel_h = g.kernel_w = 2;
  g.pad_top = g.pad_left = 1;
  const float x[4] = {1, 2, 3, 4};
  float y[9];
  MaxPoolF32(g, x, y);
  EXPECT_EQ(std::vector<float>(y, y + 9), (std::vector<float>{1, 2, 2, 3, 4, 4, 3, 4, 4}));
  AvgPoolF32(g, false, x, y);  // padding not counted
  EXPECT_EQ(std::vector<float>(y, y + 9), (std::vector<float>{1, 1.5f, 2, 2, 2.5f, 3, 3, 3.5f, 4}));
  AvgPoolF32(g, true, x, y);  // padding counted as zeros: every window divides by 4
  EXPECT_EQ(y[0], 0.25f);
  EXPECT_EQ(y[4], 2.5f);
}

TEST(HandComputed, SoftmaxOfLogTwo) {
  const float x[2] = {0.0f, std::log(3.0f)};
  float y[2];
  SoftmaxF32(1, 2, 1, x, y);
  EXPECT_NEAR(y[0], 0.25f, 1e-6f);
  EXPECT_NEAR(y[1], 0.75f, 1e-6f);
}

TEST(HandComputed, BatchNormAndBroadcastAdd) {
  const float x[2] = {3.0f, 3.0f}, gamma[2] = {2.0f, 1.0f}, beta[2] = {1.0f, 0.0f};
  const float mean[2] = {1.0f, 3.0f}, var[2] = {4.0f, 1.0f};
  float y[2];
  BatchNormF32(1, 2, x, gamma, beta, mean, var, 0.0f, y);
  EXPECT_EQ(y[0], 3.0f);  // (3 - 1) / 2 * 2 + 1
  EXPECT_EQ(y[1], 0.0f);
  const int64_t a_shape[2] = {2, 2}, b_shape[1] = {2};
  const float a[4] = {1, 2, 3, 4}, b[2] = {10, 20};
  float sum[4];
  AddF32(MakeBroadcast(a_shape, 2, b_shape, 1), a, b, sum);
  EXPECT_EQ(std::vector<float>(sum, sum + 4), (std::vector<float>{11, 22, 13, 24}));
}

TEST(HandComputed, PadAndConcat) {
  const int64_t shape[2] = {1, 2};
  const int64_t pads[4] = {0, 1, 0, 2};
  const float x[2] = {7, 8}, zero = 0;
  float y[5];
  PadConstant(2, shape, pads, 4, &zero, x, y);
  EXPECT_EQ(std::vector<float>(y, y + 5), (std::vector<float>{0, 7, 8, 0, 0}));
  const float a[2] = {1, 2}, b[4] = {3, 4, 5, 6};
  float c[6];
  ConcatCopy(2, 1, 3, 0, 1, 4, a, c);
  ConcatCopy(2, 2, 3, 1, 1, 4, b, c);
  EXPECT_EQ(std::vector<float>(c, c + 6), (std::vector<float>{1, 3, 4, 2, 5, 6}));
}

}  // namespace
}  // namespace trit::ref
