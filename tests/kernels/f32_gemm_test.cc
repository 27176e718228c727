// The x86 fp32 GEMM against the reference convolution and dense kernels on random shapes, at
// every ISA level this CPU has. Float sums run in another order, so each output may differ by
// rounding: at most 8 sqrt(K) u times the sum of the magnitudes of its terms (u = 2^-24), far
// below what one wrong term would cost. The seed is in every failure message.
#include "kernels/x86/f32_gemm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "kernels/ref/conv2d.h"
#include "kernels/ref/dense.h"

namespace trit::x86 {
namespace {

std::vector<Isa> Levels() {
  std::vector<Isa> levels;
  if (static_cast<int>(DetectedIsa()) >= static_cast<int>(Isa::kAvx2)) levels.push_back(Isa::kAvx2);
  if (DetectedIsa() == Isa::kAvx512) levels.push_back(Isa::kAvx512);
  return levels;
}

std::vector<float> Random(std::mt19937_64& rng, size_t count) {
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> v(count);
  for (float& x : v) x = uniform(rng);
  return v;
}

std::vector<float> Abs(std::vector<float> v) {
  for (float& x : v) x = std::fabs(x);
  return v;
}

// Runs `reference(x, w, b, lo, hi, out)` for the expected values and the error bound, then
// the GEMM at every level.
template <typename Reference>
void Check(uint64_t seed, const F32GemmLayer& shape, const std::vector<float>& x,
           const std::vector<float>& w, const std::vector<float>& b, float lo, float hi,
           Reference reference) {
  const size_t outputs = static_cast<size_t>(shape.m * shape.n);
  std::vector<float> expected(outputs), magnitude(outputs);
  reference(x.data(), w.data(), b.data(), lo, hi, expected.data());
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> ax = Abs(x), aw = Abs(w), ab = Abs(b);
  reference(ax.data(), aw.data(), ab.data(), -inf, inf, magnitude.data());
  const double depth = static_cast<double>(shape.taps * shape.depth);
  const double tolerance = 8.0 * std::sqrt(depth + 1) * std::ldexp(1.0, -24);
  F32GemmLayer layer = shape;
  layer.weights = w.data();
  layer.bias = b.data();
  layer.lo = lo;
  layer.hi = hi;
  for (const Isa isa : Levels()) {
    const F32Gemm gemm(isa, layer);
    std::vector<float> scratch(gemm.scratch_bytes() / sizeof(float) + 1);
    std::vector<float> output(outputs);
    gemm.Run(x.data(), output.data(), scratch.data());
    for (size_t i = 0; i < outputs; ++i) {
      ASSERT_LE(std::fabs(output[i] - expected[i]), tolerance * magnitude[i] + 1e-30)
          << "seed " << seed << " " << IsaName(isa) << " output " << i << " of " << shape.m << "x"
          << shape.n << ", taps " << shape.taps << ", depth " << shape.depth;
    }
  }
}

TEST(F32Gemm, RandomConvolutionsMatchTheReference) {
  for (uint64_t seed = 1; seed <= 120; ++seed) {
    std::mt19937_64 rng(seed);
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    ref::ConvGeometry g;
    g.batch = pick(1, 2);
    g.kernel_h = pick(1, 5);
    g.kernel_w = pick(0, 3) ? g.kernel_h : pick(1, 5);
    g.dilation_h = g.dilation_w = pick(0, 4) ? 1 : 2;
    g.in_h = pick((g.kernel_h - 1) * g.dilation_h + 1, 12);
    g.in_w = pick((g.kernel_w - 1) * g.dilation_w + 1, 12);
    const int sizes[] = {1, 2, 3, 5, 8, 15, 16, 17, 31, 32, 33, 47, 48, 64, 65};
    g.in_c = sizes[pick(0, 14)];
    g.out_c = sizes[pick(0, 14)];
    g.stride_h = pick(1, 3);
    g.stride_w = pick(0, 2) ? g.stride_h : pick(1, 3);
    g.pad_top = pick(0, g.kernel_h - 1);
    g.pad_left = pick(0, g.kernel_w - 1);
    const int pad_bottom = pick(0, g.kernel_h - 1), pad_right = pick(0, g.kernel_w - 1);
    g.out_h =
        (g.in_h + g.pad_top + pad_bottom - (g.kernel_h - 1) * g.dilation_h - 1) / g.stride_h + 1;
    g.out_w =
        (g.in_w + g.pad_left + pad_right - (g.kernel_w - 1) * g.dilation_w - 1) / g.stride_w + 1;
    F32GemmLayer shape;
    shape.m = int64_t{g.batch} * g.out_h * g.out_w;
    shape.n = g.out_c;
    shape.taps = int64_t{g.kernel_h} * g.kernel_w;
    shape.depth = g.in_c;
    shape.vectors = int64_t{g.batch} * g.in_h * g.in_w;
    shape.indirection =
        ConvIndirection(g.batch, g.in_h, g.in_w, g.out_h, g.out_w, g.kernel_h, g.kernel_w,
                        g.stride_h, g.stride_w, g.pad_top, g.pad_left, g.dilation_h, g.dilation_w);
    const std::vector<float> x = Random(rng, static_cast<size_t>(shape.vectors * g.in_c));
    const std::vector<float> w = Random(rng, static_cast<size_t>(shape.n * shape.taps * g.in_c));
    const std::vector<float> b = Random(rng, static_cast<size_t>(shape.n));
    const bool relu = pick(0, 1);
    Check(seed, shape, x, w, b, relu ? 0.0f : -std::numeric_limits<float>::infinity(),
          relu && pick(0, 1) ? 6.0f : std::numeric_limits<float>::infinity(),
          [&](const float* xi, const float* wi, const float* bi, float lo, float hi, float* out) {
            ref::Conv2DF32(g, xi, wi, bi, lo, hi, out);
          });
  }
  if (Levels().empty()) GTEST_SKIP() << "this CPU has neither AVX2 nor AVX-512";
}

TEST(F32Gemm, RandomDenseLayersMatchTheReference) {
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    std::mt19937_64 rng(seed);
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    const int rows = pick(1, 20), in = pick(1, 600), out = pick(1, 100);
    F32GemmLayer shape;
    shape.m = rows;
    shape.n = out;
    shape.depth = in;
    shape.vectors = rows;
    for (int r = 0; r < rows; ++r) shape.indirection.push_back(r);
    const std::vector<float> x = Random(rng, static_cast<size_t>(rows * in));
    const std::vector<float> w = Random(rng, static_cast<size_t>(out * in));
    const std::vector<float> b = Random(rng, static_cast<size_t>(out));
    Check(seed, shape, x, w, b, -std::numeric_limits<float>::infinity(),
          std::numeric_limits<float>::infinity(),
          [&](const float* xi, const float* wi, const float* bi, float lo, float hi, float* o) {
            ref::DenseF32(rows, in, out, xi, wi, bi, lo, hi, o);
          });
  }
  if (Levels().empty()) GTEST_SKIP() << "this CPU has neither AVX2 nor AVX-512";
}

}  // namespace
}  // namespace trit::x86
