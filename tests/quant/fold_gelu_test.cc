// GELU spelled out (quant/fold_gelu.h): each form exporters write becomes one Gelu node that
// computes what the spelled-out graph does, and near misses stay as they are.
#include "quant/fold_gelu.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "quant/fold.h"
#include "test_util.h"

namespace trit::quant {
namespace {

constexpr float kSqrt2 = 1.41421356237309505f;
constexpr float kSqrtHalf = 0.70710678118654752f;
constexpr float kBeta = 0.79788456080286536f;  // sqrt(2 / pi)

class GeluGraph {
 public:
  GeluGraph() { x = g.AddInput("x", DType::kF32, {1, 3, 5, 16}); }
  ValueId Scalar(float v) {
    return g.AddConstant(std::string("c").append(std::to_string(constants_++)), DType::kF32, {},
                         Buffer::FromVector(std::vector<float>{v}));
  }
  ValueId Op(OpType op, std::vector<ValueId> inputs) {
    return g.AddNode(op, std::string("n").append(std::to_string(nodes_++)), inputs);
  }
  ValueId Mul(ValueId a, ValueId b) { return Op(OpType::kMul, {a, b}); }
  ValueId Add(ValueId a, ValueId b) { return Op(OpType::kAdd, {a, b}); }
  // 1 + Erf(x / sqrt 2), the division as PyTorch writes it.
  ValueId OnePlusErf(ValueId v) {
    return Add(Op(OpType::kErf, {Op(OpType::kDiv, {v, Scalar(kSqrt2)})}), Scalar(1.0f));
  }
  // 1 + Tanh(sqrt(2/pi) (x + 0.044715 x^3)), x^3 as x * x * x.
  ValueId OnePlusTanh(ValueId v) {
    const ValueId cube = Mul(Mul(v, v), v);
    const ValueId inner = Add(v, Mul(Scalar(0.044715f), cube));
    return Add(Scalar(1.0f), Op(OpType::kTanh, {Mul(inner, Scalar(kBeta))}));
  }

  Graph g;
  ValueId x;

