#include "core/recurrent_layout.h"

#include <string>

#include "core/error.h"

namespace trit {
namespace {

class LayoutReader {
 public:
  LayoutReader(const Graph& graph, const Node& node) : graph_(graph), node_(node) {}

  // The next input's index; fails when the node has no more inputs.
  size_t Next(const std::string& what) {
    if (next_ >= node_.inputs.size()) {
      FailNodeLayout(node_,
                     "has " + std::to_string(node_.inputs.size()) + " inputs, needs " + what);
    }
    return next_++;
  }
  const Shape& ShapeOf(size_t i) const { return graph_.value(node_.inputs[i]).shape; }
  size_t consumed() const { return next_; }

  size_t NextWithShape(const std::string& what, const Shape& shape) {
    const size_t i = Next(what);
    if (ShapeOf(i) != shape) {
      FailNodeLayout(node_, what + " must have shape " + ShapeToString(shape) + ", has " +
                                ShapeToString(ShapeOf(i)));
    }
    return i;
  }

  StructuredSlot Matrix(const std::string& name, int64_t rows, int64_t cols, int64_t gates) {
    return ReadStructuredSlot(graph_, node_, name, rows, cols, gates, &next_);
  }

 private:
  const Graph& graph_;
  const Node& node_;
  size_t next_ = 1;
};

}  // namespace

bool IsRecurrentOp(OpType op) {
  return op == OpType::kLstm || op == OpType::kGru || op == OpType::kFastRnn ||
         op == OpType::kFastGrnn;
}

bool RecomputesRecurrentProduct(const RecurrentLayout& layout, const RecurrentDirectionSlots& d) {
  return layout.cell == OpType::kGru && !layout.linear_before_reset &&
         d.u.structure != MatrixStructure::kDense;
}

bool RecurrentBiasPairFolds(const RecurrentLayout& layout) {
  // FastGRNN's two biases are the z gate's and the candidate's; a GRU with
  // linear_before_reset=1 multiplies the candidate's recurrent bias by r.
  return layout.cell == OpType::kLstm || layout.cell == OpType::kFastRnn ||
         (layout.cell == OpType::kGru && !layout.linear_before_reset);
}

Shape RecurrentLayout::OutputShape() const {
  const int64_t features = static_cast<int64_t>(directions.size()) * hidden;
  return output_sequence ? Shape{batch, steps, features} : Shape{batch, features};
}

RecurrentLayout ParseRecurrentLayout(const Graph& graph, const Node& node) {
  if (!IsRecurrentOp(node.op)) FailNodeLayout(node, "is not a recurrent op");
  if (node.inputs.empty()) FailNodeLayout(node, "has no inputs");
  RecurrentLayout layout;
  layout.cell = node.op;
  const Shape& x = graph.value(node.inputs[0]).shape;
  if (x.size() != 3)
    FailNodeLayout(node, "input must have shape [N, T, I], has " + ShapeToString(x));
  layout.batch = x[0];
  layout.steps = x[1];
  layout.input_size = x[2];
  if (layout.steps < 1) FailNodeLayout(node, "input has no time steps");
  layout.hidden = node.attrs.GetInt("hidden_size", 0);
  if (layout.hidden < 1 || layout.hidden > (1 << 20)) {
    FailNodeLayout(node, "attribute 'hidden_size' must be positive");
  }
  const std::string direction = node.attrs.GetString("direction", "forward");
  int directions = 1;
  if (direction == "reverse") {
    layout.reverse = true;
  } else if (direction == "bidirectional") {
    directions = 2;
  } else if (direction != "forward") {
    FailNodeLayout(
        node, "attribute 'direction' is '" + direction + "' (forward, reverse, bidirectional)");
  }
  layout.output_sequence = node.attrs.GetInt("output_sequence", 1) != 0;
  layout.output_cell_state = node.attrs.GetInt("output_cell_state", 0) != 0;
  if (layout.output_cell_state && (node.op != OpType::kLstm || layout.output_sequence)) {
    FailNodeLayout(node, "attribute 'output_cell_state' needs an LSTM with output_sequence=0");
  }
  const bool initial_state = node.attrs.GetInt("initial_state", 0) != 0;
  switch (node.op) {
    case OpType::kLstm:
      layout.gates = 4;
      layout.peepholes = node.attrs.GetInt("peepholes", 0) != 0;
      break;
    case OpType::kGru:
      layout.gates = 3;
      layout.linear_before_reset = node.attrs.GetInt("linear_before_reset", 0) != 0;
      break;
    case OpType::kFastRnn: {
      const std::string activation = node.attrs.GetString("activation", "tanh");
      if (activation == "sigmoid") {
        layout.activation = CellActivation::kSigmoid;
      } else if (activation == "relu") {
        layout.activation = CellActivation::kRelu;
      } else if (activation != "tanh") {
        FailNodeLayout(node,
                       "attribute 'activation' is '" + activation + "' (tanh, sigmoid, relu)");
      }
      break;
    }
    default:  // FastGRNN: one W and U shared by the z gate and the candidate
      break;
  }
  const int64_t h = layout.hidden;
  const int64_t rows = layout.gates * h;
  const int64_t bias_size = node.op == OpType::kFastGrnn ? h : rows;
  LayoutReader reader(graph, node);
  for (int d = 0; d < directions; ++d) {
    RecurrentDirectionSlots slots;
    slots.w = reader.Matrix("w", rows, layout.input_size, layout.gates);
    slots.u = reader.Matrix("u", rows, h, layout.gates);
    slots.bias_w = reader.NextWithShape("bias_w", {bias_size});
    slots.bias_u = reader.Next("bias_u");
    slots.bias_u_folded =
        RecurrentBiasPairFolds(layout) && reader.ShapeOf(slots.bias_u) == Shape{0};
    if (!slots.bias_u_folded && reader.ShapeOf(slots.bias_u) != Shape{bias_size}) {
      FailNodeLayout(node, "bias_u must have shape " + ShapeToString({bias_size}) +
                               (RecurrentBiasPairFolds(layout) ? " (or [0], folded)" : "") +
                               ", has " + ShapeToString(reader.ShapeOf(slots.bias_u)));
    }
    if (layout.peepholes) slots.peephole = reader.NextWithShape("peephole", {3 * h});
    if (node.op == OpType::kFastRnn || node.op == OpType::kFastGrnn) {
      slots.scalar_a = reader.NextWithShape(node.op == OpType::kFastRnn ? "alpha" : "zeta", {1});
      slots.scalar_b = reader.NextWithShape(node.op == OpType::kFastRnn ? "beta" : "nu", {1});
    }
    layout.directions.push_back(slots);
  }
  if (initial_state) {
    const Shape state{layout.batch, directions * h};
    layout.initial_h = reader.NextWithShape("h0", state);
    if (node.op == OpType::kLstm) layout.initial_c = reader.NextWithShape("c0", state);
  }
  if (reader.consumed() != node.inputs.size()) {
    FailNodeLayout(node, "has " + std::to_string(node.inputs.size()) +
                             " inputs, its attributes name " + std::to_string(reader.consumed()));
  }
  return layout;
}

}  // namespace trit
