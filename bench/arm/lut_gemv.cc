// Issue #21's experiment: batch-1 GEMV on ternary, int2 or int4 weights read as packed codes,
// the codes unpacked in registers for SDOT (src/kernels/arm/lowbit_gemv_neondot.cc) against TBL
// lookup tables in the manner of T-MAC / bitnet.cpp TL1, made exact. A standalone AArch64
// program, counted under qemu-user by lut_gemv.sh. It computes the int32 dot products
// sum(level * x) of N channels over K int8 inputs x, level = code - offset (ternary codes 0..2,
// int2 0..3, int4 0..15 with offsets 1, 2, 8), by:
//
// "unpacked": lowbit_gemv_neondot.cc's loop: blocks of 4 channels, chunks of 16 code bytes per
//   channel, byte j holding weights j, j + 16 (, j + 32, j + 48) in its nibbles (bit pairs);
//   per chunk one LD1 of the block's 64 code bytes, the inputs, and per 16 weights of a channel
//   a shift and/or an AND and one SDOT: sum(u * x), less offset * sum(x) at the end.
// "unpacked-mask" (2-bit codes): the same with one instruction per 16 codes: AND with 0x03,
//   0x0C, 0x30 or USHR #6 leaves the codes times 1, 4, 16 or 1, into three accumulators that
//   SSRA (exact: every lane is a multiple) joins at the end.
// "lut" (TL1-like): a position = 4 index bits (two 2-bit codes, or one int4 code), its 16-entry
//   table = sum(level * x) over its weights for each index. Those sums need 10 to 12 bits, so
//   x = 16 * xh + xl (xl in [-7, 8], xh in [-8, 8]) and each position has two int8 tables (the
//   xl and xh planes) of small entries. 16 channels' codes are one vector (channel = byte, two
//   positions in its nibbles): AND / USHR make two index vectors; per index vector and plane one
//   TBL and one ADD accumulate 16 channels in int8 lanes, S lookups before they could wrap
//   (ternary 7, int2 3, int4 1); then SADDW (xl) and SMLAL by 16 (xh) widen them into one int16
//   pair, itself widened into int32 every Q periods. Three 16-channel sub-blocks share each table
//   load.
// "lut3" (2-bit codes): three codes = 6 index bits, a 64-entry table (TBL of 4 registers; 3 for
//   ternary, whose indices stay below 43). Per 16 channels x 12 weights, three code vectors:
//   byte = three codes of one group in bits 0-5 + one code of a fourth group in bits 6-7; AND
//   0x3F gives three index vectors, USHR + SRI + SRI the fourth. Entries: 3 weights' sums per
//   plane, so an int8 lane takes 4 lookups (ternary) or 2 (int2) before widening. Sub-blocks
//   sharing each table load: 3 (ternary), 2 (int2: its tables take 8 registers).
//
// Inner loops, instructions (the MACs they do):
//   unpacked       4 ch x 64 weights (256): 16 SDOT, 24 AND/USHR, 3 loads, 2 loop = 45
//                  (int4, 4 ch x 32 (128): 8 SDOT, 8 AND/USHR, 2 loads, 2 loop = 20)
//   unpacked-mask  4 ch x 64 weights (256): 16 SDOT, 16 AND/USHR, 3 loads, 2 loop = 37
//   lut            16 ch x 4 weights (64): 4 TBL, 4 (S - 1) / S ADD, 8 / S widening, 2 AND/USHR,
//                  2 / 3 loads, ~0.1 loop: 11.3 (ternary), 12.2 (int2); int4 (16 ch x 2): 14.7
//   lut3           16 ch x 12 weights (192): 8 TBL, 6 ADD, 4 widening, 6 index, 1 + 8 / 3
//                  loads, 2 / 3 loop = 28.3 (ternary); int2: 8, 4, 8, 6, 1 + 8 / 2, 1 = 32
//
// The tables are built once per input for all channels, and counted in the run ("lut-build",
// "lut3-build": the build alone). Hot loops are hand-written assembly (below) so that each
// method is counted at its best instruction schedule, free of compiler register shuffles.
//
// Usage: lut_gemv check                     every method against the reference over sizes,
//                                           edges and extreme values
//        lut_gemv KIND N K METHOD RUNS      KIND ternary|int2|int4; METHOD ref|unpacked|
//                                           unpacked-mask|lut|lut-build|lut3|lut3-build
// The second form checks every method on a random layer, then runs METHOD RUNS times
// (instructions per run = count(RUNS + 1) - count(RUNS)). Exit 1 on any mismatch.
#include <arm_neon.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <utility>
#include <vector>

