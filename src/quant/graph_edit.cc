#include "quant/graph_edit.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.h"

namespace trit::quant {

std::vector<std::vector<NodeId>> Consumers(const Graph& graph) {
  std::vector<std::vector<NodeId>> consumers(graph.values().size());
  for (size_t n = 0; n < graph.nodes().size(); ++n) {
    for (const ValueId v : graph.nodes()[n].inputs) {
      auto& list = consumers[static_cast<size_t>(v)];
      if (std::find(list.begin(), list.end(), static_cast<NodeId>(n)) == list.end()) {
        list.push_back(static_cast<NodeId>(n));
      }
    }
  }
  return consumers;
}

bool HasSingleConsumer(const Graph& graph, const std::vector<std::vector<NodeId>>& consumers,
                       ValueId value) {
  const auto& outputs = graph.outputs();
  return consumers[static_cast<size_t>(value)].size() == 1 &&
         std::find(outputs.begin(), outputs.end(), value) == outputs.end();
}

void ReplaceUses(Graph& graph, ValueId from, ValueId to) {
  for (Node& node : graph.nodes()) {
    for (ValueId& v : node.inputs) {
      if (v == from) v = to;
    }
  }
  for (ValueId& v : graph.mutable_outputs()) {
    if (v == from) v = to;
  }
}

Graph Compact(const Graph& graph, const std::set<NodeId>& removed) {
  std::vector<bool> used(graph.values().size(), false);
  for (const ValueId v : graph.inputs()) used[static_cast<size_t>(v)] = true;
  for (const ValueId v : graph.outputs()) used[static_cast<size_t>(v)] = true;
  for (size_t n = 0; n < graph.nodes().size(); ++n) {
    if (removed.count(static_cast<NodeId>(n))) continue;
    for (const ValueId v : graph.nodes()[n].inputs) used[static_cast<size_t>(v)] = true;
    for (const ValueId v : graph.nodes()[n].outputs) used[static_cast<size_t>(v)] = true;
  }
  Graph out;
  std::vector<ValueId> remap(graph.values().size(), -1);
  for (size_t v = 0; v < graph.values().size(); ++v) {
    if (used[v]) remap[v] = out.AddValue(graph.values()[v]);
  }
  auto map = [&](ValueId v) {
    const ValueId m = remap[static_cast<size_t>(v)];
    if (m < 0) throw Error(ErrorCode::kInternal, "graph edit left a dangling value");
    return m;
  };
  for (size_t n = 0; n < graph.nodes().size(); ++n) {
    if (removed.count(static_cast<NodeId>(n))) continue;
    Node node = graph.nodes()[n];
    for (ValueId& v : node.inputs) v = map(v);
    for (ValueId& v : node.outputs) v = map(v);
    out.AddNodeWithOutputs(std::move(node));
  }
  for (const ValueId v : graph.inputs()) out.mutable_inputs().push_back(map(v));
  for (const ValueId v : graph.outputs()) out.MarkOutput(map(v));
  out.InferShapes();
  out.Validate();
  return out;
}

std::vector<float> FloatData(const Value& value) {
  if (!value.is_constant() || value.dtype != DType::kF32) {
    throw Error(ErrorCode::kInvalidArgument, "tensor '" + value.name + "' is not an f32 constant");
  }
  std::vector<float> data(value.data->size() / sizeof(float));
  std::copy_n(reinterpret_cast<const float*>(value.data->data()), data.size(), data.begin());
  return data;
}

bool IsScalarConstant(const Graph& graph, ValueId v, float expected, float relative) {
  const Value& value = graph.value(v);
  if (!value.is_constant() || value.dtype != DType::kF32 || NumElements(value.shape) != 1) {
    return false;
  }
  return std::fabs(FloatData(value)[0] - expected) <= relative * std::fabs(expected);
}

void SetFloatData(Value& value, const std::vector<float>& data) {
  value.dtype = DType::kF32;
  value.data = Buffer::FromVector(data);
}

bool IsPlainAdd(const Node& node) {
  return node.op == OpType::kAdd && node.attrs.GetString("activation", "none") == "none";
}

}  // namespace trit::quant
