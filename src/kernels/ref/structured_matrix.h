// Products with a structured weight matrix M [rows, cols] (the compressed W and U of the recurrent
// cells): dense, low rank (A B), Kronecker (A_1 kron .. kron A_F), hybrid Kronecker (dense top
// rows, Kronecker rest) and HMD (dense top rows, rank-1 blocks below). The parts are laid out as
// core/recurrent_layout.h describes; this is the reference: a plain loop per part, no packing.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/ref/kronecker.h"

namespace trit::ref {

enum class StructureKind { kDense, kLowRank, kKronecker, kHybridKronecker, kHmd };

struct StructuredMatrixF32 {
  StructureKind kind = StructureKind::kDense;
  int64_t rows = 0, cols = 0;
  // Row-major parts (HMD's row scales s as a (rows - r) x 1 part). With blocks > 1 the matrix is
  // `blocks` row blocks of rows / blocks rows, each a matrix of this kind with parts.size() /
  // blocks parts of its own, block after block (the gates of a recurrent cell).
  std::vector<KroneckerFactor> parts;
  int64_t blocks = 1;

  // Row block b as a matrix of its own (blocks 1).
  StructuredMatrixF32 Block(int64_t b) const;
};

// Floats of scratch StructuredMatmulF32 needs for `batch` vectors.
int64_t StructuredScratchFloats(const StructuredMatrixF32& m, int64_t batch);

// y[b] = M x[b] for b < batch; x is batch x cols, y batch x rows, both row-major.
void StructuredMatmulF32(const StructuredMatrixF32& m, int64_t batch, const float* x, float* y,
                         float* scratch);

// M itself, row-major rows x cols (for tests and for the trainer's checks).
std::vector<float> MaterializeStructured(const StructuredMatrixF32& m);

// Multiply-adds of one product M x (Kronecker factors in the cheapest order).
int64_t StructuredMatvecMacs(const StructuredMatrixF32& m);

}  // namespace trit::ref
