// The int8 GEMM with the dot product (SDOT by element): 4 rows x 16 output channels per call.
// Each row's 16 depth bytes are loaded once and used four times, one 4-byte lane per step;
// each step's 64 weight bytes are 4 channels x 4 deep per register. Per 16 depth: 4 row loads,
// 4 weight loads (LD1 of four registers), 64 SDOT. Packed weights:
// [column tile of 16][tap][depth / 4][16 channels][4 depth bytes].
#include <arm_neon.h>

#include "kernels/arm/q8_epilogue_neon.h"
#include "kernels/arm/q8_gemm.h"
#include "kernels/row_blocks.h"

namespace trit::arm {
namespace {

constexpr int kTile = static_cast<int>(kQ8Tile);

template <int kR, int kLane>
inline void Step(int32x4_t (&acc)[kR][4], const int8x16_t (&x)[kR], const int8_t* w) {
  const int8x16x4_t wv = vld1q_s8_x4(w);
  for (int r = 0; r < kR; ++r) {
    acc[r][0] = vdotq_laneq_s32(acc[r][0], wv.val[0], x[r], kLane);
    acc[r][1] = vdotq_laneq_s32(acc[r][1], wv.val[1], x[r], kLane);
    acc[r][2] = vdotq_laneq_s32(acc[r][2], wv.val[2], x[r], kLane);
    acc[r][3] = vdotq_laneq_s32(acc[r][3], wv.val[3], x[r], kLane);
  }
}

template <int kR>
inline void Microkernel(const Q8GemmPacked& p, const int8_t* input, int64_t m0, int64_t t,
                        void* output) {
  const int64_t stride = p.vector_stride;
  const int64_t chunks = p.depth_padded / 16;
  const int8_t* w = static_cast<const int8_t*>(p.weights) + t * kTile * p.taps * p.depth_padded;
  int32x4_t acc[kR][4];
  for (int r = 0; r < kR; ++r) {
    for (int q = 0; q < 4; ++q) acc[r][q] = vdupq_n_s32(0);
  }
  const int32_t* rows_indirection[kR];
  for (int r = 0; r < kR; ++r) rows_indirection[r] = p.indirection + (m0 + r) * p.taps;
  for (int64_t tap = 0; tap < p.taps; ++tap) {
    const int8_t* a[kR];
    for (int r = 0; r < kR; ++r) a[r] = input + rows_indirection[r][tap] * stride;
    for (int64_t c = 0; c < chunks; ++c) {
      int8x16_t x[kR];
      for (int r = 0; r < kR; ++r) x[r] = vld1q_s8(a[r] + 16 * c);
      Step<kR, 0>(acc, x, w);
      Step<kR, 1>(acc, x, w + 64);
      Step<kR, 2>(acc, x, w + 128);
      Step<kR, 3>(acc, x, w + 192);
      w += 256;
    }
  }
  const Q8Epilogue epilogue(p, p.n, t * kTile);
  for (int r = 0; r < kR; ++r) {
    epilogue.Store(acc[r], static_cast<uint8_t*>(output) + (m0 + r) * p.n + t * kTile);
  }
}

}  // namespace

void Q8GemmNeonDot(const Q8GemmPacked& p, const int8_t* input, int64_t m_begin, int64_t m_end,
                   int64_t tile_begin, int64_t tile_end, void* output) {
  // Column tiles outermost: a tile's weights stay in cache while every row passes.
  for (int64_t t = tile_begin; t < tile_end; ++t) {
    ForRowBlocks<kQ8Rows>(m_begin, m_end,
                          [&]<int kR>(int64_t m0) { Microkernel<kR>(p, input, m0, t, output); });
  }
}

}  // namespace trit::arm
