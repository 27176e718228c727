// Built with the AVX-512 F flags (kernels/CMakeLists.txt). Sigmoid, Silu, Tanh, Erf and the two
// GELUs are written out:
// the compiler's vectorization of fast_math.h divides with VDIVPS, whose throughput (one per
// 16 or so cycles) bounds them at about 2.4 G elements/s; here 1 / d is VRCP14PS and one
// Newton step (relative error below 2^-27, under half an ulp before rounding) and 2^n is
// VSCALEFPS. The rest are the shared loops, vectorized by the compiler.
#include <immintrin.h>

#include <initializer_list>

#include "kernels/f32_elementwise_loops.h"
#include "kernels/x86/f32_elementwise.h"

namespace trit::x86 {
namespace {
struct Avx512Build {};  // this file's own FastMath (fast_math.h)

// fast_math.h's Exp: the same clamp, reduction and polynomial; 2^n by VSCALEFPS. NaN stays NaN.
inline __m512 Exp(__m512 x) {
  x = _mm512_max_ps(x, _mm512_set1_ps(-87.0f));  // MAXPS returns its second operand on NaN:
  x = _mm512_min_ps(x, _mm512_set1_ps(88.0f));   // the NaN lanes keep the clamp bound...
  // n = round(x / ln 2) by adding and subtracting 1.5 * 2^23, as fast_math.h.
  const __m512 magic = _mm512_set1_ps(12582912.0f);
  const __m512 n =
      _mm512_sub_ps(_mm512_fmadd_ps(x, _mm512_set1_ps(1.44269504088896341f), magic), magic);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 poly = _mm512_set1_ps(1.9875691500e-4f);
  poly = _mm512_fmadd_ps(poly, r, _mm512_set1_ps(1.3981999507e-3f));
  poly = _mm512_fmadd_ps(poly, r, _mm512_set1_ps(8.3334519073e-3f));
  poly = _mm512_fmadd_ps(poly, r, _mm512_set1_ps(4.1665795894e-2f));
  poly = _mm512_fmadd_ps(poly, r, _mm512_set1_ps(1.6666665459e-1f));
  poly = _mm512_fmadd_ps(poly, r, _mm512_set1_ps(5.0000001201e-1f));
  poly = _mm512_fmadd_ps(_mm512_mul_ps(poly, r), r, _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
  return _mm512_scalef_ps(poly, n);
}

// 1 / d: the 14-bit estimate and one Newton step, y + y (1 - d y).
inline __m512 Reciprocal(__m512 d) {
  const __m512 y = _mm512_rcp14_ps(d);
  return _mm512_fmadd_ps(y, _mm512_fnmadd_ps(d, y, _mm512_set1_ps(1.0f)), y);
}

inline __m512 Sigmoid(__m512 x) {
  const __m512 s =
      Reciprocal(_mm512_add_ps(_mm512_set1_ps(1.0f), Exp(_mm512_sub_ps(_mm512_setzero_ps(), x))));
  return _mm512_mask_mov_ps(s, _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q), x);  // ...restored here
}

// fast_math.h's Tanh: the Taylor polynomial where |x| < 0.25, 1 - 2 / (exp(2x) + 1) elsewhere.
inline __m512 Tanh(__m512 x) {
  const __m512 x2 = _mm512_mul_ps(x, x);
  __m512 series = _mm512_set1_ps(62.0f / 2835.0f);
  series = _mm512_fmadd_ps(series, x2, _mm512_set1_ps(-17.0f / 315.0f));
  series = _mm512_fmadd_ps(series, x2, _mm512_set1_ps(2.0f / 15.0f));
  series = _mm512_fmadd_ps(series, x2, _mm512_set1_ps(-1.0f / 3.0f));
  series = _mm512_fmadd_ps(_mm512_mul_ps(series, x2), x, x);
  const __m512 e = Exp(_mm512_add_ps(x, x));
  const __m512 from_exp =
      _mm512_fnmadd_ps(_mm512_set1_ps(2.0f), Reciprocal(_mm512_add_ps(e, _mm512_set1_ps(1.0f))),
                       _mm512_set1_ps(1.0f));
  const __mmask16 small = _mm512_cmp_ps_mask(_mm512_abs_ps(x), _mm512_set1_ps(0.25f), _CMP_LT_OQ);
  const __m512 y = _mm512_mask_mov_ps(from_exp, small, series);
  return _mm512_mask_mov_ps(y, _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q), x);
}

// fast_math.h's ErfcOfNonNegative, for |x| given its square (both clamped by the callers: the
// reciprocal's Newton step would make NaN of an infinite z).
inline __m512 ErfcOfNonNegative(__m512 z, __m512 z_squared) {
  const __m512 t = Reciprocal(_mm512_fmadd_ps(z, _mm512_set1_ps(0.5f), _mm512_set1_ps(1.0f)));
  __m512 p = _mm512_set1_ps(0.17087277f);
  for (const float c : {-0.82215223f, 1.48851587f, -1.13520398f, 0.27886807f, -0.18628806f,
                        0.09678418f, 0.37409196f, 1.00002368f, -1.26551223f}) {
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(c));
  }
  return _mm512_mul_ps(t, Exp(_mm512_sub_ps(p, z_squared)));
}

