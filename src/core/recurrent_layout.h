// The inputs and attributes of the recurrent ops (LSTM, GRU, FastRNN, FastGRNN), parsed and
// checked once: which inputs hold each direction's structured W and U, biases and cell scalars,
// and the initial state. Shared by shape inference, validation, the cost model, the runtime, the
// trainer and the importer.
//
// Input order: x [N, T, I]; then per direction (forward first): the parts of W, the parts of U,
// bias_w, bias_u, [peephole P (LSTM with peepholes=1)], [alpha, beta (FastRNN) | zeta, nu
// (FastGRNN)]; then [h0 [N, D*H]] and [c0 [N, D*H]] (LSTM) when initial_state=1.
//
// A dense W or U is one [gates * H, cols] input. Any other structure is applied per gate: W and U
// are `gates` row blocks (LSTM i, o, f, c; GRU z, r, h), each a structured [H, cols] matrix
// given by `parts` consecutive constant inputs (w_parts / u_parts), the same shapes for every
// gate, gate after gate. A structured matrix M [rows, cols] (one gate's) is:
//   dense        M                               [rows, cols] (a pruned M is dense with zeros)
//   lowrank      A [rows, r], B [r, cols]        M = A B
//   kron         A_1 .. A_F [m_k, n_k]           M = A_1 kron .. kron A_F, prod m = rows,
//                                                prod n = cols
//   hybrid_kron  D [r, cols], A_1 .. A_F         top r rows D, the rest A_1 kron .. kron A_F
//   hmd          D [r, cols], V [b, cols],       top r rows D; the other rows - r rows form b
//                s [rows - r]                    equal blocks, block j rank 1: row i of the
//                                                lower part is s[i] * V[i / ((rows - r) / b)]
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/graph.h"

namespace trit {

enum class MatrixStructure { kDense, kLowRank, kKronecker, kHybridKronecker, kHmd };
std::string_view MatrixStructureName(MatrixStructure s);      // "dense", "lowrank", "kron", ...
MatrixStructure ParseMatrixStructure(std::string_view name);  // throws kInvalidGraph

// Elementwise nonlinearity of FastRNN's update (ONNX RNN's activation).
enum class CellActivation { kTanh, kSigmoid, kRelu };

bool IsRecurrentOp(OpType op);

struct StructuredSlot {
  MatrixStructure structure = MatrixStructure::kDense;
  int64_t rows = 0, cols = 0;  // the whole matrix: gates * H rows
  int64_t blocks = 1;          // gate blocks of rows / blocks rows each
  size_t parts_per_block = 1;
  size_t first = 0, count = 1;  // node inputs [first, first + count), block after block
};

struct RecurrentDirectionSlots {
  StructuredSlot w, u;
  size_t bias_w = 0, bias_u = 0;
  std::optional<size_t> peephole;  // LSTM [3H]: i, o, f
  std::optional<size_t> scalar_a;  // FastRNN alpha, FastGRNN zeta: [1]
  std::optional<size_t> scalar_b;  // FastRNN beta, FastGRNN nu: [1]
};

struct RecurrentLayout {
  OpType cell = OpType::kLstm;
  int64_t batch = 0, steps = 0, input_size = 0, hidden = 0;
  int64_t gates = 1;                 // rows of W and U are gates * hidden
  bool reverse = false;              // one direction, run from the last step to the first
  bool output_sequence = true;       // [N, T, D*H]; else the last hidden state [N, D*H]
  bool linear_before_reset = false;  // GRU
  bool peepholes = false;            // LSTM
  CellActivation activation = CellActivation::kTanh;  // FastRNN
  std::vector<RecurrentDirectionSlots> directions;
  std::optional<size_t> initial_h, initial_c;

  Shape OutputShape() const;
};

// Whether part `part` of one block of a structure may be int8 with one scale per row (its rows
// are the matrix's output rows): dense M, low-rank A, hybrid D, HMD D and V. Other parts take
// one scale, so that the integer product stays exact (kernels/ref/structured_matrix_q8.h).
bool RecurrentPartMayScaleRows(MatrixStructure structure, size_t part);

// A GRU with linear_before_reset=0 multiplies U by r*h for the candidate: a dense U takes its
// last H rows for that, a structured U is applied twice (to h and to r*h).
bool RecomputesRecurrentProduct(const RecurrentLayout& layout, const RecurrentDirectionSlots& d);

// Reads the attributes and the inputs' shapes of a recurrent node. Throws kShape naming the node
// and the problem (wrong input count, shape or attribute).
RecurrentLayout ParseRecurrentLayout(const Graph& graph, const Node& node);

}  // namespace trit
