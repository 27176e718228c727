// Graph::InferShapes: each node's output shape from its op's shape function (core/op_def.h), and
// its dtype and quantization parameters.
#include <string>

#include "core/error.h"
#include "core/graph.h"
#include "core/op_def.h"
#include "core/op_shapes.h"

namespace trit {
namespace {

void NeedInputCount(const Node& node, const OpDef& def) {
  const size_t min_count = static_cast<size_t>(def.min_inputs);
  const size_t max_count = static_cast<size_t>(def.max_inputs);
  if (node.inputs.size() < min_count || node.inputs.size() > max_count) {
    FailShape(node, "takes " + std::to_string(min_count) +
                        (max_count != min_count ? " to " + std::to_string(max_count) : "") +
                        " inputs, has " + std::to_string(node.inputs.size()));
  }
}

Shape InferNode(const Graph& graph, const Node& node) {
  if (!IsKnownOpType(node.op)) FailShape(node, "unknown op");
  const OpDef& def = GetOpDef(node.op);
  NeedInputCount(node, def);
  return def.infer_shape(graph, node);
}

}  // namespace

void Graph::InferShapes() {
  for (const NodeId id : TopologicalOrder()) InferShape(id);
}

void Graph::InferShape(NodeId id) {
  const Node& node = nodes_.at(static_cast<size_t>(id));
  if (node.outputs.size() != 1) {
    throw Error(ErrorCode::kInvalidGraph, "node '" + node.name + "' must have exactly one output");
  }
  for (const ValueId in : node.inputs) {
    if (in < 0 || static_cast<size_t>(in) >= values_.size()) {
      throw Error(ErrorCode::kInvalidGraph, "node '" + node.name + "' reads a missing value");
    }
  }
  Value& out = value(node.outputs[0]);
  out.shape = InferNode(*this, node);
  const Value& first = value(node.inputs[0]);
  if (node.op == OpType::kDequantize) {
    out.dtype = DType::kF32;
    out.quant = {};
  } else if (node.op == OpType::kQuantize) {
    // dtype and parameters are the quantizer's choice
  } else if (node.op == OpType::kBinarize && out.dtype == DType::kBinary) {
    // levels +-1 at scale 1 unless the graph says otherwise
    if (out.quant.empty()) out.quant = QuantParams::PerTensor(1.0f, 0);
  } else if (first.dtype == DType::kF32) {
    out.dtype = DType::kF32;
    out.quant = {};
  } else if (!IsQuantizedActivation(out.dtype) || out.quant.empty()) {
    if (InheritsInputQuantParams(node.op)) {
      out.dtype = first.dtype;
      out.quant = first.quant;
    }
  }
}

}  // namespace trit
