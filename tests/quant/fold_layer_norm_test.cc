// LayerNorm spelled out (quant/fold_layer_norm.h) becomes one LayerNorm node computing what the
// spelled-out graph does; near misses stay as they are.
#include "quant/fold_layer_norm.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "quant/fold.h"
#include "test_util.h"

namespace trit::quant {
namespace {

using testing::CountOps;

struct Spelled {
  bool pow = true;            // c^2 as Pow(c, 2), else Mul(c, c)
  bool affine = true;         // the Mul by scale and Add of bias
  int64_t axis = -1;          // the ReduceMeans' one axis
  bool extra_reader = false;  // c also read by another node
};

// x [2, 5, 16] -> the LayerNorm of PyTorch's opset-13 export, with `s`'s variations.
Graph Build(const Spelled& s) {
  Graph g;
  const ValueId x = g.AddInput("x", DType::kF32, {2, 5, 16});
  Attributes reduce;
  reduce.Set("axes", std::vector<int64_t>{s.axis});
  reduce.Set("keepdims", int64_t{1});
  const auto scalar = [&](const std::string& name, float v) {
    return g.AddConstant(name, DType::kF32, {}, Buffer::FromVector(std::vector<float>{v}));
  };
  const ValueId mean = g.AddNode(OpType::kReduceMean, "mean", {x}, reduce);
  const ValueId c = g.AddNode(OpType::kSub, "sub", {x, mean});
  const ValueId sq = s.pow ? g.AddNode(OpType::kPow, "pow", {c, scalar("two", 2.0f)})
                           : g.AddNode(OpType::kMul, "square", {c, c});
  const ValueId var = g.AddNode(OpType::kReduceMean, "var", {sq}, reduce);
  const ValueId shifted = g.AddNode(OpType::kAdd, "add_eps", {var, scalar("eps", 1e-5f)});
  const ValueId dev = g.AddNode(OpType::kSqrt, "sqrt", {shifted});
  ValueId y = g.AddNode(OpType::kDiv, "div", {c, dev});
  if (s.affine) {
    std::mt19937 rng(3);
    std::uniform_real_distribution<float> u(0.5f, 1.5f);
    std::vector<float> gamma(16), beta(16);
    for (float& v : gamma) v = u(rng);
    for (float& v : beta) v = u(rng) - 1.0f;
    y = g.AddNode(OpType::kMul, "scale",
                  {y, g.AddConstant("gamma", DType::kF32, {16}, Buffer::FromVector(gamma))});
    y = g.AddNode(OpType::kAdd, "bias",
                  {g.AddConstant("beta", DType::kF32, {1, 1, 16}, Buffer::FromVector(beta)), y});
  }
  if (s.extra_reader) y = g.AddNode(OpType::kAdd, "extra", {y, c});
  g.MarkOutput(y);
  return g;
}

void ExpectFolds(const Graph& g, int expected) {
  FoldReport report;
  const Graph folded = FoldForInference(g, &report);
  EXPECT_EQ(report.layer_norms_fused, expected);
  EXPECT_EQ(CountOps(folded, OpType::kLayerNorm), expected);
  if (expected > 0) {
    EXPECT_EQ(CountOps(folded, OpType::kReduceMean), 0);
    EXPECT_NE(FoldSummary(report).find("fused 1 LayerNorm"), std::string::npos);
  }
  std::vector<float> x = testing::RandomInputs(g, 1, 4);
  for (size_t i = 0; i < x.size(); ++i) x[i] = 3.0f * x[i] + static_cast<float>(i % 7);
  EXPECT_LT(
      testing::RelativeError(testing::RunOnce(g, x.data()), testing::RunOnce(folded, x.data())),
      1e-6);
}

TEST(FoldLayerNorm, PyTorchsSpelledOutForm) { ExpectFolds(Build({}), 1); }

TEST(FoldLayerNorm, SquareAsAProductAndNoScaleOrBias) {
  ExpectFolds(Build({.pow = false, .affine = false}), 1);
}

TEST(FoldLayerNorm, NearMissesStay) {
  ExpectFolds(Build({.axis = 1}), 0);             // not the trailing axis
  ExpectFolds(Build({.extra_reader = true}), 0);  // x - mean read elsewhere
}

}  // namespace
}  // namespace trit::quant
