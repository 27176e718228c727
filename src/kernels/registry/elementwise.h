// Kernel tables of the quantized binary elementwise ops, Add and Mul, with NumPy broadcasting
// (every fp32 op runs the reference only, kernels/ref/elementwise.h). The vector rows walk the
// broadcast as rows (kernels/broadcast_rows.h).
#pragma once

#include <span>

#include "kernels/ref/elementwise.h"
#include "kernels/registry/kernel_table.h"

namespace trit {

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
