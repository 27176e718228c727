#include "core/recurrent_layout.h"

#include <array>
#include <string>

#include "core/error.h"

namespace trit {
namespace {

constexpr std::array<std::string_view, 5> kStructureNames = {"dense", "lowrank", "kron",
                                                             "hybrid_kron", "hmd"};

[[noreturn]] void Fail(const Node& node, const std::string& problem) {
  throw Error(ErrorCode::kShape,
              "node '" + node.name + "' (" + std::string(OpTypeName(node.op)) + "): " + problem);
}

class LayoutReader {
 public:
  LayoutReader(const Graph& graph, const Node& node) : graph_(graph), node_(node) {}

  // The next input's index; fails when the node has no more inputs.
  size_t Next(const std::string& what) {
    if (next_ >= node_.inputs.size()) {
      Fail(node_, "has " + std::to_string(node_.inputs.size()) + " inputs, needs " + what);
    }
    return next_++;
  }
  const Shape& ShapeOf(size_t i) const { return graph_.value(node_.inputs[i]).shape; }
  size_t consumed() const { return next_; }

  size_t NextWithShape(const std::string& what, const Shape& shape) {
    const size_t i = Next(what);
    if (ShapeOf(i) != shape) {
      Fail(node_, what + " must have shape " + ShapeToString(shape) + ", has " +
                      ShapeToString(ShapeOf(i)));
    }
    return i;
  }

  // A structured matrix of `gates` row blocks: dense is one [rows, cols] part; any other
  // structure is one structured [rows / gates, cols] matrix per gate, the same part shapes each.
  StructuredSlot Matrix(const std::string& name, int64_t rows, int64_t cols, int64_t gates) {
    StructuredSlot slot;
    slot.structure = ParseMatrixStructure(node_.attrs.GetString(name + "_structure", "dense"));
    slot.rows = rows;
    slot.cols = cols;
    slot.blocks = slot.structure == MatrixStructure::kDense ? 1 : gates;
    const int64_t fixed = slot.structure == MatrixStructure::kDense     ? 1
                          : slot.structure == MatrixStructure::kLowRank ? 2
                          : slot.structure == MatrixStructure::kHmd     ? 3
                                                                        : 0;
    const int64_t parts = node_.attrs.GetInt(name + "_parts", fixed == 0 ? -1 : fixed);
    const int64_t min_parts = slot.structure == MatrixStructure::kHybridKronecker ? 2 : 1;
    if ((fixed != 0 && parts != fixed) || parts < min_parts || parts > 16) {
      Fail(node_, "attribute '" + name + "_parts' is " + std::to_string(parts) + ", " +
                      std::string(MatrixStructureName(slot.structure)) + " needs " +
                      (fixed != 0 ? std::to_string(fixed) : std::to_string(min_parts) + " to 16"));
    }
    slot.parts_per_block = static_cast<size_t>(parts);
    slot.count = slot.parts_per_block * static_cast<size_t>(slot.blocks);
    slot.first = next_;
    const std::string what = name + " (" + std::string(MatrixStructureName(slot.structure)) + ")";
    std::vector<Shape> shapes;
    for (size_t p = 0; p < slot.count; ++p) {
      const size_t i = Next(what + " part " + std::to_string(p));
      const size_t in_block = p % slot.parts_per_block;
      if (ShapeOf(i).size() !=
          (slot.structure == MatrixStructure::kHmd && in_block == 2 ? 1u : 2u)) {
        Fail(node_,
             what + " part " + std::to_string(p) + " has shape " + ShapeToString(ShapeOf(i)));
      }
      if (p >= slot.parts_per_block && ShapeOf(i) != shapes[in_block]) {
        Fail(node_, what + " part " + std::to_string(p) + " has shape " +
                        ShapeToString(ShapeOf(i)) + ", the first gate's has " +
                        ShapeToString(shapes[in_block]));
      }
      if (p < slot.parts_per_block) shapes.push_back(ShapeOf(i));
    }
    rows /= slot.blocks;  // each block's
    const auto mismatch = [&] {
      std::string list;
      for (const Shape& s : shapes) list += (list.empty() ? "" : ", ") + ShapeToString(s);
      Fail(node_, what + " parts " + list + " do not form a " + std::to_string(rows) + "x" +
                      std::to_string(cols) + " matrix");
    };
    switch (slot.structure) {
      case MatrixStructure::kDense:
        if (shapes[0] != Shape{rows, cols}) mismatch();
        break;
      case MatrixStructure::kLowRank:
        if (shapes[0][0] != rows || shapes[1][1] != cols || shapes[0][1] != shapes[1][0] ||
            shapes[0][1] < 1) {
          mismatch();
        }
        break;
      case MatrixStructure::kKronecker:
      case MatrixStructure::kHybridKronecker: {
        size_t first_factor = 0;
        int64_t factor_rows = rows;
        if (slot.structure == MatrixStructure::kHybridKronecker) {
          if (shapes[0][1] != cols || shapes[0][0] < 0 || shapes[0][0] >= rows) mismatch();
          factor_rows = rows - shapes[0][0];
          first_factor = 1;
        }
        int64_t m = 1, n = 1;
        for (size_t f = first_factor; f < shapes.size(); ++f) {
          if (shapes[f][0] < 1 || shapes[f][1] < 1) mismatch();
          m *= shapes[f][0];
          n *= shapes[f][1];
          if (m > rows || n > cols) mismatch();
        }
        if (m != factor_rows || n != cols) mismatch();
        break;
      }
      case MatrixStructure::kHmd: {
        const int64_t top = shapes[0][0], blocks = shapes[1][0];
        if (shapes[0][1] != cols || shapes[1][1] != cols || top < 0 || top >= rows ||
            shapes[2] != Shape{rows - top} || blocks < 1 || (rows - top) % blocks != 0) {
          mismatch();
        }
        break;
      }
    }
    return slot;
  }

