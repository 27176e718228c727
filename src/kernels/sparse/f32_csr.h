// Products with a pruned fp32 matrix kept as compressed sparse rows: each row's nonzero values
// and their 16-bit column indices, so the cost follows the nonzeros, not the matrix size.
// Portable C++ (no ISA); the sums run in another order than the dense reference's, so results
// agree to rounding. The runtime uses it for the pruned W and U of recurrent cells past a
// crossover sparsity (docs/kernels.md).
#pragma once

#include <cstdint>
#include <vector>

namespace trit::sparse {

class F32Csr {
 public:
  // Whether a rows x cols matrix can be stored this way (16-bit column indices).
  static bool Fits(int64_t cols) { return cols <= 65536; }
  F32Csr(const float* dense, int64_t rows, int64_t cols);

  // y[b] = M x[b] for b < batch; x batch x cols, y batch x rows, row-major.
  void Run(int64_t batch, const float* x, float* y) const;
  int64_t nonzeros() const { return static_cast<int64_t>(values_.size()); }

 private:
  int64_t rows_, cols_;
  std::vector<int32_t> row_start_;  // rows + 1
  std::vector<uint16_t> columns_;
  std::vector<float> values_;
};

}  // namespace trit::sparse