 private:
  int constants_ = 0, nodes_ = 0;
};

using testing::CountOps;

// Folds `graph`, expects `gelus` Gelu nodes (and `tanh_gelus` of them the tanh form), and
// compares the outputs on random inputs in [-8, 8]: within 1e-6 (1 + |y|) element by element,
// the spelled-out graph's own error (1 + erf(x) cancels where x is negative).
void ExpectFolds(const Graph& graph, int gelus, int tanh_gelus) {
  FoldReport report;
  const Graph folded = FoldForInference(graph, &report);
  EXPECT_EQ(report.gelus_fused, gelus);
  EXPECT_EQ(CountOps(folded, OpType::kGelu), gelus);
  int tanh_form = 0;
  for (const Node& node : folded.nodes()) {
    if (node.op != OpType::kGelu) continue;
    ASSERT_EQ(node.inputs.size(), 1u);
    tanh_form += node.attrs.GetString("approximate", "none") == "tanh";
  }
  EXPECT_EQ(tanh_form, tanh_gelus);
  if (gelus > 0) {
    EXPECT_NE(FoldSummary(report).find("fused " + std::to_string(gelus) + " GELU"),
              std::string::npos);
  }
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(-8.0f, 8.0f);
  std::vector<float> x(static_cast<size_t>(NumElements(graph.value(graph.inputs()[0]).shape)));
  for (float& v : x) v = u(rng);
  const std::vector<float> want = testing::RunOnce(graph, x.data());
  const std::vector<float> got = testing::RunOnce(folded, x.data());
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_NEAR(got[i], want[i], 1e-6 * (1 + std::fabs(want[i]))) << "element " << i;
  }
}

TEST(FoldGelu, PyTorchsErfForm) {
  GeluGraph b;  // (x * (1 + erf(x / sqrt 2))) * 0.5
  b.g.MarkOutput(b.Mul(b.Mul(b.x, b.OnePlusErf(b.x)), b.Scalar(0.5f)));
  ExpectFolds(b.g, 1, 0);
}

TEST(FoldGelu, ErfFormInOtherOrdersAndWithAProductBySqrtHalf) {
  GeluGraph b;
  // TensorFlow: (0.5 * x) * (1 + erf(x * 1/sqrt 2)), the Add as erf + 1.
  const ValueId erf = b.Op(OpType::kErf, {b.Mul(b.x, b.Scalar(kSqrtHalf))});
  const ValueId y1 = b.Mul(b.Mul(b.Scalar(0.5f), b.x), b.Add(erf, b.Scalar(1.0f)));
  // x * (0.5 * (1 + erf(y1 / sqrt 2))), on the first GELU's output.
  const ValueId y2 = b.Mul(y1, b.Mul(b.Scalar(0.5f), b.OnePlusErf(y1)));
  b.g.MarkOutput(y2);
  ExpectFolds(b.g, 2, 0);
}

TEST(FoldGelu, TanhFormWithACubeOrAPow) {
  GeluGraph b;
  const ValueId y1 = b.Mul(b.Scalar(0.5f), b.Mul(b.x, b.OnePlusTanh(b.x)));
  // The second spells x^3 as Pow(x, 3) and sums x^3 * kappa + x.
  const ValueId cube = b.Op(OpType::kPow, {y1, b.Scalar(3.0f)});
  const ValueId inner = b.Add(b.Mul(cube, b.Scalar(0.044715f)), y1);
  const ValueId gate = b.Op(OpType::kTanh, {b.Mul(b.Scalar(kBeta), inner)});
  b.g.MarkOutput(b.Mul(b.Mul(y1, b.Add(gate, b.Scalar(1.0f))), b.Scalar(0.5f)));
  ExpectFolds(b.g, 2, 2);
}

// GEGLU: gelu(a) * b is a product of four factors; the GELU inside it still folds.
TEST(FoldGelu, InsideALargerProduct) {
  GeluGraph b;
  const ValueId other = b.g.AddInput("other", DType::kF32, {1, 3, 5, 16});
  const ValueId gelu = b.Mul(b.Mul(b.x, b.OnePlusErf(b.x)), b.Scalar(0.5f));
  b.g.MarkOutput(b.Mul(gelu, other));
  FoldReport report;
  const Graph folded = FoldForInference(b.g, &report);
  EXPECT_EQ(report.gelus_fused, 1);
  EXPECT_EQ(CountOps(folded, OpType::kMul), 1);
}

// Near misses stay spelled out: another constant, a gate on another tensor, an intermediate
// that something else reads.
TEST(FoldGelu, NearMissesStay) {
  {
    GeluGraph b;  // 0.6, not 0.5
    b.g.MarkOutput(b.Mul(b.Mul(b.x, b.OnePlusErf(b.x)), b.Scalar(0.6f)));
    ExpectFolds(b.g, 0, 0);
  }
  {
    GeluGraph b;  // x * (1 + erf(y / sqrt 2)) * 0.5 with y another tensor
    const ValueId y = b.Op(OpType::kRelu, {b.x});
    b.g.MarkOutput(b.Mul(b.Mul(b.x, b.OnePlusErf(y)), b.Scalar(0.5f)));
    ExpectFolds(b.g, 0, 0);
  }
  {
    GeluGraph b;  // the Erf is also a graph output
    const ValueId erf = b.Op(OpType::kErf, {b.Op(OpType::kDiv, {b.x, b.Scalar(kSqrt2)})});
    b.g.MarkOutput(b.Mul(b.Mul(b.x, b.Add(erf, b.Scalar(1.0f))), b.Scalar(0.5f)));
    b.g.MarkOutput(erf);
    ExpectFolds(b.g, 0, 0);
  }
  {
    GeluGraph b;  // the tanh form with 0.05 for 0.044715
    const ValueId cube = b.Mul(b.Mul(b.x, b.x), b.x);
    const ValueId inner = b.Add(b.x, b.Mul(b.Scalar(0.05f), cube));
    const ValueId gate = b.Op(OpType::kTanh, {b.Mul(inner, b.Scalar(kBeta))});
    b.g.MarkOutput(b.Mul(b.Mul(b.x, b.Add(gate, b.Scalar(1.0f))), b.Scalar(0.5f)));
    ExpectFolds(b.g, 0, 0);
  }
}

}  // namespace
}  // namespace trit::quant
