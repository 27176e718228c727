// Reference inference batch normalization over the last (channel) axis.
#pragma once

#include <cstdint>

namespace trit::ref {

// y = (x - mean) / sqrt(var + eps) * gamma + beta.
void BatchNormF32(int64_t positions, int64_t channels, const float* input, const float* gamma,
                  const float* beta, const float* mean, const float* variance, float epsilon,
                  float* output);

// y = x * scale[c] + shift[c]: BatchNorm with its parameters folded per channel (the optimized
// runtime's form; it differs from BatchNormF32 by float rounding only).
void ChannelAffineF32(int64_t positions, int64_t channels, const float* input, const float* scale,
                      const float* shift, float* output);

// y = clamp(zy + RoundingShiftRight((x - zx) * multiplier[c] + offset[c], shift), lo, hi).
template <typename In, typename Out>
void BatchNormQ8(int64_t positions, int64_t channels, const In* input, int32_t input_zero_point,
                 const int64_t* multiplier, const int64_t* offset, int32_t shift,
                 int32_t output_zero_point, int32_t lo, int32_t hi, Out* output);

}  // namespace trit::ref
