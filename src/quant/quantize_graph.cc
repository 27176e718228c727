#include "quant/quantize_graph.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "core/error.h"
#include "core/op_def.h"
#include "core/op_dtype_checks.h"
#include "core/recurrent_layout.h"
#include "quant/graph_edit.h"
#include "quant/structured_weights.h"

namespace trit::quant {
namespace {

QuantRule RuleOf(OpType op) { return GetOpDef(op).quant; }

bool IsLinear(OpType op) { return RuleOf(op) == QuantRule::kQuantizedWeights; }

// Binary weights are +-a: a channel whose weights are all zero (pruned away) has no binary
// form, and its scale of 0 would push the bias levels out of int32.
void RejectDeadChannels(const Node& node, const Value& weights) {
  const std::vector<float> w = FloatData(weights);
  const size_t channels = static_cast<size_t>(weights.shape[0]);
  const size_t per_channel = w.size() / channels;
  for (size_t c = 0; c < channels; ++c) {
    const auto first = w.begin() + static_cast<ptrdiff_t>(c * per_channel);
    if (std::all_of(first, first + static_cast<ptrdiff_t>(per_channel),
                    [](float v) { return v == 0.0f; })) {
      throw Error(ErrorCode::kInvalidArgument,
                  "node '" + node.name + "': output channel " + std::to_string(c) +
                      " has only zero weights (pruned), which binary weights cannot represent; "
                      "prune less or use ternary for this layer");
    }
  }
}

// A float constant read by an op that runs on 8-bit tensors (the 3 of a decomposed hard-swish's
// x + 3, a per-channel scale): uint8 with its own per-tensor parameters over [min(c, 0),
// max(c, 0)], so that 0 and the extremes are levels (a scalar 3 is 255 at scale 3/255, exact).
Value QuantizeConstant(const Value& constant) {
  const std::vector<float> data = FloatData(constant);
  float lo = 0.0f, hi = 0.0f;
  for (const float v : data) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  const float scale = hi > lo ? (hi - lo) / 255.0f : 1.0f;
  const auto zero_point =
      static_cast<int32_t>(std::clamp(std::nearbyint(-lo / scale), 0.0f, 255.0f));
  std::vector<uint8_t> levels(data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    const float level = std::nearbyint(data[i] / scale) + static_cast<float>(zero_point);
    levels[i] = static_cast<uint8_t>(std::clamp(level, 0.0f, 255.0f));
  }
  Value q;
  q.name = constant.name + "/quantized";
  q.dtype = DType::kU8;
  q.shape = constant.shape;
  q.quant = QuantParams::PerTensor(scale, zero_point);
  q.data = Buffer::FromVector(levels);
  return q;
}

class Quantizer {
 public:
  Quantizer(const Graph& source, const QuantPlan& plan)
      : src_(source),
        plan_(plan),
        float_(source.values().size(), -1),
        quantized_(source.values().size(), -1) {}

  Graph Run() {
    for (const ValueId in : src_.inputs()) {
      const Value& v = src_.value(in);
      if (v.dtype != DType::kF32) {
        throw Error(ErrorCode::kUnsupported, "input '" + v.name + "' is not f32");
      }
      float_[static_cast<size_t>(in)] = out_.AddInput(v.name, v.dtype, v.shape);
    }
    for (const NodeId id : src_.TopologicalOrder()) Lower(src_.node(id), id);
    for (const ValueId v : src_.outputs()) out_.MarkOutput(AsFloat(v));
    out_.InferShapes();
    out_.Validate();
    return std::move(out_);
  }

 private:
  const ActivationParams& Params(ValueId v) const {
    const std::string& name = src_.value(v).name;
    const auto it = plan_.activations.find(name);
    if (it == plan_.activations.end()) {
      throw Error(ErrorCode::kInvalidArgument,
                  "no quantization parameters for tensor '" + name + "' (calibrate first)");
    }
    return it->second;
  }
  bool HasParams(ValueId v) const { return plan_.activations.count(src_.value(v).name) != 0; }

