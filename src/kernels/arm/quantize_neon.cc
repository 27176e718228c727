// Quantize (f32 -> 8 bits), Dequantize (8 bits -> f32) and Binarize (8 bits -> packed bits) of
// arm/q8_elementwise.h for AArch64 NEON (baseline).
//
// Quantize follows the reference's float operations in order: FDIV (x / s, correctly rounded as
// the scalar division), FRINTN (round to nearest, ties to even, as the reference's nearbyint in
// the default rounding mode; it keeps the value a float, so that the zero point is added in float
// as the reference does, rather than FCVTNS to an integer), FADD of the zero point, NaN inputs to
// the zero point (FCMEQ x, x + BSL), the clamp as the reference writes it (v < lo ? lo : v > hi ?
// hi : v, FCMGT + BSL), then FCVTZS of the integral value and narrowing. 16 elements per step.
//
// Dequantize widens 16 bytes to 32-bit lanes, subtracts the zero point, converts (exactly: the
// difference is within [-510, 510]) and multiplies by the scale: the reference's operations.
//
// Binarize compares 16 bytes at a time with the zero point (CMGE / CMHS), keeps bit j of each
// byte of a group of 8 (AND with 1, 2, 4, ... 128) and sums the groups with three ADDP rounds:
// 64 values become 8 bytes of bits in the reference's order (element i is bit i % 8 of byte i / 8).
#include <arm_neon.h>

#include <algorithm>
#include <cstring>

#include "kernels/arm/q8_elementwise.h"

