#include "quant/fold.h"

#include <gtest/gtest.h>

#include <cmath>

#include "test_util.h"
#include "zoo/zoo.h"

namespace trit::quant {
namespace {

int CountOps(const Graph& g, OpType op) {
  int n = 0;
  for (const Node& node : g.nodes()) n += node.op == op;
  return n;
}

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

TEST(Fold, PreActivationResNetFoldsOnlyWhatFollowsAConv) {
  const Graph fp32 = zoo::BuildZooModel("resnet20");
  FoldReport report;
  const Graph folded = FoldForInference(fp32, &report);
  // Pre-activation blocks: BN-ReLU-conv-BN-ReLU-conv + shortcut. Only the BN right after a
  // block's first conv follows a conv (9 blocks); the BNs after an Add stay, and so do the
  // ReLUs after them.
  EXPECT_EQ(report.batch_norms_folded, 9);
  EXPECT_EQ(CountOps(folded, OpType::kBatchNorm), CountOps(fp32, OpType::kBatchNorm) - 9);
  EXPECT_GT(CountOps(folded, OpType::kRelu), 0);
  const std::vector<float> x = testing::RandomInputs(fp32, 1, 9);
  EXPECT_LT(
      testing::RelativeError(testing::RunOnce(fp32, x.data()), testing::RunOnce(folded, x.data())),
      1e-5);
}

}  // namespace
}  // namespace trit::quant
