// Kernel tables of the pooling ops (GlobalAvgPool is AvgPool with the whole image as the window).
#pragma once

#include <span>

#include "kernels/ref/conv2d.h"
#include "kernels/registry/kernel_table.h"
#include "kernels/requantize.h"

namespace trit {

struct MaxPoolF32Problem {};

struct MaxPoolQ8Params {
  int32_t input_zero_point = 0;
  const Requant* rescale = nullptr;  // null: the output's parameters are the input's
  int32_t output_zero_point = 0, lo = -128, hi = 127;
};
struct MaxPoolQ8Problem {
  bool same_params = false;  // input and output share type, scale and zero point
};

using MaxPoolF32Fn = void (*)(const ref::ConvGeometry& geometry, const float* input, float* output);
struct AvgPoolF32Problem {};
using AvgPoolF32Fn = void (*)(const ref::ConvGeometry& geometry, bool count_include_pad,
                              const float* input, float* output);
// input and output as bytes with their signedness.
using MaxPoolQ8Fn = void (*)(const ref::ConvGeometry& geometry, const void* input, bool in_signed,
                             const MaxPoolQ8Params& params, void* output, bool out_signed);

std::span<const KernelCandidate<MaxPoolF32Problem, MaxPoolF32Fn>> MaxPoolF32Kernels();
std::span<const KernelCandidate<AvgPoolF32Problem, AvgPoolF32Fn>> AvgPoolF32Kernels();
std::span<const KernelCandidate<MaxPoolQ8Problem, MaxPoolQ8Fn>> MaxPoolQ8Kernels();

// 8-bit AvgPool (GlobalAvgPool: the whole image as the window), ref::AvgPoolQ8's arithmetic.
struct AvgPoolQ8Params {
  bool count_include_pad = false;
  int32_t input_zero_point = 0;
  const Requant* per_count = nullptr;  // [kernel_h * kernel_w + 1]: sx / (sy * count)
  int32_t output_zero_point = 0, lo = -128, hi = 127;
};
struct AvgPoolQ8Problem {};
using AvgPoolQ8Fn = void (*)(const ref::ConvGeometry& geometry, const void* input, bool in_signed,
                             const AvgPoolQ8Params& params, void* output);
std::span<const KernelCandidate<AvgPoolQ8Problem, AvgPoolQ8Fn>> AvgPoolQ8Kernels();

}  // namespace trit
