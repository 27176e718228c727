// The x86 depthwise convolutions against the reference convolution (groups = channels):
// random shapes (channel counts across the 8-, 16- and 64-lane blocks, kernels 1x1 to 7x5,
// padding, strides, dilation, batch); int8 with random zero points, multipliers, biases and
// clamps, bit for bit; fp32 to the rounding of its fused multiply-adds. Every ISA level this
// CPU has, the rows in two parts as two threads run them. The seed is in every failure message.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "kernels/ref/conv2d.h"
#include "kernels/x86/f32_depthwise.h"
#include "kernels/x86/q8_depthwise.h"
#include "q8_random_case.h"

namespace trit::x86 {
namespace {

ref::ConvGeometry RandomDepthwise(Rng& rng) {
  ref::ConvGeometry g;
  g.batch = rng.Int(1, 2);
  g.kernel_h = rng.Int(1, 7);
  g.kernel_w = rng.Int(0, 3) ? g.kernel_h : rng.Int(1, 5);
  g.dilation_h = rng.Int(0, 4) ? 1 : 2;
  g.dilation_w = g.dilation_h;
  g.in_h = rng.Int((g.kernel_h - 1) * g.dilation_h + 1, 14);
  g.in_w = rng.Int((g.kernel_w - 1) * g.dilation_w + 1, 14);
  const int sizes[] = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 129};
  g.in_c = g.out_c = g.groups = sizes[rng.Int(0, 16)];
  g.stride_h = rng.Int(1, 2);
  g.stride_w = rng.Int(0, 2) ? g.stride_h : rng.Int(1, 2);
  g.pad_top = rng.Int(0, g.kernel_h - 1);
  g.pad_left = rng.Int(0, g.kernel_w - 1);
  const int pad_bottom = rng.Int(0, g.kernel_h - 1), pad_right = rng.Int(0, g.kernel_w - 1);
  g.out_h =
      (g.in_h + g.pad_top + pad_bottom - (g.kernel_h - 1) * g.dilation_h - 1) / g.stride_h + 1;
  g.out_w =
      (g.in_w + g.pad_left + pad_right - (g.kernel_w - 1) * g.dilation_w - 1) / g.stride_w + 1;
  return g;
}

TEST(Q8Depthwise, RandomConvolutionsMatchTheReference) {
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    Rng rng(seed);
    const ref::ConvGeometry g = RandomDepthwise(rng);
    const int64_t taps = int64_t{g.kernel_h} * g.kernel_w;
    const Case c = RandomCase(rng, int64_t{g.batch} * g.in_h * g.in_w * g.in_c, g.out_c, taps);
    const int64_t m = int64_t{g.batch} * g.out_h * g.out_w;
    std::vector<int8_t> expected(static_cast<size_t>(m * g.out_c));
    std::vector<int32_t> scratch(static_cast<size_t>(ref::Conv2DQ8ScratchCount(g)));
    WithTypes(c, [&](auto in, auto out) {
      using In = decltype(in);
      using Out = decltype(out);
      ref::Conv2DQ8(g, reinterpret_cast<const In*>(c.input.data()), c.input_zero_point,
                    I8Weights(c), c.bias.data(), c.out, reinterpret_cast<Out*>(expected.data()),
                    scratch.data());
    });
    Q8DepthwiseLayer layer;
    layer.geometry = g;
    SetCase(layer, c);
    for (const Isa isa : Levels()) {
      const Q8Depthwise conv(isa, layer);
      std::vector<int8_t> output(expected.size());
      // In two parts, as two threads would run it.
      conv.Compute(c.input.data(), output.data(), 0, m / 2, 0, 1);
      conv.Compute(c.input.data(), output.data(), m / 2, m, 0, 1);
      ASSERT_EQ(output, expected) << "seed " << seed << " " << IsaName(isa) << ": " << g.batch
                                  << "x" << g.in_h << "x" << g.in_w << "x" << g.in_c << ", kernel "
                                  << g.kernel_h << "x" << g.kernel_w << " stride " << g.stride_h
                                  << "," << g.stride_w << " dilation " << g.dilation_h;
    }
  }
  if (Levels().empty()) GTEST_SKIP() << "this CPU has neither AVX2 nor AVX-512";
}

TEST(F32Depthwise, RandomConvolutionsMatchTheReference) {
  for (uint64_t seed = 1; seed <= 120; ++seed) {
    Rng rng(seed);
    const ref::ConvGeometry g = RandomDepthwise(rng);
    const int64_t taps = int64_t{g.kernel_h} * g.kernel_w;
    auto random = [&](int64_t count) {
      std::vector<float> v(static_cast<size_t>(count));
      for (float& x : v) x = static_cast<float>(rng.Real(-1, 1));
      return v;
    };
    const std::vector<float> x = random(int64_t{g.batch} * g.in_h * g.in_w * g.in_c);
    const std::vector<float> w = random(g.out_c * taps), b = random(g.out_c);
    const bool relu = rng.Int(0, 1);
    const float inf = std::numeric_limits<float>::infinity();
    const float lo = relu ? 0.0f : -inf, hi = relu && rng.Int(0, 1) ? 0.5f : inf;
    const int64_t m = int64_t{g.batch} * g.out_h * g.out_w;
    std::vector<float> expected(static_cast<size_t>(m * g.out_c));
    std::vector<float> magnitude(expected.size());
    ref::Conv2DF32(g, x.data(), w.data(), b.data(), lo, hi, expected.data());
    auto abs = [](std::vector<float> v) {
      for (float& e : v) e = std::fabs(e);
      return v;
    };
    ref::Conv2DF32(g, abs(x).data(), abs(w).data(), abs(b).data(), -inf, inf, magnitude.data());
    // Each FMA rounds once where the reference rounds twice: a few ulps of the magnitudes.
    const double tolerance = 4.0 * static_cast<double>(taps + 1) * std::ldexp(1.0, -24);
    F32DepthwiseLayer layer;
    layer.geometry = g;
    layer.weights = w.data();
    layer.bias = b.data();
    layer.lo = lo;
    layer.hi = hi;
    for (const Isa isa : Levels()) {
      const F32Depthwise conv(isa, layer);
      std::vector<float> output(expected.size());
      conv.Compute(x.data(), output.data(), 0, m / 2, 0, 1);
      conv.Compute(x.data(), output.data(), m / 2, m, 0, 1);
      for (size_t i = 0; i < output.size(); ++i) {
        ASSERT_LE(std::fabs(output[i] - expected[i]), tolerance * magnitude[i] + 1e-30)
            << "seed " << seed << " " << IsaName(isa) << " output " << i << " of " << g.batch << "x"
            << g.in_h << "x" << g.in_w << "x" << g.in_c << ", kernel " << g.kernel_h << "x"
            << g.kernel_w;
      }
    }
  }
  if (Levels().empty()) GTEST_SKIP() << "this CPU has neither AVX2 nor AVX-512";
}

}  // namespace
}  // namespace trit::x86
