#include "quant/fold.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/recurrent_layout.h"
#include "test_util.h"
#include "zoo/graph_builder.h"
#include "zoo/zoo.h"

namespace trit::quant {
namespace {

using testing::CountOps;

TEST(Fold, ConvNetFoldsEveryBatchNormAndReluAndKeepsTheFunction) {
  const Graph fp32 = zoo::BuildZooModel("convnet");
  FoldReport report;
  const Graph folded = FoldForInference(fp32, &report);
  // ConvNet: 6 conv+BN pairs; 7 ReLUs, two of them behind a MaxPool; one Dropout.
  EXPECT_EQ(report.batch_norms_folded, 6);
  EXPECT_EQ(report.activations_fused, 7);
  EXPECT_EQ(report.dropouts_removed, 1);
  EXPECT_EQ(CountOps(folded, OpType::kBatchNorm), 0);
  EXPECT_EQ(CountOps(folded, OpType::kRelu), 0);
  EXPECT_EQ(CountOps(folded, OpType::kDropout), 0);
  for (uint32_t seed = 1; seed <= 3; ++seed) {
    const std::vector<float> x = testing::RandomInputs(fp32, 1, seed);
    EXPECT_LT(testing::RelativeError(testing::RunOnce(fp32, x.data()),
                                     testing::RunOnce(folded, x.data())),
              1e-5);
  }
}

// Mish as exporters below ONNX opset 18 write it: Mul(x, Tanh(Softplus(x))) in either order
// becomes one Mish; a Tanh that something else also reads stays, and so does its Softplus.
TEST(Fold, MulByTanhOfSoftplusOfItselfBecomesOneMish) {
  Graph g;
  const ValueId x = g.AddInput("x", DType::kF32, {1, 4, 4, 8});
  const ValueId sp1 = g.AddNode(OpType::kSoftplus, "sp1", {x});
  const ValueId t1 = g.AddNode(OpType::kTanh, "t1", {sp1});
  const ValueId mish_a = g.AddNode(OpType::kMul, "mish_a", {x, t1});  // fuses
  const ValueId sp2 = g.AddNode(OpType::kSoftplus, "sp2", {mish_a});
  const ValueId t2 = g.AddNode(OpType::kTanh, "t2", {sp2});
  const ValueId mish_b = g.AddNode(OpType::kMul, "mish_b", {t2, mish_a});  // fuses, other order
  const ValueId sp3 = g.AddNode(OpType::kSoftplus, "sp3", {mish_b});
  const ValueId t3 = g.AddNode(OpType::kTanh, "t3", {sp3});
  const ValueId kept = g.AddNode(OpType::kMul, "kept", {mish_b, t3});  // t3 is also an output
  g.MarkOutput(kept);
  g.MarkOutput(t3);
  g.InferShapes();
  FoldReport report;
  const Graph folded = FoldForInference(g, &report);
  EXPECT_EQ(report.mishes_fused, 2);
  EXPECT_EQ(CountOps(folded, OpType::kMish), 2);
  EXPECT_EQ(CountOps(folded, OpType::kSoftplus), 1);
  EXPECT_EQ(CountOps(folded, OpType::kTanh), 1);
  EXPECT_NE(FoldSummary(report).find("fused 2 Mish"), std::string::npos) << FoldSummary(report);
  for (uint32_t seed = 1; seed <= 3; ++seed) {
    const std::vector<float> input = testing::RandomInputs(g, 1, seed);
    EXPECT_LT(testing::RelativeError(testing::RunOnce(g, input.data()),
                                     testing::RunOnce(folded, input.data())),
              1e-6);
  }
}

TEST(Fold, PreActivationResNetFoldsOnlyWhatFollowsAConv) {
  const Graph fp32 = zoo::BuildZooModel("resnet20");
  FoldReport report;
  const Graph folded = FoldForInference(fp32, &report);
  // Pre-activation blocks: BN-ReLU-conv-BN-ReLU-conv + shortcut. Only the BN right after a
  // block's first conv follows a conv (9 blocks); the BNs after an Add stay (the Add's output is
  // also the shortcut), each with the ReLU after it fused in.
  EXPECT_EQ(report.batch_norms_folded, 9);
  EXPECT_EQ(CountOps(folded, OpType::kBatchNorm), CountOps(fp32, OpType::kBatchNorm) - 9);
  EXPECT_EQ(CountOps(folded, OpType::kRelu), 0);
  for (const Node& node : folded.nodes()) {
    if (node.op == OpType::kBatchNorm) {
      EXPECT_EQ(node.attrs.GetString("activation", ""), "relu");
    }
  }
  const std::vector<float> x = testing::RandomInputs(fp32, 1, 9);
  EXPECT_LT(
      testing::RelativeError(testing::RunOnce(fp32, x.data()), testing::RunOnce(folded, x.data())),
      1e-5);
}

// A residual block's Add + ReLU, an Add + ReLU6 behind a MaxPool, and a BatchNorm + ReLU that
// follows no layer each become one op with the activation fused: bit for bit the same function.
// A ReLU whose input something else also reads stays. Folding again changes nothing: the
// fused Add is no constant shift to fold into a layer.
TEST(Fold, ReluAfterAddOrBatchNormIsFusedIntoIt) {
  Graph g;
  std::mt19937 rng(5);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  auto constant = [&](const std::string& name, const Shape& shape, float offset = 0.0f) {
    std::vector<float> v(static_cast<size_t>(NumElements(shape)));
    for (float& f : v) f = normal(rng) * 0.5f + offset;
    return g.AddConstant(name, DType::kF32, shape, Buffer::FromVector(v));
  };
  const ValueId x = g.AddInput("x", DType::kF32, {1, 6, 6, 8});
  const ValueId skip = g.AddNode(OpType::kAdd, "shift", {x, constant("c", {8})});
  const ValueId sum = g.AddNode(OpType::kAdd, "sum", {skip, x});
  const ValueId relu = g.AddNode(OpType::kRelu, "relu", {sum});  // fuses into "sum"
  Attributes pool_attrs;
  pool_attrs.Set("kernel", std::vector<int64_t>{3, 3});
  pool_attrs.Set("strides", std::vector<int64_t>{1, 1});
  pool_attrs.Set("pads", std::vector<int64_t>{1, 1, 1, 1});
  const ValueId sum2 = g.AddNode(OpType::kAdd, "sum2", {relu, skip});
  const ValueId pooled = g.AddNode(OpType::kMaxPool, "pool", {sum2}, pool_attrs);
  Attributes clip_attrs;
  clip_attrs.Set("min", 0.0f);
  clip_attrs.Set("max", 6.0f);
  const ValueId relu6 = g.AddNode(OpType::kClip, "relu6", {pooled}, clip_attrs);  // into "sum2"
  const ValueId bn = g.AddNode(OpType::kBatchNorm, "bn",
                               {relu6, constant("gamma", {8}), constant("beta", {8}),
                                constant("mean", {8}), constant("var", {8}, 2.0f)});
  const ValueId bn_relu = g.AddNode(OpType::kRelu, "bn_relu", {bn});  // into "bn"
  const ValueId kept = g.AddNode(OpType::kRelu, "kept", {skip});      // "skip" has 3 readers
  g.MarkOutput(g.AddNode(OpType::kAdd, "out", {bn_relu, kept}));
  g.InferShapes();
  FoldReport report;
  const Graph folded = FoldForInference(g, &report);
  EXPECT_EQ(report.activations_fused, 3);
  EXPECT_EQ(CountOps(folded, OpType::kRelu), 1);
  EXPECT_EQ(CountOps(folded, OpType::kClip), 0);
  for (const Node& node : folded.nodes()) {
    const std::string activation = node.attrs.GetString("activation", "none");
    const std::string want = node.name == "sum" || node.name == "bn" ? "relu"
                             : node.name == "sum2"                   ? "relu6"
                                                                     : "none";
    EXPECT_EQ(activation, want) << node.name;
  }
  const Graph refolded = FoldForInference(folded);
  EXPECT_EQ(refolded.nodes().size(), folded.nodes().size());
  for (uint32_t seed = 1; seed <= 3; ++seed) {
    const std::vector<float> input = testing::RandomInputs(g, 1, seed);
    const std::vector<float> want = testing::RunOnce(g, input.data());
    EXPECT_EQ(testing::RunOnce(folded, input.data()), want);
    EXPECT_EQ(testing::RunOnce(refolded, input.data()), want);
  }
}

// SiLU as exporters write it: Mul(x, Sigmoid(x)) in either order becomes one Silu node with the
// Mul's output. Not when the Sigmoid is read elsewhere (a graph output here), when the Mul's
// other input is not the Sigmoid's input (a squeeze-and-excitation gate), or when the Sigmoid
// reads something else. The function stays the same.
TEST(Fold, MulBySigmoidOfItselfBecomesOneSilu) {
  Graph g;
  const ValueId x = g.AddInput("x", DType::kF32, {1, 4, 4, 8});
  const ValueId y = g.AddInput("y", DType::kF32, {1, 1, 1, 8});
  const ValueId s1 = g.AddNode(OpType::kSigmoid, "s1", {x});
  const ValueId silu_a = g.AddNode(OpType::kMul, "silu_a", {x, s1});  // fuses
  const ValueId s2 = g.AddNode(OpType::kSigmoid, "s2", {silu_a});
  const ValueId silu_b = g.AddNode(OpType::kMul, "silu_b", {s2, silu_a});  // fuses, other order
  const ValueId s3 = g.AddNode(OpType::kSigmoid, "s3", {y});
  const ValueId gate = g.AddNode(OpType::kMul, "gate", {silu_b, s3});  // a gate: stays
  const ValueId s4 = g.AddNode(OpType::kSigmoid, "s4", {gate});
  const ValueId kept = g.AddNode(OpType::kMul, "kept", {gate, s4});  // s4 is an output: stays
  g.MarkOutput(kept);
  g.MarkOutput(s4);
  FoldReport report;
  const Graph folded = FoldForInference(g, &report);
  EXPECT_EQ(report.silus_fused, 2);
  EXPECT_EQ(CountOps(folded, OpType::kSilu), 2);
  EXPECT_EQ(CountOps(folded, OpType::kSigmoid), 2);
  EXPECT_EQ(CountOps(folded, OpType::kMul), 2);
  for (const Node& node : folded.nodes()) {
    if (node.op != OpType::kSilu) continue;
    EXPECT_TRUE(node.name == "silu_a" || node.name == "silu_b") << node.name;
    ASSERT_EQ(node.inputs.size(), 1u);
  }
  EXPECT_NE(FoldSummary(report).find("fused 2 SiLU"), std::string::npos) << FoldSummary(report);
  auto fused = runtime::Session::FromGraph(folded);
  auto unfused = runtime::Session::FromGraph(g);
  for (uint32_t seed = 1; seed <= 3; ++seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(-6.0f, 6.0f);
    for (size_t input = 0; input < 2; ++input) {
      std::vector<float> v(fused->input_bytes(input) / sizeof(float));
      for (float& e : v) e = u(rng);
      std::memcpy(fused->input_data(input), v.data(), fused->input_bytes(input));
      std::memcpy(unfused->input_data(input), v.data(), unfused->input_bytes(input));
    }
    fused->Run();
    unfused->Run();
    for (size_t output = 0; output < 2; ++output) {
      std::vector<float> a(fused->output_bytes(output) / sizeof(float)), b(a.size());
      std::memcpy(a.data(), fused->output_data(output), fused->output_bytes(output));
      std::memcpy(b.data(), unfused->output_data(output), unfused->output_bytes(output));
      EXPECT_LT(testing::RelativeError(a, b), 1e-6) << "output " << output;
    }
  }
}

// PyTorch exports hardswish as Mul(x, HardSigmoid(x)) with alpha 1/6 and beta 1/2: one
// HardSwish. A HardSigmoid with other parameters is a different function and stays.
TEST(Fold, MulByHardSigmoidOfItselfBecomesOneHardSwish) {
  Graph g;
  const ValueId x = g.AddInput("x", DType::kF32, {2, 3, 5});
  Attributes sixth, other;
  sixth.Set("alpha", 1.0f / 6.0f);
  sixth.Set("beta", 0.5f);
  other.Set("alpha", 0.2f);
  other.Set("beta", 0.5f);
  const ValueId h1 = g.AddNode(OpType::kHardSigmoid, "h1", {x}, sixth);
  const ValueId swish = g.AddNode(OpType::kMul, "swish", {h1, x});
  const ValueId h2 = g.AddNode(OpType::kHardSigmoid, "h2", {swish}, other);
  g.MarkOutput(g.AddNode(OpType::kMul, "not_swish", {swish, h2}));
  FoldReport report;
  const Graph folded = FoldForInference(g, &report);
  EXPECT_EQ(report.hard_swishes_fused, 1);
  EXPECT_EQ(report.silus_fused, 0);
  EXPECT_EQ(CountOps(folded, OpType::kHardSwish), 1);
  EXPECT_EQ(CountOps(folded, OpType::kHardSigmoid), 1);
  EXPECT_NE(FoldSummary(report).find("fused 1 hard-swish"), std::string::npos);
  std::vector<float> in(30);
  for (size_t i = 0; i < in.size(); ++i) in[i] = -7.0f + 0.5f * static_cast<float>(i);
  EXPECT_LT(
      testing::RelativeError(testing::RunOnce(g, in.data()), testing::RunOnce(folded, in.data())),
      1e-6);
}

// A ReduceMean over H and W of an NHWC tensor becomes a GlobalAvgPool (and a Reshape for
// keepdims 0; negative axes too); one over the channels stays. The outputs are the same.
TEST(Fold, SpatialReduceMeanBecomesGlobalAvgPool) {
  for (const int64_t keepdims : {int64_t{0}, int64_t{1}}) {
    Graph g;
    const ValueId x = g.AddInput("x", DType::kF32, {2, 3, 4, 5});
    Attributes spatial, channels;
    spatial.Set("axes", keepdims ? std::vector<int64_t>{-2, 1} : std::vector<int64_t>{2, 1});
    spatial.Set("keepdims", keepdims);
    channels.Set("axes", std::vector<int64_t>{3});
    channels.Set("keepdims", int64_t{1});
    const ValueId pooled = g.AddNode(OpType::kReduceMean, "pool", {x}, spatial);
    g.MarkOutput(pooled);
    g.MarkOutput(g.AddNode(OpType::kReduceMean, "channel_mean", {x}, channels));
    g.InferShapes();
    FoldReport report;
    const Graph folded = FoldForInference(g, &report);
    EXPECT_EQ(report.reduce_means_pooled, 1);
    EXPECT_EQ(CountOps(folded, OpType::kGlobalAvgPool), 1);
    EXPECT_EQ(CountOps(folded, OpType::kReduceMean), 1);
    EXPECT_EQ(CountOps(folded, OpType::kReshape), keepdims ? 0 : 1);
    EXPECT_EQ(folded.value(folded.outputs()[0]).shape, g.value(g.outputs()[0]).shape);
    std::vector<float> in(120);
    for (size_t i = 0; i < in.size(); ++i) in[i] = std::sin(static_cast<float>(i));
    EXPECT_LT(
        testing::RelativeError(testing::RunOnce(g, in.data()), testing::RunOnce(folded, in.data())),
        1e-6);
  }
}

// A recurrent cell whose bias_u only ever adds to bias_w stores the sum and an empty bias_u:
// LSTM, FastRNN and GRU with linear_before_reset=0, in both directions. A GRU with
// linear_before_reset=1 (r multiplies its recurrent bias) and FastGRNN (two different biases)
// keep theirs, and the layout refuses an empty bias_u there.
TEST(Fold, RecurrentBiasPairsAddUpWhereThatIsExact) {
  struct Case {
    OpType cell;
    int linear_before_reset;
    bool folds;
  };
  for (const Case c :
       {Case{OpType::kLstm, 0, true}, Case{OpType::kFastRnn, 0, true}, Case{OpType::kGru, 0, true},
        Case{OpType::kGru, 1, false}, Case{OpType::kFastGrnn, 0, false}}) {
    zoo::GraphBuilder b(5);
    ValueId x = b.Input({2, 7, 5, 1});
    zoo::RecurrentSpec spec;
    spec.cell = c.cell;
    spec.hidden = 8;
    spec.direction = "bidirectional";
    spec.output_sequence = true;
    x = b.Recurrent(x, spec);
    Graph fp32 = b.Finish(x);
    Node* cell = nullptr;
    for (Node& node : fp32.nodes()) {
      if (IsRecurrentOp(node.op)) cell = &node;
    }
    ASSERT_NE(cell, nullptr);
    if (c.cell == OpType::kGru) {
      cell->attrs.Set("linear_before_reset", int64_t{c.linear_before_reset});
    }
    const std::string what =
        std::string(OpTypeName(c.cell)) + " lbr " + std::to_string(c.linear_before_reset);
    FoldReport report;
    const Graph folded = FoldForInference(fp32, &report);
    EXPECT_EQ(report.recurrent_bias_pairs_folded, c.folds ? 2 : 0) << what;
    for (const Node& node : folded.nodes()) {
      if (!IsRecurrentOp(node.op)) continue;
      for (const RecurrentDirectionSlots& d : ParseRecurrentLayout(folded, node).directions) {
        EXPECT_EQ(d.bias_u_folded, c.folds) << what;
        EXPECT_EQ(folded.value(node.inputs[d.bias_u]).shape,
                  c.folds ? Shape{0}
                          : Shape{8 * (c.cell == OpType::kLstm  ? 4
                                       : c.cell == OpType::kGru ? 3
                                                                : 1)})
            << what;
      }
    }
    const std::vector<float> in = testing::RandomInputs(fp32, 1, 3);
    EXPECT_LT(testing::RelativeError(testing::RunOnce(fp32, in.data()),
                                     testing::RunOnce(folded, in.data())),
              1e-5)
        << what;
    if (c.folds) continue;
    // An empty bias_u where the pair does not add up is a layout error naming it.
    Graph bad = fp32;
    for (Node& node : bad.nodes()) {
      if (!IsRecurrentOp(node.op)) continue;
      const size_t i = ParseRecurrentLayout(bad, node).directions[0].bias_u;
      node.inputs[i] = bad.AddConstant("empty_bias_u", DType::kF32, {0},
                                       Buffer::FromVector(std::vector<float>{}));
    }
    try {
      bad.InferShapes();
      ADD_FAILURE() << what << ": an empty bias_u was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("bias_u must have shape"), std::string::npos)
          << e.what();
    }
  }
}

// An ONNX LSTM whose Y and Y_h are both read imports as two cells on the same constants: both
// read one folded pair, under names that stay unique.
TEST(Fold, CellsSharingABiasPairShareItsSum) {
  zoo::GraphBuilder b(6);
  ValueId x = b.Input({2, 7, 5, 1});
  zoo::RecurrentSpec spec;
  spec.cell = OpType::kLstm;
  spec.hidden = 8;
  spec.output_sequence = true;
  x = b.Recurrent(x, spec);
  Graph fp32 = b.Finish(x);
  const Node sequence = fp32.nodes().back();
  Attributes last = sequence.attrs;
  last.Set("output_sequence", int64_t{0});
  fp32.MarkOutput(fp32.AddNode(OpType::kLstm, "lstm_last", sequence.inputs, last));
  fp32.InferShapes();
  FoldReport report;
  const Graph folded = FoldForInference(fp32, &report);
  folded.Validate();
  EXPECT_EQ(report.recurrent_bias_pairs_folded, 2);
  std::vector<std::pair<ValueId, ValueId>> pairs;
  for (const Node& node : folded.nodes()) {
    if (!IsRecurrentOp(node.op)) continue;
    const RecurrentDirectionSlots d = ParseRecurrentLayout(folded, node).directions[0];
    EXPECT_TRUE(d.bias_u_folded);
    pairs.emplace_back(node.inputs[d.bias_w], node.inputs[d.bias_u]);
  }
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[0], pairs[1]);
  std::set<std::string> names;
  for (const Value& v : folded.values()) {
    EXPECT_TRUE(names.insert(v.name).second) << v.name;
  }
  const std::vector<float> in = testing::RandomInputs(fp32, 1, 4);
  EXPECT_LT(testing::RelativeError(testing::RunOnce(fp32, in.data()),
                                   testing::RunOnce(folded, in.data())),
            1e-5);
}

}  // namespace
}  // namespace trit::quant
