// The 8-bit Add, Mul and table lookups of arm/q8_elementwise.h for AArch64 NEON (baseline).
//
// Add: the inputs widened to int16 (x - za fits: |x - za| <= 383), then to int32 lanes; SMULL and
// SMLAL give the reference's exact 64-bit sum (x - za) ma + (y - zb) mb, and SRSHL by -shift its
// RoundingShiftRight (half up, no overflow). SQXTN saturates the sum to 32 bits and SQADD adds the
// zero point: with lo and hi within 8 bits, clamping the saturated value gives the clamp of the
// exact one. 16 elements per step.
//
// Lookup: a 256-entry table is four 64-byte quarters, each one TBL/TBX operand (four registers):
// TBL takes the first quarter (zero for indices >= 64), and TBX with the index minus 64, 128, 192
// replaces the lanes whose index falls in a later quarter and leaves the others (an index outside
// 0-63 leaves TBX's destination as it was). 64 bytes per step in four independent chains.
#include <arm_neon.h>

#include <cstring>

#include "kernels/arm/q8_elementwise.h"
#include "kernels/broadcast_steps.h"

namespace trit::arm {
namespace {

template <bool kSigned>
inline int16x8_t Widen(uint8x8_t bytes) {
  if constexpr (kSigned) return vmovl_s8(vreinterpret_s8_u8(bytes));
  return vreinterpretq_s16_u16(vmovl_u8(bytes));
}

template <bool kASigned, bool kBSigned>
void Add(int64_t count, const uint8_t* x, int64_t x_step, const uint8_t* y, int64_t y_step,
         const ref::QuantAddParams& p, uint8_t* z) {
  const int16x8_t za = vdupq_n_s16(static_cast<int16_t>(p.zero_a));
  const int16x8_t zb = vdupq_n_s16(static_cast<int16_t>(p.zero_b));
  const int32x4_t ma = vdupq_n_s32(static_cast<int32_t>(p.multiplier_a));
  const int32x4_t mb = vdupq_n_s32(static_cast<int32_t>(p.multiplier_b));
  const int64x2_t shift = vdupq_n_s64(-p.shift);
  const int32x4_t zo = vdupq_n_s32(p.zero_out);
  const int32x4_t lo = vdupq_n_s32(p.lo), hi = vdupq_n_s32(p.hi);
  // Four int32 lanes of x - za and y - zb -> four clamped outputs.
  auto quarter = [&](int32x4_t xd, int32x4_t yd) {
    int64x2_t low = vmlal_s32(vmull_s32(vget_low_s32(xd), vget_low_s32(ma)), vget_low_s32(yd),
                              vget_low_s32(mb));
    int64x2_t high = vmlal_high_s32(vmull_high_s32(xd, ma), yd, mb);
    low = vrshlq_s64(low, shift);
    high = vrshlq_s64(high, shift);
    const int32x4_t v = vqaddq_s32(vcombine_s32(vqmovn_s64(low), vqmovn_s64(high)), zo);
    return vminq_s32(vmaxq_s32(v, lo), hi);
  };
  auto step = [&](const uint8_t* xs, const uint8_t* ys, uint8_t* zs) {
    const uint8x16_t xb = vld1q_u8(xs), yb = vld1q_u8(ys);
    int16x8_t halves[2];
    for (int h = 0; h < 2; ++h) {
      const int16x8_t xd =
          vsubq_s16(Widen<kASigned>(h == 0 ? vget_low_u8(xb) : vget_high_u8(xb)), za);
      const int16x8_t yd =
          vsubq_s16(Widen<kBSigned>(h == 0 ? vget_low_u8(yb) : vget_high_u8(yb)), zb);
      const int32x4_t first = quarter(vmovl_s16(vget_low_s16(xd)), vmovl_s16(vget_low_s16(yd)));
      const int32x4_t second = quarter(vmovl_high_s16(xd), vmovl_high_s16(yd));
      halves[h] = vcombine_s16(vmovn_s32(first), vmovn_s32(second));
    }
    // Clamped to [lo, hi] within the output type's range: the low byte is the value.
    vst1q_u8(zs, vreinterpretq_u8_s8(vcombine_s8(vmovn_s16(halves[0]), vmovn_s16(halves[1]))));
  };
  ForEachStep<16>(count, x, x_step, y, y_step, z, step);
}

// Mul: (x - za)(y - zb) in int32 lanes (below 2^18: exact), SMULL by the multiplier for the
// reference's 64-bit product, SRSHL by -shift its rounding shift, SQXTN and SQADD the zero point,
// clamp: as Add. 16 elements per step.
template <bool kASigned, bool kBSigned>
void Mul(int64_t count, const uint8_t* x, int64_t x_step, const uint8_t* y, int64_t y_step,
         const ref::QuantMulParams& p, uint8_t* z) {
  const int16x8_t za = vdupq_n_s16(static_cast<int16_t>(p.zero_a));
  const int16x8_t zb = vdupq_n_s16(static_cast<int16_t>(p.zero_b));
  const int32x4_t m = vdupq_n_s32(p.requant.multiplier);
  const int64x2_t shift = vdupq_n_s64(-p.requant.shift);
  const int32x4_t zo = vdupq_n_s32(p.zero_out);
  const int32x4_t lo = vdupq_n_s32(p.lo), hi = vdupq_n_s32(p.hi);
  auto quarter = [&](int32x4_t product) {
    const int64x2_t low = vrshlq_s64(vmull_s32(vget_low_s32(product), vget_low_s32(m)), shift);
    const int64x2_t high = vrshlq_s64(vmull_high_s32(product, m), shift);
    const int32x4_t v = vqaddq_s32(vcombine_s32(vqmovn_s64(low), vqmovn_s64(high)), zo);
    return vminq_s32(vmaxq_s32(v, lo), hi);
  };
  auto step = [&](const uint8_t* xs, const uint8_t* ys, uint8_t* zs) {
    const uint8x16_t xb = vld1q_u8(xs), yb = vld1q_u8(ys);
    int16x8_t halves[2];
    for (int h = 0; h < 2; ++h) {
      const int16x8_t xd =
          vsubq_s16(Widen<kASigned>(h == 0 ? vget_low_u8(xb) : vget_high_u8(xb)), za);
      const int16x8_t yd =
          vsubq_s16(Widen<kBSigned>(h == 0 ? vget_low_u8(yb) : vget_high_u8(yb)), zb);
      const int32x4_t first = quarter(vmull_s16(vget_low_s16(xd), vget_low_s16(yd)));
      const int32x4_t second = quarter(vmull_high_s16(xd, yd));
      halves[h] = vcombine_s16(vmovn_s32(first), vmovn_s32(second));
    }
    vst1q_u8(zs, vreinterpretq_u8_s8(vcombine_s8(vmovn_s16(halves[0]), vmovn_s16(halves[1]))));
  };
  ForEachStep<16>(count, x, x_step, y, y_step, z, step);
}

}  // namespace

void AddQ8Neon(int64_t count, const void* a, bool a_signed, int64_t a_step, const void* b,
               bool b_signed, int64_t b_step, const ref::QuantAddParams& p, void* out) {
  const auto* x = static_cast<const uint8_t*>(a);
  const auto* y = static_cast<const uint8_t*>(b);
  auto* z = static_cast<uint8_t*>(out);
  if (a_signed) {
    b_signed ? Add<true, true>(count, x, a_step, y, b_step, p, z)
             : Add<true, false>(count, x, a_step, y, b_step, p, z);
  } else {
    b_signed ? Add<false, true>(count, x, a_step, y, b_step, p, z)
             : Add<false, false>(count, x, a_step, y, b_step, p, z);
  }
}

void MulQ8Neon(int64_t count, const void* a, bool a_signed, int64_t a_step, const void* b,
               bool b_signed, int64_t b_step, const ref::QuantMulParams& p, void* out) {
  const auto* x = static_cast<const uint8_t*>(a);
  const auto* y = static_cast<const uint8_t*>(b);
  auto* z = static_cast<uint8_t*>(out);
  if (a_signed) {
    b_signed ? Mul<true, true>(count, x, a_step, y, b_step, p, z)
             : Mul<true, false>(count, x, a_step, y, b_step, p, z);
  } else {
    b_signed ? Mul<false, true>(count, x, a_step, y, b_step, p, z)
             : Mul<false, false>(count, x, a_step, y, b_step, p, z);
  }
}

void LookupQ8Neon(int64_t count, const uint8_t* in, uint8_t flip, const uint8_t* table,
                  uint8_t* out) {
  const uint8x16x4_t t0 = vld1q_u8_x4(table), t1 = vld1q_u8_x4(table + 64);
  const uint8x16x4_t t2 = vld1q_u8_x4(table + 128), t3 = vld1q_u8_x4(table + 192);
  const uint8x16_t flips = vdupq_n_u8(flip);
  const uint8x16_t q1 = vdupq_n_u8(64), q2 = vdupq_n_u8(128), q3 = vdupq_n_u8(192);
  auto lookup = [&](uint8x16_t x) {
    const uint8x16_t index = veorq_u8(x, flips);
    uint8x16_t r = vqtbl4q_u8(t0, index);
    r = vqtbx4q_u8(r, t1, vsubq_u8(index, q1));
    r = vqtbx4q_u8(r, t2, vsubq_u8(index, q2));
    return vqtbx4q_u8(r, t3, vsubq_u8(index, q3));
  };
  int64_t i = 0;
  for (; i + 64 <= count; i += 64) {
    const uint8x16x4_t x = vld1q_u8_x4(in + i);
    uint8x16x4_t y;
    for (int v = 0; v < 4; ++v) y.val[v] = lookup(x.val[v]);
    vst1q_u8_x4(out + i, y);
  }
  for (; i + 16 <= count; i += 16) vst1q_u8(out + i, lookup(vld1q_u8(in + i)));
  if (i < count) {
    uint8_t buffer[16] = {};
    const size_t rest = static_cast<size_t>(count - i);
    std::memcpy(buffer, in + i, rest);
    vst1q_u8(buffer, lookup(vld1q_u8(buffer)));
    std::memcpy(out + i, buffer, rest);
  }
}

}  // namespace trit::arm
