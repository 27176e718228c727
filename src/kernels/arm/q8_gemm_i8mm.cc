// The int8 GEMM with the matrix multiply-accumulate (SMMLA, i8mm): 4 rows x 16 output channels
// per call. SMMLA multiplies a 2x8 block (two rows, 8 deep) by an 8x2 block (two channels) into
// a 2x2 block of 32-bit sums: 32 MACs per instruction. Each row pair's operand is built from
// two 8-byte loads (the rows come through the indirection table, so they are not adjacent);
// per 8 depth: 4 row loads, 2 weight loads (LD1 of four registers), 16 SMMLA and the loop's
// 2: 16/24 of SMMLA's peak, 21 MACs per instruction (SDOT's loop: 13.8). Packed weights:
// [column tile of 16][tap][depth / 8][16 channels][8 depth bytes], so each register holds one
// channel pair. Accumulator (pair, channel pair j): {row0 c2j, row0 c2j+1, row1 c2j, row1 c2j+1}.
#include <arm_neon.h>

#include <algorithm>

#include "kernels/arm/q8_gemm.h"
#include "kernels/arm/q8_gemm_blocks.h"

namespace trit::arm {
namespace {

constexpr int kTile = static_cast<int>(kQ8Tile);

// One row (a batch-1 Dense, the last row of a layer): the row pairs with itself (LD1R of its
// 8 bytes), half of each SMMLA wasted instead of three quarters of a 4-row block. Per 8 depth:
// 1 row load, 2 weight loads, 8 SMMLA and the loop's 2.
void MicrokernelOneRow(const Q8GemmPacked& p, const int8_t* input, int64_t m0, int64_t t,
                       void* output) {
  const int8_t* w = static_cast<const int8_t*>(p.weights) + t * kTile * p.taps * p.depth_padded;
  const int32_t* r0 = p.indirection + m0 * p.taps;
  int64_t taps = p.taps;
  const int64_t steps = p.depth_padded / 8, stride = p.vector_stride;
  alignas(16) int32_t acc[8][4];
  int32_t* acc_out = &acc[0][0];
  int64_t a0, count;
  asm volatile(
      "movi v0.4s, #0\n movi v1.4s, #0\n movi v2.4s, #0\n movi v3.4s, #0\n"
      "movi v4.4s, #0\n movi v5.4s, #0\n movi v6.4s, #0\n movi v7.4s, #0\n"
      "0:\n"
      "ldrsw %[a0], [%[r0]], #4\n"
      "madd %[a0], %[a0], %[stride], %[input]\n"
      "mov %[count], %[steps]\n"
      "1:\n"
      "ld1r {v24.2d}, [%[a0]], #8\n"
      "ld1 {v28.16b-v31.16b}, [%[w]], #64\n"
      "smmla v0.4s, v24.16b, v28.16b\n smmla v1.4s, v24.16b, v29.16b\n smmla v2.4s, v24.16b, "
      "v30.16b\n smmla v3.4s, v24.16b, v31.16b\n"
      "ld1 {v28.16b-v31.16b}, [%[w]], #64\n"
      "smmla v4.4s, v24.16b, v28.16b\n smmla v5.4s, v24.16b, v29.16b\n smmla v6.4s, v24.16b, "
      "v30.16b\n smmla v7.4s, v24.16b, v31.16b\n"
      "subs %[count], %[count], #1\n"
      "b.ne 1b\n"
      "subs %[taps], %[taps], #1\n"
      "b.ne 0b\n"
      "st1 {v0.4s-v3.4s}, [%[acc]], #64\n st1 {v4.4s-v7.4s}, [%[acc]]\n"
      : [r0] "+r"(r0), [w] "+r"(w), [taps] "+r"(taps), [acc] "+r"(acc_out), [a0] "=&r"(a0),
        [count] "=&r"(count)
      : [input] "r"(input), [stride] "r"(stride), [steps] "r"(steps)
      : "cc", "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v24", "v28", "v29", "v30",
        "v31");
  int32x4_t row[4];
  for (int q = 0; q < 4; ++q) {
    row[q] = vreinterpretq_s32_s64(vzip1q_s64(vreinterpretq_s64_s32(vld1q_s32(acc[2 * q])),
                                              vreinterpretq_s64_s32(vld1q_s32(acc[2 * q + 1]))));
  }
  Q8Epilogue(p, p.n, t * kTile).Store(row, static_cast<uint8_t*>(output) + m0 * p.n + t * kTile);
}

// Rows [m0, m0 + rows) (rows <= 4; a short block repeats its last row and drops the copies).
// The loop over taps and depth is assembly (GCC 12 spilled the intrinsics version's
// accumulators every iteration): accumulators in v0-v15, v(8 pair + channel pair); the row
// pairs' operands in v24, v25; weights in v28-v31.
void Microkernel(const Q8GemmPacked& p, const int8_t* input, int64_t m0, int rows, int64_t t,
                 void* output) {
  if (rows == 1) return MicrokernelOneRow(p, input, m0, t, output);
  const int8_t* w = static_cast<const int8_t*>(p.weights) + t * kTile * p.taps * p.depth_padded;
  const int32_t* r[4];
  BlockRows(p, m0, rows, r);
  const int32_t *r0 = r[0], *r1 = r[1], *r2 = r[2], *r3 = r[3];
  int64_t taps = p.taps;                                               // at least 1
  const int64_t steps = p.depth_padded / 8, stride = p.vector_stride;  // steps >= 1
  alignas(16) int32_t acc[2][8][4];
  int32_t* acc_out = &acc[0][0][0];
  int64_t a0, a1, a2, a3, count;
  asm volatile(
      "movi v0.4s, #0\n movi v1.4s, #0\n movi v2.4s, #0\n movi v3.4s, #0\n"
      "movi v4.4s, #0\n movi v5.4s, #0\n movi v6.4s, #0\n movi v7.4s, #0\n"
      "movi v8.4s, #0\n movi v9.4s, #0\n movi v10.4s, #0\n movi v11.4s, #0\n"
      "movi v12.4s, #0\n movi v13.4s, #0\n movi v14.4s, #0\n movi v15.4s, #0\n"
      "0:\n"
      "ldrsw %[a0], [%[r0]], #4\n"
      "ldrsw %[a1], [%[r1]], #4\n"
      "ldrsw %[a2], [%[r2]], #4\n"
      "ldrsw %[a3], [%[r3]], #4\n"
      "madd %[a0], %[a0], %[stride], %[input]\n"
      "madd %[a1], %[a1], %[stride], %[input]\n"
      "madd %[a2], %[a2], %[stride], %[input]\n"
      "madd %[a3], %[a3], %[stride], %[input]\n"
      "mov %[count], %[steps]\n"
      "1:\n"
      "ldr d24, [%[a0]], #8\n ld1 {v24.d}[1], [%[a1]], #8\n"
      "ldr d25, [%[a2]], #8\n ld1 {v25.d}[1], [%[a3]], #8\n"
      "ld1 {v28.16b-v31.16b}, [%[w]], #64\n"
      "smmla v0.4s, v24.16b, v28.16b\n smmla v1.4s, v24.16b, v29.16b\n smmla v2.4s, v24.16b, "
      "v30.16b\n smmla v3.4s, v24.16b, v31.16b\n"
      "smmla v8.4s, v25.16b, v28.16b\n smmla v9.4s, v25.16b, v29.16b\n smmla v10.4s, v25.16b, "
      "v30.16b\n smmla v11.4s, v25.16b, v31.16b\n"
      "ld1 {v28.16b-v31.16b}, [%[w]], #64\n"
      "smmla v4.4s, v24.16b, v28.16b\n smmla v5.4s, v24.16b, v29.16b\n smmla v6.4s, v24.16b, "
      "v30.16b\n smmla v7.4s, v24.16b, v31.16b\n"
      "smmla v12.4s, v25.16b, v28.16b\n smmla v13.4s, v25.16b, v29.16b\n smmla v14.4s, v25.16b, "
      "v30.16b\n smmla v15.4s, v25.16b, v31.16b\n"
      "subs %[count], %[count], #1\n"
      "b.ne 1b\n"
      "subs %[taps], %[taps], #1\n"
      "b.ne 0b\n"
      "st1 {v0.4s-v3.4s}, [%[acc]], #64\n st1 {v4.4s-v7.4s}, [%[acc]], #64\n"
      "st1 {v8.4s-v11.4s}, [%[acc]], #64\n st1 {v12.4s-v15.4s}, [%[acc]]\n"
      : [r0] "+r"(r0), [r1] "+r"(r1), [r2] "+r"(r2), [r3] "+r"(r3), [w] "+r"(w), [taps] "+r"(taps),
        [acc] "+r"(acc_out), [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3),
        [count] "=&r"(count)
      : [input] "r"(input), [stride] "r"(stride), [steps] "r"(steps)
      : "cc", "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11",
        "v12", "v13", "v14", "v15", "v24", "v25", "v28", "v29", "v30", "v31");
  const Q8Epilogue epilogue(p, p.n, t * kTile);
  auto* out = static_cast<uint8_t*>(output) + m0 * p.n + t * kTile;
  for (int pair = 0; pair < 2 && 2 * pair < rows; ++pair) {
    // Channels 4q..4q+3 of the pair's first row: the low halves of channel pairs 2q and 2q+1;
    // of its second row, the high halves.
    int32x4_t first[4], second[4];
    for (int q = 0; q < 4; ++q) {
      const int64x2_t even = vreinterpretq_s64_s32(vld1q_s32(acc[pair][2 * q]));
      const int64x2_t odd = vreinterpretq_s64_s32(vld1q_s32(acc[pair][2 * q + 1]));
      first[q] = vreinterpretq_s32_s64(vzip1q_s64(even, odd));
      second[q] = vreinterpretq_s32_s64(vzip2q_s64(even, odd));
    }
    epilogue.Store(first, out + 2 * pair * p.n);
    if (2 * pair + 1 < rows) epilogue.Store(second, out + (2 * pair + 1) * p.n);
  }
}

}  // namespace

void Q8GemmI8mm(const Q8GemmPacked& p, const int8_t* input, int64_t m_begin, int64_t m_end,
                int64_t tile_begin, int64_t tile_end, void* output) {
  ForEachQ8Block(m_begin, m_end, tile_begin, tile_end, [&](int64_t m0, int rows, int64_t t) {
    Microkernel(p, input, m0, rows, t, output);
  });
}

}  // namespace trit::arm
