// The graph IR shared by every stage: values (tensors) and nodes (ops) that read and write them.
// Constants (weights, biases) are values with data. Shapes are static.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/attributes.h"
#include "core/buffer.h"
#include "core/dtype.h"
#include "core/op_type.h"
#include "core/quant_params.h"
#include "core/shape.h"

namespace trit {

using ValueId = int32_t;
using NodeId = int32_t;

struct Value {
  std::string name;
  DType dtype = DType::kF32;
  Shape shape;
  QuantParams quant;
  std::optional<Buffer> data;  // set for constants: StorageBytes(dtype, NumElements(shape)) bytes

  bool is_constant() const { return data.has_value(); }
};

struct Node {
  OpType op;
  std::string name;
  std::vector<ValueId> inputs;
  std::vector<ValueId> outputs;
  Attributes attrs;
};

// "node 'name' (Op)": how every message about a node names it.
std::string DescribeNode(const Node& node);

class Graph {
 public:
  // Building. Names must be unique among values and among nodes.
  ValueId AddInput(const std::string& name, DType dtype, const Shape& shape,
                   QuantParams quant = {});
  ValueId AddConstant(const std::string& name, DType dtype, const Shape& shape, Buffer data,
                      QuantParams quant = {});
  // Adds a node with one new output value named after the node (f32, shape set by
  // InferShapes); returns that output value.
  ValueId AddNode(OpType op, const std::string& name, const std::vector<ValueId>& inputs,
                  Attributes attrs = {});
  ValueId AddValue(Value value);
  NodeId AddNodeWithOutputs(Node node);
  void MarkOutput(ValueId value) { outputs_.push_back(value); }

  const std::vector<Value>& values() const { return values_; }
  std::vector<Value>& values() { return values_; }
  const std::vector<Node>& nodes() const { return nodes_; }
  std::vector<Node>& nodes() { return nodes_; }
  const std::vector<ValueId>& inputs() const { return inputs_; }
  const std::vector<ValueId>& outputs() const { return outputs_; }
  std::vector<ValueId>& mutable_inputs() { return inputs_; }
  std::vector<ValueId>& mutable_outputs() { return outputs_; }

  const Value& value(ValueId id) const { return values_.at(static_cast<size_t>(id)); }
  Value& value(ValueId id) { return values_.at(static_cast<size_t>(id)); }
  const Node& node(NodeId id) const { return nodes_.at(static_cast<size_t>(id)); }
  std::optional<ValueId> FindValue(const std::string& name) const;

  // The node that writes each value, or -1 for graph inputs and constants.
  std::vector<NodeId> Producers() const;

  // Nodes in an order where every node comes after the producers of its inputs.
  // Throws kInvalidGraph naming a node on a cycle.
  std::vector<NodeId> TopologicalOrder() const;

  // Computes the shape of every node output from its inputs (see shape_inference.cc).
  // Float outputs get dtype f32; quantized outputs keep the dtype and parameters the
  // producer of the graph (quantizer, importer) set on them. Throws kShape naming the node.
  void InferShapes();
  // The same for one node whose inputs already have their shapes (for builders that add nodes
  // one at a time and need each result's shape at once).
  void InferShape(NodeId id);

  // Structural and type checks: ids in range, unique names, every value written once,
  // constants carry exactly the bytes their shape needs, inputs/attrs legal for each op,
  // quantized ops carry consistent parameters. Throws kInvalidGraph naming node and problem.
  void Validate() const;

 private:
  std::vector<Value> values_;
  std::vector<Node> nodes_;
  std::vector<ValueId> inputs_;
  std::vector<ValueId> outputs_;
};

// Per-node cost figures used by `trit info` and the compression report.
struct NodeCost {
  int64_t macs = 0;          // multiply-accumulates (or compares/adds for pools, per output)
  int64_t parameters = 0;    // elements of constant inputs
  int64_t weight_bytes = 0;  // stored bytes of constant inputs (packed)
};
NodeCost ComputeNodeCost(const Graph& graph, const Node& node);

}  // namespace trit
