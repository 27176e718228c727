// 8-bit element-wise ops and conversions for AArch64 NEON, bit for bit the reference's
// (kernels/ref/elementwise.h, activation.h, quantize.h, binarize.h). Baseline NEON: every
// AArch64 level runs them. Add and the lookups: arm/q8_elementwise_neon.cc; Quantize and
// Binarize: arm/quantize_neon.cc.
#pragma once

#include <cstdint>

#include "kernels/ref/elementwise.h"

namespace trit::arm {

// The binary ops take one row of a broadcast (kernels/broadcast_rows.h): `count` outputs, each
// input advancing `step` elements per output, 1 or 0 (the same element throughout).

// Quantized Add: the reference's int64 sum (x - za) * ma + (y - zb) * mb, rounding shift, zero
// point, clamp, 16 elements per step. Needs ma, mb in int32 (SMULL / SMLAL take them as 32-bit
// lanes) and a shift in [0, 62].
inline bool AddQ8FitsNeon(const ref::QuantAddParams& p) {
  const auto fits = [](int64_t m) { return m >= INT32_MIN && m <= INT32_MAX; };
  return fits(p.multiplier_a) && fits(p.multiplier_b) && p.shift >= 0 && p.shift <= 62;
}
void AddQ8Neon(int64_t count, const void* a, bool a_signed, int64_t a_step, const void* b,
               bool b_signed, int64_t b_step, const ref::QuantAddParams& p, void* out);

// Quantized Mul: the reference's int32 product (x - za) * (y - zb), its Requantize (64-bit
// product, rounding shift), zero point and clamp, 16 elements per step; any parameters.
void MulQ8Neon(int64_t count, const void* a, bool a_signed, int64_t a_step, const void* b,
               bool b_signed, int64_t b_step, const ref::QuantMulParams& p, void* out);

// out[i] = table[in[i] ^ flip] for a 256-entry table (flip 0x80 turns s8 into the index
// x - (-128)), 16 bytes per lookup with TBL/TBX over four 64-byte quarters.
void LookupQ8Neon(int64_t count, const uint8_t* in, uint8_t flip, const uint8_t* table,
                  uint8_t* out);

// Quantize f32 -> int8/uint8: clamp(round_half_even(x / s) + z), NaN to z, in the reference's
// float operations and order, 16 elements per step.
void QuantizeF32Neon(int64_t count, const float* input, float scale, int32_t zero_point,
                     bool signed_output, uint8_t* output);

// Dequantize int8/uint8 -> f32: scale * float(q - z), the reference's two operations, 16
// elements per step.
void DequantizeQ8Neon(int64_t count, const uint8_t* input, bool is_signed, float scale,
                      int32_t zero_point, float* output);

// Binarize 8-bit values: bit i = (x[i] >= zero point), 64 per step (kernels/ref/binarize.h).
void BinarizeQ8Neon(int64_t count, const uint8_t* input, bool is_signed, int32_t zero_point,
                    uint8_t* bits);

}  // namespace trit::arm
