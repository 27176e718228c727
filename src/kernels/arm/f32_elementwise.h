// The fp32 element-wise rows of kernels/f32_elementwise.h for AArch64 NEON: the loops of
// kernels/f32_elementwise_loops.h, vectorized by the compiler.
#pragma once

#include <cstdint>

#include "kernels/f32_elementwise.h"

namespace trit::arm {

void UnaryF32Neon(F32UnaryOp op, int64_t count, const float* x, const F32UnaryParams& p, float* y);
// Softmax over `rows` contiguous rows of `length` (the last axis).
void SoftmaxRowsF32Neon(int64_t rows, int64_t length, const float* x, float* y);
// LayerNorm over `rows` contiguous rows of `length` (kernels/f32_elementwise_loops.h).
void LayerNormRowsF32Neon(int64_t rows, int64_t length, const float* x, const float* scale,
                          const float* bias, float epsilon, float* y);

// One broadcast row: a and b advance a_step and b_step (1 or 0) elements per output element.
void BinaryRowF32Neon(F32BinaryOp op, int64_t count, const float* a, int64_t a_step, const float* b,
                      int64_t b_step, float* out);

}  // namespace trit::arm
