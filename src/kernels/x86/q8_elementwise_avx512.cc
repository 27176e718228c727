// The AVX-512 element-wise ops of q8_elementwise.h (compiled with AVX-512 F/BW/VL/DQ/VBMI).
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/broadcast_steps.h"
#include "kernels/x86/q8_elementwise.h"

namespace trit::x86 {

namespace {

// 8 bytes widened to 64-bit lanes, signed or not.
inline __m512i Widen(const uint8_t* p, bool is_signed) {
  const __m128i bytes = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
  return is_signed ? _mm512_cvtepi8_epi64(bytes) : _mm512_cvtepu8_epi64(bytes);
}

// One byte as the int32 it stands for.
inline int32_t ValueOf(const uint8_t* p, bool is_signed) {
  return is_signed ? static_cast<int8_t>(*p) : *p;
}

}  // namespace

void AddQ8Avx512(int64_t count, const void* a, bool a_signed, int64_t a_step, const void* b,
                 bool b_signed, int64_t b_step, const ref::QuantAddParams& p, void* out) {
  const __m512i za = _mm512_set1_epi64(p.zero_a), zb = _mm512_set1_epi64(p.zero_b);
  const __m512i ma = _mm512_set1_epi64(p.multiplier_a), mb = _mm512_set1_epi64(p.multiplier_b);
  const __m512i round = _mm512_set1_epi64(p.shift > 0 ? int64_t{1} << (p.shift - 1) : 0);
  const __m128i shift = _mm_cvtsi32_si128(p.shift);
  const __m512i zo = _mm512_set1_epi64(p.zero_out);
  const __m512i lo = _mm512_set1_epi64(p.lo), hi = _mm512_set1_epi64(p.hi);
  auto step = [&](const uint8_t* xs, const uint8_t* ys, uint8_t* zs) {
    // (x - za) and (y - zb) fit in 32 bits: VPMULDQ gives the exact 64-bit products.
    const __m512i sum =
        _mm512_add_epi64(_mm512_mul_epi32(_mm512_sub_epi64(Widen(xs, a_signed), za), ma),
                         _mm512_mul_epi32(_mm512_sub_epi64(Widen(ys, b_signed), zb), mb));
    __m512i v = _mm512_add_epi64(zo, _mm512_sra_epi64(_mm512_add_epi64(sum, round), shift));
    v = _mm512_min_epi64(_mm512_max_epi64(v, lo), hi);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(zs), _mm512_cvtepi64_epi8(v));
  };
  ForEachStep<8>(count, static_cast<const uint8_t*>(a), a_step, static_cast<const uint8_t*>(b),
                 b_step, static_cast<uint8_t*>(out), step);
}

