// Graph::Validate: structural, type and quantization checks that name the node and problem.
#include <cmath>
#include <string>
#include <unordered_set>

#include "core/bitpack.h"
#include "core/error.h"
#include "core/graph.h"
#include "core/recurrent_layout.h"

namespace trit {
namespace {

[[noreturn]] void Fail(const std::string& where, const std::string& problem) {
  throw Error(ErrorCode::kInvalidGraph, where + ": " + problem);
}

std::string NodeWhere(const Node& node) {
  return "node '" + node.name + "' (" + std::string(OpTypeName(node.op)) + ")";
}

bool IsWeightType(DType t) {
  return t == DType::kI8 || t == DType::kI4 || t == DType::kI2 || t == DType::kTernary ||
         t == DType::kBinary;
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
    if (v.dtype == DType::kTernary) {
      const int64_t count = NumElements(v.shape);
      for (int64_t i = 0; i < count; ++i) {
        if (PackedCode(v.data->data(), 2, i) == 2u) Fail(where, "holds an invalid ternary code");
      }
    }
    if (IsWeightType(v.dtype) && v.dtype != DType::kI8 && q.scale.empty()) {
      Fail(where, "low-bit weights need scales");
    }
  }
}

void CheckQuantizedLinear(const Graph& g, const Node& node) {
  const std::string where = NodeWhere(node);
  const Value& x = g.value(node.inputs[0]);
  const Value& w = g.value(node.inputs[1]);
  const Value& y = g.value(node.outputs[0]);
  if (!w.is_constant()) Fail(where, "weights must be constant");
  if (x.dtype == DType::kF32) {
    if (w.dtype != DType::kF32) Fail(where, "float input needs float weights");
    if (node.inputs.size() == 3 && g.value(node.inputs[2]).dtype != DType::kF32) {
      Fail(where, "float op needs a float bias");
    }
    return;
  }
  if (!IsQuantizedActivation(x.dtype) && x.dtype != DType::kBinary) {
    Fail(where, "input must be f32, i8, u8 or binary");
  }
  if (!IsWeightType(w.dtype)) {
    Fail(where, "weights of type " + std::string(DTypeName(w.dtype)) + " cannot be quantized");
  }
  if (w.quant.empty()) Fail(where, "quantized weights need scales");
  if (w.quant.per_channel() && w.quant.axis != 0) Fail(where, "weight scales must be on axis 0");
  if (node.inputs.size() == 3) {
    const Value& b = g.value(node.inputs[2]);
    if (b.dtype != DType::kI32 || !b.is_constant()) Fail(where, "bias must be a constant i32");
  }
  if (!IsQuantizedActivation(y.dtype) || y.quant.empty()) {
    Fail(where, "quantized output needs a type (i8/u8) and a scale");
  }
}

void CheckNodeTypes(const Graph& g, const Node& node) {
  const std::string where = NodeWhere(node);
  const Value& x = g.value(node.inputs.at(0));
  const Value& y = g.value(node.outputs.at(0));
  switch (node.op) {
    case OpType::kConv2D:
    case OpType::kDense:
      CheckQuantizedLinear(g, node);
      return;
    case OpType::kQuantize:
      if (x.dtype != DType::kF32) Fail(where, "input must be f32");
      if (!IsQuantizedActivation(y.dtype) || y.quant.empty()) {
        Fail(where, "output needs a quantized type and a scale");
      }
      return;
    case OpType::kDequantize:
      if (!IsQuantizedActivation(x.dtype)) Fail(where, "input must be i8 or u8");
      return;
    case OpType::kBinarize:
      if (x.dtype != DType::kF32 && !IsQuantizedActivation(x.dtype)) {
        Fail(where, "input must be f32, i8 or u8");
      }
      if (IsQuantizedActivation(x.dtype) && x.quant.scale.size() != 1) {
        Fail(where, "quantized input needs one scale and zero point");
      }
      if (y.dtype != DType::kBinary && !(y.dtype == DType::kF32 && x.dtype == DType::kF32)) {
        Fail(where, "output must be binary (or f32 for an f32 input)");
      }
      return;
    case OpType::kBatchNorm:
      for (size_t i = 1; i < node.inputs.size(); ++i) {
        const Value& p = g.value(node.inputs[i]);
        if (p.dtype != DType::kF32 || !p.is_constant()) {
          Fail(where, "parameters must be constant f32");
        }
      }
      break;
    case OpType::kLstm:
    case OpType::kGru:
    case OpType::kFastRnn:
    case OpType::kFastGrnn:
    case OpType::kStructuredDense: {
      // Structured weight parts: f32, or int8 with symmetric scales (one, or one per row where
      // the part's rows are outputs: core/structured_layout.h); everything else f32.
      std::vector<bool> weight_part(node.inputs.size(), false);
      for (const StructuredSlot& slot : StructuredSlotsOf(g, node)) {
        const DType first = g.value(node.inputs[slot.first]).dtype;
        for (size_t i = slot.first; i < slot.first + slot.count; ++i) {
          weight_part[i] = true;
          const Value& v = g.value(node.inputs[i]);
          if (v.dtype != first) Fail(where, "mixes weight types within one matrix");
          if (v.dtype == DType::kF32) continue;
          if (v.dtype != DType::kI8) Fail(where, "weights '" + v.name + "' must be f32 or i8");
          const bool per_row =
              StructuredPartMayScaleRows(slot.structure, (i - slot.first) % slot.parts_per_block);
          const bool ok = v.quant.scale.size() == 1 ||
                          (per_row && v.quant.axis == 0 &&
                           static_cast<int64_t>(v.quant.scale.size()) == v.shape[0]);
          if (!ok || v.quant.zero_point != std::vector<int32_t>(v.quant.scale.size(), 0)) {
            Fail(where, "int8 weights '" + v.name + "' need symmetric scales, one" +
                            (per_row ? " or one per row" : ""));
          }
        }
      }
      std::vector<bool> runtime_input(node.inputs.size(), false);
      runtime_input[0] = true;
      if (IsRecurrentOp(node.op)) {
        const RecurrentLayout layout = ParseRecurrentLayout(g, node);
        if (layout.initial_h) runtime_input[*layout.initial_h] = true;
        if (layout.initial_c) runtime_input[*layout.initial_c] = true;
      } else {
        ParseActivation(node.attrs.GetString("activation", "none"));
      }
      for (size_t i = 0; i < node.inputs.size(); ++i) {
        const Value& v = g.value(node.inputs[i]);
        if (!weight_part[i] && v.dtype != DType::kF32) Fail(where, "runs on f32 tensors");
        if (!runtime_input[i] && !v.is_constant()) {
          Fail(where, "weights '" + v.name + "' must be constant");
        }
      }
      return;
    }
    case OpType::kSub:
    case OpType::kDiv:
    case OpType::kPow:
    case OpType::kSqrt:
    case OpType::kReduceMean:
    case OpType::kMatMul:
    case OpType::kHardSigmoid:
    case OpType::kHardSwish:
      for (const ValueId in : node.inputs) {
        if (g.value(in).dtype != DType::kF32) Fail(where, "runs on f32 tensors only");
      }
      break;
    default:
      break;
  }
  // Reshape, Flatten and Dropout keep the input's bytes: binary in, binary out.
  const bool alias =
      node.op == OpType::kReshape || node.op == OpType::kFlatten || node.op == OpType::kDropout;
  if (alias && x.dtype == DType::kBinary) {
    if (y.dtype != DType::kBinary) Fail(where, "a binary input needs a binary output");
    return;
  }
  // Every other op: float in, float out; or quantized in, quantized out with parameters.
  for (const ValueId in : node.inputs) {
    const Value& v = g.value(in);
    if (node.op == OpType::kBatchNorm && in != node.inputs[0]) continue;
    if (v.dtype != DType::kF32 && !IsQuantizedActivation(v.dtype)) {
      Fail(where, "input '" + v.name + "' has unsupported type " + std::string(DTypeName(v.dtype)));
    }
    if ((v.dtype == DType::kF32) != (x.dtype == DType::kF32)) {
      Fail(where, "mixes float and quantized inputs");
    }
    if (IsQuantizedActivation(v.dtype) && v.quant.scale.size() != 1) {
      Fail(where, "quantized input '" + v.name + "' needs one scale and zero point");
    }
  }
  if ((y.dtype == DType::kF32) != (x.dtype == DType::kF32)) {
    Fail(where, "output type " + std::string(DTypeName(y.dtype)) + " does not match input type " +
                    std::string(DTypeName(x.dtype)));
  }
  if (IsQuantizedActivation(y.dtype) && y.quant.scale.size() != 1) {
    Fail(where, "quantized output needs one scale and zero point");
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
    const std::string where = NodeWhere(node);
    if (node.name.empty()) Fail("graph", "a node has no name");
    if (!names.insert(node.name).second) Fail(where, "name is not unique");
    if (static_cast<size_t>(node.op) >= static_cast<size_t>(kNumOpTypes)) {
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
    for (const ValueId id : node.inputs) check_defined(id, NodeWhere(node));
  }
  for (const ValueId id : outputs_) check_defined(id, "graph output");
  TopologicalOrder();  // throws on a cycle
  for (const Node& node : nodes_) CheckNodeTypes(*this, node);
}

}  // namespace trit
