// The AVX2 Add and Mul of q8_elementwise.h (compiled with -mavx2), for x86 CPUs without
// AVX-512: the same arithmetic as the AVX-512 rows on registers half as wide.
//   - Add: the 16-bit form (VPMADDWD on the (a - za, b - zb) pairs; the identity is in
//     q8_elementwise_avx512.cc), 16 elements per step.
//   - Mul: the int32 product, its 64-bit requantization on even and odd lanes, 8 elements per
//     step. AVX2 has no 64-bit arithmetic shift: for 0 <= s <= 62,
//         x >> s  ==  ((x XOR 2^63) >>> s) - 2^(63 - s)        (>>> logical),
//     since x XOR 2^63 is x + 2^63 as an unsigned number and 2^s divides 2^63.
// Both walk one broadcast row (kernels/broadcast_rows.h); an input that stays on one element
// is read from a buffer of that byte, and the tail goes through buffers.
#include <immintrin.h>

#include <cstring>

#include "kernels/broadcast_steps.h"
#include "kernels/x86/q8_elementwise.h"

namespace trit::x86 {
namespace {

inline __m256i Widen16(const uint8_t* p, bool is_signed) {
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  return is_signed ? _mm256_cvtepi8_epi16(bytes) : _mm256_cvtepu8_epi16(bytes);
}

inline __m256i Widen32(const uint8_t* p, bool is_signed) {
  const __m128i bytes = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
  return is_signed ? _mm256_cvtepi8_epi32(bytes) : _mm256_cvtepu8_epi32(bytes);
}

// Sixteen int16 values within the output type's range as bytes, in order.
inline __m128i Narrow16(__m256i words, bool unsigned_out) {
  const __m128i low = _mm256_castsi256_si128(words), high = _mm256_extracti128_si256(words, 1);
  return unsigned_out ? _mm_packus_epi16(low, high) : _mm_packs_epi16(low, high);
}

}  // namespace

void AddQ8MaddAvx2(int64_t count, const void* a, bool a_signed, int64_t a_step, const void* b,
                   bool b_signed, int64_t b_step, const ref::QuantAddParams& p, void* out) {
  const auto ma = static_cast<int32_t>(p.multiplier_a), mb = static_cast<int32_t>(p.multiplier_b);
  const auto pair = [](int32_t for_a, int32_t for_b) {
    return _mm256_set1_epi32(static_cast<int32_t>(static_cast<uint32_t>(for_a & 0xFFFF) |
                                                  (static_cast<uint32_t>(for_b) << 16)));
  };
  const __m256i high = pair(ma >> 16, mb >> 16);
  const __m256i low = pair((ma & 0xFFFF) - 0x8000, (mb & 0xFFFF) - 0x8000);
  const __m256i ones = pair(1, 1);
  const int s = p.shift;
  const __m256i rounding_high = _mm256_set1_epi32(s >= 17 ? int32_t{1} << (s - 17) : 0);
  const __m256i rounding_low = _mm256_set1_epi32(s == 16 ? int32_t{1} << 15 : 0);
  const __m128i shift = _mm_cvtsi32_si128(s - 16);
  const __m256i za = _mm256_set1_epi16(static_cast<int16_t>(p.zero_a));
  const __m256i zb = _mm256_set1_epi16(static_cast<int16_t>(p.zero_b));
  const __m256i zo = _mm256_set1_epi16(static_cast<int16_t>(p.zero_out));
  const __m256i lo = _mm256_set1_epi16(static_cast<int16_t>(p.lo));
  const __m256i hi = _mm256_set1_epi16(static_cast<int16_t>(p.hi));
  const bool unsigned_out = p.lo >= 0;  // [lo, hi] within 0..255: packus keeps every value
  const auto sums = [&](__m256i pairs) {
    const __m256i h = _mm256_madd_epi16(pairs, high);
    const __m256i l = _mm256_add_epi32(_mm256_madd_epi16(pairs, low),
                                       _mm256_slli_epi32(_mm256_madd_epi16(pairs, ones), 15));
    const __m256i joined =
        _mm256_add_epi32(_mm256_add_epi32(h, rounding_high),
                         _mm256_srai_epi32(_mm256_add_epi32(l, rounding_low), 16));
    return _mm256_sra_epi32(joined, shift);
  };
  ForEachStep<16>(count, static_cast<const uint8_t*>(a), a_step, static_cast<const uint8_t*>(b),
                  b_step, static_cast<uint8_t*>(out),
                  [&](const uint8_t* xs, const uint8_t* ys, uint8_t* zs) {
                    const __m256i da = _mm256_sub_epi16(Widen16(xs, a_signed), za);
                    const __m256i db = _mm256_sub_epi16(Widen16(ys, b_signed), zb);
                    const __m256i packed = _mm256_packs_epi32(sums(_mm256_unpacklo_epi16(da, db)),
                                                              sums(_mm256_unpackhi_epi16(da, db)));
                    const __m256i value =
                        _mm256_min_epi16(_mm256_max_epi16(_mm256_adds_epi16(packed, zo), lo), hi);
                    _mm_storeu_si128(reinterpret_cast<__m128i*>(zs), Narrow16(value, unsigned_out));
                  });
}

void MulQ8Avx2(int64_t count, const void* a, bool a_signed, int64_t a_step, const void* b,
               bool b_signed, int64_t b_step, const ref::QuantMulParams& p, void* out) {
  const __m256i za = _mm256_set1_epi32(p.zero_a), zb = _mm256_set1_epi32(p.zero_b);
  const __m256i multiplier = _mm256_set1_epi64x(p.requant.multiplier);
  const int s = p.requant.shift;
  const __m256i rounding = _mm256_set1_epi64x(s > 0 ? int64_t{1} << (s - 1) : 0);
  const __m128i shift = _mm_cvtsi32_si128(s);
  const __m256i sign = _mm256_set1_epi64x(INT64_MIN);
  const __m256i bias = _mm256_set1_epi64x(int64_t{1} << (63 - s));
  const __m256i zo = _mm256_set1_epi32(p.zero_out);
  const __m256i lo = _mm256_set1_epi32(p.lo), hi = _mm256_set1_epi32(p.hi);
  const bool unsigned_out = p.lo >= 0;
  // (x * m + 2^(s-1)) >> s on the low 32 bits of each 64-bit lane, arithmetic (see above).
  const auto requantize = [&](__m256i x) {
    const __m256i sum = _mm256_add_epi64(_mm256_mul_epi32(x, multiplier), rounding);
    return _mm256_sub_epi64(_mm256_srl_epi64(_mm256_xor_si256(sum, sign), shift), bias);
  };
  ForEachStep<8>(
      count, static_cast<const uint8_t*>(a), a_step, static_cast<const uint8_t*>(b), b_step,
      static_cast<uint8_t*>(out), [&](const uint8_t* xs, const uint8_t* ys, uint8_t* zs) {
        const __m256i product = _mm256_mullo_epi32(_mm256_sub_epi32(Widen32(xs, a_signed), za),
                                                   _mm256_sub_epi32(Widen32(ys, b_signed), zb));
        const __m256i even = requantize(product);
        const __m256i odd = requantize(_mm256_srli_epi64(product, 32));
        // The low halves: even lanes from `even`, odd lanes from `odd` moved up.
        const __m256i joined = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
        const __m256i value =
            _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(joined, zo), lo), hi);
        const __m128i words =
            _mm_packs_epi32(_mm256_castsi256_si128(value), _mm256_extracti128_si256(value, 1));
        const __m128i bytes =
            unsigned_out ? _mm_packus_epi16(words, words) : _mm_packs_epi16(words, words);
        _mm_storel_epi64(reinterpret_cast<__m128i*>(zs), bytes);
      });
}

}  // namespace trit::x86