// Why AddQ8MaddAvx512 is exact. With d = x - z for each input (|d| < 2^9 for x and z within
// -128..255) and each multiplier 0 <= M < 2^31 written M = Mh 2^16 + Ml (0 <= Ml < 2^16) and
// Ml = Ml' + 2^15 (so that Mh < 2^15 and -2^15 <= Ml' < 2^15 are int16 values),
//     da Ma + db Mb = H 2^16 + L,  H = da Mha + db Mhb,  L = da Mla' + db Mlb' + 2^15 (da + db),
// where H, the first part of L, and (da + db) are each one VPMADDWD of the pairs (da, db),
// exact in 32 bits (|H| < 2^25, |L| < 2^26). As floor divisions by powers of two nest, with
// the rounding term 2^(s-1) = Rh 2^16 + Rl (s >= 17: Rh = 2^(s-17), Rl = 0; s = 16: Rh = 0,
// Rl = 2^15),
//     (da Ma + db Mb + 2^(s-1)) >> s  ==  (H + Rh + ((L + Rl) >> 16)) >> (s - 16),
// whose operand stays below 2^25 + 2^30 + 2^11 < 2^31 for s <= 47. The result plus the output
// zero point saturates to int16 when packed, which changes no byte after the clamp to
// [lo, hi] (within -128..255).
void AddQ8MaddAvx512(int64_t count, const void* a, bool a_signed, int64_t a_step, const void* b,
                     bool b_signed, int64_t b_step, const ref::QuantAddParams& p, void* out) {
  const auto* x = static_cast<const uint8_t*>(a);
  const auto* y = static_cast<const uint8_t*>(b);
  auto* z = static_cast<uint8_t*>(out);
  const auto ma = static_cast<int32_t>(p.multiplier_a), mb = static_cast<int32_t>(p.multiplier_b);
  // Pairs (a's half, b's half) in each 32-bit lane, as VPMADDWD reads (da, db).
  const auto pair = [](int32_t for_a, int32_t for_b) {
    return _mm512_set1_epi32(static_cast<int32_t>(static_cast<uint32_t>(for_a & 0xFFFF) |
                                                  (static_cast<uint32_t>(for_b) << 16)));
  };
  const __m512i high = pair(ma >> 16, mb >> 16);
  const __m512i low = pair((ma & 0xFFFF) - 0x8000, (mb & 0xFFFF) - 0x8000);
  const __m512i ones = pair(1, 1);
  const int s = p.shift;
  const __m512i rounding_high = _mm512_set1_epi32(s >= 17 ? int32_t{1} << (s - 17) : 0);
  const __m512i rounding_low = _mm512_set1_epi32(s == 16 ? int32_t{1} << 15 : 0);
  const __m128i shift = _mm_cvtsi32_si128(s - 16);
  const __m512i za = _mm512_set1_epi16(static_cast<int16_t>(p.zero_a));
  const __m512i zb = _mm512_set1_epi16(static_cast<int16_t>(p.zero_b));
  const __m512i zo = _mm512_set1_epi16(static_cast<int16_t>(p.zero_out));
  const __m512i lo = _mm512_set1_epi16(static_cast<int16_t>(p.lo));
  const __m512i hi = _mm512_set1_epi16(static_cast<int16_t>(p.hi));
  const auto widen = [](__m256i bytes, bool is_signed) {
    return is_signed ? _mm512_cvtepi8_epi16(bytes) : _mm512_cvtepu8_epi16(bytes);
  };
  // 16 results from the pairs of 16 elements (their order within each 128-bit lane).
  const auto sums = [&](__m512i pairs) {
    const __m512i h = _mm512_madd_epi16(pairs, high);
    const __m512i l = _mm512_add_epi32(_mm512_madd_epi16(pairs, low),
                                       _mm512_slli_epi32(_mm512_madd_epi16(pairs, ones), 15));
    const __m512i joined =
        _mm512_add_epi32(_mm512_add_epi32(h, rounding_high),
                         _mm512_srai_epi32(_mm512_add_epi32(l, rounding_low), 16));
    return _mm512_sra_epi32(joined, shift);
  };
  // An input that stays on one element: its difference in every lane.
  const __m512i da_same = _mm512_set1_epi16(static_cast<int16_t>(ValueOf(x, a_signed) - p.zero_a));
  const __m512i db_same = _mm512_set1_epi16(static_cast<int16_t>(ValueOf(y, b_signed) - p.zero_b));
  for (int64_t i = 0; i < count; i += 32) {
    const __mmask32 mask =
        count - i >= 32 ? ~__mmask32{0} : static_cast<__mmask32>((1u << (count - i)) - 1);
    const __m512i da =
        a_step == 0 ? da_same
                    : _mm512_sub_epi16(widen(_mm256_maskz_loadu_epi8(mask, x + i), a_signed), za);
    const __m512i db =
        b_step == 0 ? db_same
                    : _mm512_sub_epi16(widen(_mm256_maskz_loadu_epi8(mask, y + i), b_signed), zb);
    // Per 128-bit lane: unpacklo pairs elements 0-3, unpackhi 4-7; the pack restores the order.
    const __m512i packed = _mm512_packs_epi32(sums(_mm512_unpacklo_epi16(da, db)),
                                              sums(_mm512_unpackhi_epi16(da, db)));
    const __m512i value = _mm512_min_epi16(_mm512_max_epi16(_mm512_adds_epi16(packed, zo), lo), hi);
    _mm256_mask_storeu_epi8(z + i, mask, _mm512_cvtepi16_epi8(value));
  }
}