  ValueId CopyConstant(ValueId v) {
    ValueId& mapped = float_[static_cast<size_t>(v)];
    if (mapped < 0) mapped = out_.AddValue(src_.value(v));
    return mapped;
  }

  ValueId QuantizedConstant(ValueId v) {
    const auto [it, added] = quantized_constants_.try_emplace(v, -1);
    if (added) it->second = out_.AddValue(QuantizeConstant(src_.value(v)));
    return it->second;
  }

  ValueId AsFloat(ValueId v) {
    if (src_.value(v).is_constant()) return CopyConstant(v);
    ValueId& f = float_[static_cast<size_t>(v)];
    if (f >= 0) return f;
    if (const auto producer = binarized_.find(v); producer != binarized_.end()) {
      // A binary tensor read as floats: its node again (Binarize, or a Flatten of one) on the
      // float version of its input, which gives the float model's +-1.
      const Node& node = src_.node(producer->second);
      const ValueId x = AsFloat(node.inputs[0]);
      const ValueId id =
          AddNode(node.op, node.name + "/float", {x}, node.attrs, src_.value(v).name + "/float");
      float_[static_cast<size_t>(v)] = id;
      return id;
    }
    const ValueId q = quantized_[static_cast<size_t>(v)];
    const std::string name = src_.value(v).name + "/dequantized";
    f = AddNode(OpType::kDequantize, src_.value(v).name + "/dequantize", {q}, {}, name);
    return f;
  }

  ValueId AsQuantized(ValueId v) {
    ValueId& q = quantized_[static_cast<size_t>(v)];
    if (q >= 0) return q;
    const ActivationParams& p = Params(v);
    const std::string name = src_.value(v).name + "/quantized";
    q = AddNode(OpType::kQuantize, src_.value(v).name + "/quantize", {AsFloat(v)}, {}, name);
    out_.value(q).dtype = p.dtype;
    out_.value(q).quant = p.quant;
    return q;
  }

  bool IsQuantized(ValueId v) const {
    return !src_.value(v).is_constant() && quantized_[static_cast<size_t>(v)] >= 0;
  }
  // Quantized to i8/u8 (binary tensors feed only Conv2D and Dense).
  bool IsQuantized8(ValueId v) const { return IsQuantized(v) && !binarized_.count(v); }

  ValueId AddNode(OpType op, const std::string& node_name, std::vector<ValueId> inputs,
                  Attributes attrs, const std::string& output_name) {
    Value out;
    out.name = output_name;
    const ValueId id = out_.AddValue(std::move(out));
    Node node;
    node.op = op;
    node.name = node_name;
    node.inputs = std::move(inputs);
    node.outputs = {id};
    node.attrs = std::move(attrs);
    out_.AddNodeWithOutputs(std::move(node));
    out_.InferShapes();  // keeps the shapes and parameters of what is built so far current
    return id;
  }

  // Binarize: of the i8/u8 input where there is one, else of the float input; its output is
  // binary (+-1 at scale 1) for the quantized layers that read it.
  void LowerBinarize(const Node& node, NodeId id) {
    const ValueId input = node.inputs[0];
    const ValueId x = IsQuantized8(input) ? quantized_[static_cast<size_t>(input)] : AsFloat(input);
    const ValueId result = node.outputs[0];
    Value out;
    out.name = src_.value(result).name;
    out.dtype = DType::kBinary;
    out.quant = QuantParams::PerTensor(1.0f, 0);
    const ValueId binary = out_.AddValue(std::move(out));
    Node lowered = node;
    lowered.inputs = {x};
    lowered.outputs = {binary};
    out_.AddNodeWithOutputs(std::move(lowered));
    out_.InferShapes();
    quantized_[static_cast<size_t>(result)] = binary;
    binarized_[result] = id;
  }

