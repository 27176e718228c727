// Winograd F(2x2,3x3) and F(4x4,3x3) (kernels/f32_winograd.h) against the direct convolution
// (ref::Conv2DF32) on random 3x3 stride-1 layers: sizes that leave partial tiles, padding 0 or
// 1 on each side, batch 1 or 2, channels across every tile edge, random clamps. Every Winograd
// row of the fp32 table this CPU runs, whatever its crossover predicate says, the class at every
// level this CPU runs (AVX2 has no F(2x2) row) and the portable scalar form, each within the
// bound
//
//   |winograd - direct| <= 8 G sqrt(9 Cin + 1) u sum|terms|      (u = 2^-24)
//
// where 8 sqrt(n + 1) u sum|terms| is the direct sum's bound (kernel_tester.h) and G the
// transforms' growth (WinogradRoundingGrowth: 64/9 for F(2x2), 256 for F(4x4), derived there
// from |A^T|, |G| and |B^T|). The largest error measured here, as a share of that bound, is
// printed (docs/kernels.md quotes it).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "kernels/f32_winograd.h"
#include "kernels/ref/conv2d.h"
#include "kernels/registry/linear.h"
#include "linear_tester.h"

namespace trit::test {
namespace {

struct Case {
  ref::ConvGeometry g;
  std::vector<float> x, w, b, expected, magnitude;
  float lo = 0, hi = 0;
  F32GemmLayer layer;
};

// A random layer; `in_c`, `out_c` (0: drawn) and the smallest input side may be set.
Case RandomCase(Rng& rng, int in_c = 0, int out_c = 0, int min_side = 3) {
  Case c;
  ref::ConvGeometry& g = c.g;
  g.batch = rng.Int(1, 2);
  g.in_h = rng.Int(min_side, 14);
  g.in_w = rng.Int(min_side, 14);
  g.in_c = in_c ? in_c : rng.Pick(kTileEdges);
  g.out_c = out_c ? out_c : rng.Pick(kTileEdges);
  g.kernel_h = g.kernel_w = 3;
  g.pad_top = rng.Int(0, 1);
  g.pad_left = rng.Int(0, 1);
  g.out_h = g.in_h + g.pad_top + rng.Int(0, 1) - 2;
  g.out_w = g.in_w + g.pad_left + rng.Int(0, 1) - 2;
  const int64_t inputs = int64_t{g.batch} * g.in_h * g.in_w * g.in_c;
  const int64_t outputs = int64_t{g.batch} * g.out_h * g.out_w * g.out_c;
  c.x = RandomFloats(rng, inputs);
  c.w = RandomFloats(rng, int64_t{g.out_c} * 9 * g.in_c);
  c.b = RandomFloats(rng, g.out_c);
  const float inf = std::numeric_limits<float>::infinity();
  const bool relu = rng.Bool();
  c.lo = relu ? 0.0f : -inf;
  c.hi = relu && rng.Bool() ? 0.5f : inf;
  c.expected.resize(static_cast<size_t>(outputs));
  c.magnitude.resize(c.expected.size());
  ref::Conv2DF32(g, c.x.data(), c.w.data(), c.b.data(), c.lo, c.hi, c.expected.data());
  ref::Conv2DF32(g, Magnitudes(c.x).data(), Magnitudes(c.w).data(), Magnitudes(c.b).data(), -inf,
                 inf, c.magnitude.data());
  F32GemmLayer& layer = c.layer;
  layer.m = int64_t{g.batch} * g.out_h * g.out_w;
  layer.n = g.out_c;
  layer.taps = 9;
  layer.depth = g.in_c;
  layer.vectors = int64_t{g.batch} * g.in_h * g.in_w;
  layer.indirection = ConvIndirection(g.batch, g.in_h, g.in_w, g.out_h, g.out_w, 3, 3, 1, 1,
                                      g.pad_top, g.pad_left, 1, 1);
  layer.weights = c.w.data();
  layer.bias = c.b.data();
  layer.lo = c.lo;
  layer.hi = c.hi;
  layer.conv = g;
  return c;
}

std::string Describe(const ref::ConvGeometry& g) {
  return std::to_string(g.batch) + "x" + std::to_string(g.in_h) + "x" + std::to_string(g.in_w) +
         "x" + std::to_string(g.in_c) + " -> " + std::to_string(g.out_h) + "x" +
         std::to_string(g.out_w) + "x" + std::to_string(g.out_c) + " pads " +
         std::to_string(g.pad_top) + "," + std::to_string(g.pad_left);
}

// The largest |got - want| / (sqrt(terms + 1) u sum|terms|) of a run: the bound is 8 G of it.
double ErrorRatio(const std::vector<float>& got, const Case& c) {
  const double unit = std::sqrt(9.0 * c.g.in_c + 1.0) * std::ldexp(1.0, -24);
  double worst = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double err = std::fabs(static_cast<double>(got[i]) - c.expected[i]);
    worst = std::max(worst, err / (unit * c.magnitude[i] + 1e-30));
  }
  return worst;
}

// Runs `kernel` on the case, checks it within the bound, and returns its error ratio.
double Check(const TiledKernel& kernel, const Case& c, int m) {
  SCOPED_TRACE(std::string(kernel.name()));
  const std::vector<float> got = RunInParts<float>(kernel, c.x.data(), c.expected.size());
  ExpectWithinRounding(got, c.expected, c.magnitude, 9.0 * c.g.in_c, WinogradRoundingGrowth(m));
  return ErrorRatio(got, c);
}

TEST(Winograd, RandomLayersWithinTheBound) {
  double worst[5] = {};  // by m
  int runs = 0;
  for (const uint64_t seed : Seeds(120)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    const Case c = RandomCase(rng);
    SCOPED_TRACE(Describe(c.g));
    ASSERT_TRUE(F32Winograd::Fits(c.layer));
    // The portable form, and every level's form whether or not its table has that row.
    for (const int m : {2, 4}) {
      const TiledKernelOf<F32Winograd> scalar(Isa::kRef, c.layer, m);
      worst[m] = std::max(worst[m], Check(scalar, c, m));
      for (const Isa level : OptimizedLevels()) {
        if (level != Isa::kAvx2 && level != Isa::kAvx512 && level != Isa::kNeon) continue;
        const TiledKernelOf<F32Winograd> kernel(level, c.layer, m);
        worst[m] = std::max(worst[m], Check(kernel, c, m));
      }
    }
    // Every Winograd row this CPU runs, predicate or not: the crossover only picks where.
    for (const auto& row : F32GemmKernels()) {
      const std::string_view name = row.name;
      if (name.find("winograd") == std::string_view::npos) continue;
      if (!IsaCovers(DetectedIsa(), row.isa)) continue;
      const int m = name.find("f4x4") != std::string_view::npos ? 4 : 2;
      const auto kernel = row.entry(row.isa, c.layer);
      worst[m] = std::max(worst[m], Check(*kernel, c, m));
      ++runs;
    }
  }
  std::printf(
      "largest error / (sqrt(terms + 1) u sum|terms|): F(2x2) %.2f (bound %.1f), "
      "F(4x4) %.2f (bound %.1f); %d table-row runs\n",
      worst[2], 8 * WinogradRoundingGrowth(2), worst[4], 8 * WinogradRoundingGrowth(4), runs);
}

// F(2x2) on small integers is exact: U = G g G^T has quarters, V = B^T d B and every sum are
// integers far below 2^24, so each row must give the direct convolution's bits (a sharper check
// of the transforms, the GEMM and the tile edges than any rounding bound).
TEST(Winograd, F2x2IsExactOnSmallIntegers) {
  for (const uint64_t seed : Seeds(40)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    Case c = RandomCase(rng);
    SCOPED_TRACE(Describe(c.g));
    for (float& v : c.x) v = static_cast<float>(rng.Int(-3, 3));
    for (float& v : c.w) v = static_cast<float>(rng.Int(-3, 3));
    for (float& v : c.b) v = static_cast<float>(rng.Int(-3, 3));
    c.lo = -std::numeric_limits<float>::infinity();
    c.hi = std::numeric_limits<float>::infinity();
    c.layer.lo = c.lo;
    c.layer.hi = c.hi;
    ref::Conv2DF32(c.g, c.x.data(), c.w.data(), c.b.data(), c.lo, c.hi, c.expected.data());
    const TiledKernelOf<F32Winograd> scalar(Isa::kRef, c.layer, 2);
    EXPECT_EQ(RunInParts<float>(scalar, c.x.data(), c.expected.size()), c.expected);
    for (const auto& row : F32GemmKernels()) {
      const std::string_view name = row.name;
      if (name.find("winograd_f2x2") == std::string_view::npos ||
          !IsaCovers(DetectedIsa(), row.isa)) {
        continue;
      }
      const auto kernel = row.entry(row.isa, c.layer);
      EXPECT_EQ(RunInParts<float>(*kernel, c.x.data(), c.expected.size()), c.expected)
          << kernel->name();
    }
  }
}

// Wide layers: many column tiles and tile blocks, the microkernels' full shapes.
TEST(Winograd, WideLayersWithinTheBound) {
  Rng rng(7);
  for (const int channels : {64, 96, 130}) {
    const Case c = RandomCase(rng, channels, channels + 3, 9);
    SCOPED_TRACE(Describe(c.g));
    for (const auto& row : F32GemmKernels()) {
      const std::string_view name = row.name;
      if (name.find("winograd") == std::string_view::npos || !IsaCovers(DetectedIsa(), row.isa)) {
        continue;
      }
      Check(*row.entry(row.isa, c.layer), c, name.find("f4x4") != std::string_view::npos ? 4 : 2);
    }
  }
}

// The table picks Winograd only for 3x3 stride-1 dilation-1 layers that carry their geometry.
TEST(Winograd, TableChoosesItOnlyWhereItFits) {
  Rng rng(11);
  Case c = RandomCase(rng);
  F32GemmLayer layer = c.layer;
  layer.conv->in_c = layer.depth = 64;
  layer.conv->out_c = layer.n = 64;
  layer.conv->in_h = layer.conv->in_w = 28;
  layer.conv->out_h = layer.conv->out_w = 28;
  layer.conv->batch = 1;
  layer.conv->pad_top = layer.conv->pad_left = 1;
  layer.m = 28 * 28;
  for (const Isa level : OptimizedLevels()) {
    const auto chosen = [&](const F32GemmLayer& l) {
      return std::string(ChooseKernel(F32GemmKernels(), l, level).name);
    };
    const bool has_winograd = chosen(layer).find("winograd") != std::string::npos;
    F32GemmLayer strided = layer;
    strided.conv->stride_h = 2;
    F32GemmLayer dilated = layer;
    dilated.conv->dilation_w = 2;
    F32GemmLayer wide = layer;
    wide.conv->kernel_w = 5;
    F32GemmLayer plain = layer;
    plain.conv.reset();
    for (const F32GemmLayer* other : {&strided, &dilated, &wide, &plain}) {
      EXPECT_EQ(chosen(*other).find("winograd"), std::string::npos) << IsaName(level);
    }
    // The x86 and NEON levels have Winograd rows; a 28x28x64 layer is past their crossover.
    if (level == Isa::kAvx2 || level == Isa::kAvx512 || level == Isa::kNeon) {
      EXPECT_TRUE(has_winograd) << IsaName(level) << ": " << chosen(layer);
    }
  }
}

}  // namespace
}  // namespace trit::test
