// Products with a Kronecker-structured matrix M = A_1 kron A_2 kron ... kron A_F (KPRNN's
// compressed RNN weights), computed without forming M: x is read as a tensor with one mode per
// factor and each factor multiplies its own mode. Factor k is m_k x n_k; M is (prod m_k) x
// (prod n_k), with row index (j_1 * m_2 + j_2) * m_3 + ... as the Kronecker product defines it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace trit::ref {

// The most factors a product may have (the IR allows 16 parts per matrix).
inline constexpr size_t kMaxKroneckerFactors = 16;

struct KroneckerFactor {
  int64_t rows = 0, cols = 0;
  const float* data = nullptr;  // row-major rows x cols
};

// The order in which to apply the factors (a permutation of 0..F-1) that needs the fewest
// multiply-adds for `batch` vectors, and that count. Every order gives the same product;
// intermediate sizes differ.
struct KroneckerPlan {
  std::vector<int> order;
  int64_t macs = 0;
  int64_t scratch_floats = 0;  // two buffers for the intermediate tensors
};
KroneckerPlan PlanKronecker(const std::vector<KroneckerFactor>& factors, int64_t batch);

// y[b] = M x[b] for b < batch; x is batch x prod(n_k), y batch x prod(m_k), both row-major.
// scratch holds plan.scratch_floats floats.
void KroneckerMatmulF32(const std::vector<KroneckerFactor>& factors, const KroneckerPlan& plan,
                        int64_t batch, const float* x, float* y, float* scratch);

// M itself, row-major (for tests and for small factors).
std::vector<float> MaterializeKronecker(const std::vector<KroneckerFactor>& factors);

}  // namespace trit::ref