// ---------------------------------------------------------------------------------------------
// The hot loops. AAPCS64: x0-x4 arguments, v8-v15 (low halves) saved where used.
asm(R"(
  .pushsection .text

// unpacked_u2(codes, x, chunks, blocks, sums): sums[4 * blocks] = sum(u * x) per channel.
  .p2align 4
  .globl unpacked_u2
  .hidden unpacked_u2
  .type unpacked_u2, %function
unpacked_u2:
  movi v31.16b, #3
1:
  movi v24.4s, #0
  movi v25.4s, #0
  movi v26.4s, #0
  movi v27.4s, #0
  mov x5, x1
  mov x6, x2
2:
  ld1 {v0.16b-v3.16b}, [x0], #64
  ldp q4, q5, [x5], #32
  ldp q6, q7, [x5], #32
  and v16.16b, v0.16b, v31.16b
  and v17.16b, v1.16b, v31.16b
  and v18.16b, v2.16b, v31.16b
  and v19.16b, v3.16b, v31.16b
  sdot v24.4s, v16.16b, v4.16b
  sdot v25.4s, v17.16b, v4.16b
  sdot v26.4s, v18.16b, v4.16b
  sdot v27.4s, v19.16b, v4.16b
  ushr v16.16b, v0.16b, #2
  ushr v17.16b, v1.16b, #2
  ushr v18.16b, v2.16b, #2
  ushr v19.16b, v3.16b, #2
  and v16.16b, v16.16b, v31.16b
  and v17.16b, v17.16b, v31.16b
  and v18.16b, v18.16b, v31.16b
  and v19.16b, v19.16b, v31.16b
  sdot v24.4s, v16.16b, v5.16b
  sdot v25.4s, v17.16b, v5.16b
  sdot v26.4s, v18.16b, v5.16b
  sdot v27.4s, v19.16b, v5.16b
  ushr v16.16b, v0.16b, #4
  ushr v17.16b, v1.16b, #4
  ushr v18.16b, v2.16b, #4
  ushr v19.16b, v3.16b, #4
  and v16.16b, v16.16b, v31.16b
  and v17.16b, v17.16b, v31.16b
  and v18.16b, v18.16b, v31.16b
  and v19.16b, v19.16b, v31.16b
  sdot v24.4s, v16.16b, v6.16b
  sdot v25.4s, v17.16b, v6.16b
  sdot v26.4s, v18.16b, v6.16b
  sdot v27.4s, v19.16b, v6.16b
  ushr v16.16b, v0.16b, #6
  ushr v17.16b, v1.16b, #6
  ushr v18.16b, v2.16b, #6
  ushr v19.16b, v3.16b, #6
  sdot v24.4s, v16.16b, v7.16b
  sdot v25.4s, v17.16b, v7.16b
  sdot v26.4s, v18.16b, v7.16b
  sdot v27.4s, v19.16b, v7.16b
  subs x6, x6, #1
  b.ne 2b
  addp v24.4s, v24.4s, v25.4s
  addp v26.4s, v26.4s, v27.4s
  addp v24.4s, v24.4s, v26.4s
  str q24, [x4], #16
  subs x3, x3, #1
  b.ne 1b
  ret
  .size unpacked_u2, . - unpacked_u2

// unpacked_u4(codes, x, chunks, blocks, sums): the same with 4-bit codes (32 weights a chunk).
  .p2align 4
  .globl unpacked_u4
  .hidden unpacked_u4
  .type unpacked_u4, %function
unpacked_u4:
  movi v31.16b, #15
1:
  movi v24.4s, #0
  movi v25.4s, #0
  movi v26.4s, #0
  movi v27.4s, #0
  mov x5, x1
  mov x6, x2
2:
  ld1 {v0.16b-v3.16b}, [x0], #64
  ldp q4, q5, [x5], #32
  and v16.16b, v0.16b, v31.16b
  and v17.16b, v1.16b, v31.16b
  and v18.16b, v2.16b, v31.16b
  and v19.16b, v3.16b, v31.16b
  sdot v24.4s, v16.16b, v4.16b
  sdot v25.4s, v17.16b, v4.16b
  sdot v26.4s, v18.16b, v4.16b
  sdot v27.4s, v19.16b, v4.16b
  ushr v16.16b, v0.16b, #4
  ushr v17.16b, v1.16b, #4
  ushr v18.16b, v2.16b, #4
  ushr v19.16b, v3.16b, #4
  sdot v24.4s, v16.16b, v5.16b
  sdot v25.4s, v17.16b, v5.16b
  sdot v26.4s, v18.16b, v5.16b
  sdot v27.4s, v19.16b, v5.16b
  subs x6, x6, #1
  b.ne 2b
  addp v24.4s, v24.4s, v25.4s
  addp v26.4s, v26.4s, v27.4s
  addp v24.4s, v24.4s, v26.4s
  str q24, [x4], #16
  subs x3, x3, #1
  b.ne 1b
  ret
  .size unpacked_u4, . - unpacked_u4

// unpacked_mask_u2(codes, x, chunks, blocks, sums): 2-bit codes, one AND (USHR) per 16 codes:
// codes x1 (v20-v23), x4 (v24-v27), x16 (v8-v11), x1 (v20-v23).
  .p2align 4
  .globl unpacked_mask_u2
  .hidden unpacked_mask_u2
  .type unpacked_mask_u2, %function
unpacked_mask_u2:
  stp d8, d9, [sp, #-32]!
  stp d10, d11, [sp, #16]
  movi v28.16b, #0x03
  movi v29.16b, #0x0c
  movi v30.16b, #0x30
1:
  movi v20.4s, #0
  movi v21.4s, #0
  movi v22.4s, #0
  movi v23.4s, #0
  movi v24.4s, #0
  movi v25.4s, #0
  movi v26.4s, #0
  movi v27.4s, #0
  movi v8.4s, #0
  movi v9.4s, #0
  movi v10.4s, #0
  movi v11.4s, #0
  mov x5, x1
  mov x6, x2
2:
  ld1 {v0.16b-v3.16b}, [x0], #64
  ldp q4, q5, [x5], #32
  ldp q6, q7, [x5], #32
  and v16.16b, v0.16b, v28.16b
  and v17.16b, v1.16b, v28.16b
  and v18.16b, v2.16b, v28.16b
  and v19.16b, v3.16b, v28.16b
  sdot v20.4s, v16.16b, v4.16b
  sdot v21.4s, v17.16b, v4.16b
  sdot v22.4s, v18.16b, v4.16b
  sdot v23.4s, v19.16b, v4.16b
  and v16.16b, v0.16b, v29.16b
  and v17.16b, v1.16b, v29.16b
  and v18.16b, v2.16b, v29.16b
  and v19.16b, v3.16b, v29.16b
  sdot v24.4s, v16.16b, v5.16b
  sdot v25.4s, v17.16b, v5.16b
  sdot v26.4s, v18.16b, v5.16b
  sdot v27.4s, v19.16b, v5.16b
  and v16.16b, v0.16b, v30.16b
  and v17.16b, v1.16b, v30.16b
  and v18.16b, v2.16b, v30.16b
  and v19.16b, v3.16b, v30.16b
  sdot v8.4s, v16.16b, v6.16b
  sdot v9.4s, v17.16b, v6.16b
  sdot v10.4s, v18.16b, v6.16b
  sdot v11.4s, v19.16b, v6.16b
  ushr v16.16b, v0.16b, #6
  ushr v17.16b, v1.16b, #6
  ushr v18.16b, v2.16b, #6
  ushr v19.16b, v3.16b, #6
  sdot v20.4s, v16.16b, v7.16b
  sdot v21.4s, v17.16b, v7.16b
  sdot v22.4s, v18.16b, v7.16b
  sdot v23.4s, v19.16b, v7.16b
  subs x6, x6, #1
  b.ne 2b
  ssra v20.4s, v24.4s, #2
  ssra v21.4s, v25.4s, #2
  ssra v22.4s, v26.4s, #2
  ssra v23.4s, v27.4s, #2
  ssra v20.4s, v8.4s, #4
  ssra v21.4s, v9.4s, #4
  ssra v22.4s, v10.4s, #4
  ssra v23.4s, v11.4s, #4
  addp v20.4s, v20.4s, v21.4s
  addp v22.4s, v22.4s, v23.4s
  addp v20.4s, v20.4s, v22.4s
  str q20, [x4], #16
  subs x3, x3, #1
  b.ne 1b
  ldp d10, d11, [sp, #16]
  ldp d8, d9, [sp], #32
  ret
  .size unpacked_mask_u2, . - unpacked_mask_u2

// Shared by the LUTs: d8-d15 saved; the int16 pair (lo, hi) of 16 channels added into the 16
// int32 at x4 (post-incremented), v0-v3 as scratch.
.macro SAVE_D8_D15
  stp d8, d9, [sp, #-64]!
  stp d10, d11, [sp, #16]
  stp d12, d13, [sp, #32]
  stp d14, d15, [sp, #48]
.endm
.macro RESTORE_D8_D15
  ldp d10, d11, [sp, #16]
  ldp d12, d13, [sp, #32]
  ldp d14, d15, [sp, #48]
  ldp d8, d9, [sp], #64
.endm
.macro WIDEN lo, hi
  ld1 {v0.4s-v3.4s}, [x4]
  saddw v0.4s, v0.4s, \lo\().4h
  saddw2 v1.4s, v1.4s, \lo\().8h
  saddw v2.4s, v2.4s, \hi\().4h
  saddw2 v3.4s, v3.4s, \hi\().8h
  st1 {v0.4s-v3.4s}, [x4], #64
.endm
// x6 = min(x2, x3) periods this round; x2 -= x6.
.macro ROUND_LENGTH
  cmp x2, x3
  csel x6, x2, x3, lt
  sub x2, x2, x6
.endm

// TL1: tables v0-v3 (lA hA lB hB of one step), codes v4-v6, indices v7 (A) v27 (B), lookups
// v28 v29, 0x0f v30, 16 v31; per sub-block int8 lA hA lB hB (v8-v11, v12-v15, v16-v19) and int16
// pairs (v20 v21, v22 v23, v24 v25).
.macro TL1_LOOK init, c, la, ha, lb, hb
  and v7.16b, \c\().16b, v30.16b
  ushr v27.16b, \c\().16b, #4
.if \init
  tbl \la\().16b, {v0.16b}, v7.16b
  tbl \ha\().16b, {v1.16b}, v7.16b
  tbl \lb\().16b, {v2.16b}, v27.16b
  tbl \hb\().16b, {v3.16b}, v27.16b
.else
  tbl v28.16b, {v0.16b}, v7.16b
  tbl v29.16b, {v1.16b}, v7.16b
  add \la\().16b, \la\().16b, v28.16b
  add \ha\().16b, \ha\().16b, v29.16b
  tbl v28.16b, {v2.16b}, v27.16b
  tbl v29.16b, {v3.16b}, v27.16b
  add \lb\().16b, \lb\().16b, v28.16b
  add \hb\().16b, \hb\().16b, v29.16b
.endif
.endm
.macro TL1_STEP m, init
  ld1 {v0.16b-v3.16b}, [x1], #64
.if \m == 1
  ld1 {v4.16b}, [x0], #16
.elseif \m == 2
  ld1 {v4.16b-v5.16b}, [x0], #32
.else
  ld1 {v4.16b-v6.16b}, [x0], #48
.endif
  TL1_LOOK \init, v4, v8, v9, v10, v11
.if \m >= 2
  TL1_LOOK \init, v5, v12, v13, v14, v15
.endif
.if \m >= 3
  TL1_LOOK \init, v6, v16, v17, v18, v19
.endif
.endm
.macro TL1_FLUSH la, ha, lb, hb, lo, hi
  saddw \lo\().8h, \lo\().8h, \la\().8b
  saddw2 \hi\().8h, \hi\().8h, \la\().16b
  saddw \lo\().8h, \lo\().8h, \lb\().8b
  saddw2 \hi\().8h, \hi\().8h, \lb\().16b
  smlal \lo\().8h, \ha\().8b, v31.8b
  smlal2 \hi\().8h, \ha\().16b, v31.16b
  smlal \lo\().8h, \hb\().8b, v31.8b
  smlal2 \hi\().8h, \hb\().16b, v31.16b
.endm
// name(codes, tables, periods, q, out): m sub-blocks, s steps a period, q periods a round;
// out (16 * m int32, zeroed) += the sums.
.macro TL1_FUNC name, m, s
  .p2align 4
  .globl \name
  .hidden \name
  .type \name, %function
\name:
  SAVE_D8_D15
  movi v30.16b, #15
  movi v31.16b, #16
1:
  movi v20.8h, #0
  movi v21.8h, #0
.if \m >= 2
  movi v22.8h, #0
  movi v23.8h, #0
.endif
.if \m >= 3
  movi v24.8h, #0
  movi v25.8h, #0
.endif
  ROUND_LENGTH
2:
  TL1_STEP \m, 1
.rept \s - 1
  TL1_STEP \m, 0
.endr
  TL1_FLUSH v8, v9, v10, v11, v20, v21
.if \m >= 2
  TL1_FLUSH v12, v13, v14, v15, v22, v23
.endif
.if \m >= 3
  TL1_FLUSH v16, v17, v18, v19, v24, v25
.endif
  subs x6, x6, #1
  b.ne 2b
  WIDEN v20, v21
.if \m >= 2
  WIDEN v22, v23
.endif
.if \m >= 3
  WIDEN v24, v25
.endif
  sub x4, x4, #(64 * \m)
  cbnz x2, 1b
  RESTORE_D8_D15
  ret
  .size \name, . - \name
.endm
  TL1_FUNC tl1_m1_s1, 1, 1
  TL1_FUNC tl1_m2_s1, 2, 1
  TL1_FUNC tl1_m3_s1, 3, 1
  TL1_FUNC tl1_m1_s3, 1, 3
  TL1_FUNC tl1_m2_s3, 2, 3
  TL1_FUNC tl1_m3_s3, 3, 3
  TL1_FUNC tl1_m1_s7, 1, 7
  TL1_FUNC tl1_m2_s7, 2, 7
  TL1_FUNC tl1_m3_s7, 3, 7

// LUT3: tables tl (v0-v2 or v0-v3) and th (v3-v5 or v4-v7), index v29, lookup v28, 0x3f v31,
// 16 v30; per sub-block codes (v8-v10, v15-v17, v22-v24), int8 l h (v11 v12, v18 v19, v25 v26),
// int16 pair (v13 v14, v20 v21, v27 v6).
.macro L3_IDX g, c0, c1, c2
.if \g == 0
  and v29.16b, \c0\().16b, v31.16b
.elseif \g == 1
  and v29.16b, \c1\().16b, v31.16b
.elseif \g == 2
  and v29.16b, \c2\().16b, v31.16b
.else
  ushr v29.16b, \c2\().16b, #2
  sri v29.16b, \c1\().16b, #4
  sri v29.16b, \c0\().16b, #6
.endif
.endm
.macro L3_LOOK init, tl, th, la, ha
.if \init
  tbl \la\().16b, {\tl}, v29.16b
  tbl \ha\().16b, {\th}, v29.16b
.else
  tbl v28.16b, {\tl}, v29.16b
  add \la\().16b, \la\().16b, v28.16b
  tbl v28.16b, {\th}, v29.16b
  add \ha\().16b, \ha\().16b, v28.16b
.endif
.endm
.macro L3_FLUSH la, ha, lo, hi
  saddw \lo\().8h, \lo\().8h, \la\().8b
  saddw2 \hi\().8h, \hi\().8h, \la\().16b
  smlal \lo\().8h, \ha\().8b, v30.8b
  smlal2 \hi\().8h, \ha\().16b, v30.16b
.endm
// Group g of a step; pairs: the int8 lanes take two lookups (int2), else four (ternary).
.macro L3_GROUP g, m, nt, pairs, tl, th
  ld1 {\tl}, [x1], #(16 * \nt)
  ld1 {\th}, [x1], #(16 * \nt)
  L3_IDX \g, v8, v9, v10
  L3_LOOK ((\g==0)||(\pairs&&(\g==2))), \tl, \th, v11, v12
.if \m >= 2
  L3_IDX \g, v15, v16, v17
  L3_LOOK ((\g==0)||(\pairs&&(\g==2))), \tl, \th, v18, v19
.endif
.if \m >= 3
  L3_IDX \g, v22, v23, v24
  L3_LOOK ((\g==0)||(\pairs&&(\g==2))), \tl, \th, v25, v26
.endif
.if (\g == 3) || (\pairs && (\g == 1))
  L3_FLUSH v11, v12, v13, v14
.if \m >= 2
  L3_FLUSH v18, v19, v20, v21
.endif
.if \m >= 3
  L3_FLUSH v25, v26, v27, v6
.endif
.endif
.endm
// name(codes, tables, steps, q, out): as TL1_FUNC with steps of 12 weights.
.macro L3_FUNC name, m, nt, pairs, tl, th
  .p2align 4
  .globl \name
  .hidden \name
  .type \name, %function
\name:
  SAVE_D8_D15
  movi v31.16b, #0x3f
  movi v30.16b, #16
1:
  movi v13.8h, #0
  movi v14.8h, #0
.if \m >= 2
  movi v20.8h, #0
  movi v21.8h, #0
.endif
.if \m >= 3
  movi v27.8h, #0
  movi v6.8h, #0
.endif
  ROUND_LENGTH
2:
  ld1 {v8.16b-v10.16b}, [x0], #48
.if \m >= 2
  ld1 {v15.16b-v17.16b}, [x0], #48
.endif
.if \m >= 3
  ld1 {v22.16b-v24.16b}, [x0], #48
.endif
  L3_GROUP 0, \m, \nt, \pairs, \tl, \th
  L3_GROUP 1, \m, \nt, \pairs, \tl, \th
  L3_GROUP 2, \m, \nt, \pairs, \tl, \th
  L3_GROUP 3, \m, \nt, \pairs, \tl, \th
  subs x6, x6, #1
  b.ne 2b
  WIDEN v13, v14
.if \m >= 2
  WIDEN v20, v21
.endif
.if \m >= 3
  WIDEN v27, v6
.endif
  sub x4, x4, #(64 * \m)
  cbnz x2, 1b
  RESTORE_D8_D15
  ret
  .size \name, . - \name
.endm
  L3_FUNC l3t_m1, 1, 3, 0, v0.16b-v2.16b, v3.16b-v5.16b
  L3_FUNC l3t_m2, 2, 3, 0, v0.16b-v2.16b, v3.16b-v5.16b
  L3_FUNC l3t_m3, 3, 3, 0, v0.16b-v2.16b, v3.16b-v5.16b
  L3_FUNC l3i_m1, 1, 4, 1, v0.16b-v3.16b, v4.16b-v7.16b
  L3_FUNC l3i_m2, 2, 4, 1, v0.16b-v3.16b, v4.16b-v7.16b

  .popsection
)");

// Hidden: direct addresses, not GOT entries.
#pragma GCC visibility push(hidden)
extern "C" {
using UnpackedFn = void(const uint8_t*, const int8_t*, int64_t, int64_t, int32_t*);
using LutFn = void(const uint8_t*, const int8_t*, int64_t, int64_t, int32_t*);
UnpackedFn unpacked_u2, unpacked_u4, unpacked_mask_u2;
LutFn tl1_m1_s1, tl1_m2_s1, tl1_m3_s1, tl1_m1_s3, tl1_m2_s3, tl1_m3_s3, tl1_m1_s7, tl1_m2_s7,
    tl1_m3_s7, l3t_m1, l3t_m2, l3t_m3, l3i_m1, l3i_m2;
}
#pragma GCC visibility pop

namespace {

enum class Kind { kTernary, kInt2, kInt4 };

const char* KindName(Kind kind) {
  return kind == Kind::kInt4 ? "int4" : kind == Kind::kInt2 ? "int2" : "ternary";
}
int MaxCode(Kind kind) { return kind == Kind::kInt4 ? 15 : kind == Kind::kInt2 ? 3 : 2; }
int MaxLevel(Kind kind) { return kind == Kind::kInt4 ? 8 : kind == Kind::kInt2 ? 2 : 1; }

struct Layer {
  Layer(Kind kind, int64_t n, int64_t k)
      : kind(kind),
        n(n),
        k(k),
        bits(kind == Kind::kInt4 ? 4 : 2),
        offset(kind == Kind::kInt4   ? 8
               : kind == Kind::kInt2 ? 2
                                     : 1),
        codes(n * k),
        x(k) {}
  Kind kind;
  int64_t n, k;
  int bits, offset;            // level = code - offset
  std::vector<uint8_t> codes;  // [n][k]
  std::vector<int8_t> x;       // [k]
};

// 64-byte aligned, zeroed bytes.
class Buffer {
 public:
  explicit Buffer(size_t bytes) : size_((bytes + 63) / 64 * 64 + 64) {
    p_ = static_cast<uint8_t*>(std::aligned_alloc(64, size_));
    std::memset(p_, 0, size_);
  }
  ~Buffer() { std::free(p_); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  uint8_t* u8() const { return p_; }
  int8_t* s8() const { return reinterpret_cast<int8_t*>(p_); }
  int32_t* s32() const { return reinterpret_cast<int32_t*>(p_); }

 private:
  size_t size_;
  uint8_t* p_;
};

__attribute__((noinline)) void Reference(const Layer& l, int32_t* out) {
  for (int64_t n = 0; n < l.n; ++n) {
    int64_t sum = 0;
    for (int64_t k = 0; k < l.k; ++k) sum += (l.codes[n * l.k + k] - l.offset) * l.x[k];
    out[n] = static_cast<int32_t>(sum);
  }
}

// ---------------------------------------------------------------------------------------------
// unpacked, unpacked-mask.
class Unpacked {
 public:
  Unpacked(const Layer& l, bool mask)
      : l_(l),
        fn_(l.bits == 4 ? unpacked_u4
            : mask      ? unpacked_mask_u2
                        : unpacked_u2),
        chunk_weights_(128 / l.bits),
        chunks_((l.k + chunk_weights_ - 1) / chunk_weights_),
        blocks_((l.n + 3) / 4),
        codes_(blocks_ * chunks_ * 64),
        input_(chunks_ * chunk_weights_),
        sums_(blocks_ * 16) {
    for (int64_t n = 0; n < l.n; ++n) {
      for (int64_t k = 0; k < l.k; ++k) {
        const int64_t chunk = k / chunk_weights_, byte = k % 16, part = k % chunk_weights_ / 16;
        codes_.u8()[((n / 4 * chunks_ + chunk) * 4 + n % 4) * 16 + byte] |=
            static_cast<uint8_t>(l.codes[n * l.k + k] << (l.bits * part));
      }
    }
  }

  __attribute__((noinline)) void Run(const int8_t* x, int32_t* out) const {
    // LowBitGemv::Prepare: the padded s8 input (its tail stays 0) and sum(x).
    std::memcpy(input_.s8(), x, l_.k);
    int32x4_t sum4 = vdupq_n_s32(0);
    int64_t k = 0;
    for (; k + 16 <= l_.k; k += 16) sum4 = vpadalq_s16(sum4, vpaddlq_s8(vld1q_s8(x + k)));
    int32_t sum = vaddvq_s32(sum4);
    for (; k < l_.k; ++k) sum += x[k];
    fn_(codes_.u8(), input_.s8(), chunks_, blocks_, sums_.s32());
    const int32_t offset = l_.offset * sum;
    for (int64_t n = 0; n < l_.n; ++n) out[n] = sums_.s32()[n] - offset;
  }

 private:
  const Layer& l_;
  UnpackedFn* fn_;
  int64_t chunk_weights_, chunks_, blocks_;
  Buffer codes_;  // [block][chunk][4 channels][16]
  Buffer input_;
  Buffer sums_;
};

// ---------------------------------------------------------------------------------------------
// The x planes: x = 16 * xh + xl, xl in [-7, 8], xh in [-8, 8]. SHADD halves x + 7 without
// overflow; 16 * xh wraps in int8 but x - 16 * xh fits.
inline void SplitX(int8x16_t x, int8x16_t& xl, int8x16_t& xh) {
  xh = vshrq_n_s8(vhaddq_s8(x, vdupq_n_s8(7)), 3);
  xl = vsubq_s8(x, vshlq_n_s8(xh, 4));
}

template <int kLane>
inline int8x16_t Dup(int8x16_t v) {
  return vdupq_laneq_s8(v, kLane);
}

// The levels of 16 consecutive indices, from index bits [shift, shift + width).
inline int8x16_t Levels(int first, int shift, int width, int offset) {
  int8_t v[16];
  for (int i = 0; i < 16; ++i) {
    v[i] = static_cast<int8_t>((((first + i) >> shift) & ((1 << width) - 1)) - offset);
  }
  return vld1q_s8(v);
}

// Sub-blocks of 16 channels in superblocks of up to kM; fn[m - 1] runs m of them.
template <int kM>
void Superblocks(const uint8_t* codes, int64_t codes_per_sub, const int8_t* tables, int64_t periods,
                 int64_t q, int64_t sub, LutFn* const (&fn)[kM], int32_t* out) {
  std::memset(out, 0, sub * 64);
  for (int64_t sb = 0; sb < sub; sb += kM) {
    const int64_t m = std::min<int64_t>(kM, sub - sb);
    fn[m - 1](codes + sb * codes_per_sub, tables, periods, q, out + sb * 16);
  }
}

// lut (TL1-like).
class Lut {
 public:
  static constexpr int kM = 3;
  explicit Lut(const Layer& l)
      : l_(l),
        g_(l.bits == 4 ? 1 : 2),
        // int8 lanes hold s_ lookups of |entry| <= g_ * max level * 8 (|xl|, |xh| <= 8).
        s_(127 / (g_ * MaxLevel(l.kind) * 8)),
        // int16 holds q_ periods of s_ steps of 2 * g_ weights of |level * x| <= level * 128.
        q_(32767 / (s_ * 2 * g_ * MaxLevel(l.kind) * 128)),
        steps_(((l.k + g_ - 1) / g_ + 1) / 2),
        periods_((steps_ + s_ - 1) / s_),
        sub_((l.n + 15) / 16),
        codes_(sub_ * periods_ * s_ * 16),
        tables_((periods_ * s_ + 8) * 64),  // Build writes whole input vectors' steps
        x_(periods_ * s_ * 2 * g_ + 16),
        out_(sub_ * 64) {
    const int64_t steps = periods_ * s_;
    for (int64_t sb = 0; sb < sub_; ++sb) {
      const int64_t first = sb / kM * kM, m = std::min<int64_t>(kM, sub_ - first);
      for (int lane = 0; lane < 16 && sb * 16 + lane < l.n; ++lane) {
        const uint8_t* row = &l.codes[(sb * 16 + lane) * l.k];
        for (int64_t s = 0; s < steps; ++s) {
          uint8_t byte = 0;
          for (int w = 0; w < 2 * g_; ++w) {
            const int64_t k = s * 2 * g_ + w;
            if (k < l.k) byte |= static_cast<uint8_t>(row[k] << (l.bits * w));
          }
          codes_.u8()[first * steps * 16 + (s * m + sb - first) * 16 + lane] = byte;
        }
      }
    }
  }

  // [step][lA hA lB hB][16]: position A = the low nibble's, B the high nibble's.
  __attribute__((noinline)) void Build(const int8_t* x) const {
    std::memcpy(x_.s8(), x, l_.k);  // the padding stays 0: its entries are 0
    const int64_t inputs = periods_ * s_ * 2 * g_;
    int8_t* t = tables_.s8();
    if (g_ == 2) {
      const int8x16_t lev[2] = {Levels(0, 0, 2, l_.offset), Levels(0, 2, 2, l_.offset)};
      for (int64_t i = 0; i < inputs; i += 16, t += 4 * 64) {
        int8x16_t xl, xh;
        SplitX(vld1q_s8(x_.s8() + i), xl, xh);
        [&]<int... J>(std::integer_sequence<int, J...>) { (Build2<J>(xl, xh, lev, t), ...); }
        (std::make_integer_sequence<int, 4>());
      }
    } else {
      const int8x16_t lev = Levels(0, 0, 4, l_.offset);
      for (int64_t i = 0; i < inputs; i += 16, t += 8 * 64) {
        int8x16_t xl, xh;
        SplitX(vld1q_s8(x_.s8() + i), xl, xh);
        [&]<int... J>(std::integer_sequence<int, J...>) { (Build4<J>(xl, xh, lev, t), ...); }
        (std::make_integer_sequence<int, 8>());
      }
    }
  }

  __attribute__((noinline)) void Run(const int8_t* x, int32_t* out) const {
    Build(x);
    static LutFn* const kS1[] = {tl1_m1_s1, tl1_m2_s1, tl1_m3_s1};
    static LutFn* const kS3[] = {tl1_m1_s3, tl1_m2_s3, tl1_m3_s3};
    static LutFn* const kS7[] = {tl1_m1_s7, tl1_m2_s7, tl1_m3_s7};
    Superblocks<kM>(codes_.u8(), periods_ * s_ * 16, tables_.s8(), periods_, q_, sub_,
                    s_ == 7   ? kS7
                    : s_ == 3 ? kS3
                              : kS1,
                    out_.s32());
    std::memcpy(out, out_.s32(), l_.n * sizeof(int32_t));
  }

  int s() const { return s_; }

 private:
  // Step kJ of 16 inputs, 2-bit codes: positions of inputs 4 kJ, 4 kJ + 1 and 4 kJ + 2, + 3.
  template <int kJ>
  static void Build2(int8x16_t xl, int8x16_t xh, const int8x16_t (&lev)[2], int8_t* t) {
    auto pos = [&](int8x16_t p, int8x16_t q) { return vmlaq_s8(vmulq_s8(lev[0], p), lev[1], q); };
    vst1q_s8_x4(t + 64 * kJ, int8x16x4_t{{pos(Dup<4 * kJ>(xl), Dup<4 * kJ + 1>(xl)),
                                          pos(Dup<4 * kJ>(xh), Dup<4 * kJ + 1>(xh)),
                                          pos(Dup<4 * kJ + 2>(xl), Dup<4 * kJ + 3>(xl)),
                                          pos(Dup<4 * kJ + 2>(xh), Dup<4 * kJ + 3>(xh))}});
  }
  // Step kJ of 16 inputs, int4 codes: inputs 2 kJ and 2 kJ + 1.
  template <int kJ>
  static void Build4(int8x16_t xl, int8x16_t xh, int8x16_t lev, int8_t* t) {
    vst1q_s8_x4(
        t + 64 * kJ,
        int8x16x4_t{{vmulq_s8(lev, Dup<2 * kJ>(xl)), vmulq_s8(lev, Dup<2 * kJ>(xh)),
                     vmulq_s8(lev, Dup<2 * kJ + 1>(xl)), vmulq_s8(lev, Dup<2 * kJ + 1>(xh))}});
  }

  const Layer& l_;
  int g_;  // weights a position
  int s_, q_;
  int64_t steps_, periods_, sub_;
  Buffer codes_;   // per superblock of m sub-blocks: [step][m][16]
  Buffer tables_;  // [step][lA hA lB hB][16]
  Buffer x_;       // x padded with 0
  Buffer out_;     // 16 int32 a sub-block
};

// lut3 (2-bit codes).
class Lut3 {
 public:
  explicit Lut3(const Layer& l)
      : l_(l),
        ternary_(l.kind == Kind::kTernary),
        nt_(ternary_ ? 3 : 4),
        m_(ternary_ ? 3 : 2),
        // int16 holds q_ steps of 12 weights of |level * x| <= level * 128.
        q_(32767 / (12 * MaxLevel(l.kind) * 128)),
        steps_((l.k + 11) / 12),
        sub_((l.n + 15) / 16),
        codes_(sub_ * steps_ * 48),
        tables_(steps_ * 8 * 16 * nt_),
        x_(steps_ * 12 + 16),
        out_(sub_ * 64) {
    for (int64_t sb = 0; sb < sub_; ++sb) {
      const int64_t first = sb / m_ * m_, m = std::min<int64_t>(m_, sub_ - first);
      for (int lane = 0; lane < 16 && sb * 16 + lane < l.n; ++lane) {
        const uint8_t* row = &l.codes[(sb * 16 + lane) * l.k];
        auto code = [&](int64_t k) { return k < l.k ? row[k] : 0; };
        for (int64_t s = 0; s < steps_; ++s) {
          for (int v = 0; v < 3; ++v) {
            // Group v's codes (weights 3 v .. 3 v + 2) and group 3's code v (weight 9 + v).
            const int64_t k = s * 12;
            const int byte = code(k + 3 * v) | code(k + 3 * v + 1) << 2 | code(k + 3 * v + 2) << 4 |
                             code(k + 9 + v) << 6;
            codes_.u8()[first * steps_ * 48 + ((s * m + sb - first) * 3 + v) * 16 + lane] =
                static_cast<uint8_t>(byte);
          }
        }
      }
    }
  }

  // [step][group][l, h][16 * nt_]: entry i = sum over the group's weights j of
  // level((i >> 2 j) & 3) * x. Index bits 4-5 are constant across a 16-entry chunk.
  __attribute__((noinline)) void Build(const int8_t* x) const {
    std::memcpy(x_.s8(), x, l_.k);
    const int8x16_t lev0 = Levels(0, 0, 2, l_.offset), lev1 = Levels(0, 2, 2, l_.offset);
    int8_t* t = tables_.s8();
    for (int64_t s = 0; s < steps_; ++s, t += 8 * 16 * nt_) {
      int8x16_t xl, xh;
      SplitX(vld1q_s8(x_.s8() + 12 * s), xl, xh);
      [&]<int... G>(std::integer_sequence<int, G...>) {
        ((Group<G>(xl, lev0, lev1, t + (2 * G) * 16 * nt_),
          Group<G>(xh, lev0, lev1, t + (2 * G + 1) * 16 * nt_)),
         ...);
      }
      (std::make_integer_sequence<int, 4>());
    }
  }

  __attribute__((noinline)) void Run(const int8_t* x, int32_t* out) const {
    Build(x);
    static LutFn* const kTernary[] = {l3t_m1, l3t_m2, l3t_m3};
    static LutFn* const kInt2[] = {l3i_m1, l3i_m2};
    if (ternary_) {
      Superblocks<3>(codes_.u8(), steps_ * 48, tables_.s8(), steps_, q_, sub_, kTernary,
                     out_.s32());
    } else {
      Superblocks<2>(codes_.u8(), steps_ * 48, tables_.s8(), steps_, q_, sub_, kInt2, out_.s32());
    }
    std::memcpy(out, out_.s32(), l_.n * sizeof(int32_t));
  }

 private:
  // Group kG of a step: weights 3 kG .. 3 kG + 2 (group 3: 9, 10, 11) of one plane.
  template <int kG>
  void Group(int8x16_t xp, int8x16_t lev0, int8x16_t lev1, int8_t* t) const {
    const int8x16_t w2 = Dup<3 * kG + 2>(xp);
    const int8x16_t base = vmlaq_s8(vmulq_s8(lev0, Dup<3 * kG>(xp)), lev1, Dup<3 * kG + 1>(xp));
    // Chunk c (index bits 4-5 = c): base + level(c) * w2.
    const int8x16_t minus = vsubq_s8(base, w2), plus = vaddq_s8(base, w2);
    if (ternary_) {  // levels -1, 0, 1
      vst1q_s8_x3(t, int8x16x3_t{{minus, base, plus}});
    } else {  // levels -2, -1, 0, 1
      vst1q_s8_x4(t, int8x16x4_t{{vsubq_s8(minus, w2), minus, base, plus}});
    }
  }

  const Layer& l_;
  bool ternary_;
  int nt_, m_, q_;
  int64_t steps_, sub_;
  Buffer codes_;   // per superblock of m sub-blocks: [step][m][3][16]
  Buffer tables_;  // [step][group][l, h][16 * nt_]
  Buffer x_;
  Buffer out_;
};

// ---------------------------------------------------------------------------------------------
// The driver.
void Randomize(Layer& l, std::mt19937& rng) {
  std::uniform_int_distribution<int> code(0, MaxCode(l.kind)), x(-128, 127);
  for (auto& c : l.codes) c = static_cast<uint8_t>(code(rng));
  for (auto& v : l.x) v = static_cast<int8_t>(x(rng));
}

// Every method on one layer; false (and a message) on any difference from the reference.
bool Check(const Layer& l, const char* what) {
  std::vector<int32_t> ref(l.n);
  Reference(l, ref.data());
  const bool two_bit = l.bits == 2;
  bool ok = true;
  auto compare = [&](const char* method, auto&& run) {
    std::vector<int32_t> out(l.n, 0x5a5a5a5a);
    run(out.data());
    for (int64_t n = 0; n < l.n && ok; ++n) {
      if (out[n] != ref[n]) {
        std::printf("MISMATCH %s %s %s N=%lld K=%lld channel %lld: %d, reference %d\n",
                    KindName(l.kind), what, method, static_cast<long long>(l.n),
                    static_cast<long long>(l.k), static_cast<long long>(n), out[n], ref[n]);
        ok = false;
      }
    }
  };
  compare("unpacked", [&](int32_t* o) { Unpacked(l, false).Run(l.x.data(), o); });
  if (two_bit) compare("unpacked-mask", [&](int32_t* o) { Unpacked(l, true).Run(l.x.data(), o); });
  compare("lut", [&](int32_t* o) { Lut(l).Run(l.x.data(), o); });
  if (two_bit) compare("lut3", [&](int32_t* o) { Lut3(l).Run(l.x.data(), o); });
  return ok;
}

int CheckAll() {
  std::mt19937 rng(21);
  int layers = 0;
  bool ok = true;
  const std::pair<int64_t, int64_t> sizes[] = {
      {1, 1},    {1, 7},      {3, 5},     {16, 64},    {17, 65},    {15, 129},
      {31, 127}, {32, 2},     {33, 130},  {48, 192},   {47, 449},   {49, 13},
      {80, 37},  {100, 1000}, {64, 4096}, {129, 4099}, {20, 16385}, {2, 70000}};
  for (Kind kind : {Kind::kTernary, Kind::kInt2, Kind::kInt4}) {
    for (auto [n, k] : sizes) {
      for (int trial = 0; trial < 3; ++trial, ++layers) {
        Layer l(kind, n, k);
        Randomize(l, rng);
        ok &= Check(l, "random");
      }
    }
    // Every input one value (the planes' extremes among them), every code the lowest or the
    // highest level: the int8 and int16 lanes at their bounds, over many rounds.
    for (int v : {-128, -121, -120, -9, -8, -7, 8, 9, 120, 121, 127}) {
      for (int code : {0, MaxCode(kind)}) {
        for (auto [n, k] : {std::pair<int64_t, int64_t>{17, 3001}, {49, 70001}}) {
          Layer l(kind, n, k);
          std::fill(l.codes.begin(), l.codes.end(), static_cast<uint8_t>(code));
          std::fill(l.x.begin(), l.x.end(), static_cast<int8_t>(v));
          ok &= Check(l, "extreme");
          ++layers;
        }
      }
    }
    for (int trial = 0; trial < 4; ++trial, ++layers) {
      Layer l(kind, 37, 20000 + trial);
      std::uniform_int_distribution<int> pick(0, 1);
      for (auto& c : l.codes) c = static_cast<uint8_t>(pick(rng) ? MaxCode(kind) : 0);
      for (auto& v : l.x) v = static_cast<int8_t>(pick(rng) ? 127 : -128);
      ok &= Check(l, "random extreme");
    }
  }
  std::printf("%s: %d layers (ternary, int2, int4), every method = the reference\n",
              ok ? "ok" : "FAILED", layers);
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) == "check") return CheckAll();
  if (argc != 6) {
    std::fprintf(stderr, "usage: lut_gemv check | lut_gemv ternary|int2|int4 N K METHOD RUNS\n");
    return 2;
  }
  const std::string kind_name = argv[1], method = argv[4];
  const Kind kind = kind_name == "int4"   ? Kind::kInt4
                    : kind_name == "int2" ? Kind::kInt2
                                          : Kind::kTernary;
  if (kind_name != KindName(kind)) return 2;
  Layer l(kind, std::atoll(argv[2]), std::atoll(argv[3]));
  const int runs = std::atoi(argv[5]);
  std::mt19937 rng(4096);
  Randomize(l, rng);
  if (!Check(l, "random")) return 1;
  const bool two_bit = l.bits == 2;
  if (!two_bit && (method == "unpacked-mask" || method.starts_with("lut3"))) return 2;
  std::vector<int32_t> out(l.n);
  const Unpacked unpacked(l, method == "unpacked-mask");
  const Lut lut(l);
  const Lut3* lut3 = two_bit ? new Lut3(l) : nullptr;
  for (int r = 0; r < runs; ++r) {
    if (method == "ref") {
      Reference(l, out.data());
    } else if (method == "unpacked" || method == "unpacked-mask") {
      unpacked.Run(l.x.data(), out.data());
    } else if (method == "lut") {
      lut.Run(l.x.data(), out.data());
    } else if (method == "lut-build") {
      lut.Build(l.x.data());
    } else if (method == "lut3") {
      lut3->Run(l.x.data(), out.data());
    } else if (method == "lut3-build") {
      lut3->Build(l.x.data());
    } else {
      return 2;
    }
    asm volatile("" ::: "memory");
  }
  uint32_t hash = 0;
  for (int32_t v : out) hash = hash * 31 + static_cast<uint32_t>(v);
  std::printf("%s N=%lld K=%lld %s x%d: hash %08x\n", KindName(kind), static_cast<long long>(l.n),
              static_cast<long long>(l.k), method.c_str(), runs, hash);
  delete lut3;
  return 0;
}