 private:
  const Graph& graph_;
  const Node& node_;
  size_t next_ = 1;
};

}  // namespace

std::string_view MatrixStructureName(MatrixStructure s) {
  return kStructureNames[static_cast<size_t>(s)];
}

MatrixStructure ParseMatrixStructure(std::string_view name) {
  for (size_t i = 0; i < kStructureNames.size(); ++i) {
    if (kStructureNames[i] == name) return static_cast<MatrixStructure>(i);
  }
  throw Error(ErrorCode::kInvalidGraph, "unknown matrix structure '" + std::string(name) +
                                            "' (dense, lowrank, kron, hybrid_kron, hmd)");
}

bool IsRecurrentOp(OpType op) {
  return op == OpType::kLstm || op == OpType::kGru || op == OpType::kFastRnn ||
         op == OpType::kFastGrnn;
}

bool RecurrentPartMayScaleRows(MatrixStructure structure, size_t part) {
  switch (structure) {
    case MatrixStructure::kDense:
      return true;
    case MatrixStructure::kLowRank:
    case MatrixStructure::kHybridKronecker:
      return part == 0;
    case MatrixStructure::kHmd:
      return part < 2;
    case MatrixStructure::kKronecker:
      return false;
  }
  return false;
}

bool RecomputesRecurrentProduct(const RecurrentLayout& layout, const RecurrentDirectionSlots& d) {
  return layout.cell == OpType::kGru && !layout.linear_before_reset &&
         d.u.structure != MatrixStructure::kDense;
}

Shape RecurrentLayout::OutputShape() const {
  const int64_t features = static_cast<int64_t>(directions.size()) * hidden;
  return output_sequence ? Shape{batch, steps, features} : Shape{batch, features};
}

RecurrentLayout ParseRecurrentLayout(const Graph& graph, const Node& node) {
  if (!IsRecurrentOp(node.op)) Fail(node, "is not a recurrent op");
  if (node.inputs.empty()) Fail(node, "has no inputs");
  RecurrentLayout layout;
  layout.cell = node.op;
  const Shape& x = graph.value(node.inputs[0]).shape;
  if (x.size() != 3) Fail(node, "input must have shape [N, T, I], has " + ShapeToString(x));
  layout.batch = x[0];
  layout.steps = x[1];
  layout.input_size = x[2];
  if (layout.steps < 1) Fail(node, "input has no time steps");
  layout.hidden = node.attrs.GetInt("hidden_size", 0);
  if (layout.hidden < 1 || layout.hidden > (1 << 20)) {
    Fail(node, "attribute 'hidden_size' must be positive");
  }
  const std::string direction = node.attrs.GetString("direction", "forward");
  int directions = 1;
  if (direction == "reverse") {
    layout.reverse = true;
  } else if (direction == "bidirectional") {
    directions = 2;
  } else if (direction != "forward") {
    Fail(node, "attribute 'direction' is '" + direction + "' (forward, reverse, bidirectional)");
  }
  layout.output_sequence = node.attrs.GetInt("output_sequence", 1) != 0;
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
        Fail(node, "attribute 'activation' is '" + activation + "' (tanh, sigmoid, relu)");
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
    slots.bias_u = reader.NextWithShape("bias_u", {bias_size});
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
    Fail(node, "has " + std::to_string(node.inputs.size()) + " inputs, its attributes name " +
                   std::to_string(reader.consumed()));
  }
  return layout;
}

}  // namespace trit
