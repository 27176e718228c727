// The recurrent step of kernels/ref/recurrent.h (CellStepF32) with vectorized polynomial
// nonlinearities (fast_math.h), one build per ISA. Results agree with the reference to about
// 1e-6 (float path: normalized error, not bit for bit).
#pragma once

#include "kernels/ref/recurrent.h"

namespace trit::x86 {

void CellStepF32Avx2(const ref::RecurrentParams& p, const ref::RecurrentWeightsF32& weights,
                     const float* wx, int64_t wx_stride, const ref::LinearMap& u,
                     const ref::LinearMap* u_candidate, float* h, float* c, float* scratch);
void CellStepF32Avx512(const ref::RecurrentParams& p, const ref::RecurrentWeightsF32& weights,
                       const float* wx, int64_t wx_stride, const ref::LinearMap& u,
                       const ref::LinearMap* u_candidate, float* h, float* c, float* scratch);

}  // namespace trit::x86
