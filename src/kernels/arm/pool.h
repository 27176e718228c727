// MaxPool over NHWC windows for AArch64 NEON: the channels of a pixel are contiguous, so each
// window position is a vector max over 16 channels (floats in four registers, bytes in one) at
// a time. Bit for bit the reference's (kernels/ref/pool.h; for floats the same choice on NaN and
// signed zeros).
#pragma once

#include <cstdint>

#include "kernels/ref/conv2d.h"

namespace trit::arm {

void MaxPoolF32Neon(const ref::ConvGeometry& g, const float* input, float* output);
// fp32 AvgPool (kernels/pool_windows.h's loops, vectorized by the compiler).
void AvgPoolF32Neon(const ref::ConvGeometry& g, bool count_include_pad, const float* input,
                    float* output);
// 8-bit, output parameters equal to the input's (the reference's no-rescale case).
void MaxPoolQ8Neon(const ref::ConvGeometry& g, const uint8_t* input, bool is_signed,
                   uint8_t* output);

}  // namespace trit::arm
