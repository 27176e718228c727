// The xor + popcount GEMM (binary activations x binary weights) against the reference: the
// packed bits unpacked to +-1 and run through ref::Conv2DQ8 / ref::DenseQ8 with zero point 0.
// Random shapes (depth below, at and across 32-bit words, so pixels start mid-byte; padding,
// strides, dilation, batch; channel counts across the 16- and 32-channel tiles), random biases,
// multipliers and clamps, bit for bit, the rows in two parts as two threads run them. Also the
// AVX-512 Binarize against the reference. The seed is in every failure message.
#include "kernels/x86/b1_gemm.h"

#include <gtest/gtest.h>

#include <vector>

#include "kernels/ref/binarize.h"
#include "kernels/ref/conv2d.h"
#include "kernels/ref/dense.h"
#include "kernels/x86/q8_elementwise.h"
#include "q8_random_case.h"

namespace trit::x86 {
namespace {

bool HasPopcount() { return DetectedIsa() == Isa::kAvx512 && HasAvx512Vpopcntdq(); }

// A random case with +-1 weights and a random packed input of `input_count` bits.
Case BinaryCase(Rng& rng, int64_t input_count, int64_t channels, int64_t depth,
                std::vector<uint8_t>& bits, std::vector<int8_t>& levels) {
  Case c = RandomCase(rng, 0, channels, depth);
  for (int8_t& w : c.levels) w = rng.Int(0, 1) ? 1 : -1;
  bits.resize(static_cast<size_t>((input_count + 7) / 8));
  for (uint8_t& b : bits) b = static_cast<uint8_t>(rng.Int(0, 255));
  levels.resize(static_cast<size_t>(input_count));
  ref::UnpackBinary(input_count, bits.data(), levels.data());
  return c;
}

B1GemmLayer LayerOf(const Case& c, int64_t m, int64_t n, int64_t taps, int64_t depth,
                    int64_t vectors, std::vector<int32_t> indirection) {
  B1GemmLayer layer;
  layer.m = m;
  layer.n = n;
  layer.taps = taps;
  layer.depth = depth;
  layer.vectors = vectors;
  layer.indirection = std::move(indirection);
  SetCase(layer, c);
  return layer;
}

std::vector<int8_t> RunGemm(const B1GemmLayer& layer, const std::vector<uint8_t>& bits) {
  const B1Gemm gemm(layer);
  AlignedArray<uint32_t> scratch(gemm.scratch_bytes() / 4 + 1);
  std::vector<int8_t> output(static_cast<size_t>(layer.m * layer.n));
  const uint32_t* prepared = gemm.Prepare(bits.data(), scratch.data());
  const int64_t half = gemm.rows() / 2;
  gemm.Compute(prepared, output.data(), 0, half, 0, gemm.tiles());
  gemm.Compute(prepared, output.data(), half, gemm.rows(), 0, gemm.tiles());
  return output;
}

template <typename F>
void WithOutputType(const Case& c, F&& f) {
  if (c.output_type == DType::kU8) {
    f(uint8_t{});
  } else {
    f(int8_t{});
  }
}

TEST(B1Gemm, RandomConvolutionsMatchTheReference) {
  if (!HasPopcount()) GTEST_SKIP() << "this CPU has no AVX-512 VPOPCNTDQ";
  for (uint64_t seed = 1; seed <= 150; ++seed) {
    Rng rng(seed);
    ref::ConvGeometry g;
    g.batch = rng.Int(1, 2);
    g.kernel_h = rng.Int(1, 5);
    g.kernel_w = rng.Int(0, 3) ? g.kernel_h : rng.Int(1, 5);
    g.dilation_h = g.dilation_w = rng.Int(0, 4) ? 1 : 2;
    g.in_h = rng.Int((g.kernel_h - 1) * g.dilation_h + 1, 12);
    g.in_w = rng.Int((g.kernel_w - 1) * g.dilation_w + 1, 12);
    const int sizes[] = {1, 3, 7, 8, 13, 31, 32, 33, 63, 64, 65, 96, 100, 129};
    g.in_c = sizes[rng.Int(0, 13)];
    const int outs[] = {1, 5, 15, 16, 17, 31, 32, 33, 64, 70};
    g.out_c = outs[rng.Int(0, 9)];
    g.stride_h = rng.Int(1, 3);
    g.stride_w = rng.Int(0, 2) ? g.stride_h : rng.Int(1, 3);
    g.pad_top = rng.Int(0, g.kernel_h - 1);
    g.pad_left = rng.Int(0, g.kernel_w - 1);
    const int pad_bottom = rng.Int(0, g.kernel_h - 1), pad_right = rng.Int(0, g.kernel_w - 1);
    g.out_h =
        (g.in_h + g.pad_top + pad_bottom - (g.kernel_h - 1) * g.dilation_h - 1) / g.stride_h + 1;
    g.out_w =
        (g.in_w + g.pad_left + pad_right - (g.kernel_w - 1) * g.dilation_w - 1) / g.stride_w + 1;
    const int64_t taps = int64_t{g.kernel_h} * g.kernel_w;
    const int64_t vectors = int64_t{g.batch} * g.in_h * g.in_w;
    std::vector<uint8_t> bits;
    std::vector<int8_t> levels;
    const Case c = BinaryCase(rng, vectors * g.in_c, g.out_c, taps * g.in_c, bits, levels);
    const int64_t m = int64_t{g.batch} * g.out_h * g.out_w;
    std::vector<int8_t> expected(static_cast<size_t>(m * g.out_c));
    std::vector<int32_t> scratch(static_cast<size_t>(ref::Conv2DQ8ScratchCount(g)));
    WithOutputType(c, [&](auto out) {
      using Out = decltype(out);
      ref::Conv2DQ8(g, levels.data(), 0, I8Weights(c), c.bias.data(), c.out,
                    reinterpret_cast<Out*>(expected.data()), scratch.data());
    });
    const B1GemmLayer layer = LayerOf(
        c, m, g.out_c, taps, g.in_c, vectors,
        ConvIndirection(g.batch, g.in_h, g.in_w, g.out_h, g.out_w, g.kernel_h, g.kernel_w,
                        g.stride_h, g.stride_w, g.pad_top, g.pad_left, g.dilation_h, g.dilation_w));
    ASSERT_EQ(RunGemm(layer, bits), expected)
        << "seed " << seed << ": " << g.batch << "x" << g.in_h << "x" << g.in_w << "x" << g.in_c
        << " -> " << g.out_c << ", kernel " << g.kernel_h << "x" << g.kernel_w << " stride "
        << g.stride_h << "," << g.stride_w << " pads " << g.pad_top << "," << g.pad_left;
  }
}

TEST(B1Gemm, RandomDenseLayersMatchTheReference) {
  if (!HasPopcount()) GTEST_SKIP() << "this CPU has no AVX-512 VPOPCNTDQ";
  for (uint64_t seed = 1; seed <= 80; ++seed) {
    Rng rng(seed);
    const int rows = rng.Int(1, 20), in = rng.Int(1, 700), out = rng.Int(1, 100);
    std::vector<uint8_t> bits;
    std::vector<int8_t> levels;
    const Case c = BinaryCase(rng, int64_t{rows} * in, out, in, bits, levels);
    std::vector<int8_t> expected(static_cast<size_t>(rows * out));
    std::vector<int32_t> scratch(static_cast<size_t>(in));
    WithOutputType(c, [&](auto o) {
      using Out = decltype(o);
      ref::DenseQ8(rows, in, out, levels.data(), 0, I8Weights(c), c.bias.data(), c.out,
                   reinterpret_cast<Out*>(expected.data()), scratch.data());
    });
    std::vector<int32_t> table(static_cast<size_t>(rows));
    for (int r = 0; r < rows; ++r) table[static_cast<size_t>(r)] = r;
    ASSERT_EQ(RunGemm(LayerOf(c, rows, out, 1, in, rows, table), bits), expected)
        << "seed " << seed << ": " << rows << "x" << in << " -> " << out;
  }
}

TEST(BinarizeQ8, MatchesTheReference) {
  if (DetectedIsa() != Isa::kAvx512) GTEST_SKIP() << "this CPU has no AVX-512";
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    Rng rng(seed);
    const int64_t count = rng.Int(1, 300);
    const bool is_signed = rng.Int(0, 1);
    const int lo = is_signed ? -128 : 0;
    const int32_t zero_point = rng.Int(lo, lo + 255);
    std::vector<uint8_t> input(static_cast<size_t>(count));
    for (uint8_t& v : input) v = static_cast<uint8_t>(rng.Int(0, 255));
    std::vector<uint8_t> expected(static_cast<size_t>((count + 7) / 8));
    if (is_signed) {
      ref::BinarizeQ8(count, reinterpret_cast<const int8_t*>(input.data()), zero_point,
                      expected.data());
    } else {
      ref::BinarizeQ8(count, input.data(), zero_point, expected.data());
    }
    // One guard byte after the output: it must stay untouched.
    std::vector<uint8_t> output(expected.size() + 1, 0xA5);
    BinarizeQ8Avx512(count, input.data(), is_signed, zero_point, output.data());
    EXPECT_EQ(output.back(), 0xA5) << "seed " << seed;
    output.pop_back();
    ASSERT_EQ(output, expected) << "seed " << seed << ": " << count << " values, zero point "
                                << zero_point << (is_signed ? " s8" : " u8");
  }
}

}  // namespace
}  // namespace trit::x86
