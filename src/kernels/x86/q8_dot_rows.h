// The dense int8 rows of the structured products (kernels/ref/structured_matrix_q8.h, whose
// DotRowsQ8 is the scalar reference), prepared once: acc[b * rows + r] = sum_c w[r][c] q[b][c].
// Packing: groups of G output rows (8 for AVX2, 16 for AVX-512), columns in pairs, each pair of
// a group one vector of G x 2 levels; a run broadcasts one pair of the input (two int16 in 32
// bits) and multiplies it into G accumulators at once (VPMADDWD; AVX-512 VNNI's VPDPWSSD), so no
// horizontal sums. Levels are widened to int16 as they are loaded: the packed weights stay one
// byte per level (padding rows and columns are zeros). Integer sums are exact in any order: the
// results are the reference's bit for bit.
#pragma once

#include <cstdint>
#include <memory>

#include "kernels/isa.h"
#include "kernels/ref/structured_matrix_q8.h"
#include "kernels/x86/q8_gemm.h"

namespace trit::x86 {

class PackedQ8Rows final : public ref::DenseRowsQ8 {
 public:
  // isa: kAvx2 or kAvx512.
  PackedQ8Rows(Isa isa, const int8_t* w, int64_t rows, int64_t cols);
  void Run(const int8_t* q, int64_t batch, int32_t* acc) const override;

  int64_t group() const { return group_; }
  int64_t pairs() const { return pairs_; }
  const int8_t* packed() const { return packed_.data(); }
  int64_t rows() const { return rows_; }
  int64_t cols() const { return cols_; }

 private:
  Isa isa_;
  int64_t rows_, cols_, group_, pairs_;
  AlignedArray<int8_t> packed_;  // [ceil(rows / G)][pairs][G][2]
};

// The maker for ref::PreparedMatmulQ8 at `isa` (null below AVX2).
ref::DenseRowsQ8Maker PackedQ8RowsMaker(Isa isa);

// Input levels 2p and 2p + 1 as two int16 in one int32, the low one first (past the last
// column: 0): the broadcast operand of both kernels.
inline int32_t InputPair(const int8_t* x, int64_t cols, int64_t p) {
  const int64_t c = 2 * p;
  const auto lo = static_cast<uint16_t>(static_cast<int16_t>(x[c]));
  const auto hi = static_cast<uint16_t>(c + 1 < cols ? static_cast<int16_t>(x[c + 1]) : 0);
  return static_cast<int32_t>(static_cast<uint32_t>(lo) | (static_cast<uint32_t>(hi) << 16));
}

// The ISA kernels behind Run(), one file each.
void PackedQ8RowsAvx2(const PackedQ8Rows& m, const int8_t* q, int64_t batch, int32_t* acc);
void PackedQ8RowsAvx512(const PackedQ8Rows& m, const int8_t* q, int64_t batch, int32_t* acc);

}  // namespace trit::x86
