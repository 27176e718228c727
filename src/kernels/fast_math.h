// Branch-free float exp, sigmoid and tanh that the compiler vectorizes when the including file is
// built for AVX2, AVX-512 or AArch64 NEON (the recurrent gates). exp: Cephes' degree-6 polynomial
// on x - n ln 2 and 2^n built in the exponent bits; relative error about 2e-7 over the clamped
// range [-87, 88]. erf and GELU: below. tanh(x) = 1 - 2 / (exp(2x) + 1) where |x| >= 0.25, and its
// Taylor polynomial to x^9 below, where that difference would cancel to an absolute error only:
// relative error below 6e-7 throughout (largest just above 0.25). NaN gives NaN (with no
// NaN-to-integer conversion on the way). The reference recurrent step uses them too
// (ref/cell_step.h's ReferenceMath): plain float arithmetic gives the same bytes under every C
// library, where expf and tanhf do not.
//
// Build is a type from an unnamed namespace of the including ISA file. It makes these functions,
// and every template instantiated with FastMath<Build>, that file's own: the linker keeps one copy
// of an inline function defined in several files, which would run one ISA's build everywhere
// (AVX-512 instructions on an AVX2 machine, or the AVX2 build in the AVX-512 path).
#pragma once

#include <cstdint>
#include <cstring>

namespace trit {

template <typename Build>
struct FastMath {
  static float Exp(float x) {
    x = x < -87.0f ? -87.0f : x;
    x = x > 88.0f ? 88.0f : x;
    // n = round(x / ln 2), by the float addition of 1.5 * 2^23.
    const float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
    const float r = (x - n * 0.693359375f) - n * -2.12194440e-4f;
    float poly = 1.9875691500e-4f;
    poly = poly * r + 1.3981999507e-3f;
    poly = poly * r + 8.3334519073e-3f;
    poly = poly * r + 4.1665795894e-2f;
    poly = poly * r + 1.6666665459e-1f;
    poly = poly * r + 5.0000001201e-1f;
    poly = poly * r * r + r + 1.0f;
    // n == n is false only for NaN, whose poly is NaN already: the integer comes from 0 instead.
    const int32_t bits = (static_cast<int32_t>(n == n ? n : 0.0f) + 127) << 23;
    float scale;
    std::memcpy(&scale, &bits, sizeof(scale));
    return poly * scale;
  }
  // e^x over all floats, for the Exp op: Exp above clamps to [-87, 88], where the activations
  // saturate anyway. Beyond that, the square of e^(x/2): inf from 88.72 up (as expf), and the
  // denormals down to -103.9 (one extra rounding, about 2 ulps, where they are not). NaN is
  // passed on by hand: a vectorized clamp may turn it into -87.
  static float ExpAnywhere(float x) {
    const float half = Exp(0.5f * x);
    const float e = x > 87.0f || x < -87.0f ? half * half : Exp(x);
    return x == x ? e : x;
  }
  static float Sigmoid(float v) { return 1.0f / (1.0f + Exp(-v)); }
  // x tanh(log(1 + e^x)) without a logarithm: with e = e^x, tanh(log(1 + e)) = n / (n + 2),
  // n = e (e + 2). Above x = 20 that is 1 to float precision (and n would overflow from 44 on),
  // so e is taken at min(x, 20); below, n / (n + 2) tends to e and keeps its relative precision.
  static float Mish(float x) {
    const float e = Exp(x < 20.0f ? x : 20.0f);
    const float n = e * (e + 2.0f);
    return x * (n / (n + 2.0f));
  }
  static float Tanh(float v) {
    const float v2 = v * v;
    float series = 62.0f / 2835.0f;
    series = series * v2 - 17.0f / 315.0f;
    series = series * v2 + 2.0f / 15.0f;
    series = series * v2 - 1.0f / 3.0f;
    series = series * v2 * v + v;
    const float from_exp = 1.0f - 2.0f / (Exp(2.0f * v) + 1.0f);
    return (v < 0.25f && v > -0.25f) ? series : from_exp;
  }

  // erfc(z) for z >= 0 given z^2 (which callers form with fewer roundings than z * z): the
  // Chebyshev fit of Press et al. (Numerical Recipes, erfcc), t exp(-z^2 + P(t)) with
  // t = 1 / (1 + z / 2), relative error below 1.2e-7 everywhere, so the tails keep their digits
  // where 1 - erf(z) would cancel to nothing. Large z underflows to exp's clamp (about 1e-38).
  static float ErfcOfNonNegative(float z, float z_squared) {
    const float t = 1.0f / (1.0f + 0.5f * z);
    float p = 0.17087277f;
    p = p * t - 0.82215223f;
    p = p * t + 1.48851587f;
    p = p * t - 1.13520398f;
    p = p * t + 0.27886807f;
    p = p * t - 0.18628806f;
    p = p * t + 0.09678418f;
    p = p * t + 0.37409196f;
    p = p * t + 1.00002368f;
    p = p * t - 1.26551223f;
    return t * Exp(p - z_squared);
  }
  // erf(x): its Maclaurin series to x^11 where |x| < 1/2 (truncation below 3e-8 relative), where
  // 1 - erfc would lose the leading digits; 1 - erfc(|x|) with x's sign elsewhere.
  static float Erf(float x) {
    const float x2 = x * x;
    float series = -1.0f / 1320.0f;
    series = series * x2 + 1.0f / 216.0f;
    series = series * x2 - 1.0f / 42.0f;
    series = series * x2 + 1.0f / 10.0f;
    series = series * x2 - 1.0f / 3.0f;
    series = (series * x2 + 1.0f) * (x * 1.12837916709551257f);  // 2 / sqrt(pi)
    const float z = x < 0.0f ? -x : x;
    const float from_erfc = 1.0f - ErfcOfNonNegative(z, x2);
    const float signed_erfc = x < 0.0f ? -from_erfc : from_erfc;
    return z < 0.5f ? series : signed_erfc;
  }
  // GELU, x Phi(x) with Phi(x) = erfc(-x / sqrt 2) / 2: the tail erfc(|x| / sqrt 2) / 2 where x
  // is negative, 1 minus it where positive; |x| / sqrt 2 squared is x * x / 2, one rounding.
  // Below -14 both GELUs are under float's smallest normal: -0, not x times exp's clamp.
  static float Gelu(float x) {
    const float z = (x < 0.0f ? -x : x) * 0.70710678118654752f;
    const float tail = 0.5f * ErfcOfNonNegative(z, 0.5f * (x * x));
    const float y = x * (x < 0.0f ? tail : 1.0f - tail);
    return x < -14.0f ? -0.0f : y;
  }
  // GELU's tanh form: x (1 + tanh(u)) / 2 = x sigmoid(2u), u = sqrt(2 / pi) (x + 0.044715 x^3);
  // the sigmoid form has no cancellation where x is negative.
  static float GeluTanh(float x) {
    const float two_u = 1.59576912160573071f * (x + 0.044715f * (x * x * x));
    const float y = x * Sigmoid(two_u);
    return x < -14.0f ? -0.0f : y;
  }
};

}  // namespace trit
