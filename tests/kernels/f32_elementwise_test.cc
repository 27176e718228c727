// Every row of the fp32 element-wise tables (activations, binary ops with broadcasting, AvgPool)
// that this CPU runs, against the reference kernels. Binary ops and AvgPool bit for bit (one
// correctly rounded operation per element, sums in the reference's order). Activations within
// the bounds stated below: Sigmoid and Tanh are polynomials (kernels/fast_math.h), the others
// may contract to an FMA or multiply by 1/6. NaN, infinities, signed zeros and the ends of
// exp's clamp are among the inputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "kernel_tester.h"
#include "kernels/ref/activation.h"
#include "kernels/ref/elementwise.h"
#include "kernels/ref/layer_norm.h"
#include "kernels/ref/pool.h"
#include "kernels/ref/softmax.h"
#include "kernels/registry/activation.h"
#include "kernels/registry/elementwise.h"
#include "kernels/registry/pool.h"

namespace trit::test {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// Lengths on both sides of the 4-, 8- and 16-float vectors.
constexpr int64_t kLengths[] = {0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100};

// Values from every range the activations treat apart: |x| below and above tanh's 0.25 switch,
// the saturated ends, exp's clamp at -87 and 88, and the special values.
std::vector<float> RandomValues(Rng& rng, int64_t count) {
  std::vector<float> v(static_cast<size_t>(count));
  for (float& x : v) {
    switch (rng.Int(0, 9)) {
      case 0:
        x = static_cast<float>(rng.Real(-0.3, 0.3));
        break;
      case 1:
        x = static_cast<float>(std::ldexp(rng.Real(-1, 1), -rng.Int(3, 40)));
        break;
      case 2:
        x = static_cast<float>(rng.Real(-120, 120));
        break;
      case 3: {
        const float specials[] = {kNaN,   kInf,  -kInf,  0.0f,  -0.0f,  87.0f, -87.0f, 88.0f,
                                  -88.0f, 44.0f, -44.0f, 0.25f, -0.25f, 3.0f,  -3.0f,  6.0f};
        x = rng.Pick(specials);
        break;
      }
      default:
        x = static_cast<float>(rng.Real(-9, 9));
    }
  }
  return v;
}

// |x f'(x)| for the erf-based ops, in double: how much they move under a relative change of the
// input. A float evaluation rounds x / sqrt 2 and x^2 on the way, so its error grows with it
// (GELU's left tail, erf(x) for x near 2) however exact the polynomial.
double Sensitivity(F32UnaryOp op, double x) {
  constexpr double kPi = 3.14159265358979323846;
  switch (op) {
    case F32UnaryOp::kErf:
      return std::fabs(x * 2 / std::sqrt(kPi) * std::exp(-x * x));
    case F32UnaryOp::kGelu:
      return std::fabs(x * (0.5 * std::erfc(-x / std::sqrt(2.0)) +
                            x * std::exp(-x * x / 2) / std::sqrt(2 * kPi)));
    case F32UnaryOp::kExp:
      return std::fabs(x * std::exp(x));
    case F32UnaryOp::kMish: {  // (x g(x))' = g + x (1 - g^2) sigmoid(x), g = tanh(softplus(x))
      const double g = std::tanh(x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)));
      return std::fabs(x * (g + x * (1 - g * g) / (1 + std::exp(-x))));
    }
    case F32UnaryOp::kGeluTanh: {
      const double s = 1 / (1 + std::exp(-1.5957691216057307 * (x + 0.044715 * x * x * x)));
      return std::fabs(x * (s + x * s * (1 - s) * 1.5957691216057307 * (1 + 0.134145 * x * x)));
    }
    default:
      return 0;
  }
}

