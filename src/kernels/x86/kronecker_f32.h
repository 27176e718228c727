// ref::KroneckerMatmulF32 built per ISA (kernels/ref/kronecker_modes.h compiled with the ISA's
// flags), so that the mode loops vectorize. Results agree with the reference up to the summation
// order and FMA contraction.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/ref/kronecker.h"

namespace trit::x86 {

void KroneckerMatmulF32Avx2(const std::vector<ref::KroneckerFactor>& factors,
                            const ref::KroneckerPlan& plan, int64_t batch, const float* x, float* y,
                            float* scratch);
void KroneckerMatmulF32Avx512(const std::vector<ref::KroneckerFactor>& factors,
                              const ref::KroneckerPlan& plan, int64_t batch, const float* x,
                              float* y, float* scratch);

}  // namespace trit::x86