void MulQ8Avx512(int64_t count, const void* a, bool a_signed, int64_t a_step, const void* b,
                 bool b_signed, int64_t b_step, const ref::QuantMulParams& p, void* out) {
  const auto* x = static_cast<const uint8_t*>(a);
  const auto* y = static_cast<const uint8_t*>(b);
  auto* z = static_cast<uint8_t*>(out);
  const __m512i za = _mm512_set1_epi32(p.zero_a), zb = _mm512_set1_epi32(p.zero_b);
  const __m512i da_same = _mm512_set1_epi32(ValueOf(x, a_signed) - p.zero_a);
  const __m512i db_same = _mm512_set1_epi32(ValueOf(y, b_signed) - p.zero_b);
  const __m512i multiplier = _mm512_set1_epi64(p.requant.multiplier);
  const int s = p.requant.shift;
  const __m512i rounding = _mm512_set1_epi64(s > 0 ? int64_t{1} << (s - 1) : 0);
  const __m128i shift = _mm_cvtsi32_si128(s);
  const __m512i zo = _mm512_set1_epi32(p.zero_out);
  const __m512i lo = _mm512_set1_epi32(p.lo), hi = _mm512_set1_epi32(p.hi);
  const auto widen = [](__m128i bytes, bool is_signed) {
    return is_signed ? _mm512_cvtepi8_epi32(bytes) : _mm512_cvtepu8_epi32(bytes);
  };
  for (int64_t i = 0; i < count; i += 16) {
    const __mmask16 mask =
        count - i >= 16 ? __mmask16{0xFFFF} : static_cast<__mmask16>((1u << (count - i)) - 1);
    const __m512i da =
        a_step == 0 ? da_same
                    : _mm512_sub_epi32(widen(_mm_maskz_loadu_epi8(mask, x + i), a_signed), za);
    const __m512i db =
        b_step == 0 ? db_same
                    : _mm512_sub_epi32(widen(_mm_maskz_loadu_epi8(mask, y + i), b_signed), zb);
    // |da db| < 2^18: exact in 32 bits, as the reference's int32 product.
    const __m512i product = _mm512_mullo_epi32(da, db);
    // The reference's Requantize on even and odd lanes (64-bit products), truncated to 32 bits.
    const __m512i even =
        _mm512_sra_epi64(_mm512_add_epi64(_mm512_mul_epi32(product, multiplier), rounding), shift);
    const __m512i odd = _mm512_sra_epi64(
        _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(product, 32), multiplier), rounding),
        shift);
    const __m512i value =
        _mm512_add_epi32(_mm512_mask_shuffle_epi32(even, 0xAAAA, odd, _MM_PERM_CDAB), zo);
    _mm_mask_storeu_epi8(z + i, mask,
                         _mm512_cvtepi32_epi8(_mm512_min_epi32(_mm512_max_epi32(value, lo), hi)));
  }
}

void LookupQ8Avx512(int64_t count, const uint8_t* in, uint8_t flip, const uint8_t* table,
                    uint8_t* out) {
  const __m512i t0 = _mm512_loadu_si512(table), t1 = _mm512_loadu_si512(table + 64);
  const __m512i t2 = _mm512_loadu_si512(table + 128), t3 = _mm512_loadu_si512(table + 192);
  const __m512i flips = _mm512_set1_epi8(static_cast<char>(flip));
  int64_t i = 0;
  auto step = [&](__m512i x) {
    const __m512i index = _mm512_xor_si512(x, flips);
    // Entries 0-127 and 128-255 by the low 7 bits, then pick by the top bit.
    const __m512i low = _mm512_permutex2var_epi8(t0, index, t1);
    const __m512i high = _mm512_permutex2var_epi8(t2, index, t3);
    return _mm512_mask_blend_epi8(_mm512_movepi8_mask(index), low, high);
  };
  for (; i + 64 <= count; i += 64) {
    _mm512_storeu_si512(out + i, step(_mm512_loadu_si512(in + i)));
  }
  if (i < count) {
    const __mmask64 mask = (~uint64_t{0}) >> (64 - (count - i));
    _mm512_mask_storeu_epi8(out + i, mask, step(_mm512_maskz_loadu_epi8(mask, in + i)));
  }
}

