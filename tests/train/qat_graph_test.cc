// QAT's forward pass is the runtime's integer arithmetic: the logits LibTorch computes for a
// quantized model equal, bit for bit, what the trit runtime computes on the exported file.
#include "train/qat_graph.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "format/model_file.h"
#include "quant/calibration.h"
#include "quant/compress.h"
#include "quant/fold.h"
#include "quant/graph_edit.h"
#include "runtime/session.h"
#include "zoo/graph_builder.h"
#include "zoo/zoo.h"

namespace trit::train {
namespace {

struct Case {
  const char* model;
  quant::WeightType weights;
  bool per_channel;
  quant::ActivationMode acts;
};

quant::QuantPlan MakePlan(const Graph& folded, const Case& c, const torch::Tensor& calib) {
  quant::CompressOptions options;
  options.weights.type = c.weights;
  options.weights.per_channel = c.per_channel;
  options.acts = c.acts;
  quant::QuantPlan plan;
  quant::ApplyLayerOptions(folded, options, plan);
  quant::ApplyActivationStats(
      quant::CollectActivationStats(folded, calib.data_ptr<float>(), calib.size(0)), options, plan);
  return plan;
}

// Runs the exported graph through a file image on the runtime, sample by sample.
torch::Tensor RunExported(const Graph& graph, const torch::Tensor& input) {
  const std::vector<uint8_t> bytes = format::SerializeModel(graph);
  const format::ModelFile file = format::ReadModelBytes(bytes.data(), bytes.size(), nullptr);
  auto session = runtime::Session::FromGraph(file.graph);
  std::vector<torch::Tensor> outputs;
  for (int64_t i = 0; i < input.size(0); ++i) {
    const torch::Tensor x = input[i].contiguous();
    std::memcpy(session->input_data(0), x.data_ptr<float>(), session->input_bytes(0));
    session->Run();
    torch::Tensor y = torch::empty({static_cast<int64_t>(session->output_bytes(0) / 4)});
    std::memcpy(y.data_ptr<float>(), session->output_data(0), session->output_bytes(0));
    outputs.push_back(y);
  }
  return torch::stack(outputs);
}

void ExpectBitExact(QatGraph& module, const torch::Tensor& input, const std::string& what) {
  module.eval();
  torch::Tensor logits;
  {
    torch::NoGradGuard no_grad;
    logits = module.forward(input).contiguous();
  }
  const torch::Tensor expected = RunExported(module.ExportGraph(), input);
  ASSERT_EQ(logits.sizes(), expected.sizes()) << what;
  EXPECT_TRUE(torch::equal(logits, expected))
      << what << ": max abs difference " << (logits - expected).abs().max().item<float>();
}

TEST(QatGraph, ForwardIsTheRuntimeBitForBit) {
  const Case cases[] = {
      {"lenet5", quant::WeightType::kInt8, true, quant::ActivationMode::kInt8},
      {"lenet5", quant::WeightType::kTernary, false, quant::ActivationMode::kPow2},
      {"lenet5", quant::WeightType::kTernary, true, quant::ActivationMode::kUint8},
      {"lenet5", quant::WeightType::kInt4, true, quant::ActivationMode::kInt8},
      {"lenet5", quant::WeightType::kInt2, true, quant::ActivationMode::kPow2},
      {"lenet5", quant::WeightType::kBinary, true, quant::ActivationMode::kInt8},
      {"convnet", quant::WeightType::kTernary, false, quant::ActivationMode::kPow2},
  };
  for (const Case& c : cases) {
    const std::string what = std::string(c.model) + " " + quant::WeightTypeName(c.weights) +
                             (c.per_channel ? " per channel " : " per layer ") +
                             quant::ActivationModeName(c.acts);
    torch::manual_seed(1);
    const Graph folded = quant::FoldForInference(zoo::BuildZooModel(c.model));
    const Shape& shape = folded.value(folded.inputs()[0]).shape;
    std::vector<int64_t> batch(shape.begin(), shape.end());
    batch[0] = 4;
    const torch::Tensor calib = torch::rand(batch);
    QatOptions options;
    QatGraph module(folded, MakePlan(folded, c, calib), options);
    ExpectBitExact(module, torch::rand(batch), what);
  }
}

// Random small networks: layer shapes, strides, padding, weight types and activation modes
// drawn per seed; the QAT forward pass must still be the runtime's integers.
TEST(QatGraph, RandomLayersAreBitExact) {
  const quant::WeightType types[] = {quant::WeightType::kInt8, quant::WeightType::kInt4,
                                     quant::WeightType::kInt2, quant::WeightType::kTernary,
                                     quant::WeightType::kBinary};
  const quant::ActivationMode modes[] = {
      quant::ActivationMode::kInt8, quant::ActivationMode::kUint8, quant::ActivationMode::kPow2};
  for (uint32_t seed = 0; seed < 12; ++seed) {
    std::mt19937 rng(seed);
    auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng() % (hi - lo + 1)); };
    zoo::GraphBuilder b(seed + 100);
    const int64_t size = pick(5, 9), channels = pick(1, 4);
    ValueId x = b.Input({1, size, size, channels});
    int64_t spatial = size;
    for (int layer = 0; layer < 3; ++layer) {
      const int64_t kernel = std::min<int64_t>(pick(1, 3), spatial);
      const int64_t stride = spatial >= 4 ? pick(1, 2) : 1, pad = pick(0, kernel / 2);
      spatial = (spatial + 2 * pad - kernel) / stride + 1;
      x = b.Conv(x, pick(2, 6), kernel, stride, {pad, pad, pad, pad}, rng() % 2 == 0);
      if (rng() % 2) x = b.Relu(x);
    }
    const Graph g = b.Finish(b.Dense(b.Flatten(x), pick(2, 5)));
    const Case c{"", types[rng() % 5], rng() % 2 == 0, modes[rng() % 3]};
    const std::string what = "seed " + std::to_string(seed) + " " +
                             quant::WeightTypeName(c.weights) + " " +
                             quant::ActivationModeName(c.acts);
    torch::manual_seed(seed);
    const Graph folded = quant::FoldForInference(g);
    const torch::Tensor calib = torch::rand({4, size, size, channels}) * 2 - 0.5;
    QatGraph module(folded, MakePlan(folded, c, calib), QatOptions{});
    ExpectBitExact(module, torch::rand({4, size, size, channels}) * 2 - 0.5, what);
  }
}

