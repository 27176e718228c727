// Reference batched matrix product of two activations (NumPy matmul): [..., M, K] x [..., K, N]
// -> [..., M, N], batch dimensions broadcast. Constant right-hand sides become Dense instead.
#pragma once

#include <cstdint>

#include "kernels/requantize.h"

namespace trit::ref {

// The 8-bit product (docs/quantization.md, "MatMul"): acc = sum (a - za)(b - zb) in int32,
// y = clamp(zy + Requantize(acc, M), lo, hi) with M = sa * sb / sy. Exact while
// k * 255 * 255 < 2^31 (k <= kMatMulQ8MaxDepth), which the binding checks.
inline constexpr int64_t kMatMulQ8MaxDepth = 33025;
struct MatMulQ8Params {
  int32_t zero_a = 0, zero_b = 0, zero_out = 0;
  Requant requant;
  int32_t lo = -128, hi = 127;
};
template <typename A, typename B, typename Out>
void MatMulQ8(const A* a, const B* b, int64_t batches, const int64_t* batch_a,
              const int64_t* batch_b, int64_t m, int64_t k, int64_t n, const MatMulQ8Params& p,
              Out* out);

// batch_a / batch_b give, for each of `batches` output matrices, the index of the A and B
// matrix it reads (broadcasting resolved by the caller).
void MatMulF32(const float* a, const float* b, int64_t batches, const int64_t* batch_a,
               const int64_t* batch_b, int64_t m, int64_t k, int64_t n, float* out);

}  // namespace trit::ref