// The error a row may have against the reference at input x: relative for Sigmoid and Tanh
// (below exp's clamp at -87, Sigmoid's tiny values absolute); one rounding of the terms before
// their cancellation for HardSigmoid (alpha x + beta, maybe as an FMA) and HardSwish (x / 6 +
// 1/2, as x * (1/6)); Clip exact.
double Bound(F32UnaryOp op, float x, float expected, const F32UnaryParams& p) {
  constexpr double kUlp = 1.2e-7;  // 2^-23
  const double magnitude = std::fabs(expected);
  switch (op) {
    case F32UnaryOp::kSigmoid:
      return 5e-7 * magnitude + 2e-38;
    case F32UnaryOp::kSilu:  // x * sigmoid(x): Sigmoid's bound and one product
      return 6e-7 * magnitude + 1e-33;
    case F32UnaryOp::kTanh:  // largest just above 0.25, where 1 - 2 / (e + 1) cancels most
      return 6e-7 * magnitude;
    case F32UnaryOp::kHardSigmoid:
      return kUlp * (std::fabs(p.alpha * x) + std::fabs(p.beta));
    case F32UnaryOp::kHardSwish:
      return kUlp * (std::fabs(x) + magnitude);
    case F32UnaryOp::kClip:
      return 0;
    case F32UnaryOp::kErf:  // erfc's fit (1.2e-7) and exp (2e-7), then the input's roundings
    case F32UnaryOp::kGelu:
    case F32UnaryOp::kGeluTanh:  // the Sigmoid of 2u and the roundings of u
      return 6e-7 * magnitude + 4 * kUlp * Sensitivity(op, x) + 1e-38 * (1 + std::fabs(x));
    case F32UnaryOp::kMish:  // exp (2e-7), then e (e + 2) / (n + 2) and the product: 4 roundings
      return 6e-7 * magnitude + 4 * kUlp * Sensitivity(op, x) + 1e-33;
    case F32UnaryOp::kSoftplus:  // the reference only: no row to bound
      return 0;
    case F32UnaryOp::kExp:  // the polynomial (2e-7) and the reduction's rounding of x - n ln 2;
                            // below FLT_MIN, two denormal ulps
      return 3e-7 * magnitude + 2 * kUlp * Sensitivity(op, x) + 3e-45;
  }
  return 0;
}

const char* OpName(F32UnaryOp op) {
  switch (op) {
    case F32UnaryOp::kClip:
      return "Clip";
    case F32UnaryOp::kSigmoid:
      return "Sigmoid";
    case F32UnaryOp::kTanh:
      return "Tanh";
    case F32UnaryOp::kHardSigmoid:
      return "HardSigmoid";
    case F32UnaryOp::kHardSwish:
      return "HardSwish";
    case F32UnaryOp::kSilu:
      return "Silu";
    case F32UnaryOp::kErf:
      return "Erf";
    case F32UnaryOp::kGelu:
      return "Gelu";
    case F32UnaryOp::kGeluTanh:
      return "GeluTanh";
    case F32UnaryOp::kExp:
      return "Exp";
    case F32UnaryOp::kSoftplus:
      return "Softplus";
    case F32UnaryOp::kMish:
      return "Mish";
  }
  return "?";
}

void Reference(F32UnaryOp op, const std::vector<float>& x, const F32UnaryParams& p,
               std::vector<float>& y) {
  const auto n = static_cast<int64_t>(x.size());
  switch (op) {
    case F32UnaryOp::kClip:
      return ref::ClipF32(n, x.data(), p.lo, p.hi, y.data());
    case F32UnaryOp::kSigmoid:
      return ref::SigmoidF32(n, x.data(), y.data());
    case F32UnaryOp::kTanh:
      return ref::TanhF32(n, x.data(), y.data());
    case F32UnaryOp::kHardSigmoid:
      return ref::HardSigmoidF32(n, x.data(), p.alpha, p.beta, y.data());
    case F32UnaryOp::kHardSwish:
      return ref::HardSwishF32(n, x.data(), y.data());
    case F32UnaryOp::kSilu:
      return ref::SiluF32(n, x.data(), y.data());
    case F32UnaryOp::kErf:
      return ref::ErfF32(n, x.data(), y.data());
    case F32UnaryOp::kGelu:
      return ref::GeluF32(n, x.data(), y.data());
    case F32UnaryOp::kGeluTanh:
      return ref::GeluTanhF32(n, x.data(), y.data());
    case F32UnaryOp::kExp:
      return ref::ExpF32(n, x.data(), y.data());
    case F32UnaryOp::kSoftplus:
      return ref::SoftplusF32(n, x.data(), y.data());
    case F32UnaryOp::kMish:
      return ref::MishF32(n, x.data(), y.data());
  }
}

