// Conv, MaxPool, AveragePool, GlobalAveragePool, BatchNormalization and Pad: the ops that run
// on NHWC in trit. Their rank-4 outputs stay NHWC until an op needs the ONNX order.
#include <algorithm>

#include "onnx/importer.h"

namespace trit::onnx_import {
namespace {

struct Window {
  int64_t kernel[2], stride[2], dilation[2];
  int64_t pads[4];  // top, left, bottom, right (the ONNX order for 2-D)
};

// Kernel, strides, dilations and pads of a 2-D window op, auto_pad resolved.
Window ReadWindow(const NodeContext& node, const Shape& input, int64_t kernel_h, int64_t kernel_w) {
  Window w{};
  const std::vector<int64_t> kernel = node.Ints("kernel_shape", {kernel_h, kernel_w});
  const std::vector<int64_t> strides = node.Ints("strides", {1, 1});
  const std::vector<int64_t> dilations = node.Ints("dilations", {1, 1});
  const std::vector<int64_t> pads = node.Ints("pads", {0, 0, 0, 0});
  if (kernel.size() != 2 || strides.size() != 2 || dilations.size() != 2 || pads.size() != 4) {
    node.Fail("only 2-D windows (rank-4 inputs) are supported");
  }
  if (kernel[0] != kernel_h || kernel[1] != kernel_w) {
    node.Fail("kernel_shape does not match the weights");
  }
  for (int d = 0; d < 2; ++d) {
    w.kernel[d] = kernel[static_cast<size_t>(d)];
    w.stride[d] = strides[static_cast<size_t>(d)];
    w.dilation[d] = dilations[static_cast<size_t>(d)];
    if (w.kernel[d] < 1 || w.stride[d] < 1 || w.dilation[d] < 1) {
      node.Fail("kernel, strides and dilations must be positive");
    }
  }
  for (int i = 0; i < 4; ++i) {
    w.pads[i] = pads[static_cast<size_t>(i)];
    if (w.pads[i] < 0) node.Fail("negative pads");
  }
  const std::string auto_pad = node.String("auto_pad", "NOTSET");
  if (auto_pad == "VALID") {
    std::fill(w.pads, w.pads + 4, 0);
  } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    for (int d = 0; d < 2; ++d) {
      const int64_t in = input[static_cast<size_t>(2 + d)];
      const int64_t out = (in + w.stride[d] - 1) / w.stride[d];
      const int64_t total = std::max<int64_t>(
          0, (out - 1) * w.stride[d] + (w.kernel[d] - 1) * w.dilation[d] + 1 - in);
      const int64_t small = total / 2, large = total - small;
      w.pads[d] = auto_pad == "SAME_UPPER" ? small : large;
      w.pads[d + 2] = auto_pad == "SAME_UPPER" ? large : small;
    }
  } else if (auto_pad != "NOTSET") {
    node.Fail("auto_pad '" + auto_pad + "'");
  }
  return w;
}

std::vector<int64_t> PadsOf(const Window& w) { return {w.pads, w.pads + 4}; }

void Conv(NodeContext& node) {
  if (node.ElemType(0) != onnx::TensorProto::FLOAT) node.Fail("input type must be float");
  const HostTensor& w = node.Constant(1, "W");
  std::optional<HostTensor> bias;
  if (node.HasInput(2)) bias = node.Constant(2, "B");
  node.SetOutput(0, EmitConv(node, w, node.LevelsOf(1), bias ? &*bias : nullptr), true);
}

void Pool(NodeContext& node, OpType op) {
  const Shape& x = node.OnnxShape(0);
  if (x.size() != 4) node.Fail("only 2-D pooling (rank-4 inputs) is supported");
  const std::vector<int64_t> kernel = node.Ints("kernel_shape", {});
  if (kernel.size() != 2) node.Fail("kernel_shape must have 2 values");
  Window win = ReadWindow(node, x, kernel[0], kernel[1]);
  if (win.dilation[0] != 1 || win.dilation[1] != 1) node.Fail("dilated pooling");
  if (node.OutputUsed(1)) node.Fail("the Indices output");
  const bool count_include_pad = node.Int("count_include_pad", 0) != 0;
  if (node.Int("ceil_mode", 0) != 0) {
    // Ceil mode: windows may hang over the end. Extra bottom/right padding gives the same
    // windows; it never wins a max, and is not counted by an average without count_include_pad.
    if (op == OpType::kAvgPool && count_include_pad) {
      node.Fail("ceil_mode with count_include_pad");
    }
    for (int d = 0; d < 2; ++d) {
      const int64_t in = x[static_cast<size_t>(2 + d)] + win.pads[d] + win.pads[d + 2];
      int64_t out = (in - win.kernel[d] + win.stride[d] - 1) / win.stride[d] + 1;
      // The last window must start inside the input or its leading padding.
      if ((out - 1) * win.stride[d] >= x[static_cast<size_t>(2 + d)] + win.pads[d]) --out;
      win.pads[d + 2] += std::max<int64_t>(0, (out - 1) * win.stride[d] + win.kernel[d] - in);
    }
  }
  const bool identity = win.kernel[0] == 1 && win.kernel[1] == 1 && win.stride[0] == 1 &&
                        win.stride[1] == 1 &&
                        std::all_of(win.pads, win.pads + 4, [](int64_t p) { return p == 0; });
  if (identity) {  // e.g. an adaptive pooling exported at the size it already has
    node.Forward(0, 0);
    return;
  }
  Attributes attrs = {{"kernel", std::vector<int64_t>{win.kernel[0], win.kernel[1]}},
                      {"strides", std::vector<int64_t>{win.stride[0], win.stride[1]}},
                      {"pads", PadsOf(win)}};
  if (op == OpType::kAvgPool) attrs.Set("count_include_pad", int64_t{count_include_pad});
  node.SetOutput(0, node.Emit(op, {node.InNhwc(0)}, attrs), true);
}

void GlobalAveragePool(NodeContext& node) {
  if (node.OnnxShape(0).size() != 4) node.Fail("only rank-4 inputs are supported");
  node.SetOutput(0, node.Emit(OpType::kGlobalAvgPool, {node.InNhwc(0)}), true);
}

void BatchNormalization(NodeContext& node) {
  if (node.Int("training_mode", 0) != 0 || node.OutputCount() > 1) {
    node.Fail("training mode (running statistics as outputs)");
  }
  if (node.Int("spatial", 1) != 1) node.Fail("spatial=0 (statistics per position)");
  const Shape& x = node.OnnxShape(0);
  if (x.size() < 2) node.Fail("input must have a channel axis");
  std::vector<ValueId> params;
  const char* names[] = {"scale", "B", "input_mean", "input_var"};
  for (int i = 1; i <= 4; ++i) {
    const HostTensor& p = node.Constant(i, names[i - 1]);
    if (p.shape != Shape{x[1]}) node.Fail(std::string(names[i - 1]) + " must have shape [C]");
    params.push_back(node.ConstantValue(p, std::string("/") + names[i - 1]));
  }
  const Attributes attrs = {{"epsilon", node.Float("epsilon", 1e-5f)}};
  if (x.size() == 4) {
    std::vector<ValueId> inputs = {node.InNhwc(0)};
    inputs.insert(inputs.end(), params.begin(), params.end());
    node.SetOutput(0, node.Emit(OpType::kBatchNorm, inputs, attrs), true);
    return;
  }
  // Channels last: move axis 1 to the end and back again.
  const auto rank = static_cast<int64_t>(x.size());
  std::vector<int64_t> to_last = {0}, back(static_cast<size_t>(rank));
  for (int64_t d = 2; d < rank; ++d) to_last.push_back(d);
  to_last.push_back(1);
  for (int64_t d = 0; d < rank; ++d) back[static_cast<size_t>(to_last[static_cast<size_t>(d)])] = d;
  ValueId v = node.InOnnxLayout(0);
  if (rank > 2) v = node.Emit(OpType::kTranspose, {v}, {{"perm", to_last}}, "/channels_last");
  std::vector<ValueId> inputs = {v};
  inputs.insert(inputs.end(), params.begin(), params.end());
  v = node.Emit(OpType::kBatchNorm, inputs, attrs, rank > 2 ? "/normalized" : "");
  if (rank > 2) v = node.Emit(OpType::kTranspose, {v}, {{"perm", back}});
  node.SetOutput(0, v);
}

void Pad(NodeContext& node) {
  const std::string mode = node.String("mode", "constant");
  if (mode != "constant") node.Fail("mode '" + mode + "' (only constant padding)");
  std::vector<int64_t> pads;
  float value = 0.0f;
  if (node.opset() < 11) {
    pads = node.Ints("pads", {});
    value = node.Float("value", 0.0f);
  } else {
    const HostTensor& p = node.Constant(1, "pads");
    for (int64_t i = 0; i < p.size(); ++i) pads.push_back(p.IntAt(i));
    if (node.HasInput(2)) {
      const HostTensor& v = node.Constant(2, "constant_value");
      if (v.size() != 1) node.Fail("constant_value must be a scalar");
      value = static_cast<float>(v.At(0));
    }
    if (node.HasInput(3)) node.Fail("the axes input");
  }
  if (value != 0.0f) node.Fail("padding with a value other than 0");
  const Shape& x = node.OnnxShape(0);
  if (pads.size() != 2 * x.size()) node.Fail("pads needs 2 values per axis");
  if (std::any_of(pads.begin(), pads.end(), [](int64_t p) { return p < 0; })) {
    node.Fail("negative pads (cropping)");
  }
  if (node.IsNhwc(0)) {
    std::vector<int64_t> nhwc(8);
    for (int d = 0; d < 4; ++d) {
      nhwc[static_cast<size_t>(d)] = pads[static_cast<size_t>(kToNhwc[d])];
      nhwc[static_cast<size_t>(d + 4)] = pads[static_cast<size_t>(kToNhwc[d] + 4)];
    }
    node.SetOutput(0, node.Emit(OpType::kPad, {node.InNhwc(0)}, {{"pads", nhwc}}), true);
    return;
  }
  node.SetOutput(0, node.Emit(OpType::kPad, {node.InOnnxLayout(0)}, {{"pads", pads}}));
}

}  // namespace

