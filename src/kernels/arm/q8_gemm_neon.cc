// The int16 GEMM for cores without the dot product (Cortex-A53, A72): 4 rows x 16 output
// channels per call, SMLAL by element. Inputs arrive as int16 x - z and weights as int16, so
// every product and the 32-bit sums are exact. Each row's 8 depth values are loaded once and
// used eight times, one lane per step; per 8 depth: 4 row loads, 8 weight loads (LD1 of two
// registers), 128 SMLAL/SMLAL2 and the loop's 2: 90% of the loop's instructions multiply. Packed
// weights: [column tile of 16][tap][depth][16 channels].
#include <arm_neon.h>

#include <algorithm>

#include "kernels/arm/q8_gemm.h"
#include "kernels/arm/q8_gemm_blocks.h"

namespace trit::arm {
namespace {

constexpr int kTile = static_cast<int>(kQ8Tile);

// Rows [m0, m0 + rows) (rows <= 4; a short block repeats its last row and drops the copies).
// The loop over taps and depth is assembly (GCC 12 spilled the intrinsics version's
// accumulators every iteration): accumulators c<row><quad> in v16-v31, the rows' 8 int16 values
// in v0-v3 (SMLAL by element takes its 16-bit element from v0-v15 only), weights in v4, v5.
void Microkernel(const Q8GemmPacked& p, const int16_t* input, int64_t m0, int rows, int64_t t,
                 void* output) {
  const int16_t* w = static_cast<const int16_t*>(p.weights) + t * kTile * p.taps * p.depth_padded;
  const int32_t* r[4];
  BlockRows(p, m0, rows, r);
  const int32_t *r0 = r[0], *r1 = r[1], *r2 = r[2], *r3 = r[3];
  int64_t taps = p.taps;  // at least 1
  // Depth chunks of 8 int16 (at least 1: the depth is padded to 8); the stride in bytes.
  const int64_t chunks = p.depth_padded / 8, stride = p.vector_stride * 2;
  alignas(16) int32_t acc[4][16];
  int32_t* acc_out = &acc[0][0];
  int64_t a0, a1, a2, a3, count;
  asm volatile(
      "movi v16.4s, #0\n movi v17.4s, #0\n movi v18.4s, #0\n movi v19.4s, #0\n"
      "movi v20.4s, #0\n movi v21.4s, #0\n movi v22.4s, #0\n movi v23.4s, #0\n"
      "movi v24.4s, #0\n movi v25.4s, #0\n movi v26.4s, #0\n movi v27.4s, #0\n"
      "movi v28.4s, #0\n movi v29.4s, #0\n movi v30.4s, #0\n movi v31.4s, #0\n"
      "0:\n"
      "ldrsw %[a0], [%[r0]], #4\n"
      "ldrsw %[a1], [%[r1]], #4\n"
      "ldrsw %[a2], [%[r2]], #4\n"
      "ldrsw %[a3], [%[r3]], #4\n"
      "madd %[a0], %[a0], %[stride], %[input]\n"
      "madd %[a1], %[a1], %[stride], %[input]\n"
      "madd %[a2], %[a2], %[stride], %[input]\n"
      "madd %[a3], %[a3], %[stride], %[input]\n"
      "mov %[count], %[chunks]\n"
      "1:\n"
      "ld1 {v0.8h}, [%[a0]], #16\n ld1 {v1.8h}, [%[a1]], #16\n"
      "ld1 {v2.8h}, [%[a2]], #16\n ld1 {v3.8h}, [%[a3]], #16\n"
      "ld1 {v4.8h, v5.8h}, [%[w]], #32\n"
      "smlal v16.4s, v4.4h, v0.h[0]\n smlal2 v17.4s, v4.8h, v0.h[0]\n smlal v18.4s, v5.4h, "
      "v0.h[0]\n smlal2 v19.4s, v5.8h, v0.h[0]\n"
      "smlal v20.4s, v4.4h, v1.h[0]\n smlal2 v21.4s, v4.8h, v1.h[0]\n smlal v22.4s, v5.4h, "
      "v1.h[0]\n smlal2 v23.4s, v5.8h, v1.h[0]\n"
      "smlal v24.4s, v4.4h, v2.h[0]\n smlal2 v25.4s, v4.8h, v2.h[0]\n smlal v26.4s, v5.4h, "
      "v2.h[0]\n smlal2 v27.4s, v5.8h, v2.h[0]\n"
      "smlal v28.4s, v4.4h, v3.h[0]\n smlal2 v29.4s, v4.8h, v3.h[0]\n smlal v30.4s, v5.4h, "
      "v3.h[0]\n smlal2 v31.4s, v5.8h, v3.h[0]\n"
      "ld1 {v4.8h, v5.8h}, [%[w]], #32\n"
      "smlal v16.4s, v4.4h, v0.h[1]\n smlal2 v17.4s, v4.8h, v0.h[1]\n smlal v18.4s, v5.4h, "
      "v0.h[1]\n smlal2 v19.4s, v5.8h, v0.h[1]\n"
      "smlal v20.4s, v4.4h, v1.h[1]\n smlal2 v21.4s, v4.8h, v1.h[1]\n smlal v22.4s, v5.4h, "
      "v1.h[1]\n smlal2 v23.4s, v5.8h, v1.h[1]\n"
      "smlal v24.4s, v4.4h, v2.h[1]\n smlal2 v25.4s, v4.8h, v2.h[1]\n smlal v26.4s, v5.4h, "
      "v2.h[1]\n smlal2 v27.4s, v5.8h, v2.h[1]\n"
      "smlal v28.4s, v4.4h, v3.h[1]\n smlal2 v29.4s, v4.8h, v3.h[1]\n smlal v30.4s, v5.4h, "
      "v3.h[1]\n smlal2 v31.4s, v5.8h, v3.h[1]\n"
      "ld1 {v4.8h, v5.8h}, [%[w]], #32\n"
      "smlal v16.4s, v4.4h, v0.h[2]\n smlal2 v17.4s, v4.8h, v0.h[2]\n smlal v18.4s, v5.4h, "
      "v0.h[2]\n smlal2 v19.4s, v5.8h, v0.h[2]\n"
      "smlal v20.4s, v4.4h, v1.h[2]\n smlal2 v21.4s, v4.8h, v1.h[2]\n smlal v22.4s, v5.4h, "
      "v1.h[2]\n smlal2 v23.4s, v5.8h, v1.h[2]\n"
      "smlal v24.4s, v4.4h, v2.h[2]\n smlal2 v25.4s, v4.8h, v2.h[2]\n smlal v26.4s, v5.4h, "
      "v2.h[2]\n smlal2 v27.4s, v5.8h, v2.h[2]\n"
      "smlal v28.4s, v4.4h, v3.h[2]\n smlal2 v29.4s, v4.8h, v3.h[2]\n smlal v30.4s, v5.4h, "
      "v3.h[2]\n smlal2 v31.4s, v5.8h, v3.h[2]\n"
      "ld1 {v4.8h, v5.8h}, [%[w]], #32\n"
      "smlal v16.4s, v4.4h, v0.h[3]\n smlal2 v17.4s, v4.8h, v0.h[3]\n smlal v18.4s, v5.4h, "
      "v0.h[3]\n smlal2 v19.4s, v5.8h, v0.h[3]\n"
      "smlal v20.4s, v4.4h, v1.h[3]\n smlal2 v21.4s, v4.8h, v1.h[3]\n smlal v22.4s, v5.4h, "
      "v1.h[3]\n smlal2 v23.4s, v5.8h, v1.h[3]\n"
      "smlal v24.4s, v4.4h, v2.h[3]\n smlal2 v25.4s, v4.8h, v2.h[3]\n smlal v26.4s, v5.4h, "
      "v2.h[3]\n smlal2 v27.4s, v5.8h, v2.h[3]\n"
      "smlal v28.4s, v4.4h, v3.h[3]\n smlal2 v29.4s, v4.8h, v3.h[3]\n smlal v30.4s, v5.4h, "
      "v3.h[3]\n smlal2 v31.4s, v5.8h, v3.h[3]\n"
      "ld1 {v4.8h, v5.8h}, [%[w]], #32\n"
      "smlal v16.4s, v4.4h, v0.h[4]\n smlal2 v17.4s, v4.8h, v0.h[4]\n smlal v18.4s, v5.4h, "
      "v0.h[4]\n smlal2 v19.4s, v5.8h, v0.h[4]\n"
      "smlal v20.4s, v4.4h, v1.h[4]\n smlal2 v21.4s, v4.8h, v1.h[4]\n smlal v22.4s, v5.4h, "
      "v1.h[4]\n smlal2 v23.4s, v5.8h, v1.h[4]\n"
      "smlal v24.4s, v4.4h, v2.h[4]\n smlal2 v25.4s, v4.8h, v2.h[4]\n smlal v26.4s, v5.4h, "
      "v2.h[4]\n smlal2 v27.4s, v5.8h, v2.h[4]\n"
      "smlal v28.4s, v4.4h, v3.h[4]\n smlal2 v29.4s, v4.8h, v3.h[4]\n smlal v30.4s, v5.4h, "
      "v3.h[4]\n smlal2 v31.4s, v5.8h, v3.h[4]\n"
      "ld1 {v4.8h, v5.8h}, [%[w]], #32\n"
      "smlal v16.4s, v4.4h, v0.h[5]\n smlal2 v17.4s, v4.8h, v0.h[5]\n smlal v18.4s, v5.4h, "
      "v0.h[5]\n smlal2 v19.4s, v5.8h, v0.h[5]\n"
      "smlal v20.4s, v4.4h, v1.h[5]\n smlal2 v21.4s, v4.8h, v1.h[5]\n smlal v22.4s, v5.4h, "
      "v1.h[5]\n smlal2 v23.4s, v5.8h, v1.h[5]\n"
      "smlal v24.4s, v4.4h, v2.h[5]\n smlal2 v25.4s, v4.8h, v2.h[5]\n smlal v26.4s, v5.4h, "
      "v2.h[5]\n smlal2 v27.4s, v5.8h, v2.h[5]\n"
      "smlal v28.4s, v4.4h, v3.h[5]\n smlal2 v29.4s, v4.8h, v3.h[5]\n smlal v30.4s, v5.4h, "
      "v3.h[5]\n smlal2 v31.4s, v5.8h, v3.h[5]\n"
      "ld1 {v4.8h, v5.8h}, [%[w]], #32\n"
      "smlal v16.4s, v4.4h, v0.h[6]\n smlal2 v17.4s, v4.8h, v0.h[6]\n smlal v18.4s, v5.4h, "
      "v0.h[6]\n smlal2 v19.4s, v5.8h, v0.h[6]\n"
      "smlal v20.4s, v4.4h, v1.h[6]\n smlal2 v21.4s, v4.8h, v1.h[6]\n smlal v22.4s, v5.4h, "
      "v1.h[6]\n smlal2 v23.4s, v5.8h, v1.h[6]\n"
      "smlal v24.4s, v4.4h, v2.h[6]\n smlal2 v25.4s, v4.8h, v2.h[6]\n smlal v26.4s, v5.4h, "
      "v2.h[6]\n smlal2 v27.4s, v5.8h, v2.h[6]\n"
      "smlal v28.4s, v4.4h, v3.h[6]\n smlal2 v29.4s, v4.8h, v3.h[6]\n smlal v30.4s, v5.4h, "
      "v3.h[6]\n smlal2 v31.4s, v5.8h, v3.h[6]\n"
      "ld1 {v4.8h, v5.8h}, [%[w]], #32\n"
      "smlal v16.4s, v4.4h, v0.h[7]\n smlal2 v17.4s, v4.8h, v0.h[7]\n smlal v18.4s, v5.4h, "
      "v0.h[7]\n smlal2 v19.4s, v5.8h, v0.h[7]\n"
      "smlal v20.4s, v4.4h, v1.h[7]\n smlal2 v21.4s, v4.8h, v1.h[7]\n smlal v22.4s, v5.4h, "
      "v1.h[7]\n smlal2 v23.4s, v5.8h, v1.h[7]\n"
      "smlal v24.4s, v4.4h, v2.h[7]\n smlal2 v25.4s, v4.8h, v2.h[7]\n smlal v26.4s, v5.4h, "
      "v2.h[7]\n smlal2 v27.4s, v5.8h, v2.h[7]\n"
      "smlal v28.4s, v4.4h, v3.h[7]\n smlal2 v29.4s, v4.8h, v3.h[7]\n smlal v30.4s, v5.4h, "
      "v3.h[7]\n smlal2 v31.4s, v5.8h, v3.h[7]\n"
      "subs %[count], %[count], #1\n"
      "b.ne 1b\n"
      "subs %[taps], %[taps], #1\n"
      "b.ne 0b\n"
      "st1 {v16.4s-v19.4s}, [%[acc]], #64\n st1 {v20.4s-v23.4s}, [%[acc]], #64\n"
      "st1 {v24.4s-v27.4s}, [%[acc]], #64\n st1 {v28.4s-v31.4s}, [%[acc]]\n"
      : [r0] "+r"(r0), [r1] "+r"(r1), [r2] "+r"(r2), [r3] "+r"(r3), [w] "+r"(w), [taps] "+r"(taps),
        [acc] "+r"(acc_out), [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3),
        [count] "=&r"(count)
      : [input] "r"(input), [stride] "r"(stride), [chunks] "r"(chunks)
      : "cc", "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v16", "v17", "v18", "v19", "v20",
        "v21", "v22", "v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31");
  StoreRows(p, acc, rows, m0, t, output);
}

}  // namespace

void Q8GemmNeon(const Q8GemmPacked& p, const int16_t* input, int64_t m_begin, int64_t m_end,
                int64_t tile_begin, int64_t tile_end, void* output) {
  ForEachQ8Block(m_begin, m_end, tile_begin, tile_end, [&](int64_t m0, int rows, int64_t t) {
    Microkernel(p, input, m0, rows, t, output);
  });
}

}  // namespace trit::arm
