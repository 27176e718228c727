#include "zoo/graph_builder.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <tuple>

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
                           std::vector<int64_t> pads, bool bias, int64_t groups) {
  const int64_t in_channels = shape(x).back() / groups;
  const std::string name = "conv" + std::to_string(counter_ + 1);
  // He-uniform: variance 2 / fan_in keeps ReLU activations at a steady scale.
  const float limit = std::sqrt(6.0f / static_cast<float>(kernel * kernel * in_channels));
  std::vector<ValueId> inputs = {
      x, Constant(name + ".weight", {out_channels, kernel, kernel, in_channels}, -limit, limit)};
  if (bias) inputs.push_back(Constant(name + ".bias", {out_channels}, -0.05f, 0.05f));
  Attributes attrs = {{"strides", std::vector<int64_t>{stride, stride}}, {"pads", std::move(pads)}};
  if (groups > 1) attrs.Set("groups", groups);
  return AddNode(OpType::kConv2D, "conv", inputs, std::move(attrs));
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

ValueId GraphBuilder::StructuredDense(ValueId x, int64_t out_features,
                                      const StructuredShape& structure) {
  const int64_t in_features = shape(x).back();
  const std::string name = "fc" + std::to_string(counter_ + 1);
  // He-uniform entries of the formed matrix, as Dense's.
  const float std = std::sqrt(2.0f / static_cast<float>(in_features));
  std::vector<ValueId> inputs = {x};
  for (const ValueId v : StructuredParts(name, structure, out_features, in_features, std)) {
    inputs.push_back(v);
  }
  inputs.push_back(Constant(name + ".bias", {out_features}, -0.05f, 0.05f));
  const auto parts = static_cast<int64_t>(inputs.size() - 2);
  return AddNode(
      OpType::kStructuredDense, "fc", inputs,
      {{"w_structure", std::string(MatrixStructureName(structure.structure))}, {"w_parts", parts}});
}

ValueId GraphBuilder::Dropout(ValueId x, float ratio) {
  return AddNode(OpType::kDropout, "dropout", {x}, {{"ratio", ratio}});
}

ValueId GraphBuilder::Pad(ValueId x, std::vector<int64_t> pads) {
  return AddNode(OpType::kPad, "pad", {x}, {{"pads", std::move(pads)}});
}

ValueId GraphBuilder::Add(ValueId a, ValueId b) { return AddNode(OpType::kAdd, "add", {a, b}); }

ValueId GraphBuilder::Concat(const std::vector<ValueId>& xs, int64_t axis) {
  return AddNode(OpType::kConcat, "concat", xs, {{"axis", axis}});
}

std::vector<ValueId> GraphBuilder::StructuredParts(const std::string& name,
                                                   const StructuredShape& shape, int64_t rows,
                                                   int64_t cols, float std) {
  const std::vector<Shape> parts = shape.PartShapes(rows, cols);
  // Uniform(-l, l) has standard deviation l / sqrt(3).
  const auto uniform = [&](const std::string& part, const Shape& s, float part_std) {
    const float limit = std::sqrt(3.0f) * part_std;
    return Constant(name + "." + part, s, -limit, limit);
  };
  std::vector<ValueId> ids;
  switch (shape.structure) {
    case MatrixStructure::kDense:
      ids.push_back(uniform("weight", parts[0], std));
      break;
    case MatrixStructure::kLowRank: {
      // An entry of A B sums `rank` products.
      const float part_std = std::sqrt(std / std::sqrt(static_cast<float>(shape.rank)));
      ids.push_back(uniform("left", parts[0], part_std));
      ids.push_back(uniform("right", parts[1], part_std));
      break;
    }
    case MatrixStructure::kKronecker:
    case MatrixStructure::kHybridKronecker: {
      size_t first = 0;
      if (shape.structure == MatrixStructure::kHybridKronecker) {
        ids.push_back(uniform("top", parts[0], std));
        first = 1;
      }
      const float count = static_cast<float>(parts.size() - first);
      const float part_std = std::pow(std, 1.0f / count);
      for (size_t i = first; i < parts.size(); ++i) {
        ids.push_back(uniform("factor" + std::to_string(i - first), parts[i], part_std));
      }
      break;
    }
    case MatrixStructure::kHmd:
      ids.push_back(uniform("top", parts[0], std));
      ids.push_back(uniform("blocks", parts[1], std::sqrt(std)));
      ids.push_back(uniform("row_scales", parts[2], std::sqrt(std)));
      break;
  }
  return ids;
}

ValueId GraphBuilder::Recurrent(ValueId x, const RecurrentSpec& spec) {
  const std::string name = "rnn" + std::to_string(counter_ + 1);
  if (shape(x).size() == 4) {
    const Shape& s = shape(x);
    x = AddNode(OpType::kReshape, "rows", {x}, {{"shape", Shape{0, s[1], s[2] * s[3]}}});
  }
  const int64_t input = shape(x).back(), h = spec.hidden;
  const int64_t gates = spec.cell == OpType::kLstm ? 4 : spec.cell == OpType::kGru ? 3 : 1;
  const int64_t rows = gates * h;
  // PyTorch's recurrent initialization: U(-1/sqrt(H), 1/sqrt(H)).
  const float bound = 1.0f / std::sqrt(static_cast<float>(h));
  const float std = bound / std::sqrt(3.0f);
  // Rows of one structured block: a gate's, or all of a dense matrix.
  const auto GateRows = [&](const StructuredShape& shape) {
    return shape.structure == MatrixStructure::kDense ? rows : h;
  };
  std::vector<ValueId> inputs = {x};
  const int directions = spec.direction == "bidirectional" ? 2 : 1;
  for (int d = 0; d < directions; ++d) {
    const std::string prefix = name + (d == 0 ? "" : ".backward");
    // A structured W or U is one structured matrix per gate (core/recurrent_layout.h).
    for (const auto& [matrix, shape, cols] :
         {std::tuple{".w", &spec.w, input}, std::tuple{".u", &spec.u, h}}) {
      const int64_t blocks = shape->structure == MatrixStructure::kDense ? 1 : gates;
      for (int64_t g = 0; g < blocks; ++g) {
        const std::string part_name =
            prefix + matrix + (blocks > 1 ? ".gate" + std::to_string(g) : "");
        for (const ValueId v : StructuredParts(part_name, *shape, rows / blocks, cols, std)) {
          inputs.push_back(v);
        }
      }
    }
    const int64_t bias_size = spec.cell == OpType::kFastGrnn ? h : rows;
    std::vector<float> bias_w(static_cast<size_t>(bias_size)), bias_u(bias_w.size());
    for (float& v : bias_w) v = random_.Uniform(-bound, bound);
    for (float& v : bias_u) v = random_.Uniform(-bound, bound);
    // An LSTM starts remembering (forget gate bias 1, gate order i, o, f, c); FastGRNN's
    // z gate starts half open.
    if (spec.cell == OpType::kLstm) {
      std::fill(bias_w.begin() + 2 * h, bias_w.begin() + 3 * h, 1.0f);
    }
    inputs.push_back(graph_.AddConstant(prefix + ".bias_w", DType::kF32, {bias_size},
                                        Buffer::FromVector(bias_w)));
    inputs.push_back(graph_.AddConstant(prefix + ".bias_u", DType::kF32, {bias_size},
                                        Buffer::FromVector(bias_u)));
    if (spec.cell == OpType::kFastRnn || spec.cell == OpType::kFastGrnn) {
      // EdgeML's starting points: FastRNN alpha = sigmoid(-3), beta = sigmoid(3); FastGRNN
      // zeta = sigmoid(1), nu = sigmoid(-4).
      const bool fast_rnn = spec.cell == OpType::kFastRnn;
      const float a = fast_rnn ? 0.0474f : 0.7311f, b = fast_rnn ? 0.9526f : 0.0180f;
      inputs.push_back(graph_.AddConstant(prefix + (fast_rnn ? ".alpha" : ".zeta"), DType::kF32,
                                          {1}, Buffer::FromVector(std::vector<float>{a})));
      inputs.push_back(graph_.AddConstant(prefix + (fast_rnn ? ".beta" : ".nu"), DType::kF32, {1},
                                          Buffer::FromVector(std::vector<float>{b})));
    }
  }
  Attributes attrs = {
      {"hidden_size", h},
      {"direction", spec.direction},
      {"output_sequence", int64_t{spec.output_sequence}},
      {"w_structure", std::string(MatrixStructureName(spec.w.structure))},
      {"u_structure", std::string(MatrixStructureName(spec.u.structure))},
      {"w_parts", static_cast<int64_t>(spec.w.PartShapes(GateRows(spec.w), input).size())},
      {"u_parts", static_cast<int64_t>(spec.u.PartShapes(GateRows(spec.u), h).size())}};
  if (spec.cell == OpType::kFastRnn) attrs.Set("activation", spec.activation);
  if (spec.cell == OpType::kGru) attrs.Set("linear_before_reset", int64_t{1});
  std::string prefix(OpTypeName(spec.cell));
  for (char& c : prefix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return AddNode(spec.cell, prefix, inputs, std::move(attrs));
}

Graph GraphBuilder::Finish(ValueId output) {
  graph_.MarkOutput(output);
  graph_.InferShapes();
  graph_.Validate();
  return std::move(graph_);
}

}  // namespace trit::zoo
