// The AVX-512 8-bit Add and table lookup against the reference kernels: random lengths (tails
// below 8 and 64), signedness, zero points, scales and clamps; bit for bit.
#include "kernels/x86/q8_elementwise.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "kernels/isa.h"
#include "kernels/ref/activation.h"
#include "kernels/ref/quantize.h"

namespace trit::x86 {
namespace {

TEST(Q8Elementwise, AddMatchesTheReference) {
  if (DetectedIsa() != Isa::kAvx512) GTEST_SKIP() << "this CPU has no AVX-512";
  int checked = 0;
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    std::mt19937_64 rng(seed);
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    const int64_t count = pick(1, 300);
    const bool a_signed = pick(0, 1), b_signed = pick(0, 1), out_signed = pick(0, 1);
    std::vector<uint8_t> a(static_cast<size_t>(count)), b(a.size());
    for (uint8_t& v : a) v = static_cast<uint8_t>(pick(0, 255));
    for (uint8_t& v : b) v = static_cast<uint8_t>(pick(0, 255));
    const double sa = std::pow(10.0, std::uniform_real_distribution<double>(-3, 1)(rng));
    const double sb = std::pow(10.0, std::uniform_real_distribution<double>(-3, 1)(rng));
    const double ma = sa / 0.5, mb = sb / 0.5;  // output scale 0.5
    const int32_t shift = QuantizeMultiplier(std::max(ma, mb)).shift;
    ref::QuantAddParams p;
    p.zero_a = a_signed ? pick(-128, 127) : pick(0, 255);
    p.zero_b = b_signed ? pick(-128, 127) : pick(0, 255);
    p.zero_out = out_signed ? pick(-128, 127) : pick(0, 255);
    p.multiplier_a = std::llround(std::ldexp(ma, shift));
    p.multiplier_b = std::llround(std::ldexp(mb, shift));
    p.shift = shift;
    p.lo = out_signed ? -128 : 0;
    p.hi = p.lo + 255;
    if (pick(0, 1)) p.lo = std::max(p.lo, p.zero_out);  // a fused ReLU
    if (!AddQ8Fits(p)) continue;
    const ref::Broadcast same = ref::MakeBroadcast(&count, 1, &count, 1);
    std::vector<uint8_t> expected(a.size()), output(a.size());
    // The reference for the case's types (int8 where signed).
    auto run_ref = [&](auto x_tag, auto y_tag, auto out_tag) {
      using X = decltype(x_tag);
      using Y = decltype(y_tag);
      using O = decltype(out_tag);
      ref::AddQ8(same, reinterpret_cast<const X*>(a.data()), reinterpret_cast<const Y*>(b.data()),
                 p, reinterpret_cast<O*>(expected.data()));
    };
    auto with_out = [&](auto x, auto y) {
      out_signed ? run_ref(x, y, int8_t{}) : run_ref(x, y, uint8_t{});
    };
    auto with_y = [&](auto x) { b_signed ? with_out(x, int8_t{}) : with_out(x, uint8_t{}); };
    a_signed ? with_y(int8_t{}) : with_y(uint8_t{});
    AddQ8Avx512(count, a.data(), a_signed, b.data(), b_signed, p, output.data());
    ASSERT_EQ(output, expected) << "seed " << seed << ", " << count << " elements";
    ++checked;
  }
  EXPECT_GT(checked, 150);  // the multipliers fit in nearly every case
}

TEST(Q8Elementwise, LookupMatchesTheReference) {
  if (DetectedIsa() != Isa::kAvx512 || !HasAvx512Vbmi()) GTEST_SKIP() << "no AVX-512 VBMI";
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    std::mt19937_64 rng(seed);
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    const int64_t count = pick(1, 500);
    uint8_t table[256];
    for (uint8_t& t : table) t = static_cast<uint8_t>(pick(0, 255));
    std::vector<uint8_t> input(static_cast<size_t>(count)), expected(input.size()),
        output(input.size());
    for (uint8_t& v : input) v = static_cast<uint8_t>(pick(0, 255));
    const bool is_signed = pick(0, 1);
    if (is_signed) {
      ref::LookupQ8(count, reinterpret_cast<const int8_t*>(input.data()), table, expected.data());
    } else {
      ref::LookupQ8(count, input.data(), table, expected.data());
    }
    LookupQ8Avx512(count, input.data(), is_signed ? 0x80 : 0x00, table, output.data());
    ASSERT_EQ(output, expected) << "seed " << seed << ", " << count << " elements";
  }
}

// Random floats across the range, with NaN, infinities, signed zeros and exact halves.
TEST(Q8Elementwise, QuantizeMatchesTheReference) {
  if (DetectedIsa() != Isa::kAvx512) GTEST_SKIP() << "this CPU has no AVX-512";
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    std::mt19937_64 rng(seed);
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    const int64_t count = pick(1, 300);
    const float scale =
        static_cast<float>(std::pow(10.0, std::uniform_real_distribution<double>(-3, 1)(rng)));
    const bool is_signed = pick(0, 1);
    const int32_t zero_point = is_signed ? pick(-128, 127) : pick(0, 255);
    std::vector<float> x(static_cast<size_t>(count));
    for (float& v : x) {
      switch (pick(0, 12)) {
        case 0:
          v = std::numeric_limits<float>::quiet_NaN();
          break;
        case 1:
          v = pick(0, 1) ? std::numeric_limits<float>::infinity()
                         : -std::numeric_limits<float>::infinity();
          break;
        case 2:
          v = pick(0, 1) ? -0.0f : 0.0f;
          break;
        case 3:
          v = (static_cast<float>(pick(-300, 300)) + 0.5f) * scale;  // near exact halves
          break;
        default:
          v = std::uniform_real_distribution<float>(-300.0f, 300.0f)(rng) * scale;
      }
    }
    std::vector<uint8_t> expected(x.size()), output(x.size());
    if (is_signed) {
      ref::QuantizeF32(count, x.data(), scale, zero_point,
                       reinterpret_cast<int8_t*>(expected.data()));
    } else {
      ref::QuantizeF32(count, x.data(), scale, zero_point, expected.data());
    }
    QuantizeF32Avx512(count, x.data(), scale, zero_point, is_signed, output.data());
    ASSERT_EQ(output, expected) << "seed " << seed << ", " << count << " elements";
  }
}

}  // namespace
}  // namespace trit::x86
