// The int8 GEMM for AVX2: 4 rows x 16 output channels per microkernel call. Inputs arrive as
// int16 x - z and weights as int16, so VPMADDWD's pairwise 32-bit sums are exact (VPMADDUBSW
// would saturate u8 x s8 pairs at 16 bits). Layout of the packed weights:
// [column tile of 16][tap][depth / 2][16 columns][2 depth values].
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/row_blocks.h"
#include "kernels/x86/q8_gemm.h"
#include "kernels/x86/requantize_avx2.h"

namespace trit::x86 {
namespace {

constexpr int kRows = 4;
constexpr int kTile = static_cast<int>(kAvx2Tile);

// kBlocks: only the depth pairs of the tile's block lists, whose weights follow one another.
template <int kR, bool kBlocks = false>
inline void Microkernel(const Q8Gemm::Packed& p, const int16_t* input, int64_t m0, int64_t t,
                        const int16_t* w, void* output) {
  const int64_t stride = p.vector_stride;  // int16 between prepared vectors
  const int64_t steps = p.depth_padded / 2;
  __m256i acc[kR][2];
  for (int r = 0; r < kR; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_si256();
  const int32_t* rows_indirection[kR];
  for (int r = 0; r < kR; ++r) {
    rows_indirection[r] = p.indirection + (m0 + r) * p.taps;
  }
  for (int64_t tap = 0; tap < p.taps; ++tap) {
    const int16_t* a[kR];
    for (int r = 0; r < kR; ++r) a[r] = input + rows_indirection[r][tap] * stride;
    auto step = [&](int64_t s, const int16_t* ws) {
      const __m256i w0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(ws));
      const __m256i w1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(ws + 16));
      for (int r = 0; r < kR; ++r) {
        int32_t pair;
        std::memcpy(&pair, a[r] + 2 * s, 4);
        const __m256i x = _mm256_set1_epi32(pair);
        acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(x, w0));
        acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(x, w1));
      }
    };
    if constexpr (kBlocks) {
      const int32_t* list = p.block_steps + p.block_begin[t * p.taps + tap];
      const int32_t* end = p.block_steps + p.block_begin[t * p.taps + tap + 1];
      for (; list != end; ++list, w += 32) step(*list, w);
    } else {
      for (int64_t s = 0; s < steps; ++s, w += 32) step(s, w);
    }
  }
  const int64_t n0 = t * kTile;
  const __m256i zero_point = _mm256_set1_epi32(p.output_zero_point);
  const __m256i lo = _mm256_set1_epi32(p.lo), hi = _mm256_set1_epi32(p.hi);
  for (int half = 0; half < 2; ++half) {
    const int64_t c0 = n0 + 8 * half;
    if (c0 >= p.n) break;
    const int64_t valid = std::min<int64_t>(8, p.n - c0);
    const __m256i offset = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p.offset + c0));
    const __m256i multiplier =
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p.multiplier + c0));
    const __m256i shift = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p.shift + c0));
    for (int r = 0; r < kR; ++r) {
      const __m128i packed = RequantizeToBytes(_mm256_add_epi32(acc[r][half], offset), multiplier,
                                               shift, zero_point, lo, hi);
      uint8_t bytes[8];
      _mm_storel_epi64(reinterpret_cast<__m128i*>(bytes), packed);
      std::memcpy(static_cast<uint8_t*>(output) + (m0 + r) * p.n + c0, bytes,
                  static_cast<size_t>(valid));
    }
  }
}

}  // namespace

void Q8GemmAvx2(const Q8Gemm::Packed& p, const int16_t* input, int64_t m_begin, int64_t m_end,
                int64_t tile, const int16_t* tile_weights, void* output) {
  if (p.block_begin) {
    ForRowBlocks<kRows>(m_begin, m_end, [&]<int kR>(int64_t m0) {
      Microkernel<kR, true>(p, input, m0, tile, tile_weights, output);
    });
  } else {
    ForRowBlocks<kRows>(m_begin, m_end, [&]<int kR>(int64_t m0) {
      Microkernel<kR>(p, input, m0, tile, tile_weights, output);
    });
  }
}

}  // namespace trit::x86
