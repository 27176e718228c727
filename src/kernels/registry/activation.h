// Kernel tables of the pointwise activations. fp32: one row per op and ISA level
// (kernels/f32_elementwise.h), Sigmoid and Tanh as polynomials within a tested bound of the
// reference. 8-bit: an input has 256 values, so Sigmoid and Tanh always run as a 256-entry table
// built at prepare time, and Relu and Clip do too above the reference level (the table is built
// with the reference rescale itself, so the bytes agree).
#pragma once

#include <span>

#include "kernels/f32_elementwise.h"
#include "kernels/registry/kernel_table.h"

namespace trit {

struct F32UnaryProblem {
  F32UnaryOp op = F32UnaryOp::kClip;
};
using F32UnaryFn = void (*)(F32UnaryOp op, int64_t count, const float* x, const F32UnaryParams& p,
                            float* y);

std::span<const KernelCandidate<F32UnaryProblem, F32UnaryFn>> F32UnaryKernels();

// fp32 Softmax over [outer, axis, inner]: the vector rows take the last axis (inner 1), within
// a tested bound of the reference (relative 1e-6: the exp polynomial, a reassociated sum, and a
// product by 1 / sum for the division).
struct F32SoftmaxProblem {
  int64_t inner = 1;
};
using F32SoftmaxFn = void (*)(int64_t outer, int64_t axis, int64_t inner, const float* x, float* y);
std::span<const KernelCandidate<F32SoftmaxProblem, F32SoftmaxFn>> F32SoftmaxKernels();

// fp32 LayerNorm over contiguous rows: the vector rows sum in float partial sums (the reference
// in double), within a tested bound of it.
struct F32LayerNormProblem {};
using F32LayerNormFn = void (*)(int64_t rows, int64_t length, const float* x, const float* scale,
                                const float* bias, float epsilon, float* y);
std::span<const KernelCandidate<F32LayerNormProblem, F32LayerNormFn>> F32LayerNormKernels();

struct Q8PointwiseProblem {
  bool rescale_op = false;  // Relu or Clip: the reference rescales and clamps each element
};

// out[i] = table[in[i] - type_min]; in and out as bytes, table 256 bytes. A null entry (only the
// reference row for Relu and Clip) means: no table, the reference's rescale and clamp.
using Q8LookupFn = void (*)(int64_t count, const void* in, bool in_signed, const void* table,
                            void* out);

std::span<const KernelCandidate<Q8PointwiseProblem, Q8LookupFn>> Q8PointwiseKernels();

}  // namespace trit
