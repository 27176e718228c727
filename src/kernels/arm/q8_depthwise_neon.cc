// The depthwise int8 convolution for AArch64 NEON: per output pixel, 16 channels at a time.
// Each tap's 16 input bytes widen to int16 (SXTL/UXTL: u8 values stay positive), the weights
// are the low int16 halves of the packed 32-bit lanes (LD2 separates them from the zero high
// halves), and SMLAL/SMLAL2 add x * w exactly in 32 bits; per 16 channels and tap: 1 input
// load, 2 widenings, 2 LD2, 4 SMLAL. The zero point comes off in the offset; the epilogue is
// the GEMM's (q8_epilogue_neon.h).
#include <arm_neon.h>

#include <algorithm>
#include <cstring>

#include "kernels/arm/q8_epilogue_neon.h"
#include "kernels/q8_depthwise.h"

namespace trit::arm {
namespace {

template <bool kSigned>
inline void Pixel(const Q8Depthwise::Packed& p, const uint8_t* input, int64_t m, int64_t c0,
                  uint8_t* output) {
  const int64_t left = std::min<int64_t>(16, p.channels - c0);
  int32x4_t acc[4];
  for (int q = 0; q < 4; ++q) acc[q] = vdupq_n_s32(0);
  const int32_t* indirection = p.indirection + m * p.taps;
  const auto* w = reinterpret_cast<const int16_t*>(p.weights + c0);
  for (int64_t t = 0; t < p.taps; ++t, w += 2 * p.channels_padded) {
    const int32_t vector = indirection[t];
    const uint8_t* x = (vector < p.vectors ? input + int64_t{vector} * p.channels : p.padding) + c0;
    uint8x16_t bytes;
    if (left == 16) {
      bytes = vld1q_u8(x);
    } else {  // no read past the pixel's channels
      uint8_t buffer[16] = {};
      std::memcpy(buffer, x, static_cast<size_t>(left));
      bytes = vld1q_u8(buffer);
    }
    int16x8_t low, high;
    if constexpr (kSigned) {
      low = vmovl_s8(vget_low_s8(vreinterpretq_s8_u8(bytes)));
      high = vmovl_high_s8(vreinterpretq_s8_u8(bytes));
    } else {
      low = vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(bytes)));
      high = vreinterpretq_s16_u16(vmovl_high_u8(bytes));
    }
    const int16x8_t w_low = vld2q_s16(w).val[0], w_high = vld2q_s16(w + 16).val[0];
    acc[0] = vmlal_s16(acc[0], vget_low_s16(low), vget_low_s16(w_low));
    acc[1] = vmlal_high_s16(acc[1], low, w_low);
    acc[2] = vmlal_s16(acc[2], vget_low_s16(high), vget_low_s16(w_high));
    acc[3] = vmlal_high_s16(acc[3], high, w_high);
  }
  const Q8Epilogue epilogue(p, p.channels, c0);
  epilogue.Store(acc, output + m * p.channels + c0);
}

}  // namespace

void Q8DepthwiseNeon(const Q8Depthwise::Packed& p, const uint8_t* input, int64_t m_begin,
                     int64_t m_end, uint8_t* output) {
  for (int64_t m = m_begin; m < m_end; ++m) {
    for (int64_t c0 = 0; c0 < p.channels; c0 += 16) {
      if (p.input_signed) {
        Pixel<true>(p, input, m, c0, output);
      } else {
        Pixel<false>(p, input, m, c0, output);
      }
    }
  }
}

}  // namespace trit::arm
