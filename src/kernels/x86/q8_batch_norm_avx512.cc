#include <immintrin.h>

#include <algorithm>

#include "kernels/x86/q8_batch_norm.h"

namespace trit::x86 {

void BatchNormQ8Avx512(const BatchNormSplitParams& p, const void* input, void* output) {
  const auto* x = static_cast<const uint8_t*>(input);
  auto* y = static_cast<uint8_t*>(output);
  const __m512i zx = _mm512_set1_epi32(p.input_zero_point);
  const __m512i lo = _mm512_set1_epi32(p.lo), hi = _mm512_set1_epi32(p.hi);
  const __m128i shift = _mm_cvtsi32_si128(p.shift - 16);
  const int64_t c = p.channels;
  for (int64_t position = 0; position < p.positions; ++position, x += c, y += c) {
    for (int64_t c0 = 0; c0 < c; c0 += 16) {
      const int64_t n = std::min<int64_t>(16, c - c0);
      const __mmask16 mask = static_cast<__mmask16>((1u << n) - 1);
      const __m128i bytes = _mm_maskz_loadu_epi8(mask, x + c0);
      const __m512i d = _mm512_sub_epi32(
          p.input_signed ? _mm512_cvtepi8_epi32(bytes) : _mm512_cvtepu8_epi32(bytes), zx);
      // (d Ml + Orl) >> 16, then (d Mh + Orh + that) >> (n - 16), then + Oq + zy.
      const __m512i low = _mm512_srai_epi32(
          _mm512_add_epi32(_mm512_mullo_epi32(d, _mm512_loadu_si512(p.multiplier_low + c0)),
                           _mm512_loadu_si512(p.remainder_low + c0)),
          16);
      const __m512i high =
          _mm512_add_epi32(_mm512_mullo_epi32(d, _mm512_loadu_si512(p.multiplier_high + c0)),
                           _mm512_add_epi32(_mm512_loadu_si512(p.remainder_high + c0), low));
      const __m512i value = _mm512_add_epi32(_mm512_sra_epi32(high, shift),
                                             _mm512_loadu_si512(p.quotient_plus_zero_point + c0));
      // Within [lo, hi] every value is its own byte, signed or not.
      _mm_mask_storeu_epi8(y + c0, mask,
                           _mm512_cvtepi32_epi8(_mm512_min_epi32(_mm512_max_epi32(value, lo), hi)));
    }
  }
}

}  // namespace trit::x86
