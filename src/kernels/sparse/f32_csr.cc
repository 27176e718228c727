#include "kernels/sparse/f32_csr.h"

#include <cstddef>

namespace trit::sparse {

F32Csr::F32Csr(const float* dense, int64_t rows, int64_t cols) : rows_(rows), cols_(cols) {
  row_start_.reserve(static_cast<size_t>(rows + 1));
  row_start_.push_back(0);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) {
      const float v = dense[r * cols + c];
      if (v == 0.0f) continue;
      columns_.push_back(static_cast<uint16_t>(c));
      values_.push_back(v);
    }
    row_start_.push_back(static_cast<int32_t>(values_.size()));
  }
}

void F32Csr::Run(int64_t batch, const float* x, float* y) const {
  for (int64_t b = 0; b < batch; ++b) {
    const float* xb = x + b * cols_;
    float* yb = y + b * rows_;
    for (int64_t r = 0; r < rows_; ++r) {
      // Four partial sums: the adds of one row do not wait on each other.
      float sum[4] = {0.0f, 0.0f, 0.0f, 0.0f};
      int32_t k = row_start_[static_cast<size_t>(r)];
      const int32_t end = row_start_[static_cast<size_t>(r + 1)];
      for (; k + 4 <= end; k += 4) {
        for (int32_t i = 0; i < 4; ++i) {
          sum[i] += values_[static_cast<size_t>(k + i)] * xb[columns_[static_cast<size_t>(k + i)]];
        }
      }
      for (; k < end; ++k)
        sum[0] += values_[static_cast<size_t>(k)] * xb[columns_[static_cast<size_t>(k)]];
      yb[r] = (sum[0] + sum[1]) + (sum[2] + sum[3]);
    }
  }
}

}  // namespace trit::sparse
