// BatchNorm with 8-bit activations in 32-bit integers only: ref::BatchNormQ8's
// y = clamp(zy + ((x - zx) M[c] + O[c] + 2^(n-1)) >> n), whose operands are 64-bit, rewritten,
// for the kernels that have no cheap 64-bit multiply (Cortex-M) or want 16 lanes, not 8 (x86).
//
// Why it is exact. Per channel, let T = O + 2^(n-1) = Oq 2^n + Or with 0 <= Or < 2^n (floor
// division), M = Mh 2^16 + Ml and Or = Orh 2^16 + Orl with 0 <= Ml, Orl < 2^16. For d = x - zx,
//     (d M + T) >> n  =  Oq + ((d M + Or) >> n)
//                     =  Oq + ((d Mh + Orh + ((d Ml + Orl) >> 16)) >> (n - 16)),
// because d M + Or = (d Mh + Orh) 2^16 + (d Ml + Orl) and floor divisions by powers of two nest.
// With |d| < 2^9, |M| < 2^31 (BatchNormQ8Params makes it so) and 16 <= n <= 46: |d Mh| < 2^24,
// Orh < 2^30, |d Ml + Orl| < 2^26, so every term fits 32 bits. Oq may not: it is clamped to
// +-2^30, which changes no output (the rest is below 2^25 in magnitude, and the output clamp
// is far inside). BatchNormQ8Takes says whether a layer's shift allows it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace trit {

inline bool BatchNormQ8Takes(int32_t shift, int32_t input_zero_point) {
  return shift >= 16 && shift <= 46 && input_zero_point >= -128 && input_zero_point <= 255;
}

// Per channel, five int32 terms (in arrays of `channels` rounded up to four).
struct BatchNormTerms {
  int32_t* multiplier_high;
  int32_t* multiplier_low;
  int32_t* remainder_high;
  int32_t* remainder_low;
  int32_t* quotient;
};

inline size_t BatchNormPaddedChannels(int64_t channels) {
  return static_cast<size_t>((channels + 3) & ~3);
}

inline size_t BatchNormQ8ScratchBytes(int64_t channels) {
  return 5 * sizeof(int32_t) * BatchNormPaddedChannels(channels);
}

// Splits the prepared multipliers and offsets into `scratch` (channels past the end zero).
inline BatchNormTerms SplitBatchNormTerms(int64_t channels, const int64_t* multiplier,
                                          const int64_t* offset, int32_t shift, void* scratch) {
  const size_t padded = BatchNormPaddedChannels(channels);
  auto* words = static_cast<int32_t*>(scratch);
  const BatchNormTerms t{words, words + padded, words + 2 * padded, words + 3 * padded,
                         words + 4 * padded};
  const int64_t rounding = int64_t{1} << (shift - 1);
  constexpr int64_t kQuotientBound = int64_t{1} << 30;
  for (size_t c = 0; c < padded; ++c) {
    const bool real = static_cast<int64_t>(c) < channels;
    const int64_t m = real ? multiplier[c] : 0;
    const int64_t total = real ? offset[c] + rounding : 0;
    const int64_t quotient = total >> shift;  // floor
    const int64_t remainder = total - quotient * (int64_t{1} << shift);
    t.multiplier_high[c] = static_cast<int32_t>(m >> 16);
    t.multiplier_low[c] = static_cast<int32_t>(m & 0xFFFF);
    t.remainder_high[c] = static_cast<int32_t>(remainder >> 16);
    t.remainder_low[c] = static_cast<int32_t>(remainder & 0xFFFF);
    t.quotient[c] = static_cast<int32_t>(quotient < -kQuotientBound  ? -kQuotientBound
                                         : quotient > kQuotientBound ? kQuotientBound
                                                                     : quotient);
  }
  return t;
}

}  // namespace trit
