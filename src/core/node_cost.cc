// ComputeNodeCost: MACs counted for Conv2D, Dense, StructuredDense, MatMul and the recurrent cells
// (the multiply-accumulates that dominate); parameters and stored bytes of every constant input.
#include "core/graph.h"
#include "core/recurrent_layout.h"

namespace trit {
namespace {

// Multiply-adds of one product M x with a structured matrix (Kronecker factors applied last to
// first, the stored order; the runtime may find a cheaper one).
int64_t StructuredMatvecMacs(const Graph& graph, const Node& node, const StructuredSlot& slot) {
  const auto shape = [&](size_t part) -> const Shape& {
    return graph.value(node.inputs[slot.first + part]).shape;
  };
  const int64_t rows = slot.rows / slot.blocks;  // one gate block's
  int64_t macs = 0;
  switch (slot.structure) {
    case MatrixStructure::kDense:
      macs = rows * slot.cols;
      break;
    case MatrixStructure::kLowRank:
      macs = (rows + slot.cols) * shape(0)[1];
      break;
    case MatrixStructure::kHmd:
      macs = shape(0)[0] * slot.cols + shape(1)[0] * slot.cols + (rows - shape(0)[0]);
      break;
    case MatrixStructure::kKronecker:
    case MatrixStructure::kHybridKronecker: {
      const size_t first = slot.structure == MatrixStructure::kHybridKronecker ? 1 : 0;
      macs = first == 1 ? shape(0)[0] * slot.cols : 0;
      int64_t size = slot.cols;
      for (size_t f = slot.parts_per_block; f-- > first;) {
        macs += size * shape(f)[0];
        size = size / shape(f)[1] * shape(f)[0];
      }
      break;
    }
  }
  return macs * slot.blocks;
}

}  // namespace

NodeCost ComputeNodeCost(const Graph& graph, const Node& node) {
  NodeCost cost;
  for (const ValueId in : node.inputs) {
    const Value& v = graph.value(in);
    if (!v.is_constant()) continue;
    cost.parameters += NumElements(v.shape);
    cost.weight_bytes += static_cast<int64_t>(v.data->size());
  }
  const Shape& out = graph.value(node.outputs[0]).shape;
  if (node.op == OpType::kConv2D && node.inputs.size() >= 2) {
    const Shape& w = graph.value(node.inputs[1]).shape;  // [Cout, KH, KW, Cin/groups]
    if (w.size() == 4) cost.macs = NumElements(out) * w[1] * w[2] * w[3];
  } else if (node.op == OpType::kDense && node.inputs.size() >= 2) {
    const Shape& w = graph.value(node.inputs[1]).shape;  // [Cout, K]
    if (w.size() == 2) cost.macs = NumElements(out) * w[1];
  } else if (node.op == OpType::kMatMul && node.inputs.size() == 2) {
    const Shape& a = graph.value(node.inputs[0]).shape;
    if (!a.empty()) cost.macs = NumElements(out) * a.back();
  } else if (IsRecurrentOp(node.op)) {
    const RecurrentLayout layout = ParseRecurrentLayout(graph, node);
    for (const RecurrentDirectionSlots& d : layout.directions) {
      const int64_t per_step =
          StructuredMatvecMacs(graph, node, d.w) +
          StructuredMatvecMacs(graph, node, d.u) * (RecomputesRecurrentProduct(layout, d) ? 2 : 1);
      cost.macs += per_step * layout.steps * layout.batch;
    }
  } else if (node.op == OpType::kStructuredDense) {
    const StructuredDenseLayout layout = ParseStructuredDenseLayout(graph, node);
    cost.macs = NumElements(out) / layout.w.rows * StructuredMatvecMacs(graph, node, layout.w);
  }
  return cost;
}

}  // namespace trit
