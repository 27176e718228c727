// Kernel tables of the conversions into 8-bit and binary activations: Quantize (f32 -> int8 or
// uint8) and Binarize of 8-bit values (-> packed bits). Dequantize and Binarize of floats run
// the reference only (kernels/ref/quantize.h, kernels/ref/binarize.h).
#pragma once

#include <span>

#include "kernels/registry/kernel_table.h"

namespace trit {

struct ConversionProblem {};  // every row handles every size

// output: count bytes, int8 when signed_output, else uint8.
using QuantizeF32Fn = void (*)(int64_t count, const float* input, float scale, int32_t zero_point,
                               bool signed_output, void* output);
// bits: (count + 7) / 8 bytes, bit i = (input[i] >= zero_point).
using BinarizeQ8Fn = void (*)(int64_t count, const void* input, bool is_signed, int32_t zero_point,
                              uint8_t* bits);

std::span<const KernelCandidate<ConversionProblem, QuantizeF32Fn>> QuantizeF32Kernels();
std::span<const KernelCandidate<ConversionProblem, BinarizeQ8Fn>> BinarizeQ8Kernels();

}  // namespace trit
