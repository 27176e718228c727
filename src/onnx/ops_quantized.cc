// Quantized ONNX: QDQ (QuantizeLinear / DequantizeLinear around float ops) and the QOperator
// forms (QLinearConv, QLinearMatMul, ConvInteger, MatMulInteger). The float graph is built with
// each i8/u8 tensor held as its real-valued view; the parameters and integer weights the model
// gives are collected in a plan, and the trit quantizer turns that into native int8 layers
// (onnx_import.cc), with the requantization of docs/quantization.md.
#include <cmath>

#include "onnx/importer.h"

namespace trit::onnx_import {
namespace {

using onnx::TensorProto;

struct QuantArgs {
  std::vector<float> scales;
  std::vector<int64_t> zero_points;
  int32_t elem_type = TensorProto::UINT8;  // of the quantized side
};

// Scale and zero point inputs (constant); the zero point's type is the quantized type.
QuantArgs ReadQuantArgs(const NodeContext& node, int scale_input, int zero_input,
                        int32_t fallback_type) {
  QuantArgs q;
  const HostTensor& scale = node.Constant(scale_input, "scale");
  for (int64_t i = 0; i < scale.size(); ++i) q.scales.push_back(static_cast<float>(scale.At(i)));
  q.elem_type = fallback_type;
  if (node.HasInput(zero_input)) {
    const HostTensor& zero = node.Constant(zero_input, "zero_point");
    q.elem_type = zero.elem_type;
    for (int64_t i = 0; i < zero.size(); ++i) q.zero_points.push_back(zero.IntAt(i));
  }
  if (q.zero_points.empty()) q.zero_points.assign(q.scales.size(), 0);
  if (q.zero_points.size() == 1) q.zero_points.assign(q.scales.size(), q.zero_points[0]);
  if (q.zero_points.size() != q.scales.size()) node.Fail("scale and zero point differ in size");
  for (const float s : q.scales) {
    if (!(s > 0) || !std::isfinite(s)) node.Fail("a scale that is not positive and finite");
  }
  return q;
}

quant::ActivationParams ActivationOf(const NodeContext& node, const QuantArgs& q) {
  if (q.scales.size() != 1) node.Fail("per-axis quantization of an activation");
  quant::ActivationParams p;
  if (q.elem_type == TensorProto::UINT8) {
    p.dtype = DType::kU8;
  } else if (q.elem_type == TensorProto::INT8) {
    p.dtype = DType::kI8;
  } else {
    node.Fail("activations of type " + ElemTypeName(q.elem_type) + " (only uint8, int8)");
  }
  const int64_t zero = q.zero_points[0];
  if (zero < QuantMin(p.dtype) || zero > QuantMax(p.dtype)) node.Fail("zero point out of range");
  p.quant = QuantParams::PerTensor(q.scales[0], static_cast<int32_t>(zero));
  return p;
}

// The index of the scale that element i of a tensor of `shape` uses (per axis or per tensor).
int64_t ScaleIndex(const Shape& shape, int64_t axis, size_t scales, int64_t i) {
  if (scales == 1) return 0;
  int64_t inner = 1;
  for (size_t d = static_cast<size_t>(axis) + 1; d < shape.size(); ++d) inner *= shape[d];
  return (i / inner) % shape[static_cast<size_t>(axis)];
}

int64_t QuantAxis(const NodeContext& node, const Shape& shape, const QuantArgs& q) {
  if (q.scales.size() == 1) return -1;
  const int64_t axis = NormalizeAxis(node.Int("axis", 1), static_cast<int64_t>(shape.size()), node);
  if (shape[static_cast<size_t>(axis)] != static_cast<int64_t>(q.scales.size())) {
    node.Fail("one scale per index of the axis is needed");
  }
  return axis;
}

// Integer constant -> real values, and the levels when they are symmetric int8 (what a layer
// can keep as its fixed weights).
std::pair<HostTensor, std::optional<WeightLevels>> Dequantize(const HostTensor& data,
                                                              const QuantArgs& q, int64_t axis) {
  HostTensor real =
      HostTensor::Float(data.shape, std::vector<float>(static_cast<size_t>(data.size())));
  bool symmetric_int8 = data.elem_type == TensorProto::INT8;
  for (int64_t i = 0; i < data.size(); ++i) {
    const auto s = static_cast<size_t>(ScaleIndex(data.shape, axis, q.scales.size(), i));
    const int64_t zero = q.zero_points[s];
    symmetric_int8 = symmetric_int8 && zero == 0 && data.IntAt(i) != -128;
    real.floats[static_cast<size_t>(i)] =
        static_cast<float>(static_cast<double>(data.IntAt(i) - zero) * q.scales[s]);
  }
  if (!symmetric_int8) return {std::move(real), std::nullopt};
  WeightLevels levels;
  for (int64_t i = 0; i < data.size(); ++i) {
    levels.levels.push_back(static_cast<int8_t>(data.IntAt(i)));
  }
  levels.scales = q.scales;
  levels.axis = axis;
  return {std::move(real), std::move(levels)};
}

void QuantizeLinear(NodeContext& node) {
  const Shape& shape = node.OnnxShape(0);
  const QuantArgs q = ReadQuantArgs(node, 1, 2, TensorProto::UINT8);
  if (node.IsConstant(0)) {
    // Weights quantized in the graph: fold, rounding half to even and saturating.
    const HostTensor& x = node.Constant(0, "x");
    const int64_t axis = QuantAxis(node, shape, q);
    const int64_t lo = q.elem_type == TensorProto::INT8 ? -128 : 0;
    const int64_t hi = q.elem_type == TensorProto::INT8 ? 127 : 255;
    HostTensor out;
    out.elem_type = q.elem_type;
    out.shape = shape;
    for (int64_t i = 0; i < x.size(); ++i) {
      const auto s = static_cast<size_t>(ScaleIndex(shape, axis, q.scales.size(), i));
      double level = std::nearbyint(x.At(i) / q.scales[s]) + static_cast<double>(q.zero_points[s]);
      if (std::isnan(level)) level = static_cast<double>(q.zero_points[s]);
      out.ints.push_back(static_cast<int64_t>(std::clamp<double>(level, lo, hi)));
    }
    node.SetConstant(0, std::move(out));
    return;
  }
  if (node.ElemType(0) != TensorProto::FLOAT)
    node.Fail("input type " + ElemTypeName(node.ElemType(0)));
  node.SetQuantized(0, node.InCurrentLayout(0), node.IsNhwc(0), ActivationOf(node, q), q.elem_type);
}

void DequantizeLinear(NodeContext& node) {
  if (node.IsConstant(0)) {
    const HostTensor& data = node.Constant(0, "x");
    if (data.IsFloat()) node.Fail("a float input");
    const QuantArgs q = ReadQuantArgs(node, 1, 2, data.elem_type);
    auto [real, levels] = Dequantize(data, q, QuantAxis(node, data.shape, q));
    if (levels) {
      node.SetConstantLevels(0, std::move(real), std::move(*levels));
    } else {
      node.SetConstant(0, std::move(real));
    }
    return;
  }
  const quant::ActivationParams* held = node.QuantOf(0);
  if (!held)
    node.Fail("input '" + node.proto().input(0) + "' is not a quantized tensor trit knows");
  const quant::ActivationParams p = ActivationOf(node, ReadQuantArgs(node, 1, 2, node.ElemType(0)));
  if (!(p.quant == held->quant) || p.dtype != held->dtype) {
    node.Fail("parameters differ from the QuantizeLinear that made its input");
  }
  node.SetOutput(0, node.InCurrentLayout(0), node.IsNhwc(0));  // the real-valued view
}

// The quantized activation input `i` with the parameters the node gives for it.
void NeedQuantized(const NodeContext& node, int i, int scale, int zero) {
  const quant::ActivationParams* held = node.QuantOf(i);
  if (!held)
    node.Fail("input '" + node.proto().input(i) + "' is not a quantized tensor trit knows");
  const quant::ActivationParams given =
      ActivationOf(node, ReadQuantArgs(node, scale, zero, node.ElemType(i)));
  if (!(given.quant == held->quant))
    node.Fail("input parameters differ from those it was made with");
}

// Constant integer weights at input i with their scale / zero point inputs, dequantized.
std::pair<HostTensor, std::optional<WeightLevels>> DequantizedWeights(NodeContext& node, int i,
                                                                      int scale, int zero,
                                                                      int64_t axis) {
  const HostTensor& data = node.Constant(i, "weights");
  if (data.shape.size() <= static_cast<size_t>(axis)) node.Fail("weights of too low a rank");
  const QuantArgs q = ReadQuantArgs(node, scale, zero, data.elem_type);
  if (q.scales.size() > 1 &&
      data.shape[static_cast<size_t>(axis)] != static_cast<int64_t>(q.scales.size())) {
    node.Fail("one weight scale per output channel is needed");
  }
  return Dequantize(data, q, q.scales.size() > 1 ? axis : -1);
}

HostTensor BiasFromInt32(NodeContext& node, int i, float input_scale,
                         const std::vector<float>& w_scales) {
  const HostTensor& b = node.Constant(i, "B");
  if (w_scales.size() != 1 && static_cast<int64_t>(w_scales.size()) != b.size()) {
    node.Fail("the bias and the weight scales differ in length");
  }
  HostTensor real = HostTensor::Float(b.shape, std::vector<float>(static_cast<size_t>(b.size())));
  for (int64_t c = 0; c < b.size(); ++c) {
    const float ws = w_scales[w_scales.size() == 1 ? 0 : static_cast<size_t>(c)];
    real.floats[static_cast<size_t>(c)] =
        static_cast<float>(static_cast<double>(b.IntAt(c)) * input_scale * ws);
  }
  return real;
}

void QLinearConv(NodeContext& node) {
  NeedQuantized(node, 0, 1, 2);
  auto [w, levels] = DequantizedWeights(node, 3, 4, 5, 0);
  std::optional<HostTensor> bias;
  if (node.HasInput(8)) {
    bias = BiasFromInt32(node, 8, node.QuantOf(0)->quant.scale[0],
                         ReadQuantArgs(node, 4, 5, TensorProto::INT8).scales);
  }
  const ValueId y = EmitConv(node, w, levels ? &*levels : nullptr, bias ? &*bias : nullptr);
  const QuantArgs out = ReadQuantArgs(node, 6, 7, TensorProto::UINT8);
  node.SetQuantized(0, y, true, ActivationOf(node, out), out.elem_type);
}

void QLinearMatMul(NodeContext& node) {
  NeedQuantized(node, 0, 1, 2);
  if (!node.IsConstant(3) || node.OnnxShape(3).size() != 2)
    node.Fail("a B that is not a constant matrix");
  auto [b, levels] = DequantizedWeights(node, 3, 4, 5, 1);
  const ValueId y = EmitDense(node, node.InOnnxLayout(0), node.OnnxShape(0), b, false, 1.0f,
                              levels ? &*levels : nullptr, nullptr, "");
  const QuantArgs out = ReadQuantArgs(node, 6, 7, TensorProto::UINT8);
  node.SetQuantized(0, y, false, ActivationOf(node, out), out.elem_type);
}

// ConvInteger / MatMulInteger: the int32 sum of (x - x_zero)(w - w_zero). With x quantized by a
// QuantizeLinear trit knows, x - x_zero = x_real / s_x, so the sum is the float layer on the
// real view with weights (w - w_zero), divided by s_x; it runs in float.
void IntegerLayer(NodeContext& node, bool conv) {
  const quant::ActivationParams* x = node.QuantOf(0);
  if (!x)
    node.Fail("input '" + node.proto().input(0) +
              "' is not a quantized tensor trit knows (dynamic quantization is not supported)");
  if (node.HasInput(2)) {
    const HostTensor& zero = node.Constant(2, "x_zero_point");
    if (zero.size() != 1 || zero.IntAt(0) != x->quant.zero_point[0]) {
      node.Fail("x_zero_point differs from the parameters x was quantized with");
    }
  }
  const HostTensor& w = node.Constant(1, "w");
  HostTensor centered =
      HostTensor::Float(w.shape, std::vector<float>(static_cast<size_t>(w.size())));
  const HostTensor* zero = node.HasInput(3) ? &node.Constant(3, "w_zero_point") : nullptr;
  if (w.shape.size() < 2) node.Fail("weights of too low a rank");
  if (zero && zero->size() > 1 && zero->size() != w.shape[static_cast<size_t>(conv ? 0 : 1)]) {
    node.Fail("one w_zero_point per output channel is needed");
  }
  const int64_t axis = conv ? 0 : 1;
  for (int64_t i = 0; i < w.size(); ++i) {
    int64_t z = 0;
    if (zero && zero->size() > 1) {
      z = zero->IntAt(ScaleIndex(w.shape, axis, static_cast<size_t>(zero->size()), i));
    } else if (zero) {
      z = zero->IntAt(0);
    }
    centered.floats[static_cast<size_t>(i)] = static_cast<float>(w.IntAt(i) - z);
  }
  // The real view rounded to x's levels (a Quantize and a Dequantize), so that the float sum is
  // the integer one.
  const ValueId real = conv ? node.InNhwc(0) : node.InOnnxLayout(0);
  const ValueId levels = node.Emit(OpType::kQuantize, {real}, {}, "/x_levels");
  node.graph().value(levels).dtype = x->dtype;
  node.graph().value(levels).quant = x->quant;
  const ValueId rounded = node.Emit(OpType::kDequantize, {levels}, {}, "/x_rounded");
  const ValueId sum = conv ? EmitConv(node, centered, nullptr, nullptr, rounded)
                           : EmitDense(node, rounded, node.OnnxShape(0), centered, false, 1.0f,
                                       nullptr, nullptr, "/real");
  const bool nhwc = conv;
  const HostTensor inverse = HostTensor::Float({}, {1.0f / x->quant.scale[0]});
  const ValueId y =
      node.Emit(OpType::kMul, {sum, nhwc ? node.ConstantNhwc(inverse, "/inverse_scale")
                                         : node.ConstantValue(inverse, "/inverse_scale")});
  node.SetAccumulator(0, y, nhwc);
}

}  // namespace

quant::QuantizedWeights FixedWeights(const NodeContext& node, const WeightLevels& levels,
                                     const Shape& shape, const std::vector<int64_t>& perm) {
  if (levels.axis >= 0 && levels.axis != perm[0])
    node.Fail("weight scales on an axis other than the output channels");
  HostTensor as_ints;
  as_ints.elem_type = TensorProto::INT8;
  as_ints.shape = shape;
  as_ints.ints.assign(levels.levels.begin(), levels.levels.end());
  const HostTensor permuted = TransposeHost(as_ints, perm);
  quant::QuantizedWeights w;
  w.dtype = DType::kI8;
  for (const int64_t v : permuted.ints) w.levels.push_back(static_cast<int8_t>(v));
  w.quant.scale = levels.scales;
  w.quant.zero_point.assign(levels.scales.size(), 0);
  w.quant.axis = levels.axis >= 0 ? 0 : -1;
  return w;
}

void AddQuantizedOps(OpTable& table) {
  table["QuantizeLinear"] = {QuantizeLinear, false,
                             "activations per tensor (uint8, int8); constants folded"};
  table["DequantizeLinear"] = {
      DequantizeLinear, false,
      "of a QuantizeLinear output or of constants (int8 weights kept as fixed levels)"};
  table["QLinearConv"] = {QLinearConv, false, "2-D; W constant"};
  table["QLinearMatMul"] = {QLinearMatMul, false, "B a constant matrix"};
  table["ConvInteger"] = {[](NodeContext& n) { IntegerLayer(n, true); }, false,
                          "x from a QuantizeLinear; computed in float"};
  table["MatMulInteger"] = {[](NodeContext& n) { IntegerLayer(n, false); }, false,
                            "x from a QuantizeLinear; B constant; computed in float"};
}

}  // namespace trit::onnx_import