// Past |x| = 16 erfc(|x|) and erfc(|x| / sqrt 2) are below exp's clamp: the clamp changes nothing.
constexpr float kErfcClamp = 16.0f;

// fast_math.h's Erf: the series where |x| < 1/2, 1 - erfc(|x|) with x's sign elsewhere.
inline __m512 Erf(__m512 x) {
  const __m512 x2 = _mm512_mul_ps(x, x);
  __m512 series = _mm512_set1_ps(-1.0f / 1320.0f);
  for (const float c : {1.0f / 216.0f, -1.0f / 42.0f, 1.0f / 10.0f, -1.0f / 3.0f, 1.0f}) {
    series = _mm512_fmadd_ps(series, x2, _mm512_set1_ps(c));
  }
  series = _mm512_mul_ps(series, _mm512_mul_ps(x, _mm512_set1_ps(1.12837916709551257f)));
  const __m512 z = _mm512_min_ps(_mm512_abs_ps(x), _mm512_set1_ps(kErfcClamp));
  const __m512 from_erfc = _mm512_sub_ps(
      _mm512_set1_ps(1.0f),
      ErfcOfNonNegative(z, _mm512_min_ps(x2, _mm512_set1_ps(kErfcClamp * kErfcClamp))));
  const __m512i sign = _mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32(INT32_MIN));
  const __m512 signed_erfc =
      _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(from_erfc), sign));
  const __mmask16 small = _mm512_cmp_ps_mask(_mm512_abs_ps(x), _mm512_set1_ps(0.5f), _CMP_LT_OQ);
  const __m512 y = _mm512_mask_mov_ps(signed_erfc, small, series);
  return _mm512_mask_mov_ps(y, _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q), x);
}

// -0 where x < -14, as fast_math.h's GELUs.
inline __m512 Underflowed(__m512 x, __m512 y) {
  return _mm512_mask_mov_ps(y, _mm512_cmp_ps_mask(x, _mm512_set1_ps(-14.0f), _CMP_LT_OQ),
                            _mm512_set1_ps(-0.0f));
}

// fast_math.h's Gelu: x erfc(|x| / sqrt 2) / 2 where x < 0, x (1 - that) elsewhere.
inline __m512 Gelu(__m512 x) {
  const __m512 clamped = _mm512_min_ps(_mm512_abs_ps(x), _mm512_set1_ps(kErfcClamp));
  const __m512 half_square = _mm512_mul_ps(_mm512_set1_ps(0.5f), _mm512_mul_ps(clamped, clamped));
  const __m512 tail = _mm512_mul_ps(
      _mm512_set1_ps(0.5f),
      ErfcOfNonNegative(_mm512_mul_ps(clamped, _mm512_set1_ps(0.70710678118654752f)), half_square));
  const __mmask16 negative = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_LT_OQ);
  const __m512 phi = _mm512_mask_mov_ps(_mm512_sub_ps(_mm512_set1_ps(1.0f), tail), negative, tail);
  return Underflowed(x, _mm512_mul_ps(x, phi));  // a NaN x stays NaN through the product
}

