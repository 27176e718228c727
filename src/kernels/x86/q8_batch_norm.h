// BatchNorm with 8-bit activations on AVX-512: the 32-bit split of kernels/q8_batch_norm_split.h
// sixteen channels a step (masked at a layer's channel tail), 32-bit multiplies only: 64-bit
// lanes would do half the elements per instruction. The same bytes as ref::BatchNormQ8.
#pragma once

#include "kernels/registry/batch_norm.h"

namespace trit::x86 {

// input: positions x channels bytes (int8 when p.input_signed, else uint8); output: the same
// count of bytes, their values within [p.lo, p.hi].
void BatchNormQ8Avx512(const BatchNormSplitParams& p, const void* input, void* output);

}  // namespace trit::x86
