// Winograd F(2x2,3x3) and F(4x4,3x3) for AArch64 NEON: per frequency, the fp32 GEMM's
// microkernel shape (4 tiles x 16 channels, FMLA by element: each tile's 4 input channels loaded
// once and used one lane per step); the input and output transforms 4 channels to a register.
#include <arm_neon.h>

#include <algorithm>

#include "kernels/f32_winograd.h"
#include "kernels/row_blocks.h"
#include "kernels/winograd_transforms.h"

namespace trit::arm {
namespace {

constexpr int kRows = 4;
constexpr int kTile = static_cast<int>(kWinogradNeonTile);

template <int kR, int kLane>
inline void Step(float32x4_t (&acc)[kR][4], const float32x4_t (&x)[kR], const float* w) {
  const float32x4x4_t wv = vld1q_f32_x4(w);
  for (int r = 0; r < kR; ++r) {
    for (int u = 0; u < 4; ++u) acc[r][u] = vfmaq_laneq_f32(acc[r][u], wv.val[u], x[r], kLane);
  }
}

template <int kM, int kR>
inline void Block(const F32Winograd::Packed& p, const float* v, int64_t t0, int64_t ct,
                  float* output) {
  constexpr int kA2 = (kM + 2) * (kM + 2);
  alignas(16) float frequencies[kA2][kR][kTile];
  const int64_t cin = p.cin, whole = cin / 4 * 4;
  for (int xi = 0; xi < kA2; ++xi) {
    const float* w = p.weights + (ct * kA2 + xi) * cin * kTile;
    const float* a[kR];
    for (int r = 0; r < kR; ++r) a[r] = v + ((t0 + r) * kA2 + xi) * cin;
    float32x4_t acc[kR][4];
    for (int r = 0; r < kR; ++r) {
      for (int u = 0; u < 4; ++u) acc[r][u] = vdupq_n_f32(0.0f);
    }
    for (int64_t k = 0; k < whole; k += 4) {
      float32x4_t x[kR];
      for (int r = 0; r < kR; ++r) x[r] = vld1q_f32(a[r] + k);
      Step<kR, 0>(acc, x, w);
      Step<kR, 1>(acc, x, w + 16);
      Step<kR, 2>(acc, x, w + 32);
      Step<kR, 3>(acc, x, w + 48);
      w += 64;
    }
    for (int64_t k = whole; k < cin; ++k) {
      const float32x4x4_t wv = vld1q_f32_x4(w);
      w += 16;
      for (int r = 0; r < kR; ++r) {
        const float32x4_t x = vld1q_dup_f32(a[r] + k);
        for (int u = 0; u < 4; ++u) acc[r][u] = vfmaq_f32(acc[r][u], wv.val[u], x);
      }
    }
    for (int r = 0; r < kR; ++r) {
      for (int u = 0; u < 4; ++u) vst1q_f32(&frequencies[xi][r][4 * u], acc[r][u]);
    }
  }
  const float32x4_t lo = vdupq_n_f32(p.lo), hi = vdupq_n_f32(p.hi);
  for (int r = 0; r < kR; ++r) {
    const int64_t t = t0 + r;
    const int64_t b = t / (p.tiles_h * p.tiles_w), ty = t / p.tiles_w % p.tiles_h,
                  tx = t % p.tiles_w;
    const int rows = static_cast<int>(std::min<int64_t>(kM, p.out_h - ty * kM));
    const int cols = static_cast<int>(std::min<int64_t>(kM, p.out_w - tx * kM));
    for (int u = 0; u < 4; ++u) {
      const int64_t c0 = ct * kTile + 4 * u;
      if (c0 >= p.n) break;
      const int64_t valid = std::min<int64_t>(4, p.n - c0);
      float32x4_t m[kA2], y[kM * kM];
      for (int xi = 0; xi < kA2; ++xi) m[xi] = vld1q_f32(&frequencies[xi][r][4 * u]);
      WinogradOutputTile<kM>(m, 1, y);
      const float32x4_t bias = vld1q_f32(p.bias + c0);
      for (int i = 0; i < rows; ++i) {
        float* out = output + ((b * p.out_h + ty * kM + i) * p.out_w + tx * kM) * p.n + c0;
        for (int j = 0; j < cols; ++j) {
          const float32x4_t z = vminq_f32(vmaxq_f32(vaddq_f32(y[i * kM + j], bias), lo), hi);
          if (valid == 4) {
            vst1q_f32(out + j * p.n, z);
          } else {
            float lanes[4];
            vst1q_f32(lanes, z);
            std::copy(lanes, lanes + valid, out + j * p.n);
          }
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

void F32WinogradInputNeon(const F32Winograd::Packed& p, const float* input, float* v,
                          int64_t tile_begin, int64_t tile_end) {
  const WinogradTiling g{p.batch,   p.in_h,     p.in_w,    p.out_h,   p.out_w,
                         p.pad_top, p.pad_left, p.tiles_h, p.tiles_w, p.cin};
  if (p.m == 2) {
    WinogradInputTiles<2, float32x4_t, 4>(g, input, v, tile_begin, tile_end);
  } else {
    WinogradInputTiles<4, float32x4_t, 4>(g, input, v, tile_begin, tile_end);
  }
}

void F32WinogradNeon(const F32Winograd::Packed& p, const float* v, int64_t row_begin,
                     int64_t row_end, int64_t tile_begin, int64_t tile_end, float* output) {
  if (p.m == 2) {
    Run<2>(p, v, row_begin, row_end, tile_begin, tile_end, output);
  } else {
    Run<4>(p, v, row_begin, row_end, tile_begin, tile_end, output);
  }
}

}  // namespace trit::arm