TEST(QatGraph, StaysExactAfterTrainingStepsWithPruning) {
  torch::manual_seed(2);
  const Graph folded = quant::FoldForInference(zoo::BuildZooModel("lenet5"));
  const torch::Tensor calib = torch::rand({8, 28, 28, 1});
  const Case c{"lenet5", quant::WeightType::kTernary, false, quant::ActivationMode::kPow2};
  QatOptions options;
  options.prune = {{"conv4", 0.5}, {"fc8", 0.5}, {"fc10", 0.5}};
  options.prune_end = 0.5;
  QatGraph module(folded, MakePlan(folded, c, calib), options);
  torch::optim::SGD sgd(module.parameters(), torch::optim::SGDOptions(0.05).momentum(0.9));
  const torch::Tensor x = torch::rand({16, 28, 28, 1});
  const torch::Tensor y = torch::randint(0, 10, {16}, torch::kLong);
  module.train();
  double first_loss = 0, last_loss = 0;
  for (int step = 0; step < 20; ++step) {
    module.BeginStep(step / 19.0);
    sgd.zero_grad();
    const torch::Tensor loss = torch::nn::functional::cross_entropy(module.forward(x), y);
    loss.backward();
    sgd.step();
    (step == 0 ? first_loss : last_loss) = loss.item<double>();
  }
  EXPECT_LT(last_loss, first_loss);  // it learns (the batch is memorised)
  EXPECT_NEAR(module.pruned_fraction(), 0.5, 0.01);
  ExpectBitExact(module, x, "after training");
  // The pruned weights are zero in the exported file.
  const Graph exported = module.ExportGraph();
  for (const Node& node : exported.nodes()) {
    if (node.name != "fc8") continue;
    const std::vector<float> w = quant::WeightValues(exported.value(node.inputs[1]));
    int64_t zeros = 0;
    for (const float v : w) zeros += v == 0.0f;
    EXPECT_GE(zeros, static_cast<int64_t>(w.size()) / 2);
  }
}

