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
  // The per-channel constants of 16 channels in the form Store uses (a kernel that runs many
  // rows over the same channels may prepare them once: the shifts' negation and widening are a
  // third of the epilogue's instructions).
  struct Constants {
    int32x4_t offset[4], multiplier[4];
    int64x2_t shift_low[4], shift_high[4];

    // Channels [c0, c0 + 16) of a kernel's per-channel arrays (at least c0 + 16 entries).
    template <typename Arrays>
    static Constants Load(const Arrays& p, int64_t c0) {
      Constants k;
      for (int q = 0; q < 4; ++q) {
        k.offset[q] = vld1q_s32(p.offset + c0 + 4 * q);
        k.multiplier[q] = vld1q_s32(p.multiplier + c0 + 4 * q);
        const int32x4_t negated = vnegq_s32(vld1q_s32(p.shift + c0 + 4 * q));
        k.shift_low[q] = vmovl_s32(vget_low_s32(negated));
        k.shift_high[q] = vmovl_high_s32(negated);
      }
      return k;
    }
  };

  // Channels [c0, c0 + 16) of the layer's n (those past n are computed and not stored); the
  // per-channel arrays hold at least c0 + 16 entries.
  template <typename Packed>
  Q8Epilogue(const Packed& p, int64_t n, int64_t c0)
      : Q8Epilogue(Constants::Load(p, c0), p, n, c0) {}
  template <typename Packed>
  Q8Epilogue(const Constants& constants, const Packed& p, int64_t n, int64_t c0)
      : k_(constants),
        valid_(std::min<int64_t>(16, n - c0)),
        zero_point_(vdupq_n_s32(p.output_zero_point)),
        lo_(vdupq_n_s32(p.lo)),
        hi_(vdupq_n_s32(p.hi)) {}

  // acc[q]: channels 4q..4q+3 of the row.
  void Store(const int32x4_t acc[4], uint8_t* out) const {
    int16x8_t halves[2];
    for (int h = 0; h < 2; ++h) {
      int32x4_t values[2];
      for (int i = 0; i < 2; ++i) {
        const int q = 2 * h + i;
        const int32x4_t sum = vaddq_s32(acc[q], k_.offset[q]);
        const int64x2_t low = vrshlq_s64(
            vmull_s32(vget_low_s32(sum), vget_low_s32(k_.multiplier[q])), k_.shift_low[q]);
        const int64x2_t high = vrshlq_s64(vmull_high_s32(sum, k_.multiplier[q]), k_.shift_high[q]);
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
  Constants k_;
  int64_t valid_;
  int32x4_t zero_point_, lo_, hi_;
};

}  // namespace
}  // namespace trit::arm
