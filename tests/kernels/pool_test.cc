// The AVX-512 MaxPool against the reference on random windows, strides, paddings and channel
// counts across the vector width; fp32 (with some NaN inputs and signed zeros) and 8-bit, bit
// for bit.
#include "kernels/x86/pool.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "kernels/isa.h"
#include "kernels/ref/pool.h"

namespace trit::x86 {
namespace {

ref::ConvGeometry RandomWindow(std::mt19937_64& rng) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  ref::ConvGeometry g;
  g.batch = pick(1, 2);
  g.kernel_h = pick(1, 4);
  g.kernel_w = pick(1, 4);
  g.in_h = pick(g.kernel_h, 11);
  g.in_w = pick(g.kernel_w, 11);
  const int sizes[] = {1, 3, 15, 16, 17, 48, 63, 64, 65, 130};
  g.in_c = g.out_c = sizes[pick(0, 9)];
  g.stride_h = pick(1, 3);
  g.stride_w = pick(1, 3);
  g.pad_top = pick(0, g.kernel_h - 1);
  g.pad_left = pick(0, g.kernel_w - 1);
  const int pad_bottom = pick(0, g.kernel_h - 1), pad_right = pick(0, g.kernel_w - 1);
  g.out_h = (g.in_h + g.pad_top + pad_bottom - g.kernel_h) / g.stride_h + 1;
  g.out_w = (g.in_w + g.pad_left + pad_right - g.kernel_w) / g.stride_w + 1;
  return g;
}

TEST(MaxPool, Avx512MatchesTheReference) {
  if (DetectedIsa() != Isa::kAvx512) GTEST_SKIP() << "this CPU has no AVX-512";
  for (uint64_t seed = 1; seed <= 150; ++seed) {
    std::mt19937_64 rng(seed);
    const ref::ConvGeometry g = RandomWindow(rng);
    const size_t in_count = static_cast<size_t>(g.batch * g.in_h * g.in_w * g.in_c);
    const size_t out_count = static_cast<size_t>(g.batch * g.out_h * g.out_w * g.out_c);
    std::vector<float> x(in_count);
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    for (float& v : x) {
      const int kind = std::uniform_int_distribution<int>(0, 40)(rng);
      v = kind == 0 ? std::numeric_limits<float>::quiet_NaN()
                    : (kind == 1 ? -0.0f : (kind == 2 ? 0.0f : uniform(rng)));
    }
    std::vector<float> expected(out_count), output(out_count);
    ref::MaxPoolF32(g, x.data(), expected.data());
    MaxPoolF32Avx512(g, x.data(), output.data());
    ASSERT_EQ(std::memcmp(output.data(), expected.data(), out_count * sizeof(float)), 0)
        << "seed " << seed << " fp32";

    std::vector<uint8_t> q(in_count), q_expected(out_count), q_output(out_count);
    for (uint8_t& v : q) v = static_cast<uint8_t>(std::uniform_int_distribution<int>(0, 255)(rng));
    const bool is_signed = seed % 2;
    if (is_signed) {
      ref::MaxPoolQ8(g, reinterpret_cast<const int8_t*>(q.data()), 0, nullptr, 0, -128, 127,
                     reinterpret_cast<int8_t*>(q_expected.data()));
    } else {
      ref::MaxPoolQ8(g, q.data(), 0, nullptr, 0, 0, 255, q_expected.data());
    }
    MaxPoolQ8Avx512(g, q.data(), is_signed, q_output.data());
    ASSERT_EQ(q_output, q_expected) << "seed " << seed << (is_signed ? " s8" : " u8");
  }
}

}  // namespace
}  // namespace trit::x86
