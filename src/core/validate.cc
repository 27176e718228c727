// Graph::Validate: structural, type and quantization checks that name the node and problem; the
// per-op type rules are the op table's (core/op_def.h, core/op_dtype_checks.h).
#include <cmath>
#include <string>
#include <unordered_set>
#include <variant>

#include "core/bitpack.h"
#include "core/error.h"
#include "core/graph.h"
#include "core/op_def.h"

namespace trit {
namespace {

[[noreturn]] void Fail(const std::string& where, const std::string& problem) {
  throw Error(ErrorCode::kInvalidGraph, where + ": " + problem);
}

void CheckValue(const Value& v) {
  const std::string where = "tensor '" + v.name + "'";
  for (const int64_t extent : v.shape) {
    if (extent < 0 || extent > (int64_t{1} << 40)) Fail(where, "has an invalid extent");
  }
  if (v.shape.size() > 8) Fail(where, "has rank above 8");
  if (NumElements(v.shape) > (int64_t{1} << 40)) Fail(where, "is too large");
  const QuantParams& q = v.quant;
  if (q.scale.size() != q.zero_point.size()) Fail(where, "scale and zero point counts differ");
  for (const float s : q.scale) {
    if (!std::isfinite(s) || s <= 0.0f) Fail(where, "has a non-positive or non-finite scale");
  }
  if (q.axis >= 0) {
    if (static_cast<size_t>(q.axis) >= v.shape.size()) Fail(where, "quant axis out of range");
    if (static_cast<int64_t>(q.scale.size()) != v.shape[static_cast<size_t>(q.axis)]) {
      Fail(where, "needs one scale per channel along the quant axis");
    }
  } else if (q.scale.size() > 1) {
    Fail(where, "has several scales but no quant axis");
  }
  if (IsQuantizedActivation(v.dtype) && !v.is_constant()) {
    if (q.scale.size() != 1) Fail(where, "quantized activation needs one scale and zero point");
    if (q.zero_point[0] < QuantMin(v.dtype) || q.zero_point[0] > QuantMax(v.dtype)) {
      Fail(where, "zero point out of range for " + std::string(DTypeName(v.dtype)));
    }
  }
  if (v.dtype == DType::kBinary && !v.is_constant()) {
    if (q.scale.size() != 1 || q.zero_point[0] != 0) {
      Fail(where, "binary activation needs one scale and zero point 0");
    }
  }
  if (v.dtype == DType::kTernary) {
    if (q.ternary_pos.size() != q.scale.size() || q.ternary_neg.size() != q.scale.size()) {
      Fail(where, "ternary weights need positive and negative levels per scale");
    }
    for (size_t i = 0; i < q.scale.size(); ++i) {
      if (q.ternary_pos[i] < 1 || q.ternary_neg[i] < 1) Fail(where, "ternary level below 1");
    }
  } else if (!q.ternary_pos.empty() || !q.ternary_neg.empty()) {
    Fail(where, "ternary levels on a non-ternary tensor");
  }
  if (v.is_constant()) {
    const size_t expected = StorageBytes(v.dtype, NumElements(v.shape));
    if (v.data->size() != expected) {
      Fail(where, "holds " + std::to_string(v.data->size()) + " bytes, its shape needs " +
                      std::to_string(expected));
    }
    // Deferred bytes are a decoder's output, which rejects the invalid code itself; reading
    // them here would decode every tensor of a model at once.
    if (v.dtype == DType::kTernary && v.data->produced()) {
      const int64_t count = NumElements(v.shape);
      for (int64_t i = 0; i < count; ++i) {
        if (PackedCode(v.data->data(), 2, i) == 2u) Fail(where, "holds an invalid ternary code");
      }
    }
    if (IsPacked(v.dtype) && q.scale.empty()) {
      Fail(where, "low-bit weights need scales");
    }
  }
}

bool HasKind(const AttributeValue& value, AttrKind kind) {
  switch (kind) {
    case AttrKind::kInt:
      return std::holds_alternative<int64_t>(value);
    case AttrKind::kFloat:
      return std::holds_alternative<float>(value);
    case AttrKind::kString:
      return std::holds_alternative<std::string>(value);
    case AttrKind::kInts:
      return std::holds_alternative<std::vector<int64_t>>(value);
    case AttrKind::kFloats:
      return std::holds_alternative<std::vector<float>>(value);
  }
  return false;
}

// The attributes the op's table row declares have the declared kind (readers would otherwise
// fail later, without naming the node).
void CheckAttributeKinds(const Node& node, const OpDef& def) {
  for (const AttrDef& attr : def.attrs) {
    const auto it = node.attrs.values().find(std::string(attr.name));
    if (it != node.attrs.values().end() && !HasKind(it->second, attr.kind)) {
      Fail(DescribeNode(node), "attribute '" + std::string(attr.name) + "' must be of type " +
                                   std::string(AttrKindName(attr.kind)));
    }
  }
}

}  // namespace

void Graph::Validate() const {
  const auto in_range = [&](ValueId id) {
    return id >= 0 && static_cast<size_t>(id) < values_.size();
  };
  std::unordered_set<std::string> names;
  for (const Value& v : values_) {
    if (v.name.empty()) Fail("graph", "a tensor has no name");
    if (!names.insert(v.name).second) Fail("tensor '" + v.name + "'", "name is not unique");
    CheckValue(v);
  }
  names.clear();
  std::vector<int> writers(values_.size(), 0);
  for (const Node& node : nodes_) {
    const std::string where = DescribeNode(node);
    if (node.name.empty()) Fail("graph", "a node has no name");
    if (!names.insert(node.name).second) Fail(where, "name is not unique");
    if (!IsKnownOpType(node.op)) {
      Fail(where, "unknown op type");
    }
    if (node.inputs.empty()) Fail(where, "has no inputs");
    if (node.outputs.size() != 1) Fail(where, "must have exactly one output");
    for (const ValueId id : node.inputs) {
      if (!in_range(id)) Fail(where, "reads tensor id " + std::to_string(id) + " out of range");
    }
    for (const ValueId id : node.outputs) {
      if (!in_range(id)) Fail(where, "writes tensor id " + std::to_string(id) + " out of range");
      if (values_[static_cast<size_t>(id)].is_constant()) Fail(where, "writes a constant");
      if (++writers[static_cast<size_t>(id)] > 1) {
        Fail(where, "writes tensor '" + values_[static_cast<size_t>(id)].name +
                        "' that another node writes");
      }
    }
  }
  for (const ValueId id : inputs_) {
    if (!in_range(id)) Fail("graph", "input id out of range");
    if (writers[static_cast<size_t>(id)] > 0 || values_[static_cast<size_t>(id)].is_constant()) {
      Fail("graph input '" + values_[static_cast<size_t>(id)].name + "'",
           "is written by a node or constant");
    }
  }
  if (outputs_.empty()) Fail("graph", "has no outputs");
  for (const ValueId id : outputs_) {
    if (!in_range(id)) Fail("graph", "output id out of range");
  }
  // Every non-constant value that is read must be a graph input or written by a node.
  std::vector<bool> is_input(values_.size(), false);
  for (const ValueId id : inputs_) is_input[static_cast<size_t>(id)] = true;
  auto check_defined = [&](ValueId id, const std::string& reader) {
    const Value& v = values_[static_cast<size_t>(id)];
    if (!v.is_constant() && !is_input[static_cast<size_t>(id)] &&
        writers[static_cast<size_t>(id)] == 0) {
      Fail(reader, "reads tensor '" + v.name + "' that nothing writes");
    }
  };
  for (const Node& node : nodes_) {
    for (const ValueId id : node.inputs) check_defined(id, DescribeNode(node));
  }
  for (const ValueId id : outputs_) check_defined(id, "graph output");
  TopologicalOrder();  // throws on a cycle
  for (const Node& node : nodes_) {
    const OpDef& def = GetOpDef(node.op);
    CheckAttributeKinds(node, def);
    def.check_types(*this, node);
  }
}

}  // namespace trit
