#include "zoo/graph_builder.h"

#include <cmath>

namespace trit::zoo {

ValueId GraphBuilder::Input(const Shape& shape) {
  return graph_.AddInput("input", DType::kF32, shape);
}

ValueId GraphBuilder::Constant(const std::string& name, const Shape& shape, float lo, float hi) {
  std::vector<float> values(static_cast<size_t>(NumElements(shape)));
  for (float& v : values) v = random_.Uniform(lo, hi);
  return graph_.AddConstant(name, DType::kF32, shape, Buffer::FromVector(values));
}

ValueId GraphBuilder::AddNode(OpType op, const std::string& prefix,
                              const std::vector<ValueId>& inputs, Attributes attrs) {
  const ValueId out = graph_.AddNode(op, Name(prefix), inputs, std::move(attrs));
  graph_.InferShapes();  // later layers read this output's shape
  return out;
}

ValueId GraphBuilder::Conv(ValueId x, int64_t out_channels, int64_t kernel, int64_t stride,
                           std::vector<int64_t> pads, bool bias) {
  const int64_t in_channels = shape(x).back();
  const std::string name = "conv" + std::to_string(counter_ + 1);
  // He-uniform: variance 2 / fan_in keeps ReLU activations at a steady scale.
  const float limit = std::sqrt(6.0f / static_cast<float>(kernel * kernel * in_channels));
  std::vector<ValueId> inputs = {
      x, Constant(name + ".weight", {out_channels, kernel, kernel, in_channels}, -limit, limit)};
  if (bias) inputs.push_back(Constant(name + ".bias", {out_channels}, -0.05f, 0.05f));
  return AddNode(OpType::kConv2D, "conv", inputs,
                 {{"strides", std::vector<int64_t>{stride, stride}}, {"pads", std::move(pads)}});
}

ValueId GraphBuilder::DepthwiseConv(ValueId x, int64_t kernel, int64_t stride,
                                    std::vector<int64_t> pads) {
  const int64_t channels = shape(x).back();
  const std::string name = "dwconv" + std::to_string(counter_ + 1);
  const float limit = std::sqrt(6.0f / static_cast<float>(kernel * kernel));
  const ValueId weight = Constant(name + ".weight", {channels, kernel, kernel, 1}, -limit, limit);
  return AddNode(OpType::kConv2D, "dwconv", {x, weight},
                 {{"strides", std::vector<int64_t>{stride, stride}},
                  {"pads", std::move(pads)},
                  {"groups", channels}});
}

ValueId GraphBuilder::BatchNorm(ValueId x) {
  const int64_t channels = shape(x).back();
  const std::string name = "bn" + std::to_string(counter_ + 1);
  const ValueId gamma = Constant(name + ".gamma", {channels}, 0.8f, 1.2f);
  const ValueId beta = Constant(name + ".beta", {channels}, -0.1f, 0.1f);
  const ValueId mean = Constant(name + ".mean", {channels}, -0.1f, 0.1f);
  const ValueId variance = Constant(name + ".variance", {channels}, 0.8f, 1.2f);
  return AddNode(OpType::kBatchNorm, "bn", {x, gamma, beta, mean, variance}, {{"epsilon", 1e-5f}});
}

ValueId GraphBuilder::Relu(ValueId x) { return AddNode(OpType::kRelu, "relu", {x}); }

ValueId GraphBuilder::Binarize(ValueId x) { return AddNode(OpType::kBinarize, "sign", {x}); }

ValueId GraphBuilder::MaxPool(ValueId x, int64_t kernel, int64_t stride,
                              std::vector<int64_t> pads) {
  return AddNode(OpType::kMaxPool, "maxpool", {x},
                 {{"kernel", std::vector<int64_t>{kernel, kernel}},
                  {"strides", std::vector<int64_t>{stride, stride}},
                  {"pads", std::move(pads)}});
}

ValueId GraphBuilder::AvgPool(ValueId x, int64_t kernel, int64_t stride) {
  return AddNode(OpType::kAvgPool, "avgpool", {x},
                 {{"kernel", std::vector<int64_t>{kernel, kernel}},
                  {"strides", std::vector<int64_t>{stride, stride}}});
}

ValueId GraphBuilder::GlobalAvgPool(ValueId x) {
  return AddNode(OpType::kGlobalAvgPool, "gap", {x});
}

ValueId GraphBuilder::Flatten(ValueId x) { return AddNode(OpType::kFlatten, "flatten", {x}); }

ValueId GraphBuilder::Dense(ValueId x, int64_t out_features, bool bias) {
  const int64_t in_features = shape(x).back();
  const std::string name = "fc" + std::to_string(counter_ + 1);
  const float limit = std::sqrt(6.0f / static_cast<float>(in_features));
  std::vector<ValueId> inputs = {
      x, Constant(name + ".weight", {out_features, in_features}, -limit, limit)};
  if (bias) inputs.push_back(Constant(name + ".bias", {out_features}, -0.05f, 0.05f));
  return AddNode(OpType::kDense, "fc", inputs);
}

ValueId GraphBuilder::Dropout(ValueId x, float ratio) {
  return AddNode(OpType::kDropout, "dropout", {x}, {{"ratio", ratio}});
}

ValueId GraphBuilder::Pad(ValueId x, std::vector<int64_t> pads) {
  return AddNode(OpType::kPad, "pad", {x}, {{"pads", std::move(pads)}});
}

ValueId GraphBuilder::Add(ValueId a, ValueId b) { return AddNode(OpType::kAdd, "add", {a, b}); }

Graph GraphBuilder::Finish(ValueId output) {
  graph_.MarkOutput(output);
  graph_.InferShapes();
  graph_.Validate();
  return std::move(graph_);
}

}  // namespace trit::zoo
