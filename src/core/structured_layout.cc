#include "core/structured_layout.h"

#include <array>

#include "core/error.h"
#include "core/recurrent_layout.h"

namespace trit {
namespace {

constexpr std::array<std::string_view, 5> kStructureNames = {"dense", "lowrank", "kron",
                                                             "hybrid_kron", "hmd"};

}  // namespace

void FailNodeLayout(const Node& node, const std::string& problem) {
  throw Error(ErrorCode::kShape,
              "node '" + node.name + "' (" + std::string(OpTypeName(node.op)) + "): " + problem);
}

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

bool StructuredPartMayScaleRows(MatrixStructure structure, size_t part) {
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

StructuredSlot ReadStructuredSlot(const Graph& graph, const Node& node, const std::string& name,
                                  int64_t rows, int64_t cols, int64_t blocks, size_t* next) {
  const auto shape_of = [&](size_t i) -> const Shape& { return graph.value(node.inputs[i]).shape; };
  StructuredSlot slot;
  slot.structure = ParseMatrixStructure(node.attrs.GetString(name + "_structure", "dense"));
  slot.rows = rows;
  slot.cols = cols;
  slot.blocks = slot.structure == MatrixStructure::kDense ? 1 : blocks;
  const int64_t fixed = slot.structure == MatrixStructure::kDense     ? 1
                        : slot.structure == MatrixStructure::kLowRank ? 2
                        : slot.structure == MatrixStructure::kHmd     ? 3
                                                                      : 0;
  const int64_t parts = node.attrs.GetInt(name + "_parts", fixed == 0 ? -1 : fixed);
  const int64_t min_parts = slot.structure == MatrixStructure::kHybridKronecker ? 2 : 1;
  if ((fixed != 0 && parts != fixed) || parts < min_parts || parts > 16) {
    FailNodeLayout(node,
                   "attribute '" + name + "_parts' is " + std::to_string(parts) + ", " +
                       std::string(MatrixStructureName(slot.structure)) + " needs " +
                       (fixed != 0 ? std::to_string(fixed) : std::to_string(min_parts) + " to 16"));
  }
  slot.parts_per_block = static_cast<size_t>(parts);
  slot.count = slot.parts_per_block * static_cast<size_t>(slot.blocks);
  slot.first = *next;
  const std::string what = name + " (" + std::string(MatrixStructureName(slot.structure)) + ")";
  std::vector<Shape> shapes;
  for (size_t p = 0; p < slot.count; ++p) {
    if (*next >= node.inputs.size()) {
      FailNodeLayout(node, "has " + std::to_string(node.inputs.size()) + " inputs, needs " + what +
                               " part " + std::to_string(p));
    }
    const size_t i = (*next)++;
    const size_t in_block = p % slot.parts_per_block;
    if (shape_of(i).size() !=
        (slot.structure == MatrixStructure::kHmd && in_block == 2 ? 1u : 2u)) {
      FailNodeLayout(
          node, what + " part " + std::to_string(p) + " has shape " + ShapeToString(shape_of(i)));
    }
    if (p >= slot.parts_per_block && shape_of(i) != shapes[in_block]) {
      FailNodeLayout(node, what + " part " + std::to_string(p) + " has shape " +
                               ShapeToString(shape_of(i)) + ", the first block's has " +
                               ShapeToString(shapes[in_block]));
    }
    if (p < slot.parts_per_block) shapes.push_back(shape_of(i));
  }
  if (rows % slot.blocks != 0) {
    FailNodeLayout(node, what + " has " + std::to_string(rows) + " rows, not " +
                             std::to_string(slot.blocks) + " equal blocks");
  }
  rows /= slot.blocks;  // each block's
  const auto mismatch = [&] {
    std::string list;
    for (const Shape& s : shapes) list += (list.empty() ? "" : ", ") + ShapeToString(s);
    FailNodeLayout(node, what + " parts " + list + " do not form a " + std::to_string(rows) + "x" +
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
      const int64_t top = shapes[0][0], hmd_blocks = shapes[1][0];
      if (shapes[0][1] != cols || shapes[1][1] != cols || top < 0 || top >= rows ||
          shapes[2] != Shape{rows - top} || hmd_blocks < 1 || (rows - top) % hmd_blocks != 0) {
        mismatch();
      }
      break;
    }
  }
  return slot;
}

StructuredDenseLayout ParseStructuredDenseLayout(const Graph& graph, const Node& node) {
  if (node.op != OpType::kStructuredDense) FailNodeLayout(node, "is not StructuredDense");
  if (node.inputs.size() < 3) {
    FailNodeLayout(node, "needs x, the parts of W and a bias, has " +
                             std::to_string(node.inputs.size()) + " inputs");
  }
  const Shape& x = graph.value(node.inputs[0]).shape;
  const Shape& bias = graph.value(node.inputs.back()).shape;
  if (x.empty()) FailNodeLayout(node, "input has no axes");
  if (bias.size() != 1 || bias[0] < 1) {
    FailNodeLayout(node, "bias must have shape [rows], has " + ShapeToString(bias));
  }
  StructuredDenseLayout layout;
  size_t next = 1;
  layout.w = ReadStructuredSlot(graph, node, "w", bias[0], x.back(), 1, &next);
  if (next != node.inputs.size() - 1) {
    FailNodeLayout(node, "has " + std::to_string(node.inputs.size()) + " inputs, w_parts names " +
                             std::to_string(next - 1) + " parts between x and the bias");
  }
  layout.bias = next;
  return layout;
}

std::vector<StructuredSlot> StructuredSlotsOf(const Graph& graph, const Node& node) {
  if (node.op == OpType::kStructuredDense) return {ParseStructuredDenseLayout(graph, node).w};
  std::vector<StructuredSlot> slots;
  if (!IsRecurrentOp(node.op)) return slots;
  for (const RecurrentDirectionSlots& d : ParseRecurrentLayout(graph, node).directions) {
    slots.push_back(d.w);
    slots.push_back(d.u);
  }
  return slots;
}

}  // namespace trit
