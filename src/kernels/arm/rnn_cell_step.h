// The recurrent step of kernels/ref/recurrent.h (CellStepF32) with the polynomial nonlinearities
// of kernels/fast_math.h, built for AArch64 (NEON is the baseline: GCC vectorizes the gate loops
// without extra flags). Results agree with the reference to about 1e-6 (float path: normalized
// error, not bit for bit); the same polynomials as x86, so the same results up to FMA contraction.
#pragma once

#include "kernels/ref/recurrent.h"

namespace trit::arm {

void CellStepF32Neon(const ref::RecurrentParams& p, const ref::RecurrentWeightsF32& weights,
                     const float* wx, int64_t wx_stride, const ref::LinearMap& u,
                     const ref::LinearMap* u_candidate, float* h, float* c, float* scratch);

}  // namespace trit::arm
