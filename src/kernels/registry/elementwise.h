// Kernel tables of the binary elementwise ops with NumPy broadcasting: fp32 Add, Sub, Mul and
// Div (Pow runs the reference only, kernels/ref/elementwise.h), and the quantized Add and Mul.
// The vector rows walk the broadcast as rows (kernels/broadcast_rows.h).
#pragma once

#include <span>

#include "kernels/f32_elementwise.h"
#include "kernels/ref/elementwise.h"
#include "kernels/registry/kernel_table.h"

namespace trit {

struct F32BinaryProblem {
  F32BinaryOp op = F32BinaryOp::kAdd;
};
using F32BinaryFn = void (*)(F32BinaryOp op, const ref::Broadcast& broadcast, const float* a,
                             const float* b, float* out);

std::span<const KernelCandidate<F32BinaryProblem, F32BinaryFn>> F32BinaryKernels();

struct Q8AddProblem {
  bool same_shapes = false;  // both inputs have the output's shape (no broadcast)
  ref::QuantAddParams params;
};

// Inputs and output as bytes with their signedness (int8 or uint8).
using Q8AddFn = void (*)(const ref::Broadcast& broadcast, const void* a, bool a_signed,
                         const void* b, bool b_signed, const ref::QuantAddParams& params, void* out,
                         bool out_signed);

std::span<const KernelCandidate<Q8AddProblem, Q8AddFn>> Q8AddKernels();

struct Q8MulProblem {
  bool same_shapes = false;
  ref::QuantMulParams params;
};

using Q8MulFn = void (*)(const ref::Broadcast& broadcast, const void* a, bool a_signed,
                         const void* b, bool b_signed, const ref::QuantMulParams& params, void* out,
                         bool out_signed);

std::span<const KernelCandidate<Q8MulProblem, Q8MulFn>> Q8MulKernels();

}  // namespace trit
