// Kernel tables of BatchNorm at inference. Above the reference level it runs precomputed
// portable forms: fp32 as a per-channel affine y = x * scale + shift, 8-bit as a per-channel
// 256-entry table filled by the reference kernel itself (the same bytes).
#pragma once

#include <cstdint>
#include <span>

#include "kernels/registry/kernel_table.h"

namespace trit {

struct BatchNormProblem {
  int64_t channels = 0;
};

enum class BatchNormForm {
  kReference,    // kernels/ref/batch_norm.h as written
  kPrecomputed,  // fp32: the channel affine; 8-bit: the per-channel tables
};

std::span<const KernelCandidate<BatchNormProblem, BatchNormForm>> BatchNormF32Kernels();
std::span<const KernelCandidate<BatchNormProblem, BatchNormForm>> BatchNormQ8Kernels();

}  // namespace trit
