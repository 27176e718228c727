// The int8 GEMM for AVX-512 VNNI: 12 rows x 32 output channels per microkernel call, or 16 rows
// x 16 channels for layers of at most 16 channels (no half-empty tiles), VPDPBUSD (u8 x s8,
// four products summed into each 32-bit lane per instruction). Layout of the packed weights:
// [column tile][tap][depth / 4][tile columns][4 depth bytes].
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/row_blocks.h"
#include "kernels/x86/q8_gemm.h"
#include "kernels/x86/requantize_avx512.h"

namespace trit::x86 {
namespace {

// kR rows from m0, the kV x 16 columns of tile `t`. kBlocks: only the depth steps of the
// tile's block lists, whose weights follow one another in list order.
template <int kR, int kV, bool kBlocks = false>
inline void Microkernel(const Q8Gemm::Packed& p, const uint8_t* input, int64_t m0, int64_t t,
                        const int8_t* w, void* output) {
  const int64_t stride = p.vector_stride;  // bytes between prepared vectors
  const int64_t steps = p.depth_padded / 4;
  constexpr int kTile = 16 * kV;
  __m512i acc[kR][kV];
  for (int r = 0; r < kR; ++r) {
    for (int v = 0; v < kV; ++v) acc[r][v] = _mm512_setzero_si512();
  }
  const int32_t* rows_indirection[kR];
  for (int r = 0; r < kR; ++r) {
    rows_indirection[r] = p.indirection + (m0 + r) * p.taps;
  }
  for (int64_t tap = 0; tap < p.taps; ++tap) {
    const uint8_t* a[kR];
    for (int r = 0; r < kR; ++r) a[r] = input + rows_indirection[r][tap] * stride;
    auto step = [&](int64_t s, const int8_t* ws) {
      __m512i wv[kV];
      for (int v = 0; v < kV; ++v) wv[v] = _mm512_load_si512(ws + 64 * v);
      // As the fp32 GEMM: weights from beyond L2 asked for 4 KB ahead.
      for (int v = 0; v < kV; ++v) {
        _mm_prefetch(reinterpret_cast<const char*>(ws + 64 * v + 4096), _MM_HINT_T0);
      }
      for (int r = 0; r < kR; ++r) {
        int32_t four;
        std::memcpy(&four, a[r] + 4 * s, 4);
        const __m512i x = _mm512_set1_epi32(four);
        for (int v = 0; v < kV; ++v) acc[r][v] = _mm512_dpbusd_epi32(acc[r][v], x, wv[v]);
      }
    };
    if constexpr (kBlocks) {
      const int32_t* list = p.block_steps + p.block_begin[t * p.taps + tap];
      const int32_t* end = p.block_steps + p.block_begin[t * p.taps + tap + 1];
      for (; list != end; ++list, w += 64 * kV) step(*list, w);
    } else {
      for (int64_t s = 0; s < steps; ++s, w += 64 * kV) step(s, w);
    }
  }
  const int64_t n0 = t * kTile;
  const __m512i zero_point = _mm512_set1_epi32(p.output_zero_point);
  const __m512i lo = _mm512_set1_epi32(p.lo), hi = _mm512_set1_epi32(p.hi);
  for (int half = 0; half < kV; ++half) {
    const int64_t c0 = n0 + 16 * half;
    if (c0 >= p.n) break;
    const int64_t valid = std::min<int64_t>(16, p.n - c0);
    const __mmask16 mask = static_cast<__mmask16>((1u << valid) - 1);
    const __m512i offset = _mm512_loadu_si512(p.offset + c0);
    const __m512i multiplier = _mm512_loadu_si512(p.multiplier + c0);
    const __m512i shift = _mm512_loadu_si512(p.shift + c0);
    for (int r = 0; r < kR; ++r) {
      const __m128i bytes = RequantizeToBytes(_mm512_add_epi32(acc[r][half], offset), multiplier,
                                              shift, zero_point, lo, hi);
      auto* out = static_cast<uint8_t*>(output) + (m0 + r) * p.n + c0;
      _mm_mask_storeu_epi8(out, mask, bytes);
    }
  }
}

}  // namespace

void Q8GemmAvx512(const Q8Gemm::Packed& p, const uint8_t* input, int64_t m_begin, int64_t m_end,
                  int64_t tile, const int8_t* tile_weights, void* output) {
  if (p.block_begin) {
    ForRowBlocks<16>(m_begin, m_end, [&]<int kR>(int64_t m0) {
      Microkernel<kR, 1, true>(p, input, m0, tile, tile_weights, output);
    });
  } else if (p.tile == 16) {
    ForRowBlocks<16>(m_begin, m_end, [&]<int kR>(int64_t m0) {
      Microkernel<kR, 1>(p, input, m0, tile, tile_weights, output);
    });
  } else {
    ForRowBlocks<12>(m_begin, m_end, [&]<int kR>(int64_t m0) {
      Microkernel<kR, 2>(p, input, m0, tile, tile_weights, output);
    });
  }
}

}  // namespace trit::x86
