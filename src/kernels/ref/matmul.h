// Reference batched matrix product of two activations (NumPy matmul): [..., M, K] x [..., K, N]
// -> [..., M, N], batch dimensions broadcast. Constant right-hand sides become Dense instead.
#pragma once

#include <cstdint>

namespace trit::ref {

// batch_a / batch_b give, for each of `batches` output matrices, the index of the A and B
// matrix it reads (broadcasting resolved by the caller).
void MatMulF32(const float* a, const float* b, int64_t batches, const int64_t* batch_a,
               const int64_t* batch_b, int64_t m, int64_t k, int64_t n, float* out);

}  // namespace trit::ref