// Runs every row of `op` on x and returns how many optimized rows ran; the largest error seen
// relative to the bound goes to worst (at most 1 when all pass).
int CheckUnary(F32UnaryOp op, const std::vector<float>& x, const F32UnaryParams& p, double& worst) {
  std::vector<float> expected(x.size());
  Reference(op, x, p, expected);
  int fast_rows = 0;
  ForEachRunnableRow(F32UnaryKernels(), F32UnaryProblem{op}, [&](const auto& row) {
    std::vector<float> y(x.size(), -1.0f);
    row.entry(op, static_cast<int64_t>(x.size()), x.data(), p, y.data());
    for (size_t i = 0; i < x.size(); ++i) {
      // Silu and GELU at -inf: the reference's -inf / inf (-inf * 0) is NaN, the rows' -inf times
      // the gate at exp's clamp is -inf.
      if ((op == F32UnaryOp::kSilu || op == F32UnaryOp::kGelu || op == F32UnaryOp::kGeluTanh ||
           op == F32UnaryOp::kMish) &&
          x[i] == -kInf) {
        continue;
      }
      if (std::isnan(expected[i])) {
        ASSERT_TRUE(std::isnan(y[i])) << OpName(op) << "(" << x[i] << ") gave " << y[i];
        continue;
      }
      if (y[i] == expected[i]) continue;  // infinities included
      const double error = std::fabs(static_cast<double>(y[i]) - expected[i]);
      const double bound = Bound(op, x[i], expected[i], p);
      ASSERT_LE(error, bound) << OpName(op) << "(" << x[i] << "): " << y[i] << ", reference "
                              << expected[i];
      if (bound > 0) worst = std::max(worst, error / bound);
    }
    fast_rows += row.isa != Isa::kRef;
  });
  return fast_rows;
}

constexpr F32UnaryOp kUnaryOps[] = {
    F32UnaryOp::kClip,      F32UnaryOp::kSigmoid, F32UnaryOp::kTanh, F32UnaryOp::kHardSigmoid,
    F32UnaryOp::kHardSwish, F32UnaryOp::kSilu,    F32UnaryOp::kErf,  F32UnaryOp::kGelu,
    F32UnaryOp::kGeluTanh,  F32UnaryOp::kExp,     F32UnaryOp::kMish};

TEST(F32ElementwiseKernels, ActivationsStayWithinTheirBounds) {
  int fast_rows = 0;
  std::map<F32UnaryOp, double> worst_of_op;
  for (const uint64_t seed : Seeds(60)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    for (const F32UnaryOp op : kUnaryOps) {
      const std::vector<float> x =
          RandomValues(rng, rng.Bool() ? rng.Pick(kLengths) : rng.Int(100, 3000));
      F32UnaryParams p;
      p.lo = rng.Bool() ? 0.0f : static_cast<float>(rng.Real(-3, 0));
      p.hi = rng.Bool() ? kInf : static_cast<float>(rng.Real(0, 6));
      p.alpha = static_cast<float>(rng.Real(0.1, 0.3));
      p.beta = static_cast<float>(rng.Real(0.3, 0.7));
      fast_rows += CheckUnary(op, x, p, worst_of_op[op]);
    }
  }
  // Each polynomial's bound tight enough to fail: a tenth of it would not hold. (Clip is exact;
  // HardSigmoid and HardSwish are where the compiler does not contract to an FMA.)
  for (const auto& [op, worst] : worst_of_op) {
    std::printf("%s: worst error %.3f of its bound\n", OpName(op), worst);
    if (op != F32UnaryOp::kClip && op != F32UnaryOp::kHardSigmoid && op != F32UnaryOp::kHardSwish) {
      EXPECT_GT(worst, 0.1) << OpName(op);
    }
  }
  if (DetectedIsa() == Isa::kAvx512 || FamilyOf(DetectedIsa()) == IsaFamily::kAArch64) {
    EXPECT_GE(fast_rows, 60 * 11);
  }
}

// Every float whose magnitude is a power of two from 2^-30 to 2^7, and its neighbours: the
// reduction and the tanh switch at every scale.
TEST(F32ElementwiseKernels, ActivationsAtEveryScale) {
  std::vector<float> x;
  for (int e = -30; e <= 7; ++e) {
    for (const float sign : {1.0f, -1.0f}) {
      const float v = sign * std::ldexp(1.0f, e);
      x.insert(x.end(), {std::nextafter(v, 0.0f), v, std::nextafter(v, 2 * v), 1.5f * v});
    }
  }
  double worst = 0;
  for (const F32UnaryOp op : kUnaryOps) CheckUnary(op, x, F32UnaryParams{0.0f, 6.0f}, worst);
}

