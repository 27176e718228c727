// Reference pooling over NHWC windows (MaxPool, AvgPool; GlobalAvgPool is AvgPool with the
// whole image as the window).
#pragma once

#include <cstdint>

#include "kernels/ref/conv2d.h"
#include "kernels/requantize.h"

namespace trit::ref {

// Geometry as for a convolution with out_c == in_c and groups unused.
void MaxPoolF32(const ConvGeometry& g, const float* input, float* output);
void AvgPoolF32(const ConvGeometry& g, bool count_include_pad, const float* input, float* output);

// max over in-bounds positions; when `rescale` is null the output parameters equal the input's,
// otherwise y = clamp(zy + Requantize(max - zx)).
template <typename In, typename Out>
void MaxPoolQ8(const ConvGeometry& g, const In* input, int32_t input_zero_point,
               const Requant* rescale, int32_t output_zero_point, int32_t lo, int32_t hi,
               Out* output);

// sum of (x - zx) over counted positions, requantized with per_count[count]
// (sx / (sy * count)), count in 1..kernel_h*kernel_w.
template <typename In, typename Out>
void AvgPoolQ8(const ConvGeometry& g, bool count_include_pad, const In* input,
               int32_t input_zero_point, const Requant* per_count, int32_t output_zero_point,
               int32_t lo, int32_t hi, Out* output);

}  // namespace trit::ref