namespace trit::arm {
namespace {

// 16 floats -> 16 bytes (each the low byte of the clamped integer).
inline uint8x16_t Quantize16(const float* x, float32x4_t scale, float32x4_t zero, float32x4_t lo,
                             float32x4_t hi) {
  int32x4_t q[4];
  for (int v = 0; v < 4; ++v) {
    const float32x4_t in = vld1q_f32(x + 4 * v);
    float32x4_t value = vaddq_f32(vrndnq_f32(vdivq_f32(in, scale)), zero);
    value = vbslq_f32(vceqq_f32(in, in), value, zero);   // NaN -> z
    value = vbslq_f32(vcltq_f32(value, lo), lo, value);  // value < lo ? lo
    value = vbslq_f32(vcgtq_f32(value, hi), hi, value);  // : value > hi ? hi : value
    q[v] = vcvtq_s32_f32(value);
  }
  const int16x8_t low = vcombine_s16(vmovn_s32(q[0]), vmovn_s32(q[1]));
  const int16x8_t high = vcombine_s16(vmovn_s32(q[2]), vmovn_s32(q[3]));
  return vreinterpretq_u8_s8(vcombine_s8(vmovn_s16(low), vmovn_s16(high)));
}

// 64 bytes -> 64 bits: bit i of the result is (x[i] >= zero point).
template <bool kSigned>
inline uint64_t Binarize64(const uint8_t* x, uint8x16_t zero) {
  static constexpr uint8_t kBits[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
  const uint8x16_t bits = vld1q_u8(kBits);
  const uint8x16x4_t in = vld1q_u8_x4(x);
  uint8x16_t masked[4];
  for (int v = 0; v < 4; ++v) {
    const uint8x16_t positive =
        kSigned ? vcgeq_s8(vreinterpretq_s8_u8(in.val[v]), vreinterpretq_s8_u8(zero))
                : vcgeq_u8(in.val[v], zero);
    masked[v] = vandq_u8(positive, bits);
  }
  const uint8x16_t pairs =
      vpaddq_u8(vpaddq_u8(masked[0], masked[1]), vpaddq_u8(masked[2], masked[3]));
  return vgetq_lane_u64(vreinterpretq_u64_u8(vpaddq_u8(pairs, pairs)), 0);
}

template <bool kSigned>
void Binarize(int64_t count, const uint8_t* input, int32_t zero_point, uint8_t* bits) {
  const uint8x16_t zero = vdupq_n_u8(static_cast<uint8_t>(zero_point));
  int64_t i = 0;
  for (; i + 64 <= count; i += 64) {
    const uint64_t word = Binarize64<kSigned>(input + i, zero);
    std::memcpy(bits + i / 8, &word, sizeof(word));
  }
  if (i < count) {
    const int64_t rest = count - i;
    uint8_t buffer[64] = {};
    std::memcpy(buffer, input + i, static_cast<size_t>(rest));
    const uint64_t word =
        Binarize64<kSigned>(buffer, zero) & ((uint64_t{1} << rest) - 1);  // rest < 64
    std::memcpy(bits + i / 8, &word, static_cast<size_t>((rest + 7) / 8));
  }
}

}  // namespace

void QuantizeF32Neon(int64_t count, const float* input, float scale, int32_t zero_point,
                     bool signed_output, uint8_t* output) {
  const float32x4_t scales = vdupq_n_f32(scale);
  const float32x4_t zero = vdupq_n_f32(static_cast<float>(zero_point));
  const float32x4_t lo = vdupq_n_f32(signed_output ? -128.0f : 0.0f);
  const float32x4_t hi = vdupq_n_f32(signed_output ? 127.0f : 255.0f);
  int64_t i = 0;
  for (; i + 16 <= count; i += 16) {
    vst1q_u8(output + i, Quantize16(input + i, scales, zero, lo, hi));
  }
  if (i < count) {
    float buffer[16] = {};
    uint8_t bytes[16];
    const size_t rest = static_cast<size_t>(count - i);
    std::copy(input + i, input + count, buffer);
    vst1q_u8(bytes, Quantize16(buffer, scales, zero, lo, hi));
    std::memcpy(output + i, bytes, rest);
  }
}

void DequantizeQ8Neon(int64_t count, const uint8_t* input, bool is_signed, float scale,
                      int32_t zero_point, float* output) {
  const float32x4_t scales = vdupq_n_f32(scale);
  const int32x4_t zero = vdupq_n_s32(zero_point);
  // 16 bytes -> 16 floats; the last partial step goes through a buffer.
  auto dequantize16 = [&](const uint8_t* in, float* out) {
    const uint8x16_t bytes = vld1q_u8(in);
    int16x8_t halves[2];
    if (is_signed) {
      halves[0] = vmovl_s8(vget_low_s8(vreinterpretq_s8_u8(bytes)));
      halves[1] = vmovl_s8(vget_high_s8(vreinterpretq_s8_u8(bytes)));
    } else {
      halves[0] = vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(bytes)));
      halves[1] = vreinterpretq_s16_u16(vmovl_u8(vget_high_u8(bytes)));
    }
    for (int h = 0; h < 2; ++h) {
      const int32x4_t low = vsubq_s32(vmovl_s16(vget_low_s16(halves[h])), zero);
      const int32x4_t high = vsubq_s32(vmovl_s16(vget_high_s16(halves[h])), zero);
      vst1q_f32(out + 8 * h, vmulq_f32(scales, vcvtq_f32_s32(low)));
      vst1q_f32(out + 8 * h + 4, vmulq_f32(scales, vcvtq_f32_s32(high)));
    }
  };
  int64_t i = 0;
  for (; i + 16 <= count; i += 16) dequantize16(input + i, output + i);
  if (i < count) {
    uint8_t bytes[16] = {};
    float floats[16];
    std::copy(input + i, input + count, bytes);
    dequantize16(bytes, floats);
    std::copy(floats, floats + (count - i), output + i);
  }
}

void BinarizeQ8Neon(int64_t count, const uint8_t* input, bool is_signed, int32_t zero_point,
                    uint8_t* bits) {
  is_signed ? Binarize<true>(count, input, zero_point, bits)
            : Binarize<false>(count, input, zero_point, bits);
}

}  // namespace trit::arm
