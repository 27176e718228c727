// Kernel tables of BatchNorm at inference. Above the reference level it runs precomputed
// portable forms: fp32 as a per-channel affine y = x * scale + shift, 8-bit as a per-channel
// 256-entry table filled by the reference kernel itself (the same bytes); AVX-512 computes the
// 8-bit form sixteen channels a step in 32-bit integers (the split, where the shift allows).
#pragma once

#include <cstdint>
#include <span>

#include "kernels/registry/kernel_table.h"

namespace trit {

struct BatchNormProblem {
  int64_t channels = 0;
  int32_t shift = 0, input_zero_point = 0;  // 8-bit: BatchNormQ8Params' shift, the input's zero
};

enum class BatchNormForm {
  kReference,    // kernels/ref/batch_norm.h as written
  kPrecomputed,  // fp32: the channel affine; 8-bit: the per-channel tables
  kSplit,        // 8-bit: the 32-bit split (kernels/q8_batch_norm_split.h), `split` runs it
};

// The split's operands for a whole tensor: per channel (zero padded to a multiple of 16) the
// terms of q8_batch_norm_split.h, with the output zero point added to the quotient.
struct BatchNormSplitParams {
  int64_t positions = 0, channels = 0;
  const int32_t *multiplier_high, *multiplier_low, *remainder_high, *remainder_low;
  const int32_t* quotient_plus_zero_point;
  int32_t shift = 16, input_zero_point = 0, lo = 0, hi = 0;
  bool input_signed = false;
};
using BatchNormSplitFn = void (*)(const BatchNormSplitParams& p, const void* input, void* output);

struct BatchNormQ8Entry {
  BatchNormForm form = BatchNormForm::kReference;
  BatchNormSplitFn split = nullptr;  // kSplit
};

std::span<const KernelCandidate<BatchNormProblem, BatchNormForm>> BatchNormF32Kernels();
std::span<const KernelCandidate<BatchNormProblem, BatchNormQ8Entry>> BatchNormQ8Kernels();

}  // namespace trit
