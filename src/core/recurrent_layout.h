// The inputs and attributes of the recurrent ops (LSTM, GRU, FastRNN, FastGRNN), parsed and
// checked once: which inputs hold each direction's structured W and U, biases and cell scalars,
// and the initial state. Shared by shape inference, validation, the cost model, the runtime, the
// trainer and the importer.
//
// Input order: x [N, T, I]; then per direction (forward first): the parts of W, the parts of U,
// bias_w, bias_u, [peephole P (LSTM with peepholes=1)], [alpha, beta (FastRNN) | zeta, nu
// (FastGRNN)]; then [h0 [N, D*H]] and [c0 [N, D*H]] (LSTM) when initial_state=1. bias_u may be
// empty ([0]) where it only ever adds to bias_w (LSTM, FastRNN, GRU with linear_before_reset=0):
// the pair folded into bias_w (quant/fold.h).
//
// W and U are structured matrices (core/structured_layout.h) of `gates` row blocks (LSTM i, o,
// f, c; GRU z, r, h): a dense W or U is one [gates * H, cols] input, any other structure is
// applied per gate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/graph.h"
#include "core/structured_layout.h"

namespace trit {

// Elementwise nonlinearity of FastRNN's update (ONNX RNN's activation).
enum class CellActivation { kTanh, kSigmoid, kRelu };

bool IsRecurrentOp(OpType op);

struct RecurrentDirectionSlots {
  StructuredSlot w, u;
  size_t bias_w = 0, bias_u = 0;
  bool bias_u_folded = false;      // bias_u is empty, folded into bias_w
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
  bool output_cell_state = false;    // LSTM, not output_sequence: the last cell state [N, D*H]
  bool linear_before_reset = false;  // GRU
  bool peepholes = false;            // LSTM
  CellActivation activation = CellActivation::kTanh;  // FastRNN
  std::vector<RecurrentDirectionSlots> directions;
  std::optional<size_t> initial_h, initial_c;

  Shape OutputShape() const;
};

// A GRU with linear_before_reset=0 multiplies U by r*h for the candidate: a dense U takes its
// last H rows for that, a structured U is applied twice (to h and to r*h).
bool RecomputesRecurrentProduct(const RecurrentLayout& layout, const RecurrentDirectionSlots& d);

// Whether bias_u only ever adds to bias_w, so that the pair may be stored as one vector.
bool RecurrentBiasPairFolds(const RecurrentLayout& layout);

// Reads the attributes and the inputs' shapes of a recurrent node. Throws kShape naming the node
// and the problem (wrong input count, shape or attribute).
RecurrentLayout ParseRecurrentLayout(const Graph& graph, const Node& node);

}  // namespace trit
