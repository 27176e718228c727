// The reference's Requantize (64-bit product, rounding shift) on 16 int32 lanes, for the files
// compiled with AVX-512 flags.
#pragma once

#include <immintrin.h>

namespace trit::x86 {
// Internal linkage on purpose: only files compiled with AVX-512 flags include this.
namespace {

// (acc * m + 2^(s-1)) >> s per lane, with the 64-bit product.
inline __m512i Requantize(__m512i acc, __m512i multiplier, __m512i shift) {
  const __m512i low32 = _mm512_set1_epi64(0xffffffff);
  const __m512i one = _mm512_set1_epi64(1);
  const __m512i shift_even = _mm512_and_si512(shift, low32);
  const __m512i shift_odd = _mm512_srli_epi64(shift, 32);
  const __m512i round_even = _mm512_srli_epi64(_mm512_sllv_epi64(one, shift_even), 1);
  const __m512i round_odd = _mm512_srli_epi64(_mm512_sllv_epi64(one, shift_odd), 1);
  const __m512i even = _mm512_srav_epi64(
      _mm512_add_epi64(_mm512_mul_epi32(acc, multiplier), round_even), shift_even);
  const __m512i odd = _mm512_srav_epi64(
      _mm512_add_epi64(
          _mm512_mul_epi32(_mm512_srli_epi64(acc, 32), _mm512_srli_epi64(multiplier, 32)),
          round_odd),
      shift_odd);
  return _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
}

// Requantized, plus the zero point, clamped to [lo, hi] and narrowed to bytes (exact for int8
// and uint8 outputs, whose range the clamp keeps).
inline __m128i RequantizeToBytes(__m512i acc, __m512i multiplier, __m512i shift, __m512i zero_point,
                                 __m512i lo, __m512i hi) {
  const __m512i y = _mm512_add_epi32(Requantize(acc, multiplier, shift), zero_point);
  return _mm512_cvtepi32_epi8(_mm512_min_epi32(_mm512_max_epi32(y, lo), hi));
}

}  // namespace
}  // namespace trit::x86
