// The binary (xor + popcount) GEMM for AVX2, for CPUs without AVX-512 VPOPCNTDQ: 4 rows x 16
// channels per call. AVX2 has no popcount instruction: each byte's count is two PSHUFB lookups
// of its nibbles in a 16-entry table, added. Per 32-bit input word: the word broadcast, xor
// with the 16 channels' words (two registers), and per register AND, shift, AND, two PSHUFB and
// two adds into byte counts: 256 one-bit products in eight instructions. A byte count gains at
// most 8 per word, so the counts move to 32-bit lanes (PMADDUBSW, PMADDWD: the 4 bytes of a
// channel's lane summed) every 31 words. The epilogue is the int8 GEMM's. Packing, padding
// correction: kernels/b1_gemm.h.
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/b1_gemm.h"
#include "kernels/row_blocks.h"
#include "kernels/x86/requantize_avx2.h"

namespace trit::x86 {
namespace {

constexpr int kTile = static_cast<int>(kB1Avx2Tile);
constexpr int64_t kWordsPerFlush = 255 / 8;  // byte counts gain at most 8 per word

template <int kR>
inline void Flush(__m256i (&counts)[kR][2], __m256i (&total)[kR][2]) {
  const __m256i ones8 = _mm256_set1_epi8(1), ones16 = _mm256_set1_epi16(1);
  for (int r = 0; r < kR; ++r) {
    for (int v = 0; v < 2; ++v) {
      const __m256i pairs = _mm256_maddubs_epi16(counts[r][v], ones8);
      total[r][v] = _mm256_add_epi32(total[r][v], _mm256_madd_epi16(pairs, ones16));
      counts[r][v] = _mm256_setzero_si256();
    }
  }
}

template <int kR>
inline void Microkernel(const B1Gemm::Packed& p, const uint32_t* input, int64_t m0, int64_t t,
                        void* output) {
  const uint32_t* w = p.weights + t * p.taps * p.words * kTile;
  const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2,
                                         1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  __m256i counts[kR][2], total[kR][2];
  for (int r = 0; r < kR; ++r) {
    for (int v = 0; v < 2; ++v) counts[r][v] = total[r][v] = _mm256_setzero_si256();
  }
  const int32_t* rows_indirection[kR];
  for (int r = 0; r < kR; ++r) rows_indirection[r] = p.indirection + (m0 + r) * p.taps;
  int64_t pending = 0;  // words in `counts`
  for (int64_t tap = 0; tap < p.taps; ++tap) {
    const uint32_t* a[kR];
    for (int r = 0; r < kR; ++r) a[r] = input + int64_t{rows_indirection[r][tap]} * p.words;
    for (int64_t k = 0; k < p.words; ++k, w += kTile) {
      const __m256i w0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(w));
      const __m256i w1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(w + 8));
      for (int r = 0; r < kR; ++r) {
        const __m256i x = _mm256_set1_epi32(static_cast<int>(a[r][k]));
        const __m256i differ[2] = {_mm256_xor_si256(x, w0), _mm256_xor_si256(x, w1)};
        for (int v = 0; v < 2; ++v) {
          const __m256i lo = _mm256_and_si256(differ[v], nibble);
          const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(differ[v], 4), nibble);
          counts[r][v] = _mm256_add_epi8(
              counts[r][v],
              _mm256_add_epi8(_mm256_shuffle_epi8(table, lo), _mm256_shuffle_epi8(table, hi)));
        }
      }
      if (++pending == kWordsPerFlush) {
        Flush<kR>(counts, total);
        pending = 0;
      }
    }
  }
  Flush<kR>(counts, total);
  const int64_t n0 = t * kTile;
  const __m256i zero_point = _mm256_set1_epi32(p.output_zero_point);
  const __m256i lo = _mm256_set1_epi32(p.lo), hi = _mm256_set1_epi32(p.hi);
  const int32_t* tap_popcount = p.tap_popcount + t * p.taps * kTile;
  for (int half = 0; half < 2; ++half) {
    const int64_t c0 = n0 + 8 * half;
    if (c0 >= p.n) break;
    const int64_t valid = std::min<int64_t>(8, p.n - c0);
    const __m256i offset = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p.offset + c0));
    const __m256i multiplier =
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p.multiplier + c0));
    const __m256i shift = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p.shift + c0));
    for (int r = 0; r < kR; ++r) {
      __m256i differ = total[r][half];
      if (p.row_padded[m0 + r]) {  // the padding vector's zero bits differed from every 1 in w
        for (int64_t tap = 0; tap < p.taps; ++tap) {
          if (rows_indirection[r][tap] < p.vectors) continue;
          differ = _mm256_sub_epi32(differ, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(
                                                tap_popcount + tap * kTile + 8 * half)));
        }
      }
      // sum(a * w) = C * valid taps - 2 * (bits that differ), plus the bias.
      const __m256i sum =
          _mm256_sub_epi32(_mm256_add_epi32(_mm256_set1_epi32(p.row_base[m0 + r]), offset),
                           _mm256_slli_epi32(differ, 1));
      uint8_t bytes[8];
      _mm_storel_epi64(reinterpret_cast<__m128i*>(bytes),
                       RequantizeToBytes(sum, multiplier, shift, zero_point, lo, hi));
      std::memcpy(static_cast<uint8_t*>(output) + (m0 + r) * p.n + c0, bytes,
                  static_cast<size_t>(valid));
    }
  }
}

}  // namespace

void B1GemmAvx2(const B1Gemm::Packed& p, const uint32_t* input, int64_t m_begin, int64_t m_end,
                int64_t tile_begin, int64_t tile_end, void* output) {
  for (int64_t t = tile_begin; t < tile_end; ++t) {
    ForRowBlocks<kB1Avx2Rows>(
        m_begin, m_end, [&]<int kR>(int64_t m0) { Microkernel<kR>(p, input, m0, t, output); });
  }
}

}  // namespace trit::x86
