// Kernel tables of the conversions between float, 8-bit and binary activations: Quantize (f32 ->
// int8 or uint8), Dequantize (int8 or uint8 -> f32) and Binarize of 8-bit values (-> packed
// bits). Binarize of floats runs the reference only (kernels/ref/binarize.h).
#pragma once

#include <span>

#include "kernels/registry/kernel_table.h"

namespace trit {

struct ConversionProblem {};  // every row handles every size

// output: count bytes, int8 when signed_output, else uint8.
using QuantizeF32Fn = void (*)(int64_t count, const float* input, float scale, int32_t zero_point,
                               bool signed_output, void* output);
// input: count bytes, int8 when is_signed, else uint8.
using DequantizeQ8Fn = void (*)(int64_t count, const void* input, bool is_signed, float scale,
                                int32_t zero_point, float* output);
// bits: (count + 7) / 8 bytes, bit i = (input[i] >= zero_point).
using BinarizeQ8Fn = void (*)(int64_t count, const void* input, bool is_signed, int32_t zero_point,
                              uint8_t* bits);

std::span<const KernelCandidate<ConversionProblem, QuantizeF32Fn>> QuantizeF32Kernels();
std::span<const KernelCandidate<ConversionProblem, DequantizeQ8Fn>> DequantizeQ8Kernels();
std::span<const KernelCandidate<ConversionProblem, BinarizeQ8Fn>> BinarizeQ8Kernels();

}  // namespace trit
