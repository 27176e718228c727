// Reference layer normalization over rows: each row of `length` values becomes
// (x - mean) / sqrt(var + epsilon) * scale + bias, var the population variance, scale and bias
// one value per element of a row (bias may be null: zeros). Mean and variance in double, two
// passes; each output rounded once.
#pragma once

#include <cstdint>

namespace trit::ref {

void LayerNormF32(int64_t rows, int64_t length, const float* input, const float* scale,
                  const float* bias, float epsilon, float* output);

// 8-bit in and out: a row's real values sx (q - zx), normalized as above, and quantized with
// the output's parameters (round half to even, clamped to [lo, hi]).
template <typename In, typename Out>
void LayerNormQ8(int64_t rows, int64_t length, const In* input, float input_scale,
                 int32_t input_zero_point, const float* scale, const float* bias, float epsilon,
                 float output_scale, int32_t output_zero_point, int32_t lo, int32_t hi,
                 Out* output);

}  // namespace trit::ref
