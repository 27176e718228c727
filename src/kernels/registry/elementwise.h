// Kernel table of the quantized binary elementwise ops (Add; Mul and every fp32 op run the
// reference only, kernels/ref/elementwise.h).
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

}  // namespace trit
