// The binary GEMM for AVX-512 VPOPCNTDQ: 8 rows x 32 output channels per microkernel call. Per
// 32-bit word of an input vector: the word broadcast, xor with the 32 channels' words (two
// registers), VPOPCNTD, add: 1,024 one-bit products in six instructions.
#include <immintrin.h>

#include <algorithm>

#include "kernels/b1_gemm.h"
#include "kernels/row_blocks.h"
#include "kernels/x86/requantize_avx512.h"

namespace trit::x86 {
namespace {

constexpr int kTile = static_cast<int>(kB1Avx512Tile);

template <int kR>
inline void Microkernel(const B1Gemm::Packed& p, const uint32_t* input, int64_t m0, int64_t t,
                        void* output) {
  const uint32_t* w = p.weights + t * p.taps * p.words * kTile;
  __m512i acc[kR][2];
  for (int r = 0; r < kR; ++r) acc[r][0] = acc[r][1] = _mm512_setzero_si512();
  const int32_t* rows_indirection[kR];
  for (int r = 0; r < kR; ++r) rows_indirection[r] = p.indirection + (m0 + r) * p.taps;
  for (int64_t tap = 0; tap < p.taps; ++tap) {
    const uint32_t* a[kR];
    for (int r = 0; r < kR; ++r) a[r] = input + int64_t{rows_indirection[r][tap]} * p.words;
    for (int64_t k = 0; k < p.words; ++k, w += kTile) {
      const __m512i w0 = _mm512_load_si512(w), w1 = _mm512_load_si512(w + 16);
      for (int r = 0; r < kR; ++r) {
        const __m512i x = _mm512_set1_epi32(static_cast<int>(a[r][k]));
        acc[r][0] = _mm512_add_epi32(acc[r][0], _mm512_popcnt_epi32(_mm512_xor_si512(x, w0)));
        acc[r][1] = _mm512_add_epi32(acc[r][1], _mm512_popcnt_epi32(_mm512_xor_si512(x, w1)));
      }
    }
  }
  const int64_t n0 = t * kTile;
  const __m512i zero_point = _mm512_set1_epi32(p.output_zero_point);
  const __m512i lo = _mm512_set1_epi32(p.lo), hi = _mm512_set1_epi32(p.hi);
  const int32_t* tap_popcount = p.tap_popcount + t * p.taps * kTile;
  for (int half = 0; half < 2; ++half) {
    const int64_t c0 = n0 + 16 * half;
    if (c0 >= p.n) break;
    const int64_t valid = std::min<int64_t>(16, p.n - c0);
    const __mmask16 mask = static_cast<__mmask16>((1u << valid) - 1);
    const __m512i offset = _mm512_loadu_si512(p.offset + c0);
    const __m512i multiplier = _mm512_loadu_si512(p.multiplier + c0);
    const __m512i shift = _mm512_loadu_si512(p.shift + c0);
    for (int r = 0; r < kR; ++r) {
      __m512i differ = acc[r][half];
      if (p.row_padded[m0 + r]) {  // the padding vector's zero bits differed from every 1 in w
        for (int64_t tap = 0; tap < p.taps; ++tap) {
          if (rows_indirection[r][tap] < p.vectors) continue;
          differ =
              _mm512_sub_epi32(differ, _mm512_loadu_si512(tap_popcount + tap * kTile + 16 * half));
        }
      }
      // sum(a * w) = C * valid taps - 2 * (bits that differ), plus the bias.
      const __m512i sum =
          _mm512_sub_epi32(_mm512_add_epi32(_mm512_set1_epi32(p.row_base[m0 + r]), offset),
                           _mm512_slli_epi32(differ, 1));
      const __m128i bytes = RequantizeToBytes(sum, multiplier, shift, zero_point, lo, hi);
      _mm_mask_storeu_epi8(static_cast<uint8_t*>(output) + (m0 + r) * p.n + c0, mask, bytes);
    }
  }
}

}  // namespace

void B1GemmAvx512(const B1Gemm::Packed& p, const uint32_t* input, int64_t m_begin, int64_t m_end,
                  int64_t tile_begin, int64_t tile_end, void* output) {
  for (int64_t t = tile_begin; t < tile_end; ++t) {
    ForRowBlocks<kB1Avx512Rows>(
        m_begin, m_end, [&]<int kR>(int64_t m0) { Microkernel<kR>(p, input, m0, t, output); });
  }
}

}  // namespace trit::x86
