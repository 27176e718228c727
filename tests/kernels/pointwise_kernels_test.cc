// Every row of the elementwise, activation, conversion and pooling tables (kernels/registry/)
// that this CPU runs, the reference rows' type dispatch included, against the typed reference
// kernels: lengths across the 8-, 16- and 64-element vectors, signedness, zero points, scales,
// clamps, NaN, infinities, signed zeros and exact halves; bit for bit.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "kernel_tester.h"
#include "kernels/q8_prepare.h"
#include "kernels/ref/activation.h"
#include "kernels/ref/binarize.h"
#include "kernels/ref/elementwise.h"
#include "kernels/ref/pool.h"
#include "kernels/ref/quantize.h"
#include "kernels/registry/activation.h"
#include "kernels/registry/elementwise.h"
#include "kernels/registry/pool.h"
#include "kernels/registry/quantize.h"

namespace trit::test {
namespace {

std::vector<uint8_t> RandomBytes(Rng& rng, int64_t count) {
  std::vector<uint8_t> v(static_cast<size_t>(count));
  for (uint8_t& b : v) b = static_cast<uint8_t>(rng.Int(0, 255));
  return v;
}

int64_t RandomLength(Rng& rng) { return rng.Pick(kTileEdges) + 64 * rng.Int(0, 3); }

// Lengths on both sides of the 8-, 16- and 64-element steps and of the 4-register (64-byte)
// blocks, empty included: every row runs each of them (EveryRowAtEdgeLengths).
constexpr int64_t kLengthEdges[] = {0,  1,  2,  7,  8,  9,  15,  16,  17,  31,  32,  33,
                                    63, 64, 65, 79, 80, 81, 127, 128, 129, 255, 256, 257};

// Each Check* draws one random case of `count` elements, runs every runnable row of its table on
// it and compares with the typed reference kernel; they return how many optimized rows ran.

// Every runnable row of the Add table against the typed reference on two inputs of the same
// shape, bit for bit; on_row(row) after each row that ran.
template <typename OnRow>
void CheckAddRows(const std::vector<uint8_t>& a, bool a_signed, const std::vector<uint8_t>& b,
                  bool b_signed, bool out_signed, const ref::QuantAddParams& p, OnRow on_row) {
  const int64_t count = static_cast<int64_t>(a.size());
  const ref::Broadcast same = ref::MakeBroadcast(&count, 1, &count, 1);
  std::vector<uint8_t> expected(a.size());
  WithQ8Types(a_signed, b_signed, out_signed, [&](auto x, auto y, auto o) {
    ref::AddQ8(same, reinterpret_cast<const decltype(x)*>(a.data()),
               reinterpret_cast<const decltype(y)*>(b.data()), p,
               reinterpret_cast<decltype(o)*>(expected.data()));
  });
  ForEachRunnableRow(Q8AddKernels(), Q8AddProblem{true, p}, [&](const auto& row) {
    std::vector<uint8_t> output(a.size());
    row.entry(same, a.data(), a_signed, b.data(), b_signed, p, output.data(), out_signed);
    ASSERT_EQ(output, expected) << row.name << ", " << count << " elements, shift " << p.shift;
    on_row(row);
  });
}

int CheckAdd(Rng& rng, int64_t count) {
  int fast_rows = 0;
  const bool a_signed = rng.Bool(), b_signed = rng.Bool(), out_signed = rng.Bool();
  const std::vector<uint8_t> a = RandomBytes(rng, count), b = RandomBytes(rng, count);
  const double ma = std::pow(10.0, rng.Real(-3, 1)) / 0.5,
               mb = std::pow(10.0, rng.Real(-3, 1)) / 0.5;
  ref::QuantAddParams p;
  p.shift = QuantizeMultiplier(std::max(ma, mb)).shift;
  p.zero_a = a_signed ? rng.Int(-128, 127) : rng.Int(0, 255);
  p.zero_b = b_signed ? rng.Int(-128, 127) : rng.Int(0, 255);
  p.zero_out = out_signed ? rng.Int(-128, 127) : rng.Int(0, 255);
  p.multiplier_a = std::llround(std::ldexp(ma, p.shift));
  p.multiplier_b = std::llround(std::ldexp(mb, p.shift));
  if (rng.Int(0, 3) == 0) p.multiplier_b = -p.multiplier_b;  // a Sub
  p.lo = out_signed ? -128 : 0;
  p.hi = p.lo + 255;
  if (rng.Bool()) p.lo = std::max(p.lo, p.zero_out);  // a fused ReLU
  CheckAddRows(a, a_signed, b, b_signed, out_signed, p,
               [&](const auto& row) { fast_rows += row.isa != Isa::kRef; });
  return fast_rows;
}

TEST(ElementwiseKernels, Q8AddMatchesTheReference) {
  int fast_rows = 0;
  for (const uint64_t seed : Seeds(200)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    fast_rows += CheckAdd(rng, RandomLength(rng));
  }
  const IsaFamily family = FamilyOf(DetectedIsa());
  if (DetectedIsa() == Isa::kAvx512 || family == IsaFamily::kAArch64) {
    EXPECT_GT(fast_rows, 100);  // the multipliers fit in nearly every Add (x86: not a Sub's)
  }
}

// The Add rows at the edges of what they take: shifts around 16 and 47 (the 16-bit AVX-512 row's
// bounds) and up to 62, multipliers up to 2^31 - 1, zero points at the ends of their types and
// inputs at the other ends (the largest |x - z|), so that every partial sum of the rows'
// rewritten arithmetic reaches its bound.
TEST(ElementwiseKernels, Q8AddAtTheShiftBoundsMatchesTheReference) {
  Rng rng(11);
  int madd_rows = 0;
  for (const int shift : {14, 15, 16, 17, 18, 30, 46, 47, 48, 62}) {
    for (int trial = 0; trial < 40; ++trial) {
      const bool a_signed = rng.Bool(), b_signed = rng.Bool(), out_signed = rng.Bool();
      ref::QuantAddParams p;
      p.shift = shift;
      // Mostly real multipliers near 1 (M / 2^s in [1/4, 2)), so that the outputs are not all
      // clamped and the rounding shows; sometimes the largest.
      const int64_t top = (int64_t{1} << 31) - 1;
      const int64_t near_one = shift >= 30 ? top : int64_t{1} << (shift + 1);
      const auto multiplier = [&](bool largest) {
        return largest
                   ? top
                   : std::uniform_int_distribution<int64_t>(near_one / 8, near_one)(rng.engine());
      };
      p.multiplier_a = multiplier(trial % 8 == 0);
      p.multiplier_b = multiplier(trial % 8 == 1);
      const auto extreme_zero = [&](bool is_signed) {
        const int low = is_signed ? -128 : 0;
        return rng.Bool() ? (rng.Bool() ? low : low + 255) : rng.Int(low, low + 255);
      };
      p.zero_a = extreme_zero(a_signed);
      p.zero_b = extreme_zero(b_signed);
      p.zero_out = extreme_zero(out_signed);
      p.lo = out_signed ? -128 : 0;
      p.hi = p.lo + 255;
      if (rng.Bool()) p.lo = std::max(p.lo, p.zero_out);
      const int64_t count = 97;
      std::vector<uint8_t> a = RandomBytes(rng, count), b = RandomBytes(rng, count);
      // The farthest input from each zero point in the first elements.
      const auto farthest = [](bool is_signed, int32_t zero) {
        const int low = is_signed ? -128 : 0;
        return static_cast<uint8_t>(zero - low > 127 ? low : low + 255);
      };
      for (int64_t i = 0; i < 8; ++i) {
        a[static_cast<size_t>(i)] = farthest(a_signed, p.zero_a);
        b[static_cast<size_t>(i)] = farthest(b_signed, p.zero_b);
      }
      CheckAddRows(a, a_signed, b, b_signed, out_signed, p, [&](const auto& row) {
        madd_rows += std::string_view(row.name).find("madd") != std::string_view::npos;
      });
    }
  }
  // Shifts 16, 17, 18, 30, 46 and 47, on every 16-bit row this CPU runs.
  int madd_levels = 0;
  for (const auto& row : Q8AddKernels()) {
    madd_levels += std::string_view(row.name).find("madd") != std::string_view::npos &&
                   IsaCovers(DetectedIsa(), row.isa);
  }
  EXPECT_EQ(madd_rows, 6 * 40 * madd_levels);
}

// Add and Mul with NumPy broadcasting: a random output shape (rank 1 to 4, inner extents across
// the 8-, 16- and 32-element steps), each input the output's shape with random dimensions set
// to 1 (the broadcast ones: per channel, per image, scalar, middle dimensions) and sometimes
// leading ones dropped; random types, zero points, multipliers and clamps. Every runnable row
// of both tables against the typed reference. Returns the optimized rows that ran.
int CheckBroadcastBinary(Rng& rng) {
  const auto [shape_a, shape_b, broadcast, count_a, count_b] = RandomBroadcast(rng);
  const bool same_shapes = count_a == broadcast.count && count_b == broadcast.count;
  const bool a_signed = rng.Bool(), b_signed = rng.Bool(), out_signed = rng.Bool();
  const std::vector<uint8_t> a = RandomBytes(rng, count_a), b = RandomBytes(rng, count_b);
  const auto zero = [&](bool is_signed) {
    return is_signed ? rng.Int(-128, 127) : rng.Int(0, 255);
  };
  const int32_t lo = out_signed ? -128 : 0;
  int fast_rows = 0;
  const auto check = [&](auto table, const auto& params, auto reference) {
    std::vector<uint8_t> expected(static_cast<size_t>(broadcast.count));
    WithQ8Types(a_signed, b_signed, out_signed, [&](auto x, auto y, auto o) {
      reference(broadcast, reinterpret_cast<const decltype(x)*>(a.data()),
                reinterpret_cast<const decltype(y)*>(b.data()), params,
                reinterpret_cast<decltype(o)*>(expected.data()));
    });
    ForEachRunnableRow(table, {same_shapes, params}, [&](const auto& row) {
      std::vector<uint8_t> output(expected.size());
      row.entry(broadcast, a.data(), a_signed, b.data(), b_signed, params, output.data(),
                out_signed);
      ASSERT_EQ(output, expected) << row.name;
      fast_rows += row.isa != Isa::kRef;
    });
  };
  ref::QuantAddParams add;
  const double ma = std::pow(10.0, rng.Real(-3, 1)), mb = std::pow(10.0, rng.Real(-3, 1));
  add.shift = QuantizeMultiplier(std::max(ma, mb)).shift;
  add.multiplier_a = std::llround(std::ldexp(ma, add.shift));
  add.multiplier_b = std::llround(std::ldexp(mb, add.shift));
  add.zero_a = zero(a_signed);
  add.zero_b = zero(b_signed);
  add.zero_out = zero(out_signed);
  add.lo = rng.Bool() ? lo : std::max(lo, add.zero_out);
  add.hi = lo + 255;
  ref::QuantMulParams mul;
  mul.zero_a = zero(a_signed);
  mul.zero_b = zero(b_signed);
  mul.zero_out = zero(out_signed);
  mul.requant = QuantizeMultiplier(std::pow(10.0, rng.Real(-5, 1)));
  mul.lo = rng.Bool() ? lo : std::max(lo, mul.zero_out);
  mul.hi = rng.Bool() ? lo + 255 : rng.Int(mul.lo, lo + 255);
  check(Q8AddKernels(), add,
        [](const auto& br, auto x, auto y, const auto& p, auto o) { ref::AddQ8(br, x, y, p, o); });
  check(Q8MulKernels(), mul,
        [](const auto& br, auto x, auto y, const auto& p, auto o) { ref::MulQ8(br, x, y, p, o); });
  return fast_rows;
}

TEST(ElementwiseKernels, Q8AddAndMulWithBroadcastingMatchTheReference) {
  int fast_rows = 0;
  for (const uint64_t seed : Seeds(300)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    fast_rows += CheckBroadcastBinary(rng);
  }
  // AVX-512: both Add rows take nearly every case, and the Mul row; NEON: one Add, one Mul.
  if (DetectedIsa() == Isa::kAvx512 || FamilyOf(DetectedIsa()) == IsaFamily::kAArch64) {
    EXPECT_GT(fast_rows, 500);
  }
}

int CheckLookup(Rng& rng, int64_t count) {
  int fast_rows = 0;
  const std::vector<uint8_t> table = RandomBytes(rng, 256), input = RandomBytes(rng, count);
  const bool is_signed = rng.Bool();
  std::vector<uint8_t> expected(input.size());
  if (is_signed) {
    ref::LookupQ8(count, reinterpret_cast<const int8_t*>(input.data()), table.data(),
                  expected.data());
  } else {
    ref::LookupQ8(count, input.data(), table.data(), expected.data());
  }
  for (const bool rescale_op : {false, true}) {
    ForEachRunnableRow(Q8PointwiseKernels(), Q8PointwiseProblem{rescale_op}, [&](const auto& row) {
      std::vector<uint8_t> output(input.size());
      row.entry(count, input.data(), is_signed, table.data(), output.data());
      ASSERT_EQ(output, expected) << count << " elements";
      fast_rows += row.isa != Isa::kRef;
    });
  }
  return fast_rows;
}

TEST(ActivationKernels, Q8TableLookupMatchesTheReference) {
  for (const uint64_t seed : Seeds(100)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    CheckLookup(rng, RandomLength(rng));
  }
}

// Random floats across the range, with NaN, infinities, signed zeros and exact halves.
int CheckQuantize(Rng& rng, int64_t count) {
  int fast_rows = 0;
  const float scale = static_cast<float>(std::pow(10.0, rng.Real(-3, 1)));
  const bool is_signed = rng.Bool();
  const int32_t zero_point = is_signed ? rng.Int(-128, 127) : rng.Int(0, 255);
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> x(static_cast<size_t>(count));
  for (float& v : x) {
    switch (rng.Int(0, 12)) {
      case 0:
        v = std::numeric_limits<float>::quiet_NaN();
        break;
      case 1:
        v = rng.Bool() ? inf : -inf;
        break;
      case 2:
        v = rng.Bool() ? -0.0f : 0.0f;
        break;
      case 3:
        v = (static_cast<float>(rng.Int(-300, 300)) + 0.5f) * scale;  // near exact halves
        break;
      default:
        v = static_cast<float>(rng.Real(-300, 300)) * scale;
    }
  }
  std::vector<uint8_t> expected(x.size());
  if (is_signed) {
    ref::QuantizeF32(count, x.data(), scale, zero_point,
                     reinterpret_cast<int8_t*>(expected.data()));
  } else {
    ref::QuantizeF32(count, x.data(), scale, zero_point, expected.data());
  }
  ForEachRunnableRow(QuantizeF32Kernels(), ConversionProblem{}, [&](const auto& row) {
    std::vector<uint8_t> output(x.size());
    row.entry(count, x.data(), scale, zero_point, is_signed, output.data());
    ASSERT_EQ(output, expected) << count << " elements";
    fast_rows += row.isa != Isa::kRef;
  });
  return fast_rows;
}

TEST(ConversionKernels, QuantizeMatchesTheReference) {
  for (const uint64_t seed : Seeds(100)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    CheckQuantize(rng, RandomLength(rng));
  }
}

// Every level's Dequantize gives the reference's floats bit for bit: random bytes, zero points
// and scales (tiny, huge, negative), lengths across the 16-element steps.
int CheckDequantize(Rng& rng, int64_t count) {
  int fast_rows = 0;
  const bool is_signed = rng.Bool();
  const int lo = is_signed ? -128 : 0;
  const int32_t zero_point = rng.Int(lo, lo + 255);
  const float scale = static_cast<float>(std::pow(10.0, rng.Real(-30, 30))) * (rng.Bool() ? 1 : -1);
  const std::vector<uint8_t> input = RandomBytes(rng, count);
  std::vector<float> expected(static_cast<size_t>(count));
  if (is_signed) {
    ref::DequantizeF32(count, reinterpret_cast<const int8_t*>(input.data()), scale, zero_point,
                       expected.data());
  } else {
    ref::DequantizeF32(count, input.data(), scale, zero_point, expected.data());
  }
  ForEachRunnableRow(DequantizeQ8Kernels(), ConversionProblem{}, [&](const auto& row) {
    // One guard float after the output: it must stay untouched.
    std::vector<float> output(expected.size() + 1, -7.0f);
    row.entry(count, input.data(), is_signed, scale, zero_point, output.data());
    EXPECT_EQ(output.back(), -7.0f) << row.name << ": wrote past " << count << " elements";
    output.pop_back();
    // Bit for bit (signed zeros included), not float ==.
    const auto same_bits = [](float a, float b) {
      return std::bit_cast<uint32_t>(a) == std::bit_cast<uint32_t>(b);
    };
    ASSERT_TRUE(std::equal(output.begin(), output.end(), expected.begin(), same_bits))
        << row.name << ", " << count << " elements";
    fast_rows += row.isa != Isa::kRef;
  });
  return fast_rows;
}

TEST(ConversionKernels, DequantizeMatchesTheReference) {
  for (const uint64_t seed : Seeds(100)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    CheckDequantize(rng, RandomLength(rng));
  }
}

int CheckBinarize(Rng& rng, int64_t count) {
  int fast_rows = 0;
  const bool is_signed = rng.Bool();
  const int lo = is_signed ? -128 : 0;
  const int32_t zero_point = rng.Int(lo, lo + 255);
  const std::vector<uint8_t> input = RandomBytes(rng, count);
  std::vector<uint8_t> expected(static_cast<size_t>((count + 7) / 8));
  if (is_signed) {
    ref::BinarizeQ8(count, reinterpret_cast<const int8_t*>(input.data()), zero_point,
                    expected.data());
  } else {
    ref::BinarizeQ8(count, input.data(), zero_point, expected.data());
  }
  ForEachRunnableRow(BinarizeQ8Kernels(), ConversionProblem{}, [&](const auto& row) {
    // One guard byte after the output: it must stay untouched.
    std::vector<uint8_t> output(expected.size() + 1, 0xA5);
    row.entry(count, input.data(), is_signed, zero_point, output.data());
    EXPECT_EQ(output.back(), 0xA5);
    output.pop_back();
    ASSERT_EQ(output, expected) << count << " values, zero point " << zero_point;
    fast_rows += row.isa != Isa::kRef;
  });
  return fast_rows;
}

TEST(ConversionKernels, BinarizeQ8MatchesTheReference) {
  for (const uint64_t seed : Seeds(100)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    CheckBinarize(rng, RandomLength(rng));
  }
}

// Every length edge, a few random cases each; on a CPU with optimized rows, each family ran one.
TEST(PointwiseKernels, EveryRowAtEdgeLengths) {
  int add = 0, lookup = 0, quantize = 0, dequantize = 0, binarize = 0;
  for (const uint64_t seed : Seeds(3)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    for (const int64_t count : kLengthEdges) {
      add += CheckAdd(rng, count);
      lookup += CheckLookup(rng, count);
      quantize += CheckQuantize(rng, count);
      dequantize += CheckDequantize(rng, count);
      binarize += CheckBinarize(rng, count);
    }
  }
  if (DetectedIsa() == Isa::kAvx512 || FamilyOf(DetectedIsa()) == IsaFamily::kAArch64) {
    EXPECT_GT(add, 0);
    EXPECT_GT(lookup, 0);
    EXPECT_GT(quantize, 0);
    EXPECT_GT(dequantize, 0);
    EXPECT_GT(binarize, 0);
  }
}

// fp32 with some NaN inputs and signed zeros (the same choice on them, bit for bit), and 8-bit
// with and without a rescale.
TEST(PoolKernels, MaxPoolMatchesTheReference) {
  for (const uint64_t seed : Seeds(150)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    const ref::ConvGeometry g = RandomPoolWindow(rng, false);
    const size_t in_count = static_cast<size_t>(g.batch * g.in_h * g.in_w * g.in_c);
    const size_t out_count = static_cast<size_t>(g.batch * g.out_h * g.out_w * g.out_c);
    std::vector<float> x(in_count);
    for (float& v : x) {
      const int kind = rng.Int(0, 40);
      v = kind == 0   ? std::numeric_limits<float>::quiet_NaN()
          : kind == 1 ? -0.0f
          : kind == 2 ? 0.0f
                      : static_cast<float>(rng.Real(-1, 1));
    }
    std::vector<float> expected(out_count);
    ref::MaxPoolF32(g, x.data(), expected.data());
    const int f32_rows =
        ForEachRunnableRow(MaxPoolF32Kernels(), MaxPoolF32Problem{}, [&](const auto& row) {
          std::vector<float> output(out_count);
          row.entry(g, x.data(), output.data());
          ASSERT_EQ(std::memcmp(output.data(), expected.data(), out_count * sizeof(float)), 0);
        });

    const std::vector<uint8_t> q = RandomBytes(rng, static_cast<int64_t>(in_count));
    const bool in_signed = rng.Bool(), same = rng.Bool();
    const bool out_signed = same ? in_signed : rng.Bool();
    const Requant rescale = QuantizeMultiplier(rng.Real(0.2, 3));
    MaxPoolQ8Params params;
    params.input_zero_point = same ? 0 : (in_signed ? rng.Int(-128, 127) : rng.Int(0, 255));
    params.rescale = same ? nullptr : &rescale;
    params.output_zero_point = same ? 0 : (out_signed ? rng.Int(-128, 127) : rng.Int(0, 255));
    params.lo = out_signed ? -128 : 0;
    params.hi = params.lo + 255;
    std::vector<uint8_t> q_expected(out_count);
    WithQ8Types(in_signed, out_signed, out_signed, [&](auto in, auto out, auto) {
      ref::MaxPoolQ8(g, reinterpret_cast<const decltype(in)*>(q.data()), params.input_zero_point,
                     params.rescale, params.output_zero_point, params.lo, params.hi,
                     reinterpret_cast<decltype(out)*>(q_expected.data()));
    });
    const int q8_rows =
        ForEachRunnableRow(MaxPoolQ8Kernels(), MaxPoolQ8Problem{same}, [&](const auto& row) {
          std::vector<uint8_t> output(out_count);
          row.entry(g, q.data(), in_signed, params, output.data(), out_signed);
          ASSERT_EQ(output, q_expected) << (in_signed ? "s8" : "u8") << (same ? "" : " rescaled");
        });
    if (FamilyOf(DetectedIsa()) == IsaFamily::kAArch64) {  // the NEON rows and the reference
      EXPECT_EQ(f32_rows, 2);
      EXPECT_EQ(q8_rows, same ? 2 : 1);
    }
  }
}

// 8-bit AvgPool and the whole image as the window (GlobalAvgPool), padding counted or not,
// random zero points, scales and output types.
TEST(PoolKernels, AvgPoolQ8MatchesTheReference) {
  for (const uint64_t seed : Seeds(150)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    const ref::ConvGeometry g = RandomPoolWindow(rng, true);
    const size_t in_count = static_cast<size_t>(g.batch * g.in_h * g.in_w * g.in_c);
    const size_t out_count = static_cast<size_t>(g.batch * g.out_h * g.out_w * g.out_c);
    const std::vector<uint8_t> q = RandomBytes(rng, static_cast<int64_t>(in_count));
    const bool in_signed = rng.Bool(), out_signed = rng.Bool();
    const int64_t window = int64_t{g.kernel_h} * g.kernel_w;
    std::vector<Requant> per_count(static_cast<size_t>(window) + 1);
    AvgPoolRequant(static_cast<float>(rng.Real(0.01, 0.1)), static_cast<float>(rng.Real(0.01, 0.1)),
                   window, per_count.data());
    AvgPoolQ8Params params;
    params.count_include_pad = rng.Bool();
    params.input_zero_point = in_signed ? rng.Int(-128, 127) : rng.Int(0, 255);
    params.per_count = per_count.data();
    params.output_zero_point = out_signed ? rng.Int(-128, 127) : rng.Int(0, 255);
    params.lo = out_signed ? -128 : 0;
    params.hi = params.lo + 255;
    std::vector<uint8_t> expected(out_count);
    WithQ8Types(in_signed, out_signed, out_signed, [&](auto in, auto out, auto) {
      ref::AvgPoolQ8(g, params.count_include_pad, reinterpret_cast<const decltype(in)*>(q.data()),
                     params.input_zero_point, params.per_count, params.output_zero_point, params.lo,
                     params.hi, reinterpret_cast<decltype(out)*>(expected.data()));
    });
    const int rows =
        ForEachRunnableRow(AvgPoolQ8Kernels(), AvgPoolQ8Problem{}, [&](const auto& row) {
          std::vector<uint8_t> output(out_count);
          row.entry(g, q.data(), in_signed, params, output.data());
          ASSERT_EQ(output, expected)
              << (in_signed ? "s8" : "u8") << " -> " << (out_signed ? "s8" : "u8");
        });
    EXPECT_GE(rows, 1);
  }
}

}  // namespace
}  // namespace trit::test
