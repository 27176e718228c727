// The Kronecker loops of kernels/ref/kronecker_modes.h built for AArch64 with reassociation
// allowed, so that they vectorize (kernels/CMakeLists.txt). Float results agree with the
// reference up to the summation order and FMA contraction; int8 ones are the same integers.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/ref/kronecker.h"

namespace trit::arm {

void KroneckerMatmulF32Neon(const std::vector<ref::KroneckerFactor>& factors,
                            const ref::KroneckerPlan& plan, int64_t batch, const float* x, float* y,
                            float* scratch);
// The left factors of stacked two-factor Kronecker blocks (x86/kronecker.h says the layout).
void KroneckerLeftModeF32Neon(const float* const* a, int64_t blocks, int64_t m1, int64_t n1,
                              int64_t m2, int64_t batch, const float* t, float* y,
                              int64_t y_stride);
void KroneckerLeftModeQ8Neon(const int8_t* const* a, int64_t blocks, int64_t m1, int64_t n1,
                             int64_t m2, int64_t batch, const int32_t* t, int32_t* y,
                             int64_t y_stride);

}  // namespace trit::arm
