// The shapes of a structured weight matrix (core/recurrent_layout.h) before it has values: given
// by hand in a network spec, or chosen for a target compression the way the KPRNN / HKPRNN /
// HMD papers dial theirs.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "core/recurrent_layout.h"

namespace trit::zoo {

struct StructuredShape {
  MatrixStructure structure = MatrixStructure::kDense;
  int64_t rank = 1;                                  // lowrank
  std::vector<std::pair<int64_t, int64_t>> factors;  // kron, hybrid_kron: [m_k, n_k]
  int64_t dense_rows = 0;                            // hybrid_kron, hmd
  int64_t blocks = 1;                                // hmd: rank-1 blocks

  // The part shapes for a rows x cols matrix, in input order. Throws kInvalidArgument when they
  // do not form such a matrix.
  std::vector<Shape> PartShapes(int64_t rows, int64_t cols) const;
};

// Stored values of a rows x cols matrix with this structure.
int64_t StructuredParameters(const StructuredShape& shape, int64_t rows, int64_t cols);

// The shape of `structure` that is at least `compression` times smaller than the dense
// rows x cols matrix. Kronecker and hybrid Kronecker: the highest bound on the matrix's rank
// first, then the most parameters. Kronecker: two or three factors; hybrid: a two-factor product
// (the fewest parameters of the highest rank) below as many dense top rows as the budget allows;
// HMD: `blocks` rank-1 blocks below as many dense rows as fit; low rank: the largest rank that
// fits. Throws kInvalidArgument when nothing reaches it.
StructuredShape ChooseStructuredShape(MatrixStructure structure, int64_t rows, int64_t cols,
                                      double compression, int64_t hmd_blocks = 1);

}  // namespace trit::zoo
