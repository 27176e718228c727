// Reference Quantize (f32 -> i8/u8) and Dequantize (i8/u8 -> f32).
#pragma once

#include <cstdint>

namespace trit::ref {

// y = clamp(round_half_even(x / scale) + zero_point, lo, hi); division in f32.
template <typename Out>
void QuantizeF32(int64_t count, const float* input, float scale, int32_t zero_point, Out* output);

// y = scale * (q - zero_point).
template <typename In>
void DequantizeF32(int64_t count, const In* input, float scale, int32_t zero_point, float* output);

}  // namespace trit::ref
