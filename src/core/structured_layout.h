// Structured weight matrices as node inputs, parsed and checked once: which inputs hold a
// matrix's parts and how they combine. Used by the recurrent cells (core/recurrent_layout.h) for
// W and U and by StructuredDense for its weights; shared by shape inference, validation, the cost
// model, the runtime, the trainer, the quantizer and the exporter.
//
// A structured matrix M [rows, cols] is `blocks` row blocks (a recurrent cell's gates; one for
// StructuredDense), each a structured [rows / blocks, cols] matrix given by `parts` consecutive
// constant inputs (attribute <name>_parts), the same shapes for every block, block after block.
// One block's parts, for its rows r and cols c:
//   dense        M                               [r, c] (a pruned M is dense with zeros)
//   lowrank      A [r, k], B [k, c]              M = A B
//   kron         A_1 .. A_F [m_k, n_k]           M = A_1 kron .. kron A_F, prod m = r,
//                                                prod n = c
//   hybrid_kron  D [t, c], A_1 .. A_F            top t rows D, the rest A_1 kron .. kron A_F
//   hmd          D [t, c], V [b, c],             top t rows D; the other r - t rows form b
//                s [r - t]                       equal blocks, block j rank 1: row i of the
//                                                lower part is s[i] * V[i / ((r - t) / b)]
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/graph.h"

namespace trit {

enum class MatrixStructure { kDense, kLowRank, kKronecker, kHybridKronecker, kHmd };
std::string_view MatrixStructureName(MatrixStructure s);      // "dense", "lowrank", "kron", ...
MatrixStructure ParseMatrixStructure(std::string_view name);  // throws kInvalidGraph

struct StructuredSlot {
  MatrixStructure structure = MatrixStructure::kDense;
  int64_t rows = 0, cols = 0;  // the whole matrix
  int64_t blocks = 1;          // row blocks of rows / blocks rows each
  size_t parts_per_block = 1;
  size_t first = 0, count = 1;  // node inputs [first, first + count), block after block
};

// Whether part `part` of one block of a structure may be int8 with one scale per row (its rows
// are the matrix's output rows): dense M, low-rank A, hybrid D, HMD D and V. Other parts take
// one scale, so that the integer product stays exact (kernels/ref/structured_matrix_q8.h).
bool StructuredPartMayScaleRows(MatrixStructure structure, size_t part);

// Reads the structured matrix `name` (attributes <name>_structure, default dense, and
// <name>_parts) of `node` from its inputs starting at `*next`, advancing it. A dense matrix is
// one [rows, cols] part; any other structure is `blocks` row blocks. Throws kShape naming the
// node and the problem.
StructuredSlot ReadStructuredSlot(const Graph& graph, const Node& node, const std::string& name,
                                  int64_t rows, int64_t cols, int64_t blocks, size_t* next);

// StructuredDense: x [..., cols] -> [..., rows]. Inputs: x, the parts of W (attributes
// w_structure, w_parts; one block), bias [rows].
struct StructuredDenseLayout {
  StructuredSlot w;
  size_t bias = 0;
};
StructuredDenseLayout ParseStructuredDenseLayout(const Graph& graph, const Node& node);

// Every structured weight matrix of a node: W and U of each direction of a recurrent cell, W of
// StructuredDense; none for other ops.
std::vector<StructuredSlot> StructuredSlotsOf(const Graph& graph, const Node& node);

// Throws kShape "node 'NAME' (OP): PROBLEM".
[[noreturn]] void FailNodeLayout(const Node& node, const std::string& problem);

}  // namespace trit
