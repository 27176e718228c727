// The depthwise int8 convolution with the dot product: the taps are SDOT's depth. Per output
// pixel and 16 channels, each group of 4 taps loads the taps' 16 input bytes (u8 inputs xor
// 0x80 to s8), transposes the 4 x 16 bytes into 16 channels x 4 taps (ZIP1/ZIP2 on bytes, then
// on halfwords: 8 instructions) and multiplies them by each channel's 4 tap weights (packed
// side by side at load) with 4 SDOT: 64 MACs in 17 instructions (21 with the flip), against
// the widening form's 36 (q8_depthwise_neon.cc). A last group of fewer than 4 taps reads the
// padding row where taps are missing; their weights are 0. The zero point leaves in the
// offset (bias - z' * sum(w)); the epilogue is the GEMM's.
//
// Where the instructions go besides the multiplies (a 3x3 layer of 16 to 64 channels, as in
// MobileNet, spends as many on them as on the taps): each pixel's tap addresses come from the
// indirection table (a load, a compare with the padding index and a select per tap), and each
// 16 channels' epilogue needs its per-channel constants. So the 3x3 case is its own
// instantiation, whose 12 tap addresses live in registers (the loads address them with the
// channel offset, no adds), and the epilogue constants of up to kChunk blocks of 16 channels
// are prepared once per call, before the pixels, not once per pixel.
#include <arm_neon.h>

#include <algorithm>
#include <cstring>

#include "kernels/arm/q8_epilogue_neon.h"
#include "kernels/q8_depthwise.h"

namespace trit::arm {
namespace {

constexpr int kMaxTaps = 64;  // 8x8 kernels; larger ones run the widening form
constexpr int kChunk = 8;     // blocks of 16 channels whose epilogue constants are kept at once

// 16 channels from c0 (kWhole: all 16 exist; else the first `left`, copied out first, so that
// nothing past the pixel's channels is read). kTaps: the kernel's taps when known at compile time
// (0: p.taps).
template <bool kFlip, bool kWhole, int kTaps>
inline void Channels16(const Q8Depthwise::Packed& p, const uint8_t* const* rows_of_taps, int64_t c0,
                       int64_t left, const Q8Epilogue& epilogue, uint8_t* out) {
  const int64_t groups = kTaps ? (kTaps + 3) / 4 : p.tap_groups;
  const int8_t* w = p.weights_dot + c0 * 4;
  const uint8x16_t flip = vdupq_n_u8(0x80);
  int32x4_t acc0 = vdupq_n_s32(0), acc1 = acc0, acc2 = acc0, acc3 = acc0;
  for (int64_t group = 0; group < groups; ++group, w += p.channels_padded * 4) {
    uint8x16_t r[4];
    for (int i = 0; i < 4; ++i) {
      const uint8_t* x = rows_of_taps[group * 4 + i] + c0;
      if constexpr (kWhole) {
        r[i] = vld1q_u8(x);
      } else {
        uint8_t buffer[16] = {};
        std::memcpy(buffer, x, static_cast<size_t>(left));
        r[i] = vld1q_u8(buffer);
      }
      if constexpr (kFlip) r[i] = veorq_u8(r[i], flip);
    }
    const uint16x8_t a = vreinterpretq_u16_u8(vzip1q_u8(r[0], r[1]));
    const uint16x8_t b = vreinterpretq_u16_u8(vzip1q_u8(r[2], r[3]));
    const uint16x8_t c = vreinterpretq_u16_u8(vzip2q_u8(r[0], r[1]));
    const uint16x8_t d = vreinterpretq_u16_u8(vzip2q_u8(r[2], r[3]));
    const int8x16x4_t weights = vld1q_s8_x4(w);
    acc0 = vdotq_s32(acc0, vreinterpretq_s8_u16(vzip1q_u16(a, b)), weights.val[0]);
    acc1 = vdotq_s32(acc1, vreinterpretq_s8_u16(vzip2q_u16(a, b)), weights.val[1]);
    acc2 = vdotq_s32(acc2, vreinterpretq_s8_u16(vzip1q_u16(c, d)), weights.val[2]);
    acc3 = vdotq_s32(acc3, vreinterpretq_s8_u16(vzip2q_u16(c, d)), weights.val[3]);
  }
  const int32x4_t acc[4] = {acc0, acc1, acc2, acc3};
  epilogue.Store(acc, out + c0);
}

// The epilogue's view of the dot-product form's per-channel arrays.
struct DotEpilogueArrays {
  const int32_t *offset, *multiplier, *shift;
  int32_t output_zero_point, lo, hi;
};

template <bool kFlip, int kTaps>
void Pixels(const Q8Depthwise::Packed& p, const uint8_t* input, int64_t m_begin, int64_t m_end,
            uint8_t* output) {
  const int64_t taps = kTaps ? kTaps : p.taps;
  const int64_t slots = (kTaps ? (kTaps + 3) / 4 : p.tap_groups) * 4;
  const uint8_t* rows_of_taps[kTaps ? (kTaps + 3) / 4 * 4 : kMaxTaps];
  for (int64_t t = taps; t < slots; ++t) rows_of_taps[t] = p.padding;  // weights 0
  const DotEpilogueArrays arrays{p.offset_dot,        p.multiplier, p.shift,
                                 p.output_zero_point, p.lo,         p.hi};
  const int64_t blocks = (p.channels + 15) / 16;
  const int64_t whole = p.channels / 16;
  for (int64_t b0 = 0; b0 < blocks; b0 += kChunk) {
    const int64_t b1 = std::min(blocks, b0 + kChunk);
    Q8Epilogue::Constants constants[kChunk];
    for (int64_t b = b0; b < b1; ++b)
      constants[b - b0] = Q8Epilogue::Constants::Load(arrays, b * 16);
    for (int64_t m = m_begin; m < m_end; ++m) {
      const int32_t* indirection = p.indirection + m * p.taps;
      for (int64_t t = 0; t < taps; ++t) {
        const int32_t vector = indirection[t];
        rows_of_taps[t] = vector < p.vectors ? input + int64_t{vector} * p.channels : p.padding;
      }
      uint8_t* out = output + m * p.channels;
      for (int64_t b = b0; b < b1; ++b) {
        const Q8Epilogue epilogue(constants[b - b0], arrays, p.channels, b * 16);
        if (b < whole) {
          Channels16<kFlip, true, kTaps>(p, rows_of_taps, b * 16, 16, epilogue, out);
        } else {
          Channels16<kFlip, false, kTaps>(p, rows_of_taps, b * 16, p.channels - b * 16, epilogue,
                                          out);
        }
      }
    }
  }
}

template <bool kFlip>
void PixelsOfAnyKernel(const Q8Depthwise::Packed& p, const uint8_t* input, int64_t m_begin,
                       int64_t m_end, uint8_t* output) {
  if (p.taps == 9) {
    Pixels<kFlip, 9>(p, input, m_begin, m_end, output);
  } else {
    Pixels<kFlip, 0>(p, input, m_begin, m_end, output);
  }
}

}  // namespace

void Q8DepthwiseNeonDot(const Q8Depthwise::Packed& p, const uint8_t* input, int64_t m_begin,
                        int64_t m_end, uint8_t* output) {
  if (p.input_signed) {
    PixelsOfAnyKernel<false>(p, input, m_begin, m_end, output);
  } else {
    PixelsOfAnyKernel<true>(p, input, m_begin, m_end, output);
  }
}

}  // namespace trit::arm
