// The prepare-time arithmetic of the quantized ops (docs/quantization.md): real scales in,
// integer parameters out, in double precision. One implementation for the host runtime's
// bindings and the freestanding Cortex-M runtime, so both run the same integers: every
// operation here (division, sqrt, frexp, ldexp, rounding) is correctly rounded IEEE arithmetic
// and gives the same bits under a soft-float ABI.
#pragma once

#include <cstdint>

#include "core/dtype.h"
#include "core/op_type.h"
#include "kernels/ref/elementwise.h"
#include "kernels/requantize.h"

namespace trit {

struct Q8Range {
  int32_t lo, hi;
};

// The output range of a quantized op with a fused activation (Conv2D, Dense, Add, BatchNorm).
Q8Range LinearOutputRange(DType out_type, float out_scale, int32_t out_zero_point,
                          Activation activation);

// Largest |weight level| of a layer's weights (ternary: its largest magnitude).
int64_t MaxWeightLevel(DType type, const int8_t* ternary_pos, const int8_t* ternary_neg,
                       int64_t magnitudes);

// Whether a 32-bit accumulator of `depth` products plus the bias stays exact in the worst case.
bool AccumulatorFits(int64_t depth, DType input_type, int32_t input_zero_point,
                     int64_t max_weight_level, int64_t max_abs_bias);

// M[c] = sx * sw[c] / sy for `count` channels.
void LinearRequant(float input_scale, const float* weight_scales, int64_t count, float output_scale,
                   Requant* requant);

// BatchNorm on a quantized input: multiplier[c], offset[c] and the common shift. Returns false
// (with `problem` set) for a non-positive variance + epsilon or an unrepresentable shift.
bool BatchNormQ8Params(int64_t channels, const float* gamma, const float* beta, const float* mean,
                       const float* variance, double epsilon, float input_scale, float output_scale,
                       int64_t* multiplier, int64_t* offset, int32_t* shift, const char** problem);

// Add of two quantized inputs into a quantized output.
ref::QuantAddParams AddQ8Params(float scale_a, int32_t zero_a, float scale_b, int32_t zero_b,
                                DType out_type, float out_scale, int32_t out_zero_point);

// AvgPool's multipliers sx / (sy * count) for count in 1..window (per_count[0] unused).
void AvgPoolRequant(float input_scale, float output_scale, int64_t window, Requant* per_count);

// Clip's output range from its real bounds (+-infinity: the type's range).
Q8Range ClipRange(DType out_type, float out_scale, int32_t out_zero_point, float min, float max);

}  // namespace trit
