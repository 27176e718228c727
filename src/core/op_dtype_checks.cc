#include "core/op_dtype_checks.h"

#include <string>
#include <vector>

#include "core/error.h"
#include "core/op_def.h"
#include "core/recurrent_layout.h"
#include "core/structured_layout.h"

namespace trit {
namespace {

[[noreturn]] void Fail(const Node& node, const std::string& problem) {
  throw Error(ErrorCode::kInvalidGraph, DescribeNode(node) + ": " + problem);
}

bool IsWeightType(DType t) {
  return t == DType::kI8 || t == DType::kI4 || t == DType::kI2 || t == DType::kTernary ||
         t == DType::kBinary;
}

// The first `activation_inputs` inputs and the output: float in, float out; or quantized in,
// quantized out with one scale and zero point each.
void CheckActivationTypes(const Graph& g, const Node& node, size_t activation_inputs) {
  const Value& x = g.value(node.inputs.at(0));
  const Value& y = g.value(node.outputs.at(0));
  for (size_t i = 0; i < activation_inputs; ++i) {
    const Value& v = g.value(node.inputs[i]);
    if (v.dtype != DType::kF32 && !IsQuantizedActivation(v.dtype)) {
      Fail(node, "input '" + v.name + "' has unsupported type " + std::string(DTypeName(v.dtype)));
    }
    if ((v.dtype == DType::kF32) != (x.dtype == DType::kF32)) {
      Fail(node, "mixes float and quantized inputs");
    }
    if (IsQuantizedActivation(v.dtype) && v.quant.scale.size() != 1) {
      Fail(node, "quantized input '" + v.name + "' needs one scale and zero point");
    }
  }
  if ((y.dtype == DType::kF32) != (x.dtype == DType::kF32)) {
    Fail(node, "output type " + std::string(DTypeName(y.dtype)) + " does not match input type " +
                   std::string(DTypeName(x.dtype)));
  }
  if (IsQuantizedActivation(y.dtype) && y.quant.scale.size() != 1) {
    Fail(node, "quantized output needs one scale and zero point");
  }
}

}  // namespace

void CheckLinearTypes(const Graph& g, const Node& node) {
  const Value& x = g.value(node.inputs[0]);
  const Value& w = g.value(node.inputs[1]);
  const Value& y = g.value(node.outputs[0]);
  if (!w.is_constant()) Fail(node, "weights must be constant");
  if (x.dtype == DType::kF32) {
    if (w.dtype != DType::kF32) Fail(node, "float input needs float weights");
    if (node.inputs.size() == 3 && g.value(node.inputs[2]).dtype != DType::kF32) {
      Fail(node, "float op needs a float bias");
    }
    return;
  }
  if (!IsQuantizedActivation(x.dtype) && x.dtype != DType::kBinary) {
    Fail(node, "input must be f32, i8, u8 or binary");
  }
  if (!IsWeightType(w.dtype)) {
    Fail(node, "weights of type " + std::string(DTypeName(w.dtype)) + " cannot be quantized");
  }
  if (w.quant.empty()) Fail(node, "quantized weights need scales");
  if (w.quant.per_channel() && w.quant.axis != 0) Fail(node, "weight scales must be on axis 0");
  if (node.inputs.size() == 3) {
    const Value& b = g.value(node.inputs[2]);
    if (b.dtype != DType::kI32 || !b.is_constant()) Fail(node, "bias must be a constant i32");
  }
  if (!IsQuantizedActivation(y.dtype) || y.quant.empty()) {
    Fail(node, "quantized output needs a type (i8/u8) and a scale");
  }
}

void CheckQuantizeTypes(const Graph& g, const Node& node) {
  const Value& y = g.value(node.outputs.at(0));
  if (g.value(node.inputs.at(0)).dtype != DType::kF32) Fail(node, "input must be f32");
  if (!IsQuantizedActivation(y.dtype) || y.quant.empty()) {
    Fail(node, "output needs a quantized type and a scale");
  }
}

void CheckDequantizeTypes(const Graph& g, const Node& node) {
  if (!IsQuantizedActivation(g.value(node.inputs.at(0)).dtype)) {
    Fail(node, "input must be i8 or u8");
  }
}

void CheckBinarizeTypes(const Graph& g, const Node& node) {
  const Value& x = g.value(node.inputs.at(0));
  const Value& y = g.value(node.outputs.at(0));
  if (x.dtype != DType::kF32 && !IsQuantizedActivation(x.dtype)) {
    Fail(node, "input must be f32, i8 or u8");
  }
  if (IsQuantizedActivation(x.dtype) && x.quant.scale.size() != 1) {
    Fail(node, "quantized input needs one scale and zero point");
  }
  if (y.dtype != DType::kBinary && !(y.dtype == DType::kF32 && x.dtype == DType::kF32)) {
    Fail(node, "output must be binary (or f32 for an f32 input)");
  }
}

void CheckBatchNormTypes(const Graph& g, const Node& node) {
  for (size_t i = 1; i < node.inputs.size(); ++i) {
    const Value& p = g.value(node.inputs[i]);
    if (p.dtype != DType::kF32 || !p.is_constant()) Fail(node, "parameters must be constant f32");
  }
  CheckActivationTypes(g, node, 1);
  ParseActivation(node.attrs.GetString("activation", "none"));
}

void CheckAddTypes(const Graph& g, const Node& node) {
  CheckActivationTypes(g, node, node.inputs.size());
  ParseActivation(node.attrs.GetString("activation", "none"));
}

void CheckStructuredTypes(const Graph& g, const Node& node) {
  // Structured weight parts: f32, or int8 with symmetric scales (one, or one per row where
  // the part's rows are outputs: core/structured_layout.h); everything else f32.
  std::vector<bool> weight_part(node.inputs.size(), false);
  for (const StructuredSlot& slot : StructuredSlotsOf(g, node)) {
    const DType first = g.value(node.inputs[slot.first]).dtype;
    for (size_t i = slot.first; i < slot.first + slot.count; ++i) {
      weight_part[i] = true;
      const Value& v = g.value(node.inputs[i]);
      if (v.dtype != first) Fail(node, "mixes weight types within one matrix");
      if (v.dtype == DType::kF32) continue;
      if (v.dtype != DType::kI8) Fail(node, "weights '" + v.name + "' must be f32 or i8");
      const bool per_row =
          StructuredPartMayScaleRows(slot.structure, (i - slot.first) % slot.parts_per_block);
      const bool ok =
          v.quant.scale.size() == 1 || (per_row && v.quant.axis == 0 &&
                                        static_cast<int64_t>(v.quant.scale.size()) == v.shape[0]);
      if (!ok || v.quant.zero_point != std::vector<int32_t>(v.quant.scale.size(), 0)) {
        Fail(node, "int8 weights '" + v.name + "' need symmetric scales, one" +
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
    if (!weight_part[i] && v.dtype != DType::kF32) Fail(node, "runs on f32 tensors");
    if (!runtime_input[i] && !v.is_constant()) {
      Fail(node, "weights '" + v.name + "' must be constant");
    }
  }
}

void CheckFloatOnlyTypes(const Graph& g, const Node& node) {
  for (const ValueId in : node.inputs) {
    if (g.value(in).dtype != DType::kF32) Fail(node, "runs on f32 tensors only");
  }
  CheckSameTypes(g, node);
}

void CheckDivTypes(const Graph& g, const Node& node) {
  if (g.value(node.inputs.at(0)).dtype == DType::kF32) return CheckFloatOnlyTypes(g, node);
  if (!DividesByOneConstant(g, node)) {
    Fail(node, "divides a quantized tensor by something other than one f32 constant");
  }
  CheckActivationTypes(g, node, 1);
}

bool DividesByOneConstant(const Graph& g, const Node& node) {
  if (node.op != OpType::kDiv || node.inputs.size() != 2) return false;
  const Value& divisor = g.value(node.inputs[1]);
  return divisor.is_constant() && divisor.dtype == DType::kF32 && NumElements(divisor.shape) == 1;
}

void CheckSameTypes(const Graph& g, const Node& node) {
  if (GetOpDef(node.op).alias && g.value(node.inputs.at(0)).dtype == DType::kBinary) {
    if (g.value(node.outputs.at(0)).dtype != DType::kBinary) {
      Fail(node, "a binary input needs a binary output");
    }
    return;
  }
  CheckActivationTypes(g, node, node.inputs.size());
}

}  // namespace trit
