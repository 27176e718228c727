// The x86 integer GEMM against the reference convolution and dense kernels: random shapes
// (depth below and across the granule, column counts across the tile, odd sizes, padding,
// strides, dilation, batch), random zero points, multipliers, biases and clamps; every ISA
// level this CPU has, bit for bit. The seed is in every failure message.
#include "kernels/x86/q8_gemm.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "kernels/ref/conv2d.h"
#include "kernels/ref/dense.h"
#include "q8_random_case.h"

namespace trit::x86 {
namespace {

Q8GemmLayer LayerOf(const Case& c, int64_t m, int64_t n, int64_t taps, int64_t depth,
                    int64_t vectors, std::vector<int32_t> indirection) {
  Q8GemmLayer layer;
  layer.m = m;
  layer.n = n;
  layer.taps = taps;
  layer.depth = depth;
  layer.vectors = vectors;
  layer.indirection = std::move(indirection);
  SetCase(layer, c);
  return layer;
}

std::vector<int8_t> RunGemm(Isa isa, const Case& c, const Q8GemmLayer& layer) {
  const Q8Gemm gemm(isa, layer);
  AlignedArray<uint8_t> scratch(gemm.scratch_bytes() + 1);
  std::vector<int8_t> output(static_cast<size_t>(layer.m * layer.n));
  gemm.Run(c.input.data(), output.data(), scratch.data());
  return output;
}

TEST(Q8Gemm, RandomConvolutionsMatchTheReference) {
  for (uint64_t seed = 1; seed <= 250; ++seed) {
    Rng rng(seed);
    ref::ConvGeometry g;
    g.batch = rng.Int(1, 2);
    g.kernel_h = rng.Int(1, 5);
    g.kernel_w = rng.Int(0, 3) ? g.kernel_h : rng.Int(1, 5);
    g.dilation_h = rng.Int(0, 4) ? 1 : 2;
    g.dilation_w = g.dilation_h;
    g.in_h = rng.Int((g.kernel_h - 1) * g.dilation_h + 1, 12);
    g.in_w = rng.Int((g.kernel_w - 1) * g.dilation_w + 1, 12);
    const int sizes[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 70};
    g.in_c = sizes[rng.Int(0, 17)];
    g.out_c = sizes[rng.Int(0, 17)];
    g.stride_h = rng.Int(1, 3);
    g.stride_w = rng.Int(0, 2) ? g.stride_h : rng.Int(1, 3);
    g.pad_top = rng.Int(0, g.kernel_h - 1);
    g.pad_left = rng.Int(0, g.kernel_w - 1);
    const int pad_bottom = rng.Int(0, g.kernel_h - 1), pad_right = rng.Int(0, g.kernel_w - 1);
    g.out_h =
        (g.in_h + g.pad_top + pad_bottom - (g.kernel_h - 1) * g.dilation_h - 1) / g.stride_h + 1;
    g.out_w =
        (g.in_w + g.pad_left + pad_right - (g.kernel_w - 1) * g.dilation_w - 1) / g.stride_w + 1;
    const int64_t depth = int64_t{g.kernel_h} * g.kernel_w * g.in_c;
    const Case c = RandomCase(rng, int64_t{g.batch} * g.in_h * g.in_w * g.in_c, g.out_c, depth);
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
    const std::vector<int32_t> table =
        ConvIndirection(g.batch, g.in_h, g.in_w, g.out_h, g.out_w, g.kernel_h, g.kernel_w,
                        g.stride_h, g.stride_w, g.pad_top, g.pad_left, g.dilation_h, g.dilation_w);
    Q8GemmLayer layer = LayerOf(c, m, g.out_c, int64_t{g.kernel_h} * g.kernel_w, g.in_c,
                                int64_t{g.batch} * g.in_h * g.in_w, table);
    // With the geometry, layers of few channels run with the kernel's rows as taps.
    if (seed % 2) layer.conv = g;
    for (const Isa isa : Levels()) {
      ASSERT_EQ(RunGemm(isa, c, layer), expected)
          << "seed " << seed << " " << IsaName(isa) << " " << Q8Gemm(isa, layer).name() << ": "
          << g.batch << "x" << g.in_h << "x" << g.in_w << "x" << g.in_c << " -> " << g.out_c
          << ", kernel " << g.kernel_h << "x" << g.kernel_w << " stride " << g.stride_h << ","
          << g.stride_w << " dilation " << g.dilation_h;
    }
  }
  if (Levels().empty()) GTEST_SKIP() << "this CPU has neither AVX2 nor AVX-512";
}

TEST(Q8Gemm, RandomDenseLayersMatchTheReference) {
  for (uint64_t seed = 1; seed <= 80; ++seed) {
    Rng rng(seed);
    const int rows = rng.Int(1, 20), in = rng.Int(1, 300), out = rng.Int(1, 100);
    const Case c = RandomCase(rng, int64_t{rows} * in, out, in);
    std::vector<int8_t> expected(static_cast<size_t>(rows * out));
    std::vector<int32_t> scratch(static_cast<size_t>(in));
    WithTypes(c, [&](auto i, auto o) {
      using In = decltype(i);
      using Out = decltype(o);
      ref::DenseQ8(rows, in, out, reinterpret_cast<const In*>(c.input.data()), c.input_zero_point,
                   I8Weights(c), c.bias.data(), c.out, reinterpret_cast<Out*>(expected.data()),
                   scratch.data());
    });
    std::vector<int32_t> table(static_cast<size_t>(rows));
    for (int r = 0; r < rows; ++r) table[static_cast<size_t>(r)] = r;
    const Q8GemmLayer layer = LayerOf(c, rows, out, 1, in, rows, table);
    for (const Isa isa : Levels()) {
      ASSERT_EQ(RunGemm(isa, c, layer), expected)
          << "seed " << seed << " " << IsaName(isa) << ": " << rows << "x" << in << " -> " << out;
    }
  }
  if (Levels().empty()) GTEST_SKIP() << "this CPU has neither AVX2 nor AVX-512";
}

// s8 inputs near +127 with zero point 0: VNNI's u8 sums (x + 128) * w pass 2^31 and wrap,
// the zero-point offset wraps the same way, and the true accumulator is still exact.
TEST(Q8Gemm, WrappingSumsStayExact) {
  Rng rng(7);
  const int in = 100000, out = 3;
  Case c = RandomCase(rng, in, out, in);
  c.input_type = DType::kI8;
  c.input_zero_point = 0;
  for (int8_t& v : c.input) v = static_cast<int8_t>(rng.Int(120, 127));
  for (int8_t& w : c.levels) w = static_cast<int8_t>(rng.Int(120, 127));
  std::fill(c.bias.begin(), c.bias.end(), 0);
  std::vector<int8_t> expected(out);
  std::vector<int32_t> scratch(in);
  WithTypes(c, [&](auto, auto o) {
    using Out = decltype(o);
    ref::DenseQ8(1, in, out, c.input.data(), 0, I8Weights(c), c.bias.data(), c.out,
                 reinterpret_cast<Out*>(expected.data()), scratch.data());
  });
  const Q8GemmLayer layer = LayerOf(c, 1, out, 1, in, 1, {0});
  for (const Isa isa : Levels()) EXPECT_EQ(RunGemm(isa, c, layer), expected) << IsaName(isa);
  if (Levels().empty()) GTEST_SKIP() << "this CPU has neither AVX2 nor AVX-512";
}

}  // namespace
}  // namespace trit::x86
