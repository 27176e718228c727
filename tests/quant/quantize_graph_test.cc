#include "quant/quantize_graph.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "format/model_file.h"
#include "quant/calibration.h"
#include "quant/compress.h"
#include "quant/fold.h"
#include "quant/graph_edit.h"
#include "quant/prune.h"
#include "test_util.h"
#include "zoo/graph_builder.h"
#include "zoo/zoo.h"

namespace trit::quant {
namespace {

using testing::RandomInputs;
using testing::RelativeError;
using testing::RunOnce;

QuantPlan CalibratedPlan(const Graph& g, WeightType type, ActivationMode mode,
                         const std::vector<float>& samples, int64_t count) {
  QuantPlan plan;
  plan.default_weights.type = type;
  CompressOptions options;
  options.acts = mode;
  ApplyActivationStats(CollectActivationStats(g, samples.data(), count), options, plan);
  return plan;
}

TEST(QuantizeGraph, LeNetInt8TracksFp32) {
  const Graph folded = FoldForInference(zoo::BuildZooModel("lenet5"));
  const std::vector<float> calib = RandomInputs(folded, 16, 1);
  for (const ActivationMode mode :
       {ActivationMode::kInt8, ActivationMode::kUint8, ActivationMode::kPow2}) {
    const Graph q =
        QuantizeGraph(folded, CalibratedPlan(folded, WeightType::kInt8, mode, calib, 16));
    int quantized_layers = 0;
    for (const Node& node : q.nodes()) {
      if (node.op == OpType::kConv2D || node.op == OpType::kDense) {
        EXPECT_NE(q.value(node.inputs[1]).dtype, DType::kF32) << node.name;
        if (mode == ActivationMode::kPow2) {
          const float s = q.value(node.outputs[0]).quant.scale[0];
          EXPECT_EQ(std::exp2(std::round(std::log2(s))), s) << node.name;
        }
        ++quantized_layers;
      }
    }
    EXPECT_EQ(quantized_layers, 5);
    EXPECT_EQ(q.value(q.outputs()[0]).dtype, DType::kF32);
    const std::vector<float> x = RandomInputs(folded, 1, 99);
    EXPECT_LT(RelativeError(RunOnce(folded, x.data()), RunOnce(q, x.data())), 0.08)
        << ActivationModeName(mode);
  }
}

// A ReLU that is not folded keeps its input's parameters; the next layer's bias must use the
// parameters its input really carries, not the calibrated ones of the ReLU's output.
TEST(QuantizeGraph, UnfusedActivationBetweenLayers) {
  zoo::GraphBuilder b(5);
  ValueId x = b.Input({1, 8, 8, 3});
  x = b.Relu(b.Conv(x, 8, 3, 1, {1, 1, 1, 1}, true));
  x = b.Relu(b.Conv(x, 8, 3, 1, {1, 1, 1, 1}, true));
  const Graph g = b.Finish(b.Dense(b.Flatten(x), 4));
  const std::vector<float> calib = RandomInputs(g, 16, 2);
  const Graph q =
      QuantizeGraph(g, CalibratedPlan(g, WeightType::kInt8, ActivationMode::kInt8, calib, 16));
  const std::vector<float> in = RandomInputs(g, 1, 3);
  EXPECT_LT(RelativeError(RunOnce(g, in.data()), RunOnce(q, in.data())), 0.05);
}

// Add and Mul with a float constant operand (a per-channel shift, a scalar factor) after a
// quantized layer run on 8-bit tensors: the constant becomes a uint8 tensor of its own, no float
// island is left, and the output tracks the float model.
TEST(QuantizeGraph, AddAndMulByConstantsRunQuantized) {
  Graph g;
  const ValueId input = g.AddInput("x", DType::kF32, {1, 6, 6, 4});
  std::vector<float> w(16);
  for (size_t i = 0; i < w.size(); ++i) w[i] = 0.1f * static_cast<float>(i % 7) - 0.3f;
  const ValueId weights = g.AddConstant("w", DType::kF32, {4, 1, 1, 4}, Buffer::FromVector(w));
  const ValueId x = g.AddNode(OpType::kConv2D, "conv", {input, weights});  // quantized layer
  const ValueId shift = g.AddConstant(
      "shift", DType::kF32, {4}, Buffer::FromVector(std::vector<float>{0.5f, -1.0f, 2.0f, 0.0f}));
  const ValueId factor =
      g.AddConstant("factor", DType::kF32, {}, Buffer::FromVector(std::vector<float>{0.25f}));
  const ValueId added = g.AddNode(OpType::kAdd, "add", {x, shift});
  const ValueId scaled = g.AddNode(OpType::kMul, "mul", {added, factor});
  g.MarkOutput(g.AddNode(OpType::kMul, "twice", {scaled, factor}));  // the constant read twice
  g.InferShapes();
  const std::vector<float> calib = RandomInputs(g, 16, 4);
  const Graph q =
      QuantizeGraph(g, CalibratedPlan(g, WeightType::kInt8, ActivationMode::kUint8, calib, 16));
  int quantized_ops = 0, conversions = 0;
  for (const Node& node : q.nodes()) {
    if (node.op == OpType::kAdd || node.op == OpType::kMul) {
      EXPECT_EQ(q.value(node.outputs[0]).dtype, DType::kU8) << node.name;
      for (const ValueId in : node.inputs) EXPECT_NE(q.value(in).dtype, DType::kF32) << node.name;
      ++quantized_ops;
    }
    conversions += node.op == OpType::kQuantize || node.op == OpType::kDequantize;
  }
  EXPECT_EQ(quantized_ops, 3);
  EXPECT_EQ(conversions, 2);  // the input's Quantize and the output's Dequantize only
  EXPECT_EQ(q.value(q.nodes().back().inputs[0]).dtype, DType::kU8);
  const std::vector<float> in = RandomInputs(g, 1, 5);
  EXPECT_LT(RelativeError(RunOnce(g, in.data()), RunOnce(q, in.data())), 0.03);
}

TEST(QuantizeGraph, MissingParametersAreNamed) {
  const Graph folded = FoldForInference(zoo::BuildZooModel("lenet5"));
  QuantPlan plan;
  try {
    QuantizeGraph(folded, plan);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no quantization parameters for tensor"),
              std::string::npos);
  }
}

TEST(Prune, PerLayerAndGlobalTargets) {
  Graph g = FoldForInference(zoo::BuildZooModel("lenet5"));
  for (const LayerSparsity& s : PruneMagnitude(g, 0.6, false)) {
    EXPECT_EQ(s.zeros, static_cast<int64_t>(0.6 * static_cast<double>(s.weights))) << s.node;
  }
  Graph h = FoldForInference(zoo::BuildZooModel("lenet5"));
  int64_t zeros = 0, weights = 0;
  const auto layers = PruneMagnitude(h, 0.8, true, {"fc12"});
  for (const LayerSparsity& s : layers) {
    if (s.node == "fc12") {
      EXPECT_EQ(s.zeros, 0);
      continue;
    }
    zeros += s.zeros;
    weights += s.weights;
  }
  EXPECT_NEAR(static_cast<double>(zeros) / weights, 0.8, 0.001);
  EXPECT_DOUBLE_EQ(CubicSparsity(0.9, 0, 0, 100), 0.0);
  EXPECT_DOUBLE_EQ(CubicSparsity(0.9, 50, 0, 100), 0.9 * (1 - 0.125));
  EXPECT_DOUBLE_EQ(CubicSparsity(0.9, 200, 0, 100), 0.9);
}

TEST(Compress, TernaryConvNetReportAndFile) {
  const Graph fp32 = zoo::BuildZooModel("convnet");
  const uint64_t fp32_bytes = format::SerializeModel(fp32).size();
  const std::vector<float> calib = RandomInputs(fp32, 4, 7);
  CompressOptions options;
  options.weights.type = WeightType::kTernary;
  options.acts = ActivationMode::kPow2;
  const CompressResult r = Compress(fp32, fp32_bytes, options, calib.data(), 4);
  ASSERT_EQ(r.report.layers.size(), 8u);
  EXPECT_EQ(r.report.layers.front().weight_type, "i8");  // first and last layer int8
  EXPECT_EQ(r.report.layers.back().weight_type, "i8");
  for (size_t i = 1; i + 1 < r.report.layers.size(); ++i) {
    EXPECT_EQ(r.report.layers[i].weight_type, "ternary");
    EXPECT_FALSE(std::isnan(r.report.layers[i].activation_sqnr));
  }
  EXPECT_EQ(r.report.file_bytes, format::SerializeModel(r.compressed).size());
  // 2 bits or less per ternary weight: at least 14x smaller than the fp32 file.
  EXPECT_GT(r.report.compression, 14.0);
  // The file reads back and runs.
  const auto bytes = format::SerializeModel(r.compressed);
  const format::ModelFile file = format::ReadModelBytes(bytes.data(), bytes.size(), nullptr);
  const std::vector<float> x = RandomInputs(fp32, 1, 8);
  EXPECT_EQ(RunOnce(file.graph, x.data()), RunOnce(r.compressed, x.data()));
}

TEST(Compress, KeepPruneAndConfig) {
  const Graph fp32 = zoo::BuildZooModel("lenet5");
  const std::vector<float> calib = RandomInputs(fp32, 4, 1);
  const std::filesystem::path config =
      std::filesystem::temp_directory_path() / "trit_quant_layers.json";
  std::ofstream(config) << R"({"default": {"weights": "int4"}, "layers": {"fc8": "ternary"}})";
  CompressOptions options;
  options.config_path = config.string();
  options.keep = {"conv4"};
  options.prune = 0.5;
  const CompressResult r = Compress(fp32, 1, options, calib.data(), 4);
  std::map<std::string, std::string> types;
  for (const LayerReport& l : r.report.layers) types[l.node] = l.weight_type;
  EXPECT_EQ(types["conv1"], "i8");
  EXPECT_EQ(types["conv4"], "f32");
  EXPECT_EQ(types["fc8"], "ternary");
  EXPECT_EQ(types["fc10"], "i4");
  EXPECT_EQ(types["fc12"], "i8");
  for (const LayerReport& l : r.report.layers) {
    if (l.node != "conv4") {
      EXPECT_GE(l.zeros, l.weights / 2) << l.node;
    }
  }
  std::ofstream(config) << R"({"layers": {"nope": "int8"}})";
  try {
    Compress(fp32, 1, options, calib.data(), 4);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no Conv2D/Dense layer named 'nope'"), std::string::npos);
  }
  std::filesystem::remove(config);
}

// A layer's "prune" in the config overrides --prune for it alone.
TEST(Compress, PerLayerPruneTargets) {
  const Graph fp32 = zoo::BuildZooModel("lenet5");
  const std::vector<float> calib = RandomInputs(fp32, 4, 1);
  const std::filesystem::path config =
      std::filesystem::temp_directory_path() / "trit_prune_layers.json";
  std::ofstream(config) << R"({"layers": {"fc8": {"weights": "ternary", "prune": 0.9},
                                          "conv1": {"prune": 0.25}}})";
  CompressOptions options;
  options.config_path = config.string();
  options.prune = 0.5;
  const CompressResult r = Compress(fp32, 1, options, calib.data(), 4);
  std::map<std::string, double> sparsity;
  for (const LayerSparsity& l : MeasureSparsity(r.folded)) {
    sparsity[l.node] = static_cast<double>(l.zeros) / static_cast<double>(l.weights);
  }
  EXPECT_NEAR(sparsity["fc8"], 0.9, 0.001);
  EXPECT_NEAR(sparsity["conv1"], 0.25, 0.01);
  EXPECT_NEAR(sparsity["conv4"], 0.5, 0.001);
  EXPECT_NEAR(sparsity["fc12"], 0.5, 0.01);

  options.prune_global = true;
  EXPECT_THROW(Compress(fp32, 1, options, calib.data(), 4), Error);
  options.prune_global = false;
  std::ofstream(config) << R"({"layers": {"fc8": {"prune": 1.0}}})";
  EXPECT_THROW(Compress(fp32, 1, options, calib.data(), 4), Error);
  std::ofstream(config) << R"({"default": {"prune": 0.5}})";
  EXPECT_THROW(Compress(fp32, 1, options, calib.data(), 4), Error);
  std::filesystem::remove(config);
}

// A channel pruned to all zeros has no binary form: a clear error naming it, not an overflow.
TEST(Compress, BinaryRejectsDeadChannels) {
  Graph fp32 = zoo::BuildZooModel("lenet5");
  const std::vector<float> calib = RandomInputs(fp32, 4, 1);
  for (const NodeId id : LinearLayers(fp32)) {
    const Node& node = fp32.node(id);
    if (node.name != "conv4") continue;
    Value& w = fp32.value(node.inputs[1]);
    std::vector<float> data = FloatData(w);
    std::fill(data.begin(), data.begin() + NumElements(w.shape) / w.shape[0], 0.0f);
    SetFloatData(w, data);
  }
  CompressOptions options;
  options.weights.type = WeightType::kBinary;
  try {
    Compress(fp32, 1, options, calib.data(), 4);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("node 'conv4': output channel 0 has only zero weights"),
              std::string::npos)
        << e.what();
  }
  options.weights.type = WeightType::kTernary;
  EXPECT_NO_THROW(Compress(fp32, 1, options, calib.data(), 4));
}

}  // namespace
}  // namespace trit::quant
