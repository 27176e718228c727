// The int16 GEMM for cores without the dot product (Cortex-A53, A72): 4 rows x 16 output
// channels per call, SMLAL by element. Inputs arrive as int16 x - z and weights as int16, so
// every product and the 32-bit sums are exact. Each row's 8 depth values are loaded once and
// used eight times, one lane per step; per 8 depth: 4 row loads, 8 weight loads (LD1 of two
// registers), 128 SMLAL/SMLAL2. Packed weights: [column tile of 16][tap][depth][16 channels].
#include <arm_neon.h>

#include "kernels/arm/q8_epilogue_neon.h"
#include "kernels/arm/q8_gemm.h"
#include "kernels/row_blocks.h"

namespace trit::arm {
namespace {

constexpr int kTile = static_cast<int>(kQ8Tile);

template <int kR, int kLane>
inline void Step(int32x4_t (&acc)[kR][4], const int16x8_t (&x)[kR], const int16_t* w) {
  const int16x8x2_t wv = vld1q_s16_x2(w);
  for (int r = 0; r < kR; ++r) {
    acc[r][0] = vmlal_laneq_s16(acc[r][0], vget_low_s16(wv.val[0]), x[r], kLane);
    acc[r][1] = vmlal_high_laneq_s16(acc[r][1], wv.val[0], x[r], kLane);
    acc[r][2] = vmlal_laneq_s16(acc[r][2], vget_low_s16(wv.val[1]), x[r], kLane);
    acc[r][3] = vmlal_high_laneq_s16(acc[r][3], wv.val[1], x[r], kLane);
  }
}

template <int kR>
inline void Microkernel(const Q8GemmPacked& p, const int16_t* input, int64_t m0, int64_t t,
                        void* output) {
  const int64_t stride = p.vector_stride;
  const int64_t chunks = p.depth_padded / 8;
  const int16_t* w = static_cast<const int16_t*>(p.weights) + t * kTile * p.taps * p.depth_padded;
  int32x4_t acc[kR][4];
  for (int r = 0; r < kR; ++r) {
    for (int q = 0; q < 4; ++q) acc[r][q] = vdupq_n_s32(0);
  }
  const int32_t* rows_indirection[kR];
  for (int r = 0; r < kR; ++r) rows_indirection[r] = p.indirection + (m0 + r) * p.taps;
  for (int64_t tap = 0; tap < p.taps; ++tap) {
    const int16_t* a[kR];
    for (int r = 0; r < kR; ++r) a[r] = input + rows_indirection[r][tap] * stride;
    for (int64_t c = 0; c < chunks; ++c) {
      int16x8_t x[kR];
      for (int r = 0; r < kR; ++r) x[r] = vld1q_s16(a[r] + 8 * c);
      Step<kR, 0>(acc, x, w);
      Step<kR, 1>(acc, x, w + 16);
      Step<kR, 2>(acc, x, w + 32);
      Step<kR, 3>(acc, x, w + 48);
      Step<kR, 4>(acc, x, w + 64);
      Step<kR, 5>(acc, x, w + 80);
      Step<kR, 6>(acc, x, w + 96);
      Step<kR, 7>(acc, x, w + 112);
      w += 128;
    }
  }
  const Q8Epilogue epilogue(p, p.n, t * kTile);
  for (int r = 0; r < kR; ++r) {
    epilogue.Store(acc[r], static_cast<uint8_t*>(output) + (m0 + r) * p.n + t * kTile);
  }
}

}  // namespace

void Q8GemmNeon(const Q8GemmPacked& p, const int16_t* input, int64_t m_begin, int64_t m_end,
                int64_t tile_begin, int64_t tile_end, void* output) {
  for (int64_t t = tile_begin; t < tile_end; ++t) {
    ForRowBlocks<kQ8Rows>(m_begin, m_end,
                          [&]<int kR>(int64_t m0) { Microkernel<kR>(p, input, m0, t, output); });
  }
}

}  // namespace trit::arm
