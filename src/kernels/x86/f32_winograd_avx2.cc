// Winograd F(2x2,3x3) and F(4x4,3x3) for AVX2 + FMA: per frequency, the fp32 GEMM's microkernel
// shape (6 tiles x 16 channels, the transformed input broadcast, FMA); the input and output
// transforms 8 channels to a register.
#include <immintrin.h>

#include <algorithm>

#include "kernels/f32_winograd.h"
#include "kernels/row_blocks.h"
#include "kernels/winograd_transforms.h"

namespace trit::x86 {
namespace {

constexpr int kRows = 6;
constexpr int kTile = static_cast<int>(kWinogradAvx2Tile);

template <int kM, int kR>
inline void Block(const F32Winograd::Packed& p, const float* v, int64_t t0, int64_t ct,
                  float* output) {
  constexpr int kA2 = (kM + 2) * (kM + 2);
  alignas(32) float frequencies[kA2][kR][kTile];
  const int64_t cin = p.cin;
  for (int xi = 0; xi < kA2; ++xi) {
    const float* w = p.weights + (ct * kA2 + xi) * cin * kTile;
    const float* a[kR];
    for (int r = 0; r < kR; ++r) a[r] = v + ((t0 + r) * kA2 + xi) * cin;
    __m256 acc[kR][2];
    for (int r = 0; r < kR; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
    for (int64_t k = 0; k < cin; ++k) {
      const __m256 w0 = _mm256_load_ps(w), w1 = _mm256_load_ps(w + 8);
      w += kTile;
      for (int r = 0; r < kR; ++r) {
        const __m256 x = _mm256_broadcast_ss(a[r] + k);
        acc[r][0] = _mm256_fmadd_ps(x, w0, acc[r][0]);
        acc[r][1] = _mm256_fmadd_ps(x, w1, acc[r][1]);
      }
    }
    for (int r = 0; r < kR; ++r) {
      _mm256_store_ps(&frequencies[xi][r][0], acc[r][0]);
      _mm256_store_ps(&frequencies[xi][r][8], acc[r][1]);
    }
  }
  const __m256 lo = _mm256_set1_ps(p.lo), hi = _mm256_set1_ps(p.hi);
  for (int r = 0; r < kR; ++r) {
    const int64_t t = t0 + r;
    const int64_t b = t / (p.tiles_h * p.tiles_w), ty = t / p.tiles_w % p.tiles_h,
                  tx = t % p.tiles_w;
    const int rows = static_cast<int>(std::min<int64_t>(kM, p.out_h - ty * kM));
    const int cols = static_cast<int>(std::min<int64_t>(kM, p.out_w - tx * kM));
    for (int half = 0; half < 2; ++half) {
      const int64_t c0 = ct * kTile + 8 * half;
      if (c0 >= p.n) break;
      const int valid = static_cast<int>(std::min<int64_t>(8, p.n - c0));
      const __m256i mask =
          _mm256_cmpgt_epi32(_mm256_set1_epi32(valid), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
      __m256 m[kA2], y[kM * kM];
      for (int xi = 0; xi < kA2; ++xi) m[xi] = _mm256_load_ps(&frequencies[xi][r][8 * half]);
      WinogradOutputTile<kM>(m, 1, y);
      const __m256 bias = _mm256_loadu_ps(p.bias + c0);
      for (int i = 0; i < rows; ++i) {
        float* out = output + ((b * p.out_h + ty * kM + i) * p.out_w + tx * kM) * p.n + c0;
        for (int j = 0; j < cols; ++j) {
          const __m256 z = _mm256_min_ps(_mm256_max_ps(y[i * kM + j] + bias, lo), hi);
          _mm256_maskstore_ps(out + j * p.n, mask, z);
        }
      }
    }
  }
}

template <int kM>
void Run(const F32Winograd::Packed& p, const float* v, int64_t row_begin, int64_t row_end,
         int64_t tile_begin, int64_t tile_end, float* output) {
  const int64_t chunk = p.chunk_tiles;
  for (int64_t c0 = row_begin; c0 < row_end; c0 += chunk) {
    const int64_t c1 = std::min(row_end, c0 + chunk);
    for (int64_t ct = tile_begin; ct < tile_end; ++ct) {
      ForRowBlocks<kRows>(c0, c1, [&]<int kR>(int64_t t0) { Block<kM, kR>(p, v, t0, ct, output); });
    }
  }
}

}  // namespace

void F32WinogradInputAvx2(const F32Winograd::Packed& p, const float* input, float* v,
                          int64_t tile_begin, int64_t tile_end) {
  const WinogradTiling g{p.batch,   p.in_h,     p.in_w,    p.out_h,   p.out_w,
                         p.pad_top, p.pad_left, p.tiles_h, p.tiles_w, p.cin};
  if (p.m == 2) {
    WinogradInputTiles<2, __m256, 8>(g, input, v, tile_begin, tile_end);
  } else {
    WinogradInputTiles<4, __m256, 8>(g, input, v, tile_begin, tile_end);
  }
}

void F32WinogradAvx2(const F32Winograd::Packed& p, const float* v, int64_t row_begin,
                     int64_t row_end, int64_t tile_begin, int64_t tile_end, float* output) {
  if (p.m == 2) {
    Run<2>(p, v, row_begin, row_end, tile_begin, tile_end, output);
  } else {
    Run<4>(p, v, row_begin, row_end, tile_begin, tile_end, output);
  }
}

}  // namespace trit::x86
