// The int8 GEMM with the matrix multiply-accumulate (SMMLA, i8mm): 4 rows x 16 output channels
// per call. SMMLA multiplies a 2x8 block (two rows, 8 deep) by an 8x2 block (two channels) into
// a 2x2 block of 32-bit sums: 32 MACs per instruction. Each row pair's operand is built from
// two 8-byte loads (the rows come through the indirection table, so they are not adjacent);
// per 8 depth: 4 row loads, 2 weight loads (LD1 of four registers), 16 SMMLA. Packed weights:
// [column tile of 16][tap][depth / 8][16 channels][8 depth bytes], so each register holds one
// channel pair. Accumulator (pair, channel pair j): {row0 c2j, row0 c2j+1, row1 c2j, row1 c2j+1}.
#include <arm_neon.h>

#include "kernels/arm/q8_epilogue_neon.h"
#include "kernels/arm/q8_gemm.h"
#include "kernels/row_blocks.h"

namespace trit::arm {
namespace {

constexpr int kTile = static_cast<int>(kQ8Tile);

template <int kR>
inline void Microkernel(const Q8GemmPacked& p, const int8_t* input, int64_t m0, int64_t t,
                        void* output) {
  constexpr int kPairs = (kR + 1) / 2;
  const int64_t stride = p.vector_stride;
  const int64_t steps = p.depth_padded / 8;
  const int8_t* w = static_cast<const int8_t*>(p.weights) + t * kTile * p.taps * p.depth_padded;
  int32x4_t acc[kPairs][8];
  for (int pair = 0; pair < kPairs; ++pair) {
    for (int j = 0; j < 8; ++j) acc[pair][j] = vdupq_n_s32(0);
  }
  const int32_t* rows_indirection[2 * kPairs];
  for (int r = 0; r < 2 * kPairs; ++r) {
    // An odd last row pairs with itself; its copy is computed and dropped.
    rows_indirection[r] = p.indirection + (m0 + (r < kR ? r : kR - 1)) * p.taps;
  }
  for (int64_t tap = 0; tap < p.taps; ++tap) {
    const int8_t* a[2 * kPairs];
    for (int r = 0; r < 2 * kPairs; ++r) a[r] = input + rows_indirection[r][tap] * stride;
    for (int64_t s = 0; s < steps; ++s) {
      int8x16_t x[kPairs];
      for (int pair = 0; pair < kPairs; ++pair) {
        x[pair] = vcombine_s8(vld1_s8(a[2 * pair] + 8 * s), vld1_s8(a[2 * pair + 1] + 8 * s));
      }
      const int8x16x4_t w0 = vld1q_s8_x4(w), w1 = vld1q_s8_x4(w + 64);
      w += 128;
      for (int pair = 0; pair < kPairs; ++pair) {
        for (int j = 0; j < 4; ++j) acc[pair][j] = vmmlaq_s32(acc[pair][j], x[pair], w0.val[j]);
        for (int j = 0; j < 4; ++j) {
          acc[pair][4 + j] = vmmlaq_s32(acc[pair][4 + j], x[pair], w1.val[j]);
        }
      }
    }
  }
  const Q8Epilogue epilogue(p, p.n, t * kTile);
  for (int pair = 0; pair < kPairs; ++pair) {
    // Channels 4q..4q+3 of the pair's first row: the low halves of channel pairs 2q and 2q+1;
    // of its second row, the high halves.
    int32x4_t first[4], second[4];
    for (int q = 0; q < 4; ++q) {
      const int64x2_t even = vreinterpretq_s64_s32(acc[pair][2 * q]);
      const int64x2_t odd = vreinterpretq_s64_s32(acc[pair][2 * q + 1]);
      first[q] = vreinterpretq_s32_s64(vzip1q_s64(even, odd));
      second[q] = vreinterpretq_s32_s64(vzip2q_s64(even, odd));
    }
    auto* out = static_cast<uint8_t*>(output) + (m0 + 2 * pair) * p.n + t * kTile;
    epilogue.Store(first, out);
    if (2 * pair + 1 < kR) epilogue.Store(second, out + p.n);
  }
}

}  // namespace

void Q8GemmI8mm(const Q8GemmPacked& p, const int8_t* input, int64_t m_begin, int64_t m_end,
                int64_t tile_begin, int64_t tile_end, void* output) {
  for (int64_t t = tile_begin; t < tile_end; ++t) {
    ForRowBlocks<kQ8Rows>(m_begin, m_end,
                          [&]<int kR>(int64_t m0) { Microkernel<kR>(p, input, m0, t, output); });
  }
}

}  // namespace trit::arm
