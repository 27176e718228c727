// Pooling over NHWC windows: the channels of a pixel are contiguous, so each window position is
// one vector op over a block of channels. MaxPool (AVX-512): a max over up to 16 floats or 64
// bytes. fp32 AvgPool (AVX-512 and AVX2): kernels/pool_windows.h's channel loops, vectorized by
// the compiler. 8-bit AvgPool (AVX-512 and AVX2): 32-bit sums of 64 (32) channels at a time, the
// zero point off as positions * zx, then the reference's requantization by the window's count.
// Bit for bit the reference's (kernels/ref/pool.h; for floats the same choice on NaN and signed
// zeros).
#pragma once

#include <cstdint>

#include "kernels/ref/conv2d.h"
#include "kernels/requantize.h"

namespace trit::x86 {

void MaxPoolF32Avx512(const ref::ConvGeometry& g, const float* input, float* output);
void AvgPoolF32Avx512(const ref::ConvGeometry& g, bool count_include_pad, const float* input,
                      float* output);
void AvgPoolF32Avx2(const ref::ConvGeometry& g, bool count_include_pad, const float* input,
                    float* output);
// 8-bit, output parameters equal to the input's (the reference's no-rescale case).
void MaxPoolQ8Avx512(const ref::ConvGeometry& g, const uint8_t* input, bool is_signed,
                     uint8_t* output);
// ref::AvgPoolQ8's parameters; the output is stored as the clamped value's byte.
struct AvgPoolQ8Args {
  bool count_include_pad;
  int32_t input_zero_point;
  const Requant* per_count;
  int32_t output_zero_point, lo, hi;
};
void AvgPoolQ8Avx512(const ref::ConvGeometry& g, const uint8_t* input, bool in_signed,
                     const AvgPoolQ8Args& args, uint8_t* output);
void AvgPoolQ8Avx2(const ref::ConvGeometry& g, const uint8_t* input, bool in_signed,
                   const AvgPoolQ8Args& args, uint8_t* output);

}  // namespace trit::x86
