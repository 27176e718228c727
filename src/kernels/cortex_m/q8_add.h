// Add of two 8-bit tensors of the same shape on Cortex-M (DSP extension, and Helium below):
// ref::AddQ8's arithmetic, (a - za) Ma + (b - zb) Mb rounded and shifted right by s, in two
// SMLAL into a 64-bit accumulator that starts at the rounding term 2^(s-1), then the shift as
// 32-bit operations on its words (ASR of the high word for s >= 32; the two words joined for
// s < 32), so no 64-bit variable shift runs per element. Exact for the multipliers and shifts
// AddQ8Params makes (below 2^31, s >= 9: the result then fits 32 bits); AddQ8DspTakes says.
#pragma once

#include <cstdint>

#include "kernels/ref/elementwise.h"

namespace trit::cortex_m {

inline bool AddQ8DspTakes(const ref::QuantAddParams& p) {
  return p.shift >= 9 && p.shift <= 62 && p.multiplier_a >= 0 && p.multiplier_b >= 0 &&
         p.multiplier_a < (int64_t{1} << 31) && p.multiplier_b < (int64_t{1} << 31);
}

template <typename A, typename B, typename Out>
void AddQ8Dsp(int64_t count, const A* x, const B* y, const ref::QuantAddParams& p, Out* out);

// Helium: the same sum split at bit 16 of the multipliers into two exact 32-bit halves, four
// lanes a step (q8_add_mve.cc has the identity). Exact for shifts 16..47 (AddQ8Params makes
// 30 and above for scales within 2x of the output's) with input zero points in the input type's
// range; AddQ8MveTakes says.
inline bool AddQ8MveTakes(const ref::QuantAddParams& p) {
  const auto in_range = [](int32_t z) { return z >= -128 && z <= 255; };
  return AddQ8DspTakes(p) && p.shift >= 16 && p.shift <= 47 && in_range(p.zero_a) &&
         in_range(p.zero_b);
}

template <typename A, typename B, typename Out>
void AddQ8Mve(int64_t count, const A* x, const B* y, const ref::QuantAddParams& p, Out* out);

}  // namespace trit::cortex_m