  void Lower(const Node& node, NodeId id) {
    const ValueId result = node.outputs[0];
    const std::string& result_name = src_.value(result).name;
    const QuantRule rule = RuleOf(node.op);
    if (rule == QuantRule::kStructuredWeights &&
        plan_.SpecFor(node.name).type != WeightType::kF32) {
      LowerQuantizedStructured(node);
      return;
    }
    if (rule == QuantRule::kBinarizes) {
      LowerBinarize(node, id);
      return;
    }
    if (GetOpDef(node.op).alias && binarized_.count(node.inputs[0])) {  // the same bits, reshaped
      const ValueId out =
          AddNode(node.op, node.name, {quantized_[static_cast<size_t>(node.inputs[0])]}, node.attrs,
                  result_name);
      quantized_[static_cast<size_t>(result)] = out;
      binarized_[result] = id;
      return;
    }
    if (IsLinear(node.op)) {
      const WeightSpec& spec = plan_.SpecFor(node.name);
      if (spec.type != WeightType::kF32 || plan_.fixed_weights.count(node.name)) {
        LowerQuantizedLinear(node);
        return;
      }
    }
    // Ops the runtime runs on i8/u8 tensors (core/op_def.h); the rest run on f32.
    const bool runs_quantized = rule == QuantRule::kKeepsInputParams ||
                                rule == QuantRule::kJoinsInputs ||
                                (rule == QuantRule::kRequantizes && HasParams(result));
    const bool quantize = runs_quantized && !src_.value(node.inputs[0]).is_constant() &&
                          IsQuantized8(node.inputs[0]) &&
                          (node.op != OpType::kDiv || DividesByOneConstant(src_, node));
    std::vector<ValueId> inputs;
    for (const ValueId v : node.inputs) {
      if (src_.value(v).is_constant()) {
        // Add, Sub, Mul, Min and Max take two 8-bit operands: a float constant becomes one.
        const bool operand =
            quantize &&
            (node.op == OpType::kAdd || node.op == OpType::kSub || node.op == OpType::kMul ||
             node.op == OpType::kMin || node.op == OpType::kMax) &&
            src_.value(v).dtype == DType::kF32;
        inputs.push_back(operand ? QuantizedConstant(v) : CopyConstant(v));
      } else {
        if (quantize && binarized_.count(v)) {
          throw Error(ErrorCode::kUnsupported, "node '" + node.name +
                                                   "': a binary tensor as a second input of " +
                                                   std::string(OpTypeName(node.op)));
        }
        inputs.push_back(quantize ? AsQuantized(v) : AsFloat(v));
      }
    }
    const ValueId out = AddNode(node.op, node.name, inputs, node.attrs, result_name);
    if (quantize) {
      if (rule == QuantRule::kRequantizes || rule == QuantRule::kJoinsInputs) {
        const ActivationParams& p = HasParams(result) ? Params(result) : Params(node.inputs[0]);
        out_.value(out).dtype = p.dtype;
        out_.value(out).quant = p.quant;
        out_.InferShapes();
      }
      quantized_[static_cast<size_t>(result)] = out;
    } else {
      float_[static_cast<size_t>(result)] = out;
    }
  }

  // A recurrent cell or a StructuredDense with int8 structured weights
  // (quant/structured_weights.h); x, the state and the rest of its inputs stay float.
  void LowerQuantizedStructured(const Node& node) {
    if (plan_.SpecFor(node.name).type != WeightType::kInt8) {
      throw Error(ErrorCode::kUnsupported,
                  "node '" + node.name + "' (" + std::string(OpTypeName(node.op)) +
                      "): " + WeightTypeName(plan_.SpecFor(node.name).type) +
                      " weights: structured weights take int8 or f32 (keep it in f32 with --keep " +
                      node.name + ")");
    }
    std::vector<ValueId> inputs(node.inputs.size(), -1);
    for (const StructuredSlot& slot : StructuredSlotsOf(src_, node)) {
      for (size_t i = slot.first; i < slot.first + slot.count; ++i) {
        const size_t part = (i - slot.first) % slot.parts_per_block;
        Value q = QuantizeStructuredPart(src_.value(node.inputs[i]),
                                         StructuredPartMayScaleRows(slot.structure, part));
        q.name = src_.value(node.inputs[i]).name + "/int8";
        inputs[i] = out_.AddValue(std::move(q));
      }
    }
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      if (inputs[i] < 0) inputs[i] = AsFloat(node.inputs[i]);
    }
    const ValueId result = node.outputs[0];
    float_[static_cast<size_t>(result)] =
        AddNode(node.op, node.name, inputs, node.attrs, src_.value(result).name);
  }

