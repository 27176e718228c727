// ref::RequantizeToOutput's result in a few 32-bit instructions where the shift allows, for the
// Cortex-M kernels' output stores.
//
// Why it is exact: the reference computes (acc * m + 2^(s-1)) >> s on 64 bits, a variable
// 64-bit shift that ARMv7-M spells in a dozen instructions. For s = 32 + k with k >= 1 the
// rounding term 2^(31 + k) is a multiple of 2^32, so it only adds 2^(k-1) to the product's high
// word, and floor(floor(x / 2^32) / 2^k) = floor(x / 2^(32 + k)). Hence
//     (acc * m + 2^(s-1)) >> s  ==  (hi32(acc * m) + 2^(k-1)) >> k,
// with hi32 one SMULL (or SMMUL) and no overflow: |hi32| < 2^30 and 2^(k-1) <= 2^29. Layers whose
// real multiplier is below 1/2 (s >= 33: nearly all) take this path; others the reference's.
#pragma once

#include <cstdint>

#include "kernels/ref/quant_weights.h"

namespace trit::cortex_m {

inline int32_t RequantizeM(int32_t acc, Requant r) {
  if (r.shift >= 33) {
    const auto high = static_cast<int32_t>((static_cast<int64_t>(acc) * r.multiplier) >> 32);
    const int k = r.shift - 32;
    return (high + (1 << (k - 1))) >> k;
  }
  return Requantize(acc, r);
}

inline int32_t RequantizeToOutputM(int32_t acc, const ref::QuantOutput& q, int channel) {
  const Requant r = q.requant[q.per_channel ? channel : 0];
  return Clamp(q.zero_point + RequantizeM(acc, r), q.lo, q.hi);
}

}  // namespace trit::cortex_m
