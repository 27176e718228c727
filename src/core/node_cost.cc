// ComputeNodeCost: MACs counted for Conv2D, Dense and MatMul (the multiply-accumulates that
// dominate); parameters and stored bytes of every constant input.
#include "core/graph.h"

namespace trit {

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
  }
  return cost;
}

}  // namespace trit
