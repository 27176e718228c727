// What the three AArch64 int8 GEMM files share around their assembly loops: the walk over
// column tiles and 4-row blocks, each block's rows in the indirection table (a short block
// repeats its last row; the copies are computed and dropped), and the epilogue over rows whose
// 16 accumulators were stored as [row][16 channels]. Baseline NEON only.
#pragma once

#include <arm_neon.h>

#include <algorithm>
#include <cstdint>

#include "kernels/arm/q8_epilogue_neon.h"
#include "kernels/arm/q8_gemm.h"

namespace trit::arm {
// Internal linkage on purpose: each ISA file gets its own copy (kernels/row_blocks.h).
namespace {

// Calls block(m0, rows, t) for every 4-row block of rows [m_begin, m_end) in each column tile
// [tile_begin, tile_end): tiles outermost, so that a tile's weights stay in cache while every
// row passes.
template <typename Block>
inline void ForEachQ8Block(int64_t m_begin, int64_t m_end, int64_t tile_begin, int64_t tile_end,
                           Block&& block) {
  for (int64_t t = tile_begin; t < tile_end; ++t) {
    for (int64_t m0 = m_begin; m0 < m_end; m0 += kQ8Rows) {
      block(m0, static_cast<int>(std::min<int64_t>(kQ8Rows, m_end - m0)), t);
    }
  }
}

// The indirection rows of the block's 4 rows.
inline void BlockRows(const Q8GemmPacked& p, int64_t m0, int rows, const int32_t* (&r)[4]) {
  for (int i = 0; i < 4; ++i) r[i] = p.indirection + (m0 + std::min(i, rows - 1)) * p.taps;
}

// The block's first `rows` rows of acc[row][16 channels], requantized and stored.
inline void StoreRows(const Q8GemmPacked& p, const int32_t (*acc)[16], int rows, int64_t m0,
                      int64_t t, void* output) {
  const Q8Epilogue epilogue(p, p.n, t * kQ8Tile);
  auto* out = static_cast<uint8_t*>(output) + m0 * p.n + t * kQ8Tile;
  for (int r = 0; r < rows; ++r) {
    const int32x4_t row[4] = {vld1q_s32(acc[r]), vld1q_s32(acc[r] + 4), vld1q_s32(acc[r] + 8),
                              vld1q_s32(acc[r] + 12)};
    epilogue.Store(row, out + r * p.n);
  }
}

}  // namespace
}  // namespace trit::arm
