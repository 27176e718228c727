// Reference inference batch normalization over the last (channel) axis.
#pragma once

#include <cstdint>

namespace trit::ref {

// y = (x - mean) / sqrt(var + eps) * gamma + beta.
void BatchNormF32(int64_t positions, int64_t channels, const float* input, const float* gamma,
                  const float* beta, const float* mean, const float* variance, float epsilon,
                  float* output);

// y = clamp(zy + RoundingShiftRight((x - zx) * multiplier[c] + offset[c], shift), lo, hi).
template <typename In, typename Out>
void BatchNormQ8(int64_t positions, int64_t channels, const In* input, int32_t input_zero_point,
                 const int64_t* multiplier, const int64_t* offset, int32_t shift,
                 int32_t output_zero_point, int32_t lo, int32_t hi, Out* output);

}  // namespace trit::ref
