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

}  // namespace trit::ref
