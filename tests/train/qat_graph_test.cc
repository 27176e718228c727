// QAT's forward pass is the runtime's integer arithmetic: the logits LibTorch computes for a
// quantized model equal, bit for bit, what the trit runtime computes on the exported file.
#include "train/qat_graph.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "core/error.h"
#include "format/model_file.h"
#include "quant/calibration.h"
#include "quant/compress.h"
#include "quant/fold.h"
#include "quant/graph_edit.h"
#include "runtime/session.h"
#include "train/deepchip_preset.h"
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

// `tolerance` > 0 where the graph keeps fp32 layers: LibTorch and the runtime sum floats in
// different orders (the integer layers still have to agree exactly: a one-step difference
// there moves the logits by far more).
void ExpectBitExact(QatGraph& module, const torch::Tensor& input, const std::string& what,
                    float tolerance = 0.0f) {
  module.eval();
  torch::Tensor logits;
  {
    torch::NoGradGuard no_grad;
    logits = module.forward(input).contiguous();
  }
  const torch::Tensor expected = RunExported(module.ExportGraph(), input);
  ASSERT_EQ(logits.sizes(), expected.sizes()) << what;
  EXPECT_TRUE(tolerance > 0 ? torch::allclose(logits, expected, 0.0, tolerance)
                            : torch::equal(logits, expected))
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
      // Binary activations (Binarize), into binary and ternary layers.
      {"bnn", quant::WeightType::kBinary, true, quant::ActivationMode::kUint8},
      {"bnn", quant::WeightType::kTernary, false, quant::ActivationMode::kInt8},
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

// A Sub of two layers' outputs, which the quantizer runs on 8 bits: QAT (the runtime's integers
// op by op) keeps it float, and the forward pass is still the exported model's.
TEST(QatGraph, KeepsASubOfTwoLayersFloat) {
  zoo::GraphBuilder b(7);
  const ValueId x = b.Flatten(b.Input({1, 4, 4, 2}));
  const ValueId difference = b.Add(b.Dense(x, 6), b.Dense(x, 6));
  Graph g = b.Finish(b.Dense(b.Relu(difference), 3));
  for (Node& node : g.nodes()) {
    if (node.op == OpType::kAdd) node.op = OpType::kSub;
  }
  torch::manual_seed(4);
  const Graph folded = quant::FoldForInference(g);
  const Case c{"", quant::WeightType::kInt8, true, quant::ActivationMode::kInt8};
  QatGraph module(folded, MakePlan(folded, c, torch::rand({4, 4, 4, 2})), QatOptions{});
  int float_subs = 0;
  const Graph exported = module.ExportGraph();
  for (const Node& node : exported.nodes()) {
    float_subs += node.op == OpType::kSub && exported.value(node.outputs[0]).dtype == DType::kF32;
  }
  EXPECT_EQ(float_subs, 1);
  ExpectBitExact(module, torch::rand({4, 4, 4, 2}), "sub", 1e-5f);
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

// Block pruning: whole 16 x 4 blocks at one tap (in the exported OHWI / [Cout, K] layout)
// reach each layer's target.
TEST(QatGraph, BlockPruneTargets) {
  torch::manual_seed(4);
  zoo::GraphBuilder b(5);
  ValueId x = b.Input({1, 6, 6, 18});
  x = b.Relu(b.Conv(x, 33, 3, 1, {1, 1, 1, 1}, true));
  const Graph folded = quant::FoldForInference(b.Finish(b.Dense(b.Flatten(x), 20)));
  const torch::Tensor calib = torch::rand({4, 6, 6, 18});
  const Case c{"", quant::WeightType::kInt8, true, quant::ActivationMode::kInt8};
  QatOptions options;
  std::map<std::string, double> targets;
  for (const Node& node : folded.nodes()) {
    if (node.op == OpType::kConv2D) targets[node.name] = 0.5;
    if (node.op == OpType::kDense) targets[node.name] = 0.75;
  }
  options.prune = targets;
  options.prune_end = 0.5;
  options.prune_blocks = true;
  QatGraph module(folded, MakePlan(folded, c, calib), options);
  for (const double progress : {0.0, 0.2, 0.4, 0.6}) module.BeginStep(progress);
  const Graph exported = module.ExportGraph();
  int checked = 0;
  for (const Node& node : exported.nodes()) {
    if (!targets.count(node.name)) continue;
    const Value& wv = exported.value(node.inputs[1]);
    const std::vector<float> w = quant::WeightValues(wv);
    const int64_t channels = wv.shape.front(), depth = wv.shape.back();
    const int64_t taps = static_cast<int64_t>(w.size()) / (channels * depth);
    int64_t blocks = 0, zero_blocks = 0;
    for (int64_t c0 = 0; c0 < channels; c0 += 16) {
      for (int64_t tap = 0; tap < taps; ++tap) {
        for (int64_t k0 = 0; k0 < depth; k0 += 4) {
          bool zero = true;
          for (int64_t ch = c0; ch < std::min(channels, c0 + 16); ++ch) {
            for (int64_t k = k0; k < std::min(depth, k0 + 4); ++k)
              zero &= w[static_cast<size_t>((ch * taps + tap) * depth + k)] == 0.0f;
          }
          ++blocks;
          zero_blocks += zero;
        }
      }
    }
    const int64_t target = std::llround(targets[node.name] * static_cast<double>(blocks));
    EXPECT_GE(zero_blocks, target) << node.name;
    EXPECT_LE(zero_blocks, target + 1) << node.name;  // quantization may zero one more
    ++checked;
  }
  EXPECT_EQ(checked, 2);
}

// A small network for the DeepChip preset: fp32 conv, two conv + BatchNorm + ReLU (the second
// with a negative gamma in one channel), fp32 dense. No padding, so that LibTorch's convolution
// sees the same tensors in QatGraph and in the hand-written reference below.
Graph DeepChipTestGraph() {
  zoo::GraphBuilder b(11);
  ValueId x = b.Input({1, 8, 8, 2});
  x = b.Relu(b.Conv(x, 3, 3, 1, {0, 0, 0, 0}, true));
  x = b.Relu(b.BatchNorm(b.Conv(x, 4, 3, 1, {0, 0, 0, 0}, false)));
  x = b.Relu(b.BatchNorm(b.Conv(x, 5, 3, 1, {0, 0, 0, 0}, true)));
  Graph g = b.Finish(b.Dense(b.Flatten(x), 3));
  for (Node& node : g.nodes()) {
    if (node.op == OpType::kBatchNorm && g.value(node.inputs[1]).shape[0] == 5) {
      std::vector<float> gamma = quant::FloatData(g.value(node.inputs[1]));
      gamma[2] = -gamma[2];
      quant::SetFloatData(g.value(node.inputs[1]), gamma);
    }
  }
  return g;
}

struct DeepChipSetup {
  Graph folded;
  quant::FoldReport fold;
  quant::QuantPlan plan;
  QatOptions options;
};

DeepChipSetup MakeDeepChipSetup() {
  DeepChipSetup s;
  s.folded = quant::FoldForInference(DeepChipTestGraph(), &s.fold);
  const torch::Tensor calib = torch::rand({8, 8, 8, 2});
  s.plan = MakePlan(s.folded,
                    {"", quant::WeightType::kTernary, false, quant::ActivationMode::kUint8}, calib);
  ApplyDeepChipPreset(s.folded, s.fold, s.plan, s.options);
  return s;
}

torch::Tensor Named(const torch::OrderedDict<std::string, torch::Tensor>& dict,
                    const std::string& name) {
  const torch::Tensor* t = dict.find(name);
  EXPECT_NE(t, nullptr) << name;
  return t ? *t : torch::Tensor();
}

// The preset's export is BatchNorm folded into per-layer ternary weights: exported / g is
// {+Wp, 0, -Wn} by the layer's own threshold, the codes flipped where gamma < 0; the integer
// forward pass stays the runtime's before and after training with batch statistics.
TEST(DeepChipPreset, FoldsLiveBatchNormIntoTernaryAtExport) {
  torch::manual_seed(3);
  DeepChipSetup s = MakeDeepChipSetup();
  ASSERT_EQ(s.options.batch_norms.size(), 2u);
  QatGraph module(s.folded, s.plan, s.options);
  const torch::Tensor x = torch::rand({16, 8, 8, 2});
  ExpectBitExact(module, x, "at the start", 1e-5f);

  const Graph exported = module.ExportGraph();
  const std::vector<NodeId> layers = quant::LinearLayers(s.folded);
  ASSERT_EQ(layers.size(), 4u);
  std::map<std::string, DType> weight_types;
  for (const Node& node : exported.nodes()) {
    if (node.op == OpType::kConv2D || node.op == OpType::kDense) {
      weight_types[node.name] = exported.value(node.inputs[1]).dtype;
    }
  }
  EXPECT_EQ(weight_types.at(s.folded.node(layers[0]).name), DType::kF32);
  EXPECT_EQ(weight_types.at(s.folded.node(layers[1]).name), DType::kTernary);
  EXPECT_EQ(weight_types.at(s.folded.node(layers[3]).name), DType::kF32);
  const std::string last_conv = s.folded.node(layers[2]).name;
  const std::vector<float> gain = s.fold.batch_norms.at(last_conv).Gains();
  ASSERT_LT(gain[2], 0.0f);
  std::vector<float> folded_w, exported_w;
  for (const Node& node : s.folded.nodes()) {
    if (node.name == last_conv) folded_w = quant::FloatData(s.folded.value(node.inputs[1]));
  }
  for (const Node& node : exported.nodes()) {
    if (node.name == last_conv) exported_w = quant::WeightValues(exported.value(node.inputs[1]));
  }
  ASSERT_EQ(folded_w.size(), exported_w.size());
  const size_t per_channel = folded_w.size() / gain.size();
  float max = 0.0f;
  for (size_t i = 0; i < folded_w.size(); ++i) {
    max = std::max(max, std::fabs(folded_w[i] / gain[i / per_channel]));
  }
  int64_t positives = 0, negatives = 0;
  for (size_t i = 0; i < folded_w.size(); ++i) {
    const float raw = folded_w[i] / gain[i / per_channel];
    const float t = exported_w[i] / gain[i / per_channel];  // Wp = Wn = 1 at the start
    const float expected = raw > 0.05f * max ? 1.0f : (raw < -0.05f * max ? -1.0f : 0.0f);
    EXPECT_NEAR(t, expected, 1e-5f) << i;
    positives += expected > 0;
    negatives += expected < 0;
  }
  EXPECT_GT(positives, 0);
  EXPECT_GT(negatives, 0);

  // Training moves the running statistics; evaluation folds them and stays exact.
  const auto buffers = module.named_buffers();
  const torch::Tensor mean_before = buffers.find(buffers.keys()[0])->clone();
  torch::optim::Adam adam(module.parameters(), torch::optim::AdamOptions(1e-2));
  const torch::Tensor y = torch::randint(0, 3, {16}, torch::kLong);
  module.train();
  double first_loss = 0, last_loss = 0;
  for (int step = 0; step < 30; ++step) {
    module.BeginStep(step / 29.0);
    adam.zero_grad();
    const torch::Tensor loss = torch::nn::functional::cross_entropy(module.forward(x), y);
    loss.backward();
    adam.step();
    (step == 0 ? first_loss : last_loss) = loss.item<double>();
  }
  EXPECT_LT(last_loss, first_loss);
  bool moved = false;
  for (const auto& item : module.named_buffers()) {
    if (item.key().rfind("bn_mean", 0) == 0) moved |= !torch::equal(item.value(), mean_before);
  }
  EXPECT_TRUE(moved);
  ExpectBitExact(module, x, "after training with batch statistics", 1e-5f);
}

// In training, a layer with live BatchNorm computes DeepChip's graph: the input quantized to
// u8 steps of 1/255, conv with {-Wn, 0, +Wp} by the threshold 0.05 max|w| plus bias,
// BatchNorm on the batch's statistics, clipped to [0, 1] and rounded to 1/255. The gradients
// are TTQ's: Wp gets the sum over its weights, Wn minus the sum over its weights, and each
// latent weight the gradient of its ternary value times Wp, 1 or Wn.
TEST(DeepChipPreset, TrainingForwardAndGradientsAreTtqWithBatchStatistics) {
  torch::manual_seed(4);
  DeepChipSetup s = MakeDeepChipSetup();
  QatGraph module(s.folded, s.plan, s.options);
  const auto params = module.named_parameters();
  const auto buffers = module.named_buffers();
  // Give Wp and Wn distinct trained values.
  std::vector<std::string> wp_names, wn_names, w_names, b_names;
  for (const auto& item : params) {
    const std::string& key = item.key();
    if (key.rfind("wp", 0) == 0) wp_names.push_back(key);
    if (key.rfind("wn", 0) == 0) wn_names.push_back(key);
  }
  ASSERT_EQ(wp_names.size(), 2u);
  ASSERT_EQ(wn_names.size(), 2u);
  {
    torch::NoGradGuard no_grad;
    Named(params, wp_names[0]).fill_(1.3);
    Named(params, wn_names[0]).fill_(0.7);
    Named(params, wp_names[1]).fill_(0.9);
    Named(params, wn_names[1]).fill_(1.6);
  }
  std::vector<std::string> ids;
  for (const std::string& name : wp_names) ids.push_back(name.substr(2));

  // The reference, from the module's own tensors (running statistics copied first).
  const torch::Tensor x = torch::rand({6, 8, 8, 2});
  const std::vector<NodeId> layers = quant::LinearLayers(s.folded);
  auto constant = [&](size_t layer, size_t input) {
    const Value& v = s.folded.value(s.folded.node(layers[layer]).inputs[input]);
    torch::Tensor t = torch::from_blob(quant::FloatData(v).data(),
                                       std::vector<int64_t>(v.shape.begin(), v.shape.end()))
                          .clone();
    return v.shape.size() == 4 ? t.permute({0, 3, 1, 2}).contiguous() : t;
  };
  auto round_to_u8 = [](const torch::Tensor& t) {  // clip to [0, 1], steps of 1/255
    return torch::clamp(torch::round(t / (1.0f / 255.0f)), 0, 255) * (1.0f / 255.0f);
  };
  torch::Tensor h =
      torch::relu(torch::conv2d(x.permute({0, 3, 1, 2}), constant(0, 1), constant(0, 2)));
  h = round_to_u8(h);
  std::vector<torch::Tensor> ternary_leaves, positives, negatives;
  for (size_t i = 0; i < 2; ++i) {
    const torch::Tensor w = Named(params, "w" + ids[i]).detach();
    const float threshold = 0.05f * w.abs().max().item<float>();
    const torch::Tensor pos = w.gt(threshold).to(torch::kFloat32);
    const torch::Tensor neg = w.lt(-threshold).to(torch::kFloat32);
    const float wp = Named(params, "wp" + ids[i]).item<float>();
    const float wn = Named(params, "wn" + ids[i]).item<float>();
    torch::Tensor leaf = (wp * pos - wn * neg).requires_grad_();
    ternary_leaves.push_back(leaf);
    positives.push_back(pos);
    negatives.push_back(neg);
    torch::Tensor z = torch::conv2d(h, leaf);
    const torch::Tensor* bias = params.find("b" + ids[i]);
    if (bias) z = z + bias->detach().view({1, -1, 1, 1});
    z = torch::batch_norm(z, Named(params, "bn_gamma" + ids[i]).detach(),
                          Named(params, "bn_beta" + ids[i]).detach(),
                          Named(buffers, "bn_mean" + ids[i]).clone(),
                          Named(buffers, "bn_var" + ids[i]).clone(), true, 0.1, 1e-5, false);
    // Clipping and rounding with the straight-through estimator.
    const torch::Tensor clipped = torch::clamp(z, 0, 1);
    h = clipped + (round_to_u8(clipped) - clipped).detach();
  }
  const torch::Tensor flat = h.permute({0, 2, 3, 1}).reshape({h.size(0), -1});
  const torch::Tensor expected = torch::linear(flat, constant(3, 1), constant(3, 2));
  const torch::Tensor coefficients = torch::randn({6, 3});
  (expected * coefficients).sum().backward();

  module.train();
  const torch::Tensor logits = module.forward(x);
  EXPECT_TRUE(torch::allclose(logits, expected, 1e-4, 1e-5))
      << "max abs difference " << (logits - expected).abs().max().item<float>();
  (logits * coefficients).sum().backward();
  for (size_t i = 0; i < 2; ++i) {
    const torch::Tensor g = ternary_leaves[i].grad();
    const float wp = Named(params, "wp" + ids[i]).item<float>();
    const float wn = Named(params, "wn" + ids[i]).item<float>();
    const torch::Tensor pos = positives[i], neg = negatives[i];
    const torch::Tensor expected_w = g * (wp * pos + (1 - pos - neg) + wn * neg);
    EXPECT_TRUE(torch::allclose(Named(params, "w" + ids[i]).grad(), expected_w, 1e-3, 1e-6))
        << "layer " << i;
    EXPECT_NEAR(Named(params, "wp" + ids[i]).grad().item<float>(), (g * pos).sum().item<float>(),
                1e-4);
    EXPECT_NEAR(Named(params, "wn" + ids[i]).grad().item<float>(), -(g * neg).sum().item<float>(),
                1e-4);
  }
}

TEST(DeepChipPreset, NeedsThreeLayers) {
  zoo::GraphBuilder b(12);
  ValueId x = b.Input({1, 4, 4, 1});
  x = b.Relu(b.Conv(x, 2, 3, 1, {0, 0, 0, 0}, true));
  const Graph folded = quant::FoldForInference(b.Finish(b.Dense(b.Flatten(x), 2)));
  quant::QuantPlan plan;
  QatOptions options;
  EXPECT_THROW(ApplyDeepChipPreset(folded, quant::FoldReport{}, plan, options), Error);
}

}  // namespace
}  // namespace trit::train
