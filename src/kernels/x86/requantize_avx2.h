// The reference's Requantize (64-bit product, rounding shift) on 8 int32 lanes, for the files
// compiled with AVX2 flags.
#pragma once

#include <immintrin.h>

#include <cstdint>

namespace trit::x86 {
// Internal linkage on purpose: only files compiled with AVX2 flags include this.
namespace {

// Arithmetic 64-bit right shift by per-lane counts (AVX2 has only the logical one):
// (x ^ 2^63) >> s logically, minus 2^63 >> s.
inline __m256i ShiftRightArithmetic64(__m256i x, __m256i shift) {
  const __m256i sign = _mm256_set1_epi64x(static_cast<int64_t>(uint64_t{1} << 63));
  return _mm256_sub_epi64(_mm256_srlv_epi64(_mm256_xor_si256(x, sign), shift),
                          _mm256_srlv_epi64(sign, shift));
}

// (acc * m + 2^(s-1)) >> s per lane, with the 64-bit product.
inline __m256i Requantize(__m256i acc, __m256i multiplier, __m256i shift) {
  const __m256i low32 = _mm256_set1_epi64x(0xffffffff);
  const __m256i one = _mm256_set1_epi64x(1);
  const __m256i shift_even = _mm256_and_si256(shift, low32);
  const __m256i shift_odd = _mm256_srli_epi64(shift, 32);
  const __m256i round_even = _mm256_srli_epi64(_mm256_sllv_epi64(one, shift_even), 1);
  const __m256i round_odd = _mm256_srli_epi64(_mm256_sllv_epi64(one, shift_odd), 1);
  const __m256i even = ShiftRightArithmetic64(
      _mm256_add_epi64(_mm256_mul_epi32(acc, multiplier), round_even), shift_even);
  const __m256i odd = ShiftRightArithmetic64(
      _mm256_add_epi64(
          _mm256_mul_epi32(_mm256_srli_epi64(acc, 32), _mm256_srli_epi64(multiplier, 32)),
          round_odd),
      shift_odd);
  return _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

// Requantized, plus the zero point, clamped to [lo, hi], narrowed to 8 bytes in the low
// 64 bits (exact for int8 and uint8 outputs, whose range the clamp keeps).
inline __m128i RequantizeToBytes(__m256i acc, __m256i multiplier, __m256i shift, __m256i zero_point,
                                 __m256i lo, __m256i hi) {
  __m256i y = _mm256_add_epi32(Requantize(acc, multiplier, shift), zero_point);
  y = _mm256_min_epi32(_mm256_max_epi32(y, lo), hi);
  // Byte 0 of each 32-bit lane, gathered into the low 8 bytes.
  const __m256i pick =
      _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 4, 8, 12, -1,
                       -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
  const __m256i packed = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(y, pick),
                                                     _mm256_setr_epi32(0, 4, 1, 1, 1, 1, 1, 1));
  return _mm256_castsi256_si128(packed);
}

}  // namespace
}  // namespace trit::x86
