#include "kernels/ref/matmul.h"

namespace trit::ref {

void MatMulF32(const float* a, const float* b, int64_t batches, const int64_t* batch_a,
               const int64_t* batch_b, int64_t m, int64_t k, int64_t n, float* out) {
  for (int64_t batch = 0; batch < batches; ++batch) {
    const float* x = a + batch_a[batch] * m * k;
    const float* y = b + batch_b[batch] * k * n;
    float* z = out + batch * m * n;
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        float sum = 0.0f;
        for (int64_t p = 0; p < k; ++p) sum += x[i * k + p] * y[p * n + j];
        z[i * n + j] = sum;
      }
    }
  }
}

template <typename A, typename B, typename Out>
void MatMulQ8(const A* a, const B* b, int64_t batches, const int64_t* batch_a,
              const int64_t* batch_b, int64_t m, int64_t k, int64_t n, const MatMulQ8Params& p,
              Out* out) {
  for (int64_t batch = 0; batch < batches; ++batch) {
    const A* x = a + batch_a[batch] * m * k;
    const B* y = b + batch_b[batch] * k * n;
    Out* z = out + batch * m * n;
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        int32_t acc = 0;
        for (int64_t q = 0; q < k; ++q) {
          acc += (static_cast<int32_t>(x[i * k + q]) - p.zero_a) *
                 (static_cast<int32_t>(y[q * n + j]) - p.zero_b);
        }
        z[i * n + j] = static_cast<Out>(Clamp(p.zero_out + Requantize(acc, p.requant), p.lo, p.hi));
      }
    }
  }
}

#define TRIT_INSTANTIATE_MATMUL(A, B, Out)                                                       \
  template void MatMulQ8<A, B, Out>(const A*, const B*, int64_t, const int64_t*, const int64_t*, \
                                    int64_t, int64_t, int64_t, const MatMulQ8Params&, Out*);
TRIT_INSTANTIATE_MATMUL(int8_t, int8_t, int8_t)
TRIT_INSTANTIATE_MATMUL(int8_t, int8_t, uint8_t)
TRIT_INSTANTIATE_MATMUL(int8_t, uint8_t, int8_t)
TRIT_INSTANTIATE_MATMUL(int8_t, uint8_t, uint8_t)
TRIT_INSTANTIATE_MATMUL(uint8_t, int8_t, int8_t)
TRIT_INSTANTIATE_MATMUL(uint8_t, int8_t, uint8_t)
TRIT_INSTANTIATE_MATMUL(uint8_t, uint8_t, int8_t)
TRIT_INSTANTIATE_MATMUL(uint8_t, uint8_t, uint8_t)
#undef TRIT_INSTANTIATE_MATMUL

}  // namespace trit::ref
