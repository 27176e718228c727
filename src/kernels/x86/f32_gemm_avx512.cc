// The fp32 GEMM for AVX-512: 8 rows x 32 channels per microkernel call, or 16 rows x 16
// channels for layers of at most 16 channels, FMA with the input value broadcast from memory.
#include <immintrin.h>

#include <algorithm>

#include "kernels/f32_gemm.h"
#include "kernels/row_blocks.h"

namespace trit::x86 {
namespace {

template <int kR, int kV>
inline void Microkernel(const F32Gemm::Packed& p, const float* input, int64_t m0, int64_t t,
                        float* output) {
  constexpr int kTile = 16 * kV;
  const float* w = p.weights + t * kTile * p.taps * p.depth;
  const int64_t n0 = t * kTile;
  __m512 bias[kV];
  for (int v = 0; v < kV; ++v) bias[v] = _mm512_loadu_ps(p.bias + n0 + 16 * v);
  __m512 acc[kR][kV];
  for (int r = 0; r < kR; ++r) {
    for (int v = 0; v < kV; ++v) acc[r][v] = bias[v];
  }
  const int32_t* rows_indirection[kR];
  for (int r = 0; r < kR; ++r) {
    rows_indirection[r] = p.indirection + (m0 + r) * p.taps;
  }
  for (int64_t tap = 0; tap < p.taps; ++tap) {
    const float* a[kR];
    for (int r = 0; r < kR; ++r) a[r] = input + rows_indirection[r][tap] * p.depth;
    for (int64_t k = 0; k < p.depth; ++k) {
      __m512 wv[kV];
      for (int v = 0; v < kV; ++v) wv[v] = _mm512_load_ps(w + 16 * v);
      // The weights stream through once per row block; a layer larger than L2 (ResNet-18's last
      // stage: 9.4 MB a convolution, 9 output pixels) waits on DRAM unless the next lines are
      // asked for early: 32 steps ahead took those layers from about 6 to 10 GB/s.
      for (int v = 0; v < kV; ++v) {
        _mm_prefetch(reinterpret_cast<const char*>(w + 16 * v + 32 * kTile), _MM_HINT_T0);
      }
      w += kTile;
      for (int r = 0; r < kR; ++r) {
        const __m512 x = _mm512_set1_ps(a[r][k]);
        for (int v = 0; v < kV; ++v) acc[r][v] = _mm512_fmadd_ps(x, wv[v], acc[r][v]);
      }
    }
  }
  const __m512 lo = _mm512_set1_ps(p.lo), hi = _mm512_set1_ps(p.hi);
  for (int half = 0; half < kV; ++half) {
    const int64_t c0 = n0 + 16 * half;
    if (c0 >= p.n) break;
    const int64_t valid = std::min<int64_t>(16, p.n - c0);
    const __mmask16 mask = static_cast<__mmask16>((1u << valid) - 1);
    for (int r = 0; r < kR; ++r) {
      const __m512 y = _mm512_min_ps(_mm512_max_ps(acc[r][half], lo), hi);
      _mm512_mask_storeu_ps(output + (m0 + r) * p.n + c0, mask, y);
    }
  }
}

}  // namespace

namespace {

template <int kV, int kRows>
void RunTiles(const F32Gemm::Packed& p, const float* input, int64_t m_begin, int64_t m_end,
              int64_t tile_begin, int64_t tile_end, float* output) {
  // Column tiles outermost: a tile's weights stay in cache while every row passes.
  for (int64_t t = tile_begin; t < tile_end; ++t) {
    ForRowBlocks<kRows>(m_begin, m_end,
                        [&]<int kR>(int64_t m0) { Microkernel<kR, kV>(p, input, m0, t, output); });
  }
}

}  // namespace

void F32GemmAvx512(const F32Gemm::Packed& p, const float* input, int64_t m_begin, int64_t m_end,
                   int64_t tile_begin, int64_t tile_end, float* output) {
  if (p.tile == 16) {
    RunTiles<1, 16>(p, input, m_begin, m_end, tile_begin, tile_end, output);
  } else {
    RunTiles<2, 8>(p, input, m_begin, m_end, tile_begin, tile_end, output);
  }
}

}  // namespace trit::x86
