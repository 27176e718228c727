// BatchNorm with 8-bit activations on Cortex-M in 32-bit integers only: ref::BatchNormQ8's
// y = clamp(zy + ((x - zx) M[c] + O[c] + 2^(n-1)) >> n), whose operands are 64-bit, rewritten.
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
//
// The per-channel terms are computed per call into the kernel's scratch (BatchNormQ8ScratchBytes)
// from the prepared multipliers and offsets. Portable: one multiply-accumulate pair and two
// shifts per element (q8_batchnorm_1x, on the DSP level); Helium: four channels a step
// (q8_batchnorm_4x__mve).
#pragma once

#include <cstddef>
#include <cstdint>

namespace trit::cortex_m {

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

inline size_t PaddedChannels(int64_t channels) { return static_cast<size_t>((channels + 3) & ~3); }

inline size_t BatchNormQ8ScratchBytes(int64_t channels) {
  return 5 * sizeof(int32_t) * PaddedChannels(channels);
}

// Splits the prepared multipliers and offsets into `scratch` (channels past the end zero).
inline BatchNormTerms SplitBatchNormTerms(int64_t channels, const int64_t* multiplier,
                                          const int64_t* offset, int32_t shift, void* scratch) {
  const size_t padded = PaddedChannels(channels);
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

struct BatchNormQ8Params {
  int64_t positions, channels;
  const int64_t *multiplier, *offset;
  int32_t shift, input_zero_point, output_zero_point, lo, hi;
};

template <typename In, typename Out>
void BatchNormQ8Split(const BatchNormQ8Params& p, const In* input, Out* output, void* scratch);

template <typename In, typename Out>
void BatchNormQ8Mve(const BatchNormQ8Params& p, const In* input, Out* output, void* scratch);

}  // namespace trit::cortex_m
