// The fp32 GEMM for AArch64 NEON: 4 rows x 16 channels per call, FMLA by element. Each row's 4
// depth values are loaded once and used four times, one lane per step; per 4 depth: 4 row
// loads, 4 weight loads (LD1 of four registers), 64 FMLA; a depth that is not a multiple of 4
// ends with single values broadcast (LD1R). Weights: [column tile][tap][depth][16 channels].
#include <arm_neon.h>

#include <algorithm>

#include "kernels/f32_gemm.h"
#include "kernels/row_blocks.h"

namespace trit::arm {
namespace {

constexpr int kTile = static_cast<int>(kF32NeonTile);

template <int kR, int kLane>
inline void Step(float32x4_t (&acc)[kR][4], const float32x4_t (&x)[kR], const float* w) {
  const float32x4x4_t wv = vld1q_f32_x4(w);
  for (int r = 0; r < kR; ++r) {
    for (int v = 0; v < 4; ++v) acc[r][v] = vfmaq_laneq_f32(acc[r][v], wv.val[v], x[r], kLane);
  }
}

template <int kR>
inline void Microkernel(const F32Gemm::Packed& p, const float* input, int64_t m0, int64_t t,
                        float* output) {
  const float* w = p.weights + t * kTile * p.taps * p.depth;
  const int64_t n0 = t * kTile;
  float32x4_t acc[kR][4];
  for (int v = 0; v < 4; ++v) {
    const float32x4_t bias = vld1q_f32(p.bias + n0 + 4 * v);
    for (int r = 0; r < kR; ++r) acc[r][v] = bias;
  }
  const int32_t* rows_indirection[kR];
  for (int r = 0; r < kR; ++r) rows_indirection[r] = p.indirection + (m0 + r) * p.taps;
  const int64_t whole = p.depth / 4 * 4;
  for (int64_t tap = 0; tap < p.taps; ++tap) {
    const float* a[kR];
    for (int r = 0; r < kR; ++r) a[r] = input + rows_indirection[r][tap] * p.depth;
    for (int64_t k = 0; k < whole; k += 4) {
      float32x4_t x[kR];
      for (int r = 0; r < kR; ++r) x[r] = vld1q_f32(a[r] + k);
      Step<kR, 0>(acc, x, w);
      Step<kR, 1>(acc, x, w + 16);
      Step<kR, 2>(acc, x, w + 32);
      Step<kR, 3>(acc, x, w + 48);
      w += 64;
    }
    for (int64_t k = whole; k < p.depth; ++k) {
      const float32x4x4_t wv = vld1q_f32_x4(w);
      w += 16;
      for (int r = 0; r < kR; ++r) {
        const float32x4_t x = vld1q_dup_f32(a[r] + k);
        for (int v = 0; v < 4; ++v) acc[r][v] = vfmaq_f32(acc[r][v], wv.val[v], x);
      }
    }
  }
  const float32x4_t lo = vdupq_n_f32(p.lo), hi = vdupq_n_f32(p.hi);
  const int64_t valid = std::min<int64_t>(kTile, p.n - n0);
  for (int r = 0; r < kR; ++r) {
    float* out = output + (m0 + r) * p.n + n0;
    for (int v = 0; v < 4 && 4 * v < valid; ++v) {
      const float32x4_t y = vminq_f32(vmaxq_f32(acc[r][v], lo), hi);
      if (4 * v + 4 <= valid) {
        vst1q_f32(out + 4 * v, y);
      } else {
        float lanes[4];
        vst1q_f32(lanes, y);
        std::copy(lanes, lanes + (valid - 4 * v), out + 4 * v);
      }
    }
  }
}

}  // namespace

void F32GemmNeon(const F32Gemm::Packed& p, const float* input, int64_t m_begin, int64_t m_end,
                 int64_t tile_begin, int64_t tile_end, float* output) {
  // Column tiles outermost: a tile's weights stay in cache while every row passes.
  for (int64_t t = tile_begin; t < tile_end; ++t) {
    ForRowBlocks<kF32NeonRows>(
        m_begin, m_end, [&]<int kR>(int64_t m0) { Microkernel<kR>(p, input, m0, t, output); });
  }
}

}  // namespace trit::arm
