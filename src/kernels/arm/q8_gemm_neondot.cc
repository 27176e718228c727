// The int8 GEMM with the dot product (SDOT by element): 4 rows x 16 output channels per call.
// Each row's 16 depth bytes are loaded once and used four times, one 4-byte lane per step;
// each step's 64 weight bytes are 4 channels x 4 deep per register. Per 16 depth: 4 row loads,
// 4 weight loads (LD1 of four registers), 64 SDOT and the loop's 2: 64/74 of SDOT's peak. Packed
// weights: [column tile of 16][tap][depth / 4][16 channels][4 depth bytes].
#include <arm_neon.h>

#include <algorithm>

#include "kernels/arm/q8_gemm.h"
#include "kernels/arm/q8_gemm_blocks.h"

namespace trit::arm {
namespace {

constexpr int kTile = static_cast<int>(kQ8Tile);

// One row (a batch-1 Dense, the last row of a layer): the weights are read once per row
// whatever the kernel, so a 4-row block would quadruple the work. Per 16 depth: 1 row load,
// 4 weight loads, 16 SDOT and the loop's 2.
void MicrokernelOneRow(const Q8GemmPacked& p, const int8_t* input, int64_t m0, int64_t t,
                       void* output) {
  const int8_t* w = static_cast<const int8_t*>(p.weights) + t * kTile * p.taps * p.depth_padded;
  const int32_t* r0 = p.indirection + m0 * p.taps;
  int64_t taps = p.taps;
  const int64_t chunks = p.depth_padded / 16, stride = p.vector_stride;
  alignas(16) int32_t acc[16];
  int64_t a0, count;
  asm volatile(
      "movi v0.4s, #0\n movi v1.4s, #0\n movi v2.4s, #0\n movi v3.4s, #0\n"
      "0:\n"
      "ldrsw %[a0], [%[r0]], #4\n"
      "madd %[a0], %[a0], %[stride], %[input]\n"
      "mov %[count], %[chunks]\n"
      "1:\n"
      "ld1 {v24.16b}, [%[a0]], #16\n"
      "ld1 {v28.16b-v31.16b}, [%[w]], #64\n"
      "sdot v0.4s, v28.16b, v24.4b[0]\n sdot v1.4s, v29.16b, v24.4b[0]\n sdot v2.4s, v30.16b, "
      "v24.4b[0]\n sdot v3.4s, v31.16b, v24.4b[0]\n"
      "ld1 {v28.16b-v31.16b}, [%[w]], #64\n"
      "sdot v0.4s, v28.16b, v24.4b[1]\n sdot v1.4s, v29.16b, v24.4b[1]\n sdot v2.4s, v30.16b, "
      "v24.4b[1]\n sdot v3.4s, v31.16b, v24.4b[1]\n"
      "ld1 {v28.16b-v31.16b}, [%[w]], #64\n"
      "sdot v0.4s, v28.16b, v24.4b[2]\n sdot v1.4s, v29.16b, v24.4b[2]\n sdot v2.4s, v30.16b, "
      "v24.4b[2]\n sdot v3.4s, v31.16b, v24.4b[2]\n"
      "ld1 {v28.16b-v31.16b}, [%[w]], #64\n"
      "sdot v0.4s, v28.16b, v24.4b[3]\n sdot v1.4s, v29.16b, v24.4b[3]\n sdot v2.4s, v30.16b, "
      "v24.4b[3]\n sdot v3.4s, v31.16b, v24.4b[3]\n"
      "subs %[count], %[count], #1\n"
      "b.ne 1b\n"
      "subs %[taps], %[taps], #1\n"
      "b.ne 0b\n"
      "st1 {v0.4s-v3.4s}, [%[acc]]\n"
      : [r0] "+r"(r0), [w] "+r"(w), [taps] "+r"(taps), [a0] "=&r"(a0), [count] "=&r"(count)
      : [input] "r"(input), [stride] "r"(stride), [chunks] "r"(chunks), [acc] "r"(acc)
      : "cc", "memory", "v0", "v1", "v2", "v3", "v24", "v28", "v29", "v30", "v31");
  const int32x4_t row[4] = {vld1q_s32(acc), vld1q_s32(acc + 4), vld1q_s32(acc + 8),
                            vld1q_s32(acc + 12)};
  Q8Epilogue(p, p.n, t * kTile).Store(row, static_cast<uint8_t*>(output) + m0 * p.n + t * kTile);
}

// Rows [m0, m0 + rows) (rows <= 4; a short block repeats its last row and drops the copies).
// The whole loop over taps and depth is assembly: accumulators c<row><quad> in v0-v15, the
// four rows' 16 bytes in v24-v27, each lane's 64 weight bytes in v28-v31. GCC 12, given the
// same loop in intrinsics, keeps every lane's weights live at once and spills accumulators to
// the stack each iteration (about 80 instructions per 16 depth instead of 74).
void Microkernel(const Q8GemmPacked& p, const int8_t* input, int64_t m0, int rows, int64_t t,
                 void* output) {
  if (rows == 1) return MicrokernelOneRow(p, input, m0, t, output);
  const int8_t* w = static_cast<const int8_t*>(p.weights) + t * kTile * p.taps * p.depth_padded;
  const int32_t* r[4];
  BlockRows(p, m0, rows, r);
  const int32_t *r0 = r[0], *r1 = r[1], *r2 = r[2], *r3 = r[3];
  int64_t taps = p.taps;                                                 // at least 1
  const int64_t chunks = p.depth_padded / 16, stride = p.vector_stride;  // chunks >= 1
  alignas(16) int32_t acc[4][16];
  int32_t* acc_out = &acc[0][0];
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
      "mov %[count], %[chunks]\n"
      "1:\n"
      "ld1 {v24.16b}, [%[a0]], #16\n ld1 {v25.16b}, [%[a1]], #16\n"
      "ld1 {v26.16b}, [%[a2]], #16\n ld1 {v27.16b}, [%[a3]], #16\n"
      "ld1 {v28.16b-v31.16b}, [%[w]], #64\n"
      "sdot v0.4s, v28.16b, v24.4b[0]\n sdot v1.4s, v29.16b, v24.4b[0]\n sdot v2.4s, v30.16b, "
      "v24.4b[0]\n sdot v3.4s, v31.16b, v24.4b[0]\n"
      "sdot v4.4s, v28.16b, v25.4b[0]\n sdot v5.4s, v29.16b, v25.4b[0]\n sdot v6.4s, v30.16b, "
      "v25.4b[0]\n sdot v7.4s, v31.16b, v25.4b[0]\n"
      "sdot v8.4s, v28.16b, v26.4b[0]\n sdot v9.4s, v29.16b, v26.4b[0]\n sdot v10.4s, v30.16b, "
      "v26.4b[0]\n sdot v11.4s, v31.16b, v26.4b[0]\n"
      "sdot v12.4s, v28.16b, v27.4b[0]\n sdot v13.4s, v29.16b, v27.4b[0]\n sdot v14.4s, v30.16b, "
      "v27.4b[0]\n sdot v15.4s, v31.16b, v27.4b[0]\n"
      "ld1 {v28.16b-v31.16b}, [%[w]], #64\n"
      "sdot v0.4s, v28.16b, v24.4b[1]\n sdot v1.4s, v29.16b, v24.4b[1]\n sdot v2.4s, v30.16b, "
      "v24.4b[1]\n sdot v3.4s, v31.16b, v24.4b[1]\n"
      "sdot v4.4s, v28.16b, v25.4b[1]\n sdot v5.4s, v29.16b, v25.4b[1]\n sdot v6.4s, v30.16b, "
      "v25.4b[1]\n sdot v7.4s, v31.16b, v25.4b[1]\n"
      "sdot v8.4s, v28.16b, v26.4b[1]\n sdot v9.4s, v29.16b, v26.4b[1]\n sdot v10.4s, v30.16b, "
      "v26.4b[1]\n sdot v11.4s, v31.16b, v26.4b[1]\n"
      "sdot v12.4s, v28.16b, v27.4b[1]\n sdot v13.4s, v29.16b, v27.4b[1]\n sdot v14.4s, v30.16b, "
      "v27.4b[1]\n sdot v15.4s, v31.16b, v27.4b[1]\n"
      "ld1 {v28.16b-v31.16b}, [%[w]], #64\n"
      "sdot v0.4s, v28.16b, v24.4b[2]\n sdot v1.4s, v29.16b, v24.4b[2]\n sdot v2.4s, v30.16b, "
      "v24.4b[2]\n sdot v3.4s, v31.16b, v24.4b[2]\n"
      "sdot v4.4s, v28.16b, v25.4b[2]\n sdot v5.4s, v29.16b, v25.4b[2]\n sdot v6.4s, v30.16b, "
      "v25.4b[2]\n sdot v7.4s, v31.16b, v25.4b[2]\n"
      "sdot v8.4s, v28.16b, v26.4b[2]\n sdot v9.4s, v29.16b, v26.4b[2]\n sdot v10.4s, v30.16b, "
      "v26.4b[2]\n sdot v11.4s, v31.16b, v26.4b[2]\n"
      "sdot v12.4s, v28.16b, v27.4b[2]\n sdot v13.4s, v29.16b, v27.4b[2]\n sdot v14.4s, v30.16b, "
      "v27.4b[2]\n sdot v15.4s, v31.16b, v27.4b[2]\n"
      "ld1 {v28.16b-v31.16b}, [%[w]], #64\n"
      "sdot v0.4s, v28.16b, v24.4b[3]\n sdot v1.4s, v29.16b, v24.4b[3]\n sdot v2.4s, v30.16b, "
      "v24.4b[3]\n sdot v3.4s, v31.16b, v24.4b[3]\n"
      "sdot v4.4s, v28.16b, v25.4b[3]\n sdot v5.4s, v29.16b, v25.4b[3]\n sdot v6.4s, v30.16b, "
      "v25.4b[3]\n sdot v7.4s, v31.16b, v25.4b[3]\n"
      "sdot v8.4s, v28.16b, v26.4b[3]\n sdot v9.4s, v29.16b, v26.4b[3]\n sdot v10.4s, v30.16b, "
      "v26.4b[3]\n sdot v11.4s, v31.16b, v26.4b[3]\n"
      "sdot v12.4s, v28.16b, v27.4b[3]\n sdot v13.4s, v29.16b, v27.4b[3]\n sdot v14.4s, v30.16b, "
      "v27.4b[3]\n sdot v15.4s, v31.16b, v27.4b[3]\n"
      "subs %[count], %[count], #1\n"
      "b.ne 1b\n"
      "subs %[taps], %[taps], #1\n"
      "b.ne 0b\n"
      "st1 {v0.4s-v3.4s}, [%[acc]], #64\n st1 {v4.4s-v7.4s}, [%[acc]], #64\n"
      "st1 {v8.4s-v11.4s}, [%[acc]], #64\n st1 {v12.4s-v15.4s}, [%[acc]]\n"
      : [r0] "+r"(r0), [r1] "+r"(r1), [r2] "+r"(r2), [r3] "+r"(r3), [w] "+r"(w), [taps] "+r"(taps),
        [acc] "+r"(acc_out), [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3),
        [count] "=&r"(count)
      : [input] "r"(input), [stride] "r"(stride), [chunks] "r"(chunks)
      : "cc", "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11",
        "v12", "v13", "v14", "v15", "v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31");
  StoreRows(p, acc, rows, m0, t, output);
}

}  // namespace

void Q8GemmNeonDot(const Q8GemmPacked& p, const int8_t* input, int64_t m_begin, int64_t m_end,
                   int64_t tile_begin, int64_t tile_end, void* output) {
  ForEachQ8Block(m_begin, m_end, tile_begin, tile_end, [&](int64_t m0, int rows, int64_t t) {
    Microkernel(p, input, m0, rows, t, output);
  });
}

}  // namespace trit::arm
