// Block pruning (quant/prune.h): whole 16 x 4 blocks at one tap go, the least first, and the
// compressed layers then hold the zero blocks the AVX-512 block lists skip.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/error.h"
#include "format/model_file.h"
#include "kernels/q8_gemm_plan.h"
#include "quant/compress.h"
#include "quant/graph_edit.h"
#include "quant/prune.h"
#include "quant/quantize_graph.h"
#include "test_util.h"
#include "zoo/graph_builder.h"
#include "zoo/zoo.h"

namespace trit::quant {
namespace {

// The blocks of [channels][taps][depth] weights: (sum of squares, whether all zero) each.
struct Block {
  double magnitude = 0;
  bool zero = true;
};
std::vector<Block> Blocks(const std::vector<float>& w, int64_t channels, int64_t taps,
                          int64_t depth) {
  std::vector<Block> blocks;
  for (int64_t c0 = 0; c0 < channels; c0 += kPruneBlockChannels) {
    for (int64_t tap = 0; tap < taps; ++tap) {
      for (int64_t k0 = 0; k0 < depth; k0 += kPruneBlockDepth) {
        Block b;
        for (int64_t c = c0; c < std::min(channels, c0 + kPruneBlockChannels); ++c) {
          for (int64_t k = k0; k < std::min(depth, k0 + kPruneBlockDepth); ++k) {
            const float v = w[static_cast<size_t>((c * taps + tap) * depth + k)];
            b.magnitude += static_cast<double>(v) * v;
            b.zero &= v == 0.0f;
          }
        }
        blocks.push_back(b);
      }
    }
  }
  return blocks;
}

TEST(PruneBlocks, TheLeastBlocksGoWholeAtEveryEdge) {
  // Channels and depths off the block edges; a grouped convolution is pruned weight by weight.
  for (const auto& [out_c, in_c] : {std::pair{17, 6}, std::pair{32, 16}, std::pair{5, 3}}) {
    zoo::GraphBuilder b(1);
    ValueId x = b.Input({1, 6, 6, in_c});
    x = b.Conv(x, out_c, 3, 1, {1, 1, 1, 1}, true);
    x = b.DepthwiseConv(x, 3, 1, {1, 1, 1, 1});
    Graph g = b.Finish(b.Dense(b.Flatten(x), 10));
    const std::vector<NodeId> layers = LinearLayers(g);
    std::map<std::string, double> targets;
    for (const NodeId id : layers) targets[g.node(id).name] = 0.6;
    std::map<NodeId, std::vector<Block>> before;
    for (const NodeId id : layers) {
      const Value& w = g.value(g.node(id).inputs[1]);
      const int64_t channels = w.shape.front(), depth = w.shape.back();
      before[id] = Blocks(FloatData(w), channels, NumElements(w.shape) / (channels * depth), depth);
    }
    PruneBlocksPerLayer(g, targets);
    for (const NodeId id : layers) {
      SCOPED_TRACE(g.node(id).name + " " + std::to_string(out_c) + "x" + std::to_string(in_c));
      const Value& w = g.value(g.node(id).inputs[1]);
      const int64_t channels = w.shape.front(), depth = w.shape.back();
      if (g.node(id).attrs.GetInt("groups", 1) != 1) {  // weight by weight
        int64_t zeros = 0;
        for (const float v : FloatData(w)) zeros += v == 0.0f;
        EXPECT_EQ(zeros, static_cast<int64_t>(0.6 * static_cast<double>(NumElements(w.shape))));
        continue;
      }
      const std::vector<Block> after =
          Blocks(FloatData(w), channels, NumElements(w.shape) / (channels * depth), depth);
      const std::vector<Block>& was = before[id];
      int64_t zero = 0;
      double largest_pruned = 0, smallest_kept = INFINITY;
      for (size_t i = 0; i < after.size(); ++i) {
        if (after[i].zero) {
          ++zero;
          largest_pruned = std::max(largest_pruned, was[i].magnitude);
        } else {
          EXPECT_EQ(after[i].magnitude, was[i].magnitude);  // a block goes whole or stays whole
          smallest_kept = std::min(smallest_kept, was[i].magnitude);
        }
      }
      EXPECT_EQ(zero, std::llround(0.6 * static_cast<double>(after.size())));
      EXPECT_LE(largest_pruned, smallest_kept);
    }
  }
}

TEST(PruneBlocks, CompressedLayersSkipTheirZeroBlocks) {
  const Graph fp32 = zoo::BuildZooModel("convnet");
  const std::vector<float> calib = testing::RandomInputs(fp32, 2, 3);
  CompressOptions options;
  options.weights.type = WeightType::kTernary;
  options.prune = 0.75;
  options.prune_blocks = true;
  const Graph g = Compress(fp32, 1, options, calib.data(), 2).compressed;
  int checked = 0;
  for (const NodeId id : LinearLayers(g)) {
    const Node& node = g.node(id);
    const Value& w = g.value(node.inputs[1]);
    if (w.dtype != DType::kTernary || node.op != OpType::kConv2D) continue;
    // The runtime's view of the layer (ZeroBlockShare reads the levels).
    const int64_t channels = w.shape.front(), depth = w.shape.back();
    std::vector<int8_t> levels(static_cast<size_t>(NumElements(w.shape)));
    for (size_t i = 0; i < levels.size(); ++i) {
      const uint32_t code = (w.data->data()[i / 4] >> (2 * (i % 4))) & 3u;
      levels[i] = code == 0 ? 0 : 1;
    }
    Q8GemmLayer layer;
    layer.n = channels;
    layer.depth = depth;
    layer.taps = NumElements(w.shape) / (channels * depth);
    layer.levels = levels.data();
    EXPECT_GE(Q8GemmPlan::ZeroBlockShare(layer, 16, 4), 0.74) << node.name;
    ++checked;
  }
  EXPECT_GT(checked, 0);
  options.prune_global = true;
  EXPECT_THROW(Compress(fp32, 1, options, calib.data(), 2), Error);
}

}  // namespace
}  // namespace trit::quant
