// Products with an int8 structured matrix (structured_matrix.h's structures, per gate block):
// each part int8 with its own symmetric scales. The input vectors are quantized one by one
// (symmetric, scale max|x| / 127), the products run in exact integers (int32 where they fit,
// int64 through Kronecker modes and low-rank pairs), and each output is dequantized as
// float(acc) * (x_scale * weight_scale) with the weight scale formed in a fixed order. This is
// the int8 semantics. The runtime runs these same functions, with the dense int8 rows on its
// ISA's kernel (kernels/x86/q8_dot_rows.h): integer sums are exact in any order, so its results
// are the reference's bit for bit on every ISA.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "kernels/ref/structured_matrix.h"

namespace trit::ref {

struct QuantPartQ8 {
  int64_t rows = 0, cols = 0;
  const int8_t* data = nullptr;  // row-major
  const float* scales = nullptr;
  // 1, or rows for the parts whose rows are outputs (core/recurrent_layout.h says which); a
  // part read as an inner operand (Kronecker factors, low-rank B, HMD's s) must have 1.
  int64_t scale_count = 1;
};

struct StructuredMatrixQ8 {
  StructureKind kind = StructureKind::kDense;
  int64_t rows = 0, cols = 0;
  std::vector<QuantPartQ8> parts;  // as StructuredMatrixF32's, block after block
  int64_t blocks = 1;
};

// Symmetric quantization of one vector: returns the scale max|v| / 127 (1 for an all-zero
// vector) and writes q = round-half-away(v / scale), in [-127, 127].
float QuantizeVectorQ8(const float* v, int64_t count, int8_t* q);

// acc[b * rows + r] = sum_c w[r * cols + c] q[b * cols + c], exact in int32 (|levels| <= 127,
// cols <= 2^16): the dense int8 rows of every structure. The scalar reference.
void DotRowsQ8(const int8_t* w, int64_t rows, int64_t cols, int64_t batch, const int8_t* q,
               int32_t* acc);

// The dense int8 rows of one part prepared once for an ISA (kernels/x86/q8_dot_rows.h): Run()
// gives DotRowsQ8's results, faster.
class DenseRowsQ8 {
 public:
  virtual ~DenseRowsQ8() = default;
  virtual void Run(const int8_t* q, int64_t batch, int32_t* acc) const = 0;
};
// Prepares a part's dense rows, or returns null for the reference loop.
using DenseRowsQ8Maker = std::function<std::unique_ptr<DenseRowsQ8>(const QuantPartQ8&)>;
// y[(b blocks + g) y_stride + i m2 + j] = sum_k A_g[i][k] t[b n1 + k][g m2 + j] in int32: the
// left factors of stacked two-factor Kronecker blocks (kernels/ref/kronecker_modes.h).
using LeftModeQ8 = void (*)(const int8_t* const* a, int64_t blocks, int64_t m1, int64_t n1,
                            int64_t m2, int64_t batch, const int32_t* t, int32_t* y,
                            int64_t y_stride);
// Kernels built for an ISA that a prepared product runs in place of the reference loops (each
// null: the reference's). They compute the same integers.
using QuantizeQ8 = float (*)(const float* v, int64_t count, int8_t* q);  // QuantizeVectorQ8's
struct Q8Kernels {
  DenseRowsQ8Maker dense_rows;
  LeftModeQ8 left_mode_int32 = nullptr;
  QuantizeQ8 quantize = nullptr;
};

// The product prepared once for `batch` vectors (the Kronecker order planned): Run() does not
// allocate. StructuredMatmulQ8 below prepares and runs it in one call.
class PreparedMatmulQ8 {
 public:
  PreparedMatmulQ8(const StructuredMatrixQ8& m, int64_t batch, const Q8Kernels& kernels = {});
  int64_t scratch_bytes() const { return scratch_bytes_; }
  // y [batch, rows] = M x [batch, cols]; scratch: scratch_bytes(), 64-byte aligned.
  void Run(const float* x, float* y, void* scratch) const;

 private:
  StructuredMatrixQ8 m_;
  int64_t batch_;
  KroneckerPlan plan_;
  std::vector<std::unique_ptr<DenseRowsQ8>> dense_rows_;  // by part; null: DotRowsQ8
  bool kron_int32_ = false;  // every Kronecker intermediate provably fits in int32
  // Two-factor Kronecker blocks A_g kron B_g: every B_g stacked into one set of dense rows run on
  // the input seen as [n1, n2] vectors, then each A_g from the left. The same integer sums as
  // the mode-by-mode product, so the same results, with the rows on the ISA's kernel.
  bool stacked_kron_ = false;
  bool stacked_int32_ = false;  // the left factors' sums provably fit in int32
  std::vector<int8_t> stacked_right_;
  std::unique_ptr<DenseRowsQ8> stacked_rows_;  // null: DotRowsQ8
  std::vector<const int8_t*> stacked_left_;    // A_g
  std::vector<float> stacked_scales_;          // s_A_g s_B_g
  LeftModeQ8 left_mode_int32_ = nullptr;       // the ISA's, or the reference loop
  QuantizeQ8 quantize_ = QuantizeVectorQ8;     // likewise
  int64_t scratch_bytes_ = 0;
};

// Bytes of scratch StructuredMatmulQ8 needs for `batch` vectors.
int64_t StructuredScratchBytesQ8(const StructuredMatrixQ8& m, int64_t batch);

// y[b] = M x[b] for b < batch (x batch x cols floats, y batch x rows floats).
void StructuredMatmulQ8(const StructuredMatrixQ8& m, int64_t batch, const float* x, float* y,
                        void* scratch);

// The dequantized matrix (levels times scales), row-major: for tests.
std::vector<float> MaterializeStructuredQ8(const StructuredMatrixQ8& m);

}  // namespace trit::ref
