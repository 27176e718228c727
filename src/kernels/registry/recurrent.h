// Kernel tables of the recurrent cells and structured weight matrices (docs/recurrent.md): the
// cell step (the gate arithmetic), the fp32 Kronecker products, the left factors of stacked
// two-factor Kronecker blocks, and the int8 products' kernels. The dense parts of a structured
// matrix run on the fp32 GEMM table (kernels/registry/linear.h).
#pragma once

#include <span>

#include "kernels/ref/kronecker.h"
#include "kernels/ref/recurrent.h"
#include "kernels/ref/structured_matrix_q8.h"
#include "kernels/registry/kernel_table.h"

namespace trit {

struct RecurrentProblem {};  // every row handles every cell and structure

using CellStepF32Fn = decltype(&ref::CellStepF32);
using KroneckerMatmulF32Fn = decltype(&ref::KroneckerMatmulF32);
// y[(b blocks + g) y_stride + i m2 + j] = sum_k A_g[i][k] t[b n1 + k][g m2 + j]: the left
// factors of stacked two-factor Kronecker blocks, after one GEMM for all the right factors.
using KroneckerLeftModeF32Fn = void (*)(const float* const* a, int64_t blocks, int64_t m1,
                                        int64_t n1, int64_t m2, int64_t batch, const float* t,
                                        float* y, int64_t y_stride);

struct StructuredKernels {
  KroneckerMatmulF32Fn kronecker = nullptr;  // any Kronecker product, mode by mode
  // Null: two-factor blocks run mode by mode instead of stacked.
  KroneckerLeftModeF32Fn left_mode = nullptr;
  ref::Q8Kernels (*q8)() = nullptr;  // the int8 products' kernels (each null: the reference's)
  // Share of zeros from which a dense fp32 part runs as compressed sparse rows rather than the
  // level's GEMM (measured, docs/recurrent.md).
  double sparse_crossover = 0.5;
};

std::span<const KernelCandidate<RecurrentProblem, CellStepF32Fn>> CellStepF32Kernels();
std::span<const KernelCandidate<RecurrentProblem, StructuredKernels>> StructuredProductKernels();

}  // namespace trit
