#include "quant/channel_prune.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/error.h"
#include "quant/fold.h"
#include "quant/graph_edit.h"
#include "test_util.h"
#include "zoo/graph_builder.h"
#include "zoo/zoo.h"

namespace trit::quant {
namespace {

using testing::RandomInputs;
using testing::RunOnce;

const Node& NodeNamed(const Graph& g, const std::string& name) {
  for (const Node& node : g.nodes()) {
    if (node.name == name) return node;
  }
  throw std::runtime_error("no node " + name);
}

// Zeroes, in the layer after `pruned`, the weights that read the removed channels: the function
// a correct channel pruning must reproduce exactly.
void ZeroReadsOfRemovedChannels(Graph& g, const std::string& next, const PrunedChannels& pruned) {
  Value& w = g.value(NodeNamed(g, next).inputs[1]);
  std::vector<float> data = FloatData(w);
  const int64_t last = w.shape.back();
  for (size_t i = 0; i < data.size(); ++i) {
    const int64_t channel =
        static_cast<int64_t>(i % static_cast<size_t>(last)) % pruned.channels_before;
    if (!std::binary_search(pruned.kept.begin(), pruned.kept.end(), channel)) data[i] = 0.0f;
  }
  SetFloatData(w, data);
}

int64_t Parameters(const Graph& g) {
  int64_t total = 0;
  for (const Node& node : g.nodes()) total += ComputeNodeCost(g, node).parameters;
  return total;
}

TEST(ChannelPrune, KeepsTheFunctionOfTheUnprunedChannels) {
  zoo::GraphBuilder b(7);
  ValueId x = b.Input({1, 12, 12, 3});
  x = b.MaxPool(b.Relu(b.BatchNorm(b.Conv(x, 8, 3, 1, {1, 1, 1, 1}, true))), 2, 2);
  x = b.Relu(b.Conv(b.Pad(x, {0, 1, 1, 0, 0, 1, 1, 0}), 6, 3, 1, {0, 0, 0, 0}, true));
  x = b.Relu(b.Dense(b.Flatten(x), 5));
  const Graph original = b.Finish(b.Dense(x, 4));
  std::vector<std::string> layers;
  for (const Node& node : original.nodes()) {
    if (node.op == OpType::kConv2D || node.op == OpType::kDense) layers.push_back(node.name);
  }
  ASSERT_EQ(layers.size(), 4u);

  Graph pruned = original;
  const std::vector<PrunedChannels> result = PruneChannels(pruned, 0.5);
  // The classifier feeds the graph output: it keeps every class.
  ASSERT_EQ(result.size(), 3u);
  Graph reference = original;
  for (size_t i = 0; i < result.size(); ++i) {
    EXPECT_EQ(result[i].node, layers[i]);
    EXPECT_EQ(result[i].kept.size(),
              static_cast<size_t>(result[i].channels_before - result[i].channels_before / 2));
    ZeroReadsOfRemovedChannels(reference, layers[i + 1], result[i]);
  }
  EXPECT_EQ(pruned.value(NodeNamed(pruned, layers[0]).inputs[1]).shape, (Shape{4, 3, 3, 3}));
  EXPECT_EQ(pruned.value(NodeNamed(pruned, layers[1]).inputs[1]).shape, (Shape{3, 3, 3, 4}));
  EXPECT_EQ(pruned.value(NodeNamed(pruned, layers[2]).inputs[1]).shape, (Shape{3, 6 * 6 * 3}));
  EXPECT_EQ(pruned.value(NodeNamed(pruned, layers[3]).inputs[1]).shape, (Shape{4, 3}));
  EXPECT_LT(Parameters(pruned), Parameters(original) / 2);

  for (uint32_t seed = 0; seed < 5; ++seed) {
    const std::vector<float> in = RandomInputs(original, 1, 100 + seed);
    const std::vector<float> expected = RunOnce(reference, in.data());
    const std::vector<float> actual = RunOnce(pruned, in.data());
    ASSERT_EQ(expected.size(), actual.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_NEAR(actual[i], expected[i], 1e-5f * (1.0f + std::fabs(expected[i]))) << i;
    }
  }
}

TEST(ChannelPrune, RemovesTheWeakestChannels) {
  zoo::GraphBuilder b(3);
  const ValueId x = b.Conv(b.Input({1, 4, 4, 2}), 4, 1, 1, {0, 0, 0, 0}, false);
  Graph g = b.Finish(b.Dense(b.Flatten(x), 3));
  Value& w = g.value(g.nodes()[0].inputs[1]);
  SetFloatData(w, {0.1f, 0.1f, -3.0f, 1.0f, 0.0f, 0.2f, 2.0f, 2.0f});
  const std::vector<PrunedChannels> result = PruneChannels(g, 0.5);
  ASSERT_EQ(result.size(), 1u);
  EXPECT_EQ(result[0].kept, (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(FloatData(g.value(g.nodes()[0].inputs[1])),
            (std::vector<float>{-3.0f, 1.0f, 2.0f, 2.0f}));
}

TEST(ChannelPrune, LeavesBranchesAlone) {
  zoo::GraphBuilder b(4);
  const ValueId in = b.Input({1, 6, 6, 4});
  const ValueId a = b.Relu(b.Conv(in, 4, 3, 1, {1, 1, 1, 1}, true));
  const ValueId sum = b.Add(a, in);  // a residual: both sides must keep 4 channels
  Graph g = b.Finish(b.Dense(b.Flatten(sum), 3));
  const Graph before = g;
  EXPECT_TRUE(PruneChannels(g, 0.5).empty());
  EXPECT_EQ(Parameters(g), Parameters(before));
}

TEST(ChannelPrune, ConvNetShrinksAndStillRuns) {
  Graph g = FoldForInference(zoo::BuildZooModel("convnet"));
  const int64_t before = Parameters(g);
  const std::vector<PrunedChannels> result = PruneChannels(g, 0.25);
  EXPECT_FALSE(result.empty());
  EXPECT_LT(Parameters(g), before);
  const std::vector<float> in = RandomInputs(g, 1, 5);
  EXPECT_EQ(RunOnce(g, in.data()).size(), 10u);
}

TEST(ChannelPrune, RejectsBadFractions) {
  Graph g = zoo::BuildZooModel("lenet5");
  EXPECT_THROW(PruneChannels(g, 1.0), Error);
  EXPECT_THROW(PruneChannels(g, -0.1), Error);
}

}  // namespace
}  // namespace trit::quant