// LayerNorm over contiguous rows: every row of the table against the reference (double), on
// rows of 1 to 1,000 values whose mean may be large against their spread. Float sums lose
// about |mean| / std of the spread's digits, so the bound scales with it:
// |y - ref| <= 1e-6 (1 + |mean| / std) |scale| (|z| + 1) + 1e-6 |bias|, z the normalized value.
TEST(F32ElementwiseKernels, LayerNormStaysWithinItsBound) {
  int fast_rows = 0;
  double worst = 0;
  for (const uint64_t seed : Seeds(40)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    const int64_t rows = rng.Int(1, 4);
    const int64_t length = rng.Bool() ? rng.Pick(kLengths) + 1 : rng.Int(100, 1000);
    const double offset = rng.Bool() ? 0.0 : rng.Real(-100, 100);
    const double spread = std::ldexp(1.0, rng.Int(-6, 6));
    std::vector<float> x(static_cast<size_t>(rows * length)), scale(static_cast<size_t>(length)),
        bias(scale.size());
    for (float& v : x) v = static_cast<float>(offset + spread * rng.Real(-1, 1));
    for (float& v : scale) v = static_cast<float>(rng.Real(-2, 2));
    for (float& v : bias) v = static_cast<float>(rng.Real(-1, 1));
    const float epsilon = rng.Bool() ? 1e-5f : 1e-12f;
    const bool with_bias = rng.Bool();
    std::vector<float> expected(x.size());
    ref::LayerNormF32(rows, length, x.data(), scale.data(), with_bias ? bias.data() : nullptr,
                      epsilon, expected.data());
    ForEachRunnableRow(F32LayerNormKernels(), F32LayerNormProblem{}, [&](const auto& row) {
      std::vector<float> y(x.size(), -1.0f);
      row.entry(rows, length, x.data(), scale.data(), with_bias ? bias.data() : nullptr, epsilon,
                y.data());
      for (int64_t r = 0; r < rows; ++r) {
        double mean = 0, var = 0;
        for (int64_t i = 0; i < length; ++i) mean += x[static_cast<size_t>(r * length + i)];
        mean /= static_cast<double>(length);
        for (int64_t i = 0; i < length; ++i) {
          const double d = x[static_cast<size_t>(r * length + i)] - mean;
          var += d * d / static_cast<double>(length);
        }
        const double std_dev = std::sqrt(var + epsilon);
        for (int64_t i = 0; i < length; ++i) {
          const auto k = static_cast<size_t>(r * length + i);
          const double z = (x[k] - mean) / std_dev;
          const double bound = 1e-6 * (1 + std::fabs(mean) / std_dev) *
                                   std::fabs(scale[static_cast<size_t>(i)]) * (std::fabs(z) + 1) +
                               (with_bias ? 1e-6 * std::fabs(bias[static_cast<size_t>(i)]) : 0.0);
          const double error = std::fabs(static_cast<double>(y[k]) - expected[k]);
          ASSERT_LE(error, bound) << row.name << " row " << r << " element " << i << " of "
                                  << length;
          if (bound > 0) worst = std::max(worst, error / bound);
        }
      }
      fast_rows += row.isa != Isa::kRef;
    });
  }
  std::printf("LayerNorm: worst error %.3f of its bound\n", worst);
  EXPECT_GT(worst, 0.1);
  if (DetectedIsa() == Isa::kAvx512 || FamilyOf(DetectedIsa()) == IsaFamily::kAArch64) {
    EXPECT_GE(fast_rows, 40);
  }
}

// Softmax over the last axis: every row within relative 1e-6 of the reference (the exp
// polynomial, a sum in another order, a product by 1 / sum), NaN rows NaN; rows of NaN, infinite
// and very negative values among them. Other axes run the reference (checked: it is chosen).
TEST(F32ElementwiseKernels, SoftmaxStaysWithinItsBound) {
  int fast_rows = 0;
  for (const uint64_t seed : Seeds(80)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    const int64_t outer = rng.Int(1, 5);
    const int64_t length = rng.Bool() ? std::max<int64_t>(1, rng.Pick(kLengths)) : rng.Int(1, 1000);
    std::vector<float> x = RandomValues(rng, outer * length);
    if (rng.Bool()) {  // mostly finite rows: the specials are one value in ten otherwise
      for (float& v : x) v = std::isfinite(v) ? v : 0.5f;
    }
    std::vector<float> expected(x.size());
    ref::SoftmaxF32(outer, length, 1, x.data(), expected.data());
    ForEachRunnableRow(F32SoftmaxKernels(), F32SoftmaxProblem{1}, [&](const auto& row) {
      std::vector<float> y(x.size(), -1.0f);
      row.entry(outer, length, 1, x.data(), y.data());
      for (size_t i = 0; i < y.size(); ++i) {
        if (std::isnan(expected[i])) {
          ASSERT_TRUE(std::isnan(y[i])) << i;
          continue;
        }
        ASSERT_LE(std::fabs(static_cast<double>(y[i]) - expected[i]),
                  1e-6 * std::fabs(expected[i]) + 1e-37)
            << "element " << i << " of " << outer << " x " << length << ": " << y[i]
            << ", reference " << expected[i];
      }
      fast_rows += row.isa != Isa::kRef;
    });
    EXPECT_EQ(FindKernel(F32SoftmaxKernels(), F32SoftmaxProblem{3}, DetectedIsa())->isa, Isa::kRef);
  }
  if (DetectedIsa() == Isa::kAvx512 || FamilyOf(DetectedIsa()) == IsaFamily::kAArch64) {
    EXPECT_GE(fast_rows, 80);
  }
}

