// Winograd F(2x2,3x3) and F(4x4,3x3) for AVX-512: per frequency, the fp32 GEMM's microkernel
// shape (8 tiles x 32 channels, or 16 x 16 for layers of at most 16 channels; the transformed
// input broadcast, FMA); the input and output transforms 16 channels to a register.
#include <immintrin.h>

#include <algorithm>

#include "kernels/f32_winograd.h"
#include "kernels/row_blocks.h"
#include "kernels/winograd_transforms.h"

namespace trit::x86 {
namespace {

template <int kM, int kR, int kV>
inline void Block(const F32Winograd::Packed& p, const float* v, int64_t t0, int64_t ct,
                  float* output) {
  constexpr int kA2 = (kM + 2) * (kM + 2), kTile = 16 * kV;
  alignas(64) float frequencies[kA2][kR][kTile];
  const int64_t cin = p.cin;
  for (int xi = 0; xi < kA2; ++xi) {
    const float* w = p.weights + (ct * kA2 + xi) * cin * kTile;
    const float* a[kR];
    for (int r = 0; r < kR; ++r) a[r] = v + ((t0 + r) * kA2 + xi) * cin;
    __m512 acc[kR][kV];
    for (int r = 0; r < kR; ++r) {
      for (int u = 0; u < kV; ++u) acc[r][u] = _mm512_setzero_ps();
    }
    for (int64_t k = 0; k < cin; ++k) {
      __m512 wv[kV];
      for (int u = 0; u < kV; ++u) wv[u] = _mm512_load_ps(w + 16 * u);
      w += kTile;
      for (int r = 0; r < kR; ++r) {
        const __m512 x = _mm512_set1_ps(a[r][k]);
        for (int u = 0; u < kV; ++u) acc[r][u] = _mm512_fmadd_ps(x, wv[u], acc[r][u]);
      }
    }
    for (int r = 0; r < kR; ++r) {
      for (int u = 0; u < kV; ++u) _mm512_store_ps(&frequencies[xi][r][16 * u], acc[r][u]);
    }
  }
  const __m512 lo = _mm512_set1_ps(p.lo), hi = _mm512_set1_ps(p.hi);
  for (int r = 0; r < kR; ++r) {
    const int64_t t = t0 + r;
    const int64_t b = t / (p.tiles_h * p.tiles_w), ty = t / p.tiles_w % p.tiles_h,
                  tx = t % p.tiles_w;
    const int rows = static_cast<int>(std::min<int64_t>(kM, p.out_h - ty * kM));
    const int cols = static_cast<int>(std::min<int64_t>(kM, p.out_w - tx * kM));
    for (int u = 0; u < kV; ++u) {
      const int64_t c0 = ct * kTile + 16 * u;
      if (c0 >= p.n) break;
      const int64_t valid = std::min<int64_t>(16, p.n - c0);
      const __mmask16 mask = static_cast<__mmask16>((1u << valid) - 1);
      __m512 m[kA2], y[kM * kM];
      for (int xi = 0; xi < kA2; ++xi) m[xi] = _mm512_load_ps(&frequencies[xi][r][16 * u]);
      WinogradOutputTile<kM>(m, 1, y);
      const __m512 bias = _mm512_loadu_ps(p.bias + c0);
      for (int i = 0; i < rows; ++i) {
        float* out = output + ((b * p.out_h + ty * kM + i) * p.out_w + tx * kM) * p.n + c0;
        for (int j = 0; j < cols; ++j) {
          const __m512 z = _mm512_min_ps(_mm512_max_ps(y[i * kM + j] + bias, lo), hi);
          _mm512_mask_storeu_ps(out + j * p.n, mask, z);
        }
      }
    }
  }
}

template <int kM, int kV, int kRows>
void Run(const F32Winograd::Packed& p, const float* v, int64_t row_begin, int64_t row_end,
         int64_t tile_begin, int64_t tile_end, float* output) {
  const int64_t chunk = p.chunk_tiles;
  for (int64_t c0 = row_begin; c0 < row_end; c0 += chunk) {
    const int64_t c1 = std::min(row_end, c0 + chunk);
    for (int64_t ct = tile_begin; ct < tile_end; ++ct) {
      ForRowBlocks<kRows>(c0, c1,
                          [&]<int kR>(int64_t t0) { Block<kM, kR, kV>(p, v, t0, ct, output); });
    }
  }
}

}  // namespace

void F32WinogradInputAvx512(const F32Winograd::Packed& p, const float* input, float* v,
                            int64_t tile_begin, int64_t tile_end) {
  const WinogradTiling g{p.batch,   p.in_h,     p.in_w,    p.out_h,   p.out_w,
                         p.pad_top, p.pad_left, p.tiles_h, p.tiles_w, p.cin};
  if (p.m == 2) {
    WinogradInputTiles<2, __m512, 16>(g, input, v, tile_begin, tile_end);
  } else {
    WinogradInputTiles<4, __m512, 16>(g, input, v, tile_begin, tile_end);
  }
}

void F32WinogradAvx512(const F32Winograd::Packed& p, const float* v, int64_t row_begin,
                       int64_t row_end, int64_t tile_begin, int64_t tile_end, float* output) {
  const bool narrow = p.tile == 16;
  if (p.m == 2) {
    if (narrow) {
      Run<2, 1, 16>(p, v, row_begin, row_end, tile_begin, tile_end, output);
    } else {
      Run<2, 2, 8>(p, v, row_begin, row_end, tile_begin, tile_end, output);
    }
  } else if (narrow) {
    Run<4, 1, 16>(p, v, row_begin, row_end, tile_begin, tile_end, output);
  } else {
    Run<4, 2, 8>(p, v, row_begin, row_end, tile_begin, tile_end, output);
  }
}

}  // namespace trit::x86