// fast_math.h's GeluTanh: x sigmoid(2u).
inline __m512 GeluTanh(__m512 x) {
  const __m512 cube = _mm512_mul_ps(_mm512_mul_ps(x, x), x);
  const __m512 two_u = _mm512_mul_ps(_mm512_set1_ps(1.59576912160573071f),
                                     _mm512_fmadd_ps(cube, _mm512_set1_ps(0.044715f), x));
  return Underflowed(x, _mm512_mul_ps(x, Sigmoid(two_u)));
}

template <typename Op>
void Map(int64_t count, const float* x, float* y, Op op) {
  int64_t i = 0;
  for (; i + 16 <= count; i += 16) _mm512_storeu_ps(y + i, op(_mm512_loadu_ps(x + i)));
  if (i < count) {
    const auto tail = static_cast<__mmask16>((1u << (count - i)) - 1);
    _mm512_mask_storeu_ps(y + i, tail, op(_mm512_maskz_loadu_ps(tail, x + i)));
  }
}

}  // namespace

void UnaryF32Avx512(F32UnaryOp op, int64_t count, const float* x, const F32UnaryParams& p,
                    float* y) {
  switch (op) {
    case F32UnaryOp::kSigmoid:
      return Map(count, x, y, [](__m512 v) { return Sigmoid(v); });
    case F32UnaryOp::kTanh:
      return Map(count, x, y, [](__m512 v) { return Tanh(v); });
    case F32UnaryOp::kSilu:  // x * sigmoid(x); NaN stays NaN through the product
      return Map(count, x, y, [](__m512 v) { return _mm512_mul_ps(v, Sigmoid(v)); });
    case F32UnaryOp::kErf:
      return Map(count, x, y, [](__m512 v) { return Erf(v); });
    case F32UnaryOp::kMish:  // FastMath::Mish; NaN stays NaN through the product with x
      return Map(count, x, y, [](__m512 v) {
        const __m512 e = Exp(_mm512_min_ps(v, _mm512_set1_ps(20.0f)));
        const __m512 n = _mm512_mul_ps(e, _mm512_add_ps(e, _mm512_set1_ps(2.0f)));
        return _mm512_mul_ps(v, _mm512_div_ps(n, _mm512_add_ps(n, _mm512_set1_ps(2.0f))));
      });
    case F32UnaryOp::kExp:  // FastMath::ExpAnywhere: e^(x/2) squared beyond Exp's clamp
      return Map(count, x, y, [](__m512 v) {
        const __mmask16 nan = _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
        const __mmask16 far =
            _mm512_cmp_ps_mask(_mm512_abs_ps(v), _mm512_set1_ps(87.0f), _CMP_GT_OQ);
        __m512 e = Exp(v);
        if (far) {
          const __m512 half = Exp(_mm512_mul_ps(v, _mm512_set1_ps(0.5f)));
          e = _mm512_mask_mul_ps(e, far, half, half);
        }
        return _mm512_mask_mov_ps(e, nan, v);
      });
    case F32UnaryOp::kGelu:
      return Map(count, x, y, [](__m512 v) { return Gelu(v); });
    case F32UnaryOp::kGeluTanh:
      return Map(count, x, y, [](__m512 v) { return GeluTanh(v); });
    default:
      return UnaryF32Loop<Avx512Build>(op, count, x, p, y);
  }
}

void LayerNormRowsF32Avx512(int64_t rows, int64_t length, const float* x, const float* scale,
                            const float* bias, float epsilon, float* y) {
  LayerNormRowsF32Loop(rows, length, x, scale, bias, epsilon, y);
}

void SoftmaxRowsF32Avx512(int64_t rows, int64_t length, const float* x, float* y) {
  SoftmaxRowsF32Loop<Avx512Build>(rows, length, x, y);
}

void BinaryRowF32Avx512(F32BinaryOp op, int64_t count, const float* a, int64_t a_step,
                        const float* b, int64_t b_step, float* out) {
  BinaryF32Row(op, count, a, a_step, b, b_step, out);
}

}  // namespace trit::x86