bool SameFloats(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) && std::isnan(b[i])) continue;
    if (std::bit_cast<uint32_t>(a[i]) != std::bit_cast<uint32_t>(b[i])) return false;
  }
  return true;
}

TEST(F32ElementwiseKernels, BinaryOpsWithBroadcastingMatchTheReference) {
  int fast_rows = 0;
  for (const uint64_t seed : Seeds(200)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    const auto [shape_a, shape_b, broadcast, count_a, count_b] = RandomBroadcast(rng);
    const std::vector<float> a = RandomValues(rng, count_a), b = RandomValues(rng, count_b);
    for (const F32BinaryOp op : {F32BinaryOp::kAdd, F32BinaryOp::kSub, F32BinaryOp::kMul,
                                 F32BinaryOp::kDiv, F32BinaryOp::kMin, F32BinaryOp::kMax}) {
      std::vector<float> expected(static_cast<size_t>(broadcast.count));
      switch (op) {
        case F32BinaryOp::kAdd:
          ref::AddF32(broadcast, a.data(), b.data(), expected.data());
          break;
        case F32BinaryOp::kSub:
          ref::SubF32(broadcast, a.data(), b.data(), expected.data());
          break;
        case F32BinaryOp::kMul:
          ref::MulF32(broadcast, a.data(), b.data(), expected.data());
          break;
        case F32BinaryOp::kDiv:
          ref::DivF32(broadcast, a.data(), b.data(), expected.data());
          break;
        case F32BinaryOp::kMin:
          ref::MinF32(broadcast, a.data(), b.data(), expected.data());
          break;
        case F32BinaryOp::kMax:
          ref::MaxF32(broadcast, a.data(), b.data(), expected.data());
          break;
      }
      ForEachRunnableRow(F32BinaryKernels(), F32BinaryProblem{op}, [&](const auto& row) {
        std::vector<float> output(expected.size(), -1.0f);
        row.entry(op, broadcast, a.data(), b.data(), output.data());
        ASSERT_TRUE(SameFloats(output, expected)) << row.name;
        fast_rows += row.isa != Isa::kRef;
      });
    }
  }
  if (DetectedIsa() == Isa::kAvx512 || FamilyOf(DetectedIsa()) == IsaFamily::kAArch64) {
    EXPECT_GE(fast_rows, 200 * 6);
  }
}

// fp32 AvgPool and the whole image as the window (GlobalAvgPool), padding counted or not.
TEST(F32ElementwiseKernels, AvgPoolMatchesTheReference) {
  int fast_rows = 0;
  for (const uint64_t seed : Seeds(150)) {
    TRIT_SEED_SCOPE(seed);
    Rng rng(seed);
    const ref::ConvGeometry g = RandomPoolWindow(rng, true);
    const bool count_include_pad = rng.Bool();
    const std::vector<float> x = RandomValues(rng, int64_t{g.batch} * g.in_h * g.in_w * g.in_c);
    std::vector<float> expected(
        static_cast<size_t>(int64_t{g.batch} * g.out_h * g.out_w * g.out_c));
    ref::AvgPoolF32(g, count_include_pad, x.data(), expected.data());
    ForEachRunnableRow(AvgPoolF32Kernels(), AvgPoolF32Problem{}, [&](const auto& row) {
      std::vector<float> output(expected.size(), -1.0f);
      row.entry(g, count_include_pad, x.data(), output.data());
      ASSERT_TRUE(SameFloats(output, expected)) << row.name;
      fast_rows += row.isa != Isa::kRef;
    });
  }
  if (DetectedIsa() == Isa::kAvx512 || FamilyOf(DetectedIsa()) == IsaFamily::kAArch64) {
    EXPECT_GE(fast_rows, 150);
  }
}

}  // namespace
}  // namespace trit::test
