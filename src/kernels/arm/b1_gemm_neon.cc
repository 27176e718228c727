// The binary (xor + popcount) GEMM for AArch64 NEON: 4 rows x 16 channels per call. Baseline
// NEON has no 32-bit popcount, but CNT counts the bits of each byte: per 32-bit input word, the
// word broadcast (LD1R), EOR with the 16 channels' words (four registers), CNT, and UADALP adds
// byte pairs into 16-bit lanes; the two halves of a channel's word stay in its 32-bit lane, so a
// second UADALP (16 -> 32 bits) at the end gives each channel's count. 512 one-bit products in
// 13 instructions. A 16-bit lane gains at most 16 per word, so the counts move to 32 bits every
// 4,095 words (131,040 bits of taps x depth). The epilogue is the int8 GEMM's
// (arm/q8_epilogue_neon.h). Packing, padding correction: kernels/b1_gemm.h.
#include <arm_neon.h>

#include "kernels/arm/q8_epilogue_neon.h"
#include "kernels/b1_gemm.h"
#include "kernels/row_blocks.h"

namespace trit::arm {
namespace {

constexpr int kTile = static_cast<int>(kB1NeonTile);
// Words a 16-bit lane can take (16 each) before it could overflow.
constexpr int64_t kWordsPerFlush = 65535 / 16;

template <int kR>
inline void Flush(uint16x8_t (&counts)[kR][4], uint32x4_t (&total)[kR][4]) {
  for (int r = 0; r < kR; ++r) {
    for (int v = 0; v < 4; ++v) {
      total[r][v] = vpadalq_u16(total[r][v], counts[r][v]);
      counts[r][v] = vdupq_n_u16(0);
    }
  }
}

template <int kR>
inline void Microkernel(const B1Gemm::Packed& p, const uint32_t* input, int64_t m0, int64_t t,
                        void* output) {
  const uint32_t* w = p.weights + t * p.taps * p.words * kTile;
  uint16x8_t counts[kR][4];
  uint32x4_t total[kR][4];
  for (int r = 0; r < kR; ++r) {
    for (int v = 0; v < 4; ++v) {
      counts[r][v] = vdupq_n_u16(0);
      total[r][v] = vdupq_n_u32(0);
    }
  }
  const int32_t* rows_indirection[kR];
  for (int r = 0; r < kR; ++r) rows_indirection[r] = p.indirection + (m0 + r) * p.taps;
  int64_t pending = 0;  // words in `counts`
  for (int64_t tap = 0; tap < p.taps; ++tap) {
    const uint32_t* a[kR];
    for (int r = 0; r < kR; ++r) a[r] = input + int64_t{rows_indirection[r][tap]} * p.words;
    for (int64_t k = 0; k < p.words; ++k, w += kTile) {
      const uint32x4x4_t wv = vld1q_u32_x4(w);
      for (int r = 0; r < kR; ++r) {
        const uint32x4_t x = vld1q_dup_u32(a[r] + k);
        for (int v = 0; v < 4; ++v) {
          const uint8x16_t differ = vreinterpretq_u8_u32(veorq_u32(x, wv.val[v]));
          counts[r][v] = vpadalq_u8(counts[r][v], vcntq_u8(differ));
        }
      }
      if (++pending == kWordsPerFlush) {
        Flush<kR>(counts, total);
        pending = 0;
      }
    }
  }
  Flush<kR>(counts, total);
  const int64_t n0 = t * kTile;
  const Q8Epilogue epilogue(p, p.n, n0);
  const int32_t* tap_popcount = p.tap_popcount + t * p.taps * kTile;
  for (int r = 0; r < kR; ++r) {
    int32x4_t differ[4];
    for (int v = 0; v < 4; ++v) differ[v] = vreinterpretq_s32_u32(total[r][v]);
    if (p.row_padded[m0 + r]) {  // the padding vector's zero bits differed from every 1 in w
      for (int64_t tap = 0; tap < p.taps; ++tap) {
        if (rows_indirection[r][tap] < p.vectors) continue;
        for (int v = 0; v < 4; ++v) {
          differ[v] = vsubq_s32(differ[v], vld1q_s32(tap_popcount + tap * kTile + 4 * v));
        }
      }
    }
    // sum(a * w) = C * valid taps - 2 * (bits that differ); the epilogue adds the bias.
    const int32x4_t base = vdupq_n_s32(p.row_base[m0 + r]);
    int32x4_t sum[4];
    for (int v = 0; v < 4; ++v) sum[v] = vsubq_s32(base, vshlq_n_s32(differ[v], 1));
    epilogue.Store(sum, static_cast<uint8_t*>(output) + (m0 + r) * p.n + n0);
  }
}

}  // namespace

void B1GemmNeon(const B1Gemm::Packed& p, const uint32_t* input, int64_t m_begin, int64_t m_end,
                int64_t tile_begin, int64_t tile_end, void* output) {
  // Column tiles outermost: a tile's weights stay in cache while every row passes.
  for (int64_t t = tile_begin; t < tile_end; ++t) {
    ForRowBlocks<kB1NeonRows>(
        m_begin, m_end, [&]<int kR>(int64_t m0) { Microkernel<kR>(p, input, m0, t, output); });
  }
}

}  // namespace trit::arm