  void LowerQuantizedLinear(const Node& node) {
    const Value& weights = src_.value(node.inputs[1]);
    if (!weights.is_constant() || weights.dtype != DType::kF32) {
      throw Error(ErrorCode::kUnsupported,
                  "node '" + node.name + "': only constant f32 weights can be quantized");
    }
    const int64_t channels = weights.shape[0];
    if (plan_.SpecFor(node.name).type == WeightType::kBinary) RejectDeadChannels(node, weights);
    const auto fixed = plan_.fixed_weights.find(node.name);
    const QuantizedWeights q =
        fixed != plan_.fixed_weights.end()
            ? fixed->second
            : QuantizeWeights(FloatData(weights), channels, plan_.SpecFor(node.name));
    if (q.levels.size() != static_cast<size_t>(NumElements(weights.shape))) {
      throw Error(ErrorCode::kShape, "node '" + node.name + "': fixed weights have the wrong size");
    }
    const ValueId x = AsQuantized(node.inputs[0]);
    const QuantParams input_quant = out_.value(x).quant;  // what x really carries
    Value w;
    w.name = weights.name;
    w.dtype = q.dtype;
    w.shape = weights.shape;
    w.quant = q.quant;
    w.data = q.Pack();
    std::vector<ValueId> inputs = {x, out_.AddValue(std::move(w))};
    if (node.inputs.size() == 3) {
      const std::vector<int32_t> levels =
          BiasLevels(FloatData(src_.value(node.inputs[2])), input_quant.scale[0], q.quant);
      Value b;
      b.name = src_.value(node.inputs[2]).name;
      b.dtype = DType::kI32;
      b.shape = src_.value(node.inputs[2]).shape;
      b.data = Buffer::FromVector(levels);
      inputs.push_back(out_.AddValue(std::move(b)));
    }
    const ValueId result = node.outputs[0];
    const ActivationParams& p = Params(result);
    Value out;
    out.name = src_.value(result).name;
    out.dtype = p.dtype;
    out.quant = p.quant;
    const ValueId id = out_.AddValue(std::move(out));
    Node lowered = node;
    lowered.inputs = inputs;
    lowered.outputs = {id};
    out_.AddNodeWithOutputs(std::move(lowered));
    out_.InferShapes();
    quantized_[static_cast<size_t>(result)] = id;
  }

  const Graph& src_;
  const QuantPlan& plan_;
  Graph out_;
  std::vector<ValueId> float_;           // source value -> its f32 version in out_
  std::vector<ValueId> quantized_;       // source value -> its i8/u8 (or binary) version in out_
  std::map<ValueId, NodeId> binarized_;  // binary source values -> their Binarize node
  std::map<ValueId, ValueId> quantized_constants_;  // float constants read as 8-bit operands
};

}  // namespace

std::vector<int32_t> BiasLevels(const std::vector<float>& bias, float input_scale,
                                const QuantParams& weights) {
  std::vector<int32_t> levels(bias.size());
  for (size_t c = 0; c < bias.size(); ++c) {
    // The accumulator's unit: s_x * scale[c].
    const double unit = static_cast<double>(input_scale) *
                        static_cast<double>(weights.scale[weights.per_channel() ? c : 0]);
    const double level = std::nearbyint(static_cast<double>(bias[c]) / unit);
    levels[c] = static_cast<int32_t>(std::clamp(level, -2147483647.0, 2147483647.0));
  }
  return levels;
}

std::vector<NodeId> LinearLayers(const Graph& graph) {
  std::vector<NodeId> layers;
  for (const NodeId id : graph.TopologicalOrder()) {
    if (IsLinear(graph.node(id).op)) layers.push_back(id);
  }
  return layers;
}

Graph QuantizeGraph(const Graph& folded, const QuantPlan& plan) {
  Graph source = folded;
  source.InferShapes();
  source.Validate();
  return Quantizer(source, plan).Run();
}

}  // namespace trit::quant