// Each layer reaches its own target; layers without one keep all their weights.
TEST(QatGraph, PerLayerPruneTargets) {
  torch::manual_seed(3);
  const Graph folded = quant::FoldForInference(zoo::BuildZooModel("lenet5"));
  const torch::Tensor calib = torch::rand({8, 28, 28, 1});
  const Case c{"lenet5", quant::WeightType::kInt8, true, quant::ActivationMode::kInt8};
  QatOptions options;
  options.prune = {{"conv4", 0.3}, {"fc8", 0.9}};
  options.prune_end = 0.5;
  QatGraph module(folded, MakePlan(folded, c, calib), options);
  for (const double progress : {0.0, 0.2, 0.4, 0.6}) module.BeginStep(progress);
  const Graph exported = module.ExportGraph();
  std::map<std::string, double> sparsity;
  for (const Node& node : exported.nodes()) {
    if (node.op != OpType::kConv2D && node.op != OpType::kDense) continue;
    const std::vector<float> w = quant::WeightValues(exported.value(node.inputs[1]));
    int64_t zeros = 0;
    for (const float v : w) zeros += v == 0.0f;
    sparsity[node.name] = static_cast<double>(zeros) / static_cast<double>(w.size());
  }
  EXPECT_NEAR(sparsity["conv4"], 0.3, 0.01);
  EXPECT_NEAR(sparsity["fc8"], 0.9, 0.01);
  EXPECT_LT(sparsity["fc10"], 0.05);
}

// DeepChip keeps BatchNorm in fp32 beside per-layer ternary weights: QAT ternarizes w / gain
// with one threshold and one Wp, Wn per layer, and the export carries gain * t(w) per channel,
// codes flipped where the gain is negative.
TEST(QatGraph, ChannelGainsStayOutsideTheTernaryWeights) {
  zoo::GraphBuilder b(11);
  ValueId x = b.Input({1, 8, 8, 2});
  x = b.Relu(b.BatchNorm(b.Conv(x, 4, 3, 1, {1, 1, 1, 1}, false)));
  x = b.Relu(b.BatchNorm(b.Conv(x, 6, 3, 1, {1, 1, 1, 1}, false)));
  Graph g = b.Finish(b.Dense(b.Flatten(x), 3));
  for (Node& node : g.nodes()) {  // a negative gamma in the middle layer's BatchNorm
    if (node.op == OpType::kBatchNorm && g.value(node.inputs[1]).shape[0] == 6) {
      std::vector<float> gamma = quant::FloatData(g.value(node.inputs[1]));
      gamma[2] = -gamma[2];
      quant::SetFloatData(g.value(node.inputs[1]), gamma);
    }
  }
  quant::FoldReport fold;
  const Graph folded = quant::FoldForInference(g, &fold);
  ASSERT_EQ(fold.batch_norm_gains.size(), 2u);
  torch::manual_seed(3);
  const torch::Tensor calib = torch::rand({8, 8, 8, 2});
  const Case c{"", quant::WeightType::kTernary, false, quant::ActivationMode::kUint8};
  QatOptions options;
  options.channel_gains = fold.batch_norm_gains;
  QatGraph module(folded, MakePlan(folded, c, calib), options);
  ExpectBitExact(module, calib, "with channel gains");

  const Graph exported = module.ExportGraph();
  const std::string middle = folded.node(quant::LinearLayers(folded)[1]).name;
  const std::vector<float>& gain = fold.batch_norm_gains.at(middle);
  ASSERT_LT(gain[2], 0.0f);
  std::vector<float> folded_w, exported_w;
  for (const Node& node : folded.nodes()) {
    if (node.name == middle) folded_w = quant::FloatData(folded.value(node.inputs[1]));
  }
  for (const Node& node : exported.nodes()) {
    if (node.name == middle) exported_w = quant::WeightValues(exported.value(node.inputs[1]));
  }
  ASSERT_EQ(folded_w.size(), exported_w.size());
  const size_t per_channel = folded_w.size() / gain.size();
  float max = 0.0f;
  for (size_t i = 0; i < folded_w.size(); ++i) {
    max = std::max(max, std::fabs(folded_w[i] / gain[i / per_channel]));
  }
  // exported / gain is one ternary per layer: +P above the threshold, -N below, 0 between.
  float p = 0.0f, n = 0.0f;
  for (size_t i = 0; i < folded_w.size(); ++i) {
    const float raw = folded_w[i] / gain[i / per_channel];
    const float t = exported_w[i] / gain[i / per_channel];
    if (raw > 0.05f * max) {
      if (p == 0.0f) p = t;
      EXPECT_NEAR(t, p, 1e-5f * p) << i;
    } else if (raw < -0.05f * max) {
      if (n == 0.0f) n = -t;
      EXPECT_NEAR(-t, n, 1e-5f * n) << i;
    } else {
      EXPECT_EQ(t, 0.0f) << i;
    }
  }
  EXPECT_GT(p, 0.0f);
  EXPECT_GT(n, 0.0f);
}

}  // namespace
}  // namespace trit::train
