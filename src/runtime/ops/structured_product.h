// A structured weight matrix (kernels/ref/structured_matrix.h) prepared once for a fixed number
// of vectors: dense parts packed for the level's fp32 GEMM (HMD's dense rows and its rank-1
// block rows stacked into one GEMM), the Kronecker factor order planned, the level's kernels
// taken from kernels/registry/recurrent.h. The reference loops where the level has none.
// Run() does not allocate.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/graph.h"
#include "core/structured_layout.h"
#include "kernels/isa.h"
#include "kernels/ref/structured_matrix.h"
#include "kernels/ref/structured_matrix_q8.h"

namespace trit::runtime {

class DenseProduct;

class StructuredProduct {
 public:
  StructuredProduct(Isa isa, const ref::StructuredMatrixF32& m, int64_t batch);
  // int8 weights: the reference's integer product (kernels/ref/structured_matrix_q8.h), its
  // dense rows and left factors on the level's kernels.
  StructuredProduct(Isa isa, const ref::StructuredMatrixQ8& m, int64_t batch);
  ~StructuredProduct();
  StructuredProduct(StructuredProduct&&) noexcept;

  int64_t rows() const { return m_.rows; }
  int64_t batch() const { return batch_; }
  // Whether a dense matrix runs as compressed sparse rows (pruned past the crossover).
  bool sparse() const;
  // Whether the weights are int8.
  bool int8() const { return q8_.has_value(); }
  size_t scratch_floats() const { return scratch_floats_; }
  // Bytes of weights one Run() reads (a sparse matrix: its values, indices and row starts).
  int64_t weight_bytes() const;
  // y [batch, rows] = M x [batch, cols]; scratch holds scratch_floats() floats, 64-byte aligned.
  void Run(const float* x, float* y, float* scratch) const;

 private:
  size_t LargestDenseScratch() const;  // floats, whole cache lines: any one of dense_ may run

  ref::StructuredMatrixF32 m_;
  int64_t batch_;
  std::vector<StructuredProduct> blocks_;  // per gate block, when m_.blocks > 1
  std::optional<ref::StructuredMatrixQ8> q8_;
  std::shared_ptr<const ref::PreparedMatmulQ8> q8_prepared_;
  // HMD: every block's D and V in one matrix; stacked Kronecker: every B_g, then every hybrid
  // block's dense top rows.
  std::vector<float> stacked_;
  // Two-factor (hybrid) Kronecker blocks A_g kron B_g where the level has a left mode: X B_all^T
  // for all blocks as one GEMM (dense_[0]), then each A_g from the left; hybrid blocks' top rows
  // as a second GEMM (dense_[1]).
  std::vector<const float*> left_;  // A_g
  int64_t left_rows_ = 0, left_cols_ = 0, right_rows_ = 0, top_rows_ = 0;
  void (*left_mode_)(const float* const* a, int64_t blocks, int64_t m1, int64_t n1, int64_t m2,
                     int64_t batch, const float* t, float* y, int64_t y_stride) = nullptr;
  std::vector<std::unique_ptr<DenseProduct>> dense_;
  ref::KroneckerPlan plan_;
  std::vector<ref::KroneckerFactor> factors_;
  decltype(&ref::KroneckerMatmulF32) kronecker_ = ref::KroneckerMatmulF32;  // or the ISA's build
  size_t scratch_floats_ = 0;
};

// The f32 parts of a node's structured matrix as the kernels read them (empty parts when they
// are int8), and its int8 parts (nothing when they are f32).
ref::StructuredMatrixF32 StructuredMatrixOf(const Graph& g, const Node& node,
                                            const StructuredSlot& slot);
std::optional<ref::StructuredMatrixQ8> QuantStructuredMatrixOf(const Graph& g, const Node& node,
                                                               const StructuredSlot& slot);

// The product for a node's structured matrix: int8 or f32, whichever its parts are.
StructuredProduct PrepareStructuredProduct(Isa isa, const Graph& g, const Node& node,
                                           const StructuredSlot& slot, int64_t batch);

}  // namespace trit::runtime
