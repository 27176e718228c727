// MaxPool over NHWC windows for AVX-512: the channels of a pixel are contiguous, so each
// window position is one vector max over up to 16 floats or 64 bytes. Bit for bit the
// reference's (kernels/ref/pool.h; for floats the same choice on NaN and signed zeros).
#pragma once

#include <cstdint>

#include "kernels/ref/conv2d.h"

namespace trit::x86 {

void MaxPoolF32Avx512(const ref::ConvGeometry& g, const float* input, float* output);
// 8-bit, output parameters equal to the input's (the reference's no-rescale case).
void MaxPoolQ8Avx512(const ref::ConvGeometry& g, const uint8_t* input, bool is_signed,
                     uint8_t* output);

}  // namespace trit::x86
