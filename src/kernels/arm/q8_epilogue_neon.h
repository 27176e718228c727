// The 8-bit kernels' epilogue on AArch64 (GEMM, depthwise), for 16 channels of one output row:
// offset (bias and
// zero-point correction), the reference's requantization, output zero point, clamp, bytes.
// SMULL gives the exact 64-bit product acc * m, and SRSHL by -s shifts it right rounding half
// up ((x + 2^(s-1)) >> s, without overflow): the reference's RoundingShiftRight bit for bit.
// XTN keeps the low 32 bits, as the reference's cast does. Baseline NEON only, so every level's
// file may include it.
#pragma once

#include <arm_neon.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace trit::arm {
// Internal linkage on purpose: each ISA file gets its own copy (kernels/row_blocks.h).
namespace {

class Q8Epilogue {
 public:
  // Channels [c0, c0 + 16) of the layer's n (those past n are computed and not stored); the
  // per-channel arrays hold at least c0 + 16 entries.
  template <typename Packed>
  Q8Epilogue(const Packed& p, int64_t n, int64_t c0)
      : valid_(std::min<int64_t>(16, n - c0)),
        zero_point_(vdupq_n_s32(p.output_zero_point)),
        lo_(vdupq_n_s32(p.lo)),
        hi_(vdupq_n_s32(p.hi)) {
    for (int q = 0; q < 4; ++q) {
      offset_[q] = vld1q_s32(p.offset + c0 + 4 * q);
      multiplier_[q] = vld1q_s32(p.multiplier + c0 + 4 * q);
      const int32x4_t negated = vnegq_s32(vld1q_s32(p.shift + c0 + 4 * q));
      shift_low_[q] = vmovl_s32(vget_low_s32(negated));
      shift_high_[q] = vmovl_high_s32(negated);
    }
  }

  // acc[q]: channels 4q..4q+3 of the row.
  void Store(const int32x4_t acc[4], uint8_t* out) const {
    int16x8_t halves[2];
    for (int h = 0; h < 2; ++h) {
      int32x4_t values[2];
      for (int i = 0; i < 2; ++i) {
        const int q = 2 * h + i;
        const int32x4_t sum = vaddq_s32(acc[q], offset_[q]);
        const int64x2_t low =
            vrshlq_s64(vmull_s32(vget_low_s32(sum), vget_low_s32(multiplier_[q])), shift_low_[q]);
        const int64x2_t high = vrshlq_s64(vmull_high_s32(sum, multiplier_[q]), shift_high_[q]);
        int32x4_t v = vcombine_s32(vmovn_s64(low), vmovn_s64(high));
        v = vminq_s32(vmaxq_s32(vaddq_s32(v, zero_point_), lo_), hi_);
        values[i] = v;
      }
      halves[h] = vcombine_s16(vmovn_s32(values[0]), vmovn_s32(values[1]));
    }
    // Clamped to [lo, hi] within the output type's range: the low byte is the value.
    const uint8x16_t bytes =
        vreinterpretq_u8_s8(vcombine_s8(vmovn_s16(halves[0]), vmovn_s16(halves[1])));
    if (valid_ == 16) {
      vst1q_u8(out, bytes);
    } else {
      uint8_t buffer[16];
      vst1q_u8(buffer, bytes);
      std::memcpy(out, buffer, static_cast<size_t>(valid_));
    }
  }

 private:
  int64_t valid_;
  int32x4_t offset_[4], multiplier_[4];
  int64x2_t shift_low_[4], shift_high_[4];
  int32x4_t zero_point_, lo_, hi_;
};

}  // namespace
}  // namespace trit::arm
