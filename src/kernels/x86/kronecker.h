// The Kronecker loops of kernels/ref/kronecker_modes.h built per ISA, so that they vectorize.
// Float results agree with the reference up to the summation order and FMA contraction; int8
// ones are the same integers.
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

// The left factors of two-factor Kronecker blocks after the right ones ran as one GEMM (runtime/
// ops/structured_product.cc): y[(b blocks + g) y_stride + i m2 + j] = sum_k A_g[i][k]
// t[b n1 + k][g m2 + j], t holding [batch * n1, blocks * m2]; a[g] is A_g [m1, n1].
void KroneckerLeftModeF32Avx2(const float* const* a, int64_t blocks, int64_t m1, int64_t n1,
                              int64_t m2, int64_t batch, const float* t, float* y,
                              int64_t y_stride);
void KroneckerLeftModeF32Avx512(const float* const* a, int64_t blocks, int64_t m1, int64_t n1,
                                int64_t m2, int64_t batch, const float* t, float* y,
                                int64_t y_stride);

// The same for int8 left factors on the int32 sums of the stacked right ones, in int32 (for
// ref::PreparedMatmulQ8, when the sums provably fit).
void KroneckerLeftModeQ8Avx2(const int8_t* const* a, int64_t blocks, int64_t m1, int64_t n1,
                             int64_t m2, int64_t batch, const int32_t* t, int32_t* y,
                             int64_t y_stride);
void KroneckerLeftModeQ8Avx512(const int8_t* const* a, int64_t blocks, int64_t m1, int64_t n1,
                               int64_t m2, int64_t batch, const int32_t* t, int32_t* y,
                               int64_t y_stride);

}  // namespace trit::x86
