// BatchNorm with 8-bit activations on Cortex-M in 32-bit integers only: the split of
// kernels/q8_batch_norm_split.h. The per-channel terms are computed per call into the kernel's
// scratch (BatchNormQ8ScratchBytes) from the prepared multipliers and offsets. Portable: one
// multiply-accumulate pair and two shifts per element (q8_batchnorm_1x, on the DSP level);
// Helium: four channels a step (q8_batchnorm_4x__mve).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/q8_batch_norm_split.h"

namespace trit::cortex_m {

struct BatchNormQ8Params {
  int64_t positions, channels;
  const int64_t *multiplier, *offset;
  int32_t shift, input_zero_point, output_zero_point, lo, hi;
};

template <typename In, typename Out>
void BatchNormQ8Split(const BatchNormQ8Params& p, const In* input, Out* output, void* scratch);

template <typename In, typename Out>
void BatchNormQ8Mve(const BatchNormQ8Params& p, const In* input, Out* output, void* scratch);

}  // namespace trit::cortex_m