void QuantizeF32Avx512(int64_t count, const float* input, float scale, int32_t zero_point,
                       bool signed_output, uint8_t* output) {
  const __m512 scales = _mm512_set1_ps(scale);
  const __m512 zero = _mm512_set1_ps(static_cast<float>(zero_point));
  const __m512 lo = _mm512_set1_ps(signed_output ? -128.0f : 0.0f);
  const __m512 hi = _mm512_set1_ps(signed_output ? 127.0f : 255.0f);
  for (int64_t i = 0; i < count; i += 16) {
    const __mmask16 mask =
        count - i >= 16 ? __mmask16{0xFFFF} : static_cast<__mmask16>((1u << (count - i)) - 1);
    const __m512 x = _mm512_maskz_loadu_ps(mask, input + i);
    __m512 v = _mm512_add_ps(_mm512_roundscale_ps(_mm512_div_ps(x, scales),
                                                  _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC),
                             zero);
    v = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q), v, zero);  // NaN -> z
    // As the reference: v < lo ? lo : (v > hi ? hi : v).
    v = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, lo, _CMP_LT_OQ), v, lo);
    v = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, hi, _CMP_GT_OQ), v, hi);
    _mm_mask_storeu_epi8(output + i, mask, _mm512_cvtepi32_epi8(_mm512_cvttps_epi32(v)));
  }
}

void DequantizeQ8Avx512(int64_t count, const uint8_t* input, bool is_signed, float scale,
                        int32_t zero_point, float* output) {
  const __m512 scales = _mm512_set1_ps(scale);
  const __m512i zero = _mm512_set1_epi32(zero_point);
  for (int64_t i = 0; i < count; i += 16) {
    const __mmask16 mask =
        count - i >= 16 ? __mmask16{0xFFFF} : static_cast<__mmask16>((1u << (count - i)) - 1);
    const __m128i bytes = _mm_maskz_loadu_epi8(mask, input + i);
    const __m512i q = is_signed ? _mm512_cvtepi8_epi32(bytes) : _mm512_cvtepu8_epi32(bytes);
    // q - z is within [-510, 510]: the conversion to float is exact, as in the reference.
    const __m512 v = _mm512_cvtepi32_ps(_mm512_sub_epi32(q, zero));
    _mm512_mask_storeu_ps(output + i, mask, _mm512_mul_ps(scales, v));
  }
}

void BinarizeQ8Avx512(int64_t count, const uint8_t* input, bool is_signed, int32_t zero_point,
                      uint8_t* bits) {
  const __m512i zero = _mm512_set1_epi8(static_cast<char>(zero_point));
  for (int64_t i = 0; i < count; i += 64) {
    const int64_t n = std::min<int64_t>(64, count - i);
    const __mmask64 valid = n == 64 ? ~__mmask64{0} : (__mmask64{1} << n) - 1;
    const __m512i x = _mm512_maskz_loadu_epi8(valid, input + i);
    const __mmask64 positive =
        (is_signed ? _mm512_cmpge_epi8_mask(x, zero) : _mm512_cmpge_epu8_mask(x, zero)) & valid;
    const uint64_t word = _cvtmask64_u64(positive);
    std::memcpy(bits + i / 8, &word, static_cast<size_t>((n + 7) / 8));
  }
}

}  // namespace trit::x86