ValueId EmitConv(NodeContext& node, const HostTensor& w, const WeightLevels* levels,
                 const HostTensor* bias, ValueId input) {
  const Shape& x = node.OnnxShape(0);
  if (x.size() != 4) node.Fail("only 2-D convolutions (rank-4 inputs) are supported");
  if (w.shape.size() != 4) node.Fail("weights must have rank 4");
  const Window win = ReadWindow(node, x, w.shape[2], w.shape[3]);
  const int64_t groups = node.Int("group", 1);
  std::vector<ValueId> inputs = {
      input >= 0 ? input : node.InNhwc(0),
      node.ConstantValue(TransposeHost(ToFloatHost(w), {0, 2, 3, 1}), "/weights")};
  if (bias) inputs.push_back(node.ConstantValue(*bias, "/bias"));
  const ValueId y =
      node.Emit(OpType::kConv2D, inputs,
                {{"strides", std::vector<int64_t>{win.stride[0], win.stride[1]}},
                 {"pads", PadsOf(win)},
                 {"dilations", std::vector<int64_t>{win.dilation[0], win.dilation[1]}},
                 {"groups", groups}});
  if (levels) node.FixWeights(y, FixedWeights(node, *levels, w.shape, {0, 2, 3, 1}));
  return y;
}

void AddSpatialOps(OpTable& table) {
  table["Conv"] = {Conv, false, "2-D; W (and B) constant; groups and depthwise; auto_pad"};
  table["MaxPool"] = {[](NodeContext& n) { Pool(n, OpType::kMaxPool); }, false,
                      "2-D; ceil_mode; no dilations, no Indices output"};
  table["AveragePool"] = {[](NodeContext& n) { Pool(n, OpType::kAvgPool); }, false,
                          "2-D; count_include_pad; ceil_mode without count_include_pad"};
  table["GlobalAveragePool"] = {GlobalAveragePool, false, "rank-4 inputs"};
  table["BatchNormalization"] = {
      BatchNormalization, false,
      "inference mode; parameters constant; folded into a Conv before it"};
  table["Pad"] = {Pad, false, "constant mode with value 0; pads constant"};
}

}  // namespace trit::onnx_import
