// Constants folded into the layer before them, duplicate nodes merged and unread nodes removed
// (quant/fold_constants.h), each leaving the function as it was.
#include "quant/fold_constants.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "quant/fold.h"
#include "test_util.h"

namespace trit::quant {
namespace {

using testing::CountOps;

ValueId Constant(Graph& g, const std::string& name, const Shape& shape, uint32_t seed,
                 float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(lo, hi);
  std::vector<float> v(static_cast<size_t>(NumElements(shape)));
  for (float& e : v) e = u(rng);
  return g.AddConstant(name, DType::kF32, shape, Buffer::FromVector(v));
}

ValueId Conv(Graph& g, const std::string& name, ValueId x, ValueId w, ValueId b) {
  Attributes attrs;
  attrs.Set("pads", std::vector<int64_t>{1, 1, 1, 1});
  return g.AddNode(OpType::kConv2D, name, {x, w, b}, attrs);
}

// Both graphs' first output on the same random input: relative 1e-6 (a product by c folded
// into the weights rounds once where the graph rounded twice).
void ExpectSameFunction(const Graph& a, const Graph& b) {
  const std::vector<float> x = testing::RandomInputs(a, 1, 3);
  EXPECT_LT(testing::RelativeError(testing::RunOnce(a, x.data()), testing::RunOnce(b, x.data())),
            1e-6);
}

TEST(FoldConstants, PerChannelAndScalarConstantsGoIntoTheLayer) {
  Graph g;
  const ValueId x = g.AddInput("x", DType::kF32, {1, 6, 6, 3});
  const ValueId w = Constant(g, "w", {8, 3, 3, 3}, 1);
  const ValueId conv = Conv(g, "conv", x, w, Constant(g, "b", {8}, 2));
  // NHWC per-channel scale, as the importer writes an NCHW [1, C, 1, 1] constant.
  const ValueId scaled =
      g.AddNode(OpType::kMul, "scale", {Constant(g, "s", {1, 1, 1, 8}, 3), conv});
  const ValueId shifted = g.AddNode(OpType::kAdd, "shift", {scaled, Constant(g, "t", {}, 4)});
  const ValueId relu = g.AddNode(OpType::kRelu, "relu", {shifted});
  const ValueId flat = g.AddNode(OpType::kFlatten, "flat", {relu});
  const ValueId dense = g.AddNode(OpType::kDense, "dense", {flat, Constant(g, "wd", {5, 288}, 5)});
  const ValueId divided = g.AddNode(OpType::kDiv, "div", {dense, Constant(g, "d", {5}, 6, 1, 2)});
  g.MarkOutput(g.AddNode(OpType::kSub, "sub", {divided, Constant(g, "e", {1, 5}, 7)}));
  FoldReport report;
  const Graph folded = FoldForInference(g, &report);
  EXPECT_EQ(report.constants_folded, 4);
  EXPECT_EQ(report.activations_fused, 1);  // the ReLU now follows the conv directly
  for (const OpType op : {OpType::kMul, OpType::kAdd, OpType::kDiv, OpType::kSub, OpType::kRelu}) {
    EXPECT_EQ(CountOps(folded, op), 0) << OpTypeName(op);
  }
  EXPECT_NE(FoldSummary(report).find("folded 4 constant Mul/Div/Add/Sub"), std::string::npos);
  ExpectSameFunction(g, folded);
}

// What must stay: a constant that varies along another axis, c - v, a layer read twice, a
// layer with a fused activation. Shared weights are copied, not changed under the other layer.
TEST(FoldConstants, OnlyWhereTheLayerAbsorbsItExactly) {
  Graph g;
  const ValueId x = g.AddInput("x", DType::kF32, {1, 4, 4, 4});
  const ValueId w = Constant(g, "w", {4, 3, 3, 4}, 1);
  const ValueId b = Constant(g, "b", {4}, 2);
  const ValueId c1 = Conv(g, "c1", x, w, b);
  const ValueId spatial =
      g.AddNode(OpType::kMul, "spatial", {c1, Constant(g, "s", {1, 4, 1, 1}, 3)});
  const ValueId c2 = Conv(g, "c2", spatial, w, b);
  const ValueId reversed = g.AddNode(OpType::kSub, "reversed", {Constant(g, "r", {4}, 4), c2});
  const ValueId c3 = Conv(g, "c3", reversed, w, b);
  const ValueId twice = g.AddNode(OpType::kAdd, "twice", {c3, Constant(g, "t", {4}, 5)});
  const ValueId sum = g.AddNode(OpType::kAdd, "sum", {twice, c3});  // c3 has two readers
  Attributes relu;
  relu.Set("pads", std::vector<int64_t>{1, 1, 1, 1});
  relu.Set("activation", std::string("relu"));
  const ValueId c4 = g.AddNode(OpType::kConv2D, "c4", {sum, w, b}, relu);
  const ValueId after_relu = g.AddNode(OpType::kMul, "after_relu", {c4, Constant(g, "m", {4}, 6)});
  const ValueId c5 = Conv(g, "c5", after_relu, w, b);  // shares w and b; its Mul folds
  g.MarkOutput(g.AddNode(OpType::kMul, "last", {c5, Constant(g, "n", {4}, 7)}));
  FoldReport report;
  const Graph folded = FoldForInference(g, &report);
  EXPECT_EQ(report.constants_folded, 1);
  EXPECT_EQ(CountOps(folded, OpType::kMul), 2);
  EXPECT_EQ(CountOps(folded, OpType::kSub), 1);
  EXPECT_EQ(CountOps(folded, OpType::kAdd), 2);
  ExpectSameFunction(g, folded);
}

TEST(FoldConstants, DuplicatesAreComputedOnceAndUnreadNodesGo) {
  Graph g;
  const ValueId x = g.AddInput("x", DType::kF32, {2, 8});
  const ValueId s1 = g.AddNode(OpType::kSigmoid, "s1", {x});
  const ValueId s2 = g.AddNode(OpType::kSigmoid, "s2", {x});  // duplicate of s1
  Attributes clip_a, clip_b;
  clip_a.Set("min", 0.0f);
  clip_a.Set("max", 1.0f);
  clip_b.Set("min", 0.0f);
  clip_b.Set("max", 2.0f);
  const ValueId k1 = g.AddNode(OpType::kClip, "k1", {s1}, clip_a);
  const ValueId k2 = g.AddNode(OpType::kClip, "k2", {s2}, clip_a);  // duplicate once s2 is s1
  const ValueId k3 = g.AddNode(OpType::kClip, "k3", {s2}, clip_b);  // other attributes: stays
  const ValueId a = g.AddNode(OpType::kAdd, "a", {k1, k2});
  g.MarkOutput(g.AddNode(OpType::kAdd, "out", {a, k3}));
  const ValueId unread = g.AddNode(OpType::kTanh, "unread", {x});
  g.AddNode(OpType::kRelu, "unread_too", {unread});
  FoldReport report;
  const Graph folded = FoldForInference(g, &report);
  EXPECT_EQ(report.duplicates_merged, 2);
  EXPECT_EQ(report.dead_nodes_removed, 2);
  EXPECT_EQ(CountOps(folded, OpType::kSigmoid), 1);
  EXPECT_EQ(CountOps(folded, OpType::kClip), 2);
  EXPECT_EQ(CountOps(folded, OpType::kTanh), 0);
  EXPECT_EQ(CountOps(folded, OpType::kRelu), 0);
  ExpectSameFunction(g, folded);
}

}  // namespace
}  // namespace trit::quant
