#include "core/graph.h"

#include <unordered_set>

#include "core/error.h"

namespace trit {

std::string DescribeNode(const Node& node) {
  return "node '" + node.name + "' (" + std::string(OpTypeName(node.op)) + ")";
}

ValueId Graph::AddValue(Value value) {
  values_.push_back(std::move(value));
  return static_cast<ValueId>(values_.size() - 1);
}

ValueId Graph::AddInput(const std::string& name, DType dtype, const Shape& shape,
                        QuantParams quant) {
  const ValueId id = AddValue(Value{name, dtype, shape, std::move(quant), std::nullopt});
  inputs_.push_back(id);
  return id;
}

ValueId Graph::AddConstant(const std::string& name, DType dtype, const Shape& shape, Buffer data,
                           QuantParams quant) {
  return AddValue(Value{name, dtype, shape, std::move(quant), std::move(data)});
}

ValueId Graph::AddNode(OpType op, const std::string& name, const std::vector<ValueId>& inputs,
                       Attributes attrs) {
  const ValueId output = AddValue(Value{name, DType::kF32, {}, {}, std::nullopt});
  nodes_.push_back(Node{op, name, inputs, {output}, std::move(attrs)});
  return output;
}

NodeId Graph::AddNodeWithOutputs(Node node) {
  nodes_.push_back(std::move(node));
  return static_cast<NodeId>(nodes_.size() - 1);
}

std::optional<ValueId> Graph::FindValue(const std::string& name) const {
  for (size_t i = 0; i < values_.size(); ++i) {
    if (values_[i].name == name) return static_cast<ValueId>(i);
  }
  return std::nullopt;
}

std::vector<NodeId> Graph::Producers() const {
  std::vector<NodeId> producer(values_.size(), -1);
  for (size_t n = 0; n < nodes_.size(); ++n) {
    for (const ValueId out : nodes_[n].outputs) {
      if (out >= 0 && static_cast<size_t>(out) < values_.size()) {
        producer[static_cast<size_t>(out)] = static_cast<NodeId>(n);
      }
    }
  }
  return producer;
}

std::vector<NodeId> Graph::TopologicalOrder() const {
  const std::vector<NodeId> producer = Producers();
  // Kahn's algorithm; ties keep the insertion order so that the order is stable.
  std::vector<int> pending(nodes_.size(), 0);
  std::vector<std::vector<NodeId>> consumers(nodes_.size());
  for (size_t n = 0; n < nodes_.size(); ++n) {
    std::unordered_set<NodeId> seen;
    for (const ValueId in : nodes_[n].inputs) {
      if (in < 0 || static_cast<size_t>(in) >= values_.size()) continue;
      const NodeId p = producer[static_cast<size_t>(in)];
      if (p >= 0 && seen.insert(p).second) {
        ++pending[n];
        consumers[static_cast<size_t>(p)].push_back(static_cast<NodeId>(n));
      }
    }
  }
  std::vector<NodeId> order;
  order.reserve(nodes_.size());
  std::vector<NodeId> ready;
  for (size_t n = nodes_.size(); n-- > 0;) {
    if (pending[n] == 0) ready.push_back(static_cast<NodeId>(n));
  }
  while (!ready.empty()) {
    const NodeId n = ready.back();
    ready.pop_back();
    order.push_back(n);
    const auto& next = consumers[static_cast<size_t>(n)];
    for (auto it = next.rbegin(); it != next.rend(); ++it) {
      if (--pending[static_cast<size_t>(*it)] == 0) ready.push_back(*it);
    }
  }
  if (order.size() != nodes_.size()) {
    for (size_t n = 0; n < nodes_.size(); ++n) {
      if (pending[n] > 0) {
        throw Error(ErrorCode::kInvalidGraph,
                    "node '" + nodes_[n].name + "' is on a cycle of the graph");
      }
    }
  }
  return order;
}

}  // namespace trit
