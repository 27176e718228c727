// 8-bit element-wise ops for AVX-512, bit for bit the reference's (kernels/ref/elementwise.h,
// kernels/ref/activation.h).
#pragma once

#include <cstdint>

#include "kernels/ref/elementwise.h"

namespace trit::x86 {

// The binary ops take one row of a broadcast (kernels/broadcast_rows.h): `count` outputs, each
// input advancing `step` elements per output, 1 or 0 (the same element throughout).

// Quantized Add: the reference's int64 sum (x - za) * ma + (y - zb) * mb, rounding shift, zero
// point, clamp, 8 elements per step. Needs ma, mb < 2^31 (AddQ8Fits). AVX-512 F/BW/VL/DQ.
inline bool AddQ8Fits(const ref::QuantAddParams& p) {
  return p.multiplier_a >= 0 && p.multiplier_b >= 0 && p.multiplier_a < (int64_t{1} << 31) &&
         p.multiplier_b < (int64_t{1} << 31) && p.shift >= 0 && p.shift <= 62;
}
void AddQ8Avx512(int64_t count, const void* a, bool a_signed, int64_t a_step, const void* b,
                 bool b_signed, int64_t b_step, const ref::QuantAddParams& p, void* out);

// The same Add in 16-bit lanes, 32 elements per step, for shifts 16..47 and zero points within
// -128..255 (AddQ8MaddFits; AddQ8Params makes shifts of 30 and more for scales within 2x of the
// output's): each multiplier split at bit 16 into halves that VPMADDWD takes as int16 pairs
// with (x - za, y - zb), then the halves joined with the rounding shift (the identity is in
// q8_elementwise_avx512.cc). About 1.6x fewer instructions than the 64-bit form.
inline bool AddQ8MaddFits(const ref::QuantAddParams& p) {
  const auto in_range = [](int32_t z) { return z >= -128 && z <= 255; };
  return AddQ8Fits(p) && p.shift >= 16 && p.shift <= 47 && in_range(p.zero_a) && in_range(p.zero_b);
}
void AddQ8MaddAvx512(int64_t count, const void* a, bool a_signed, int64_t a_step, const void* b,
                     bool b_signed, int64_t b_step, const ref::QuantAddParams& p, void* out);

// AVX2 (x86/q8_elementwise_avx2.cc): the 16-bit Add (where AddQ8MaddFits), 16 elements per
// step, and the Mul, 8 per step.
void AddQ8MaddAvx2(int64_t count, const void* a, bool a_signed, int64_t a_step, const void* b,
                   bool b_signed, int64_t b_step, const ref::QuantAddParams& p, void* out);
void MulQ8Avx2(int64_t count, const void* a, bool a_signed, int64_t a_step, const void* b,
               bool b_signed, int64_t b_step, const ref::QuantMulParams& p, void* out);

// Quantized Mul: the reference's int32 product (x - za) * (y - zb), its Requantize (64-bit
// product, rounding shift), zero point and clamp, 16 elements per step; any parameters.
void MulQ8Avx512(int64_t count, const void* a, bool a_signed, int64_t a_step, const void* b,
                 bool b_signed, int64_t b_step, const ref::QuantMulParams& p, void* out);

// out[i] = table[in[i] ^ flip] for a 256-entry table (flip 0x80 turns s8 into the index
// x - (-128)), 64 bytes per step with byte permutes. AVX-512 VBMI.
void LookupQ8Avx512(int64_t count, const uint8_t* in, uint8_t flip, const uint8_t* table,
                    uint8_t* out);

// Quantize f32 -> int8/uint8: clamp(round_half_even(x / s) + z), NaN to z, in the reference's
// float operations and order, 16 elements per step. AVX-512 F/BW.
void QuantizeF32Avx512(int64_t count, const float* input, float scale, int32_t zero_point,
                       bool signed_output, uint8_t* output);

// Dequantize int8/uint8 -> f32: scale * float(q - z), the reference's two operations (an exact
// integer-to-float conversion, one correctly rounded product), 16 elements per step. AVX-512 F.
void DequantizeQ8Avx512(int64_t count, const uint8_t* input, bool is_signed, float scale,
                        int32_t zero_point, float* output);

// Binarize 8-bit values: bit i = (x[i] >= zero point), one byte compare per element, 64 per
// step, the compare mask stored as the packed bits (kernels/ref/binarize.h). AVX-512 F/BW.
void BinarizeQ8Avx512(int64_t count, const uint8_t* input, bool is_signed, int32_t zero_point,
                      uint8_t* bits);

}  // namespace trit::x86
