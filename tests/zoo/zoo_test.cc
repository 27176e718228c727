#include "zoo/zoo.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "format/model_file.h"
#include "zoo/model_spec.h"

namespace trit::zoo {
namespace {

struct Totals {
  int64_t parameters = 0, macs = 0;
};

Totals Count(const Graph& g) {
  Totals t;
  for (const Node& node : g.nodes()) {
    const NodeCost cost = ComputeNodeCost(g, node);
    t.parameters += cost.parameters;
    t.macs += cost.macs;
  }
  return t;
}

TEST(Zoo, LeNet5ExactCounts) {
  // conv 5*5*1*6+6 = 156; conv 5*5*6*16+16 = 2416; fc 400*120+120 = 48120;
  // fc 120*84+84 = 10164; fc 84*10+10 = 850: 61706 parameters.
  // MACs: 28*28*6*25 = 117600; 10*10*16*150 = 240000; 48000 + 10080 + 840: 416520.
  const Totals t = Count(BuildLeNet5(1));
  EXPECT_EQ(t.parameters, 61706);
  EXPECT_EQ(t.macs, 416520);
}

TEST(Zoo, ConvNetMatchesDeepChip) {
  // conv0 3600+48, conv1 27648, conv2 36864, conv3 73728, conv4 147456, conv5 147456,
  // conv6 1638400, 6 BN layers x 4 x C (64,64,128,128,128,512) = 4096, fc 5120+10:
  // 2084426 parameters (DeepChip: about 2.08 M).
  // MACs: 36*36*48*75 + 18*18*64*432 + 18*18*64*576 + 7*7*128*576 + 7*7*128*1152
  //       + 5*5*128*1152 + 512*3200 + 5120 = 41735424 (about 42 M).
  const Totals t = Count(BuildConvNet(1));
  EXPECT_EQ(t.parameters, 2084426);
  EXPECT_EQ(t.macs, 41735424);
}

TEST(Zoo, ResNet44MatchesThePaper) {
  // 7 blocks per stage. Conv weights: 3*3*3*16 = 432; stage 1: 14 * 2304;
  // stage 2: 3*3*16*32 + 13 * 9216; stage 3: 3*3*32*64 + 13 * 36864; fc 640+10.
  // Plus BatchNorm (4 per channel). He et al. report 0.66 M.
  const Totals t = Count(BuildResNet(44, 1));
  EXPECT_EQ(t.parameters, 661754);
  EXPECT_NEAR(t.parameters / 1e6, 0.66, 0.005);
  // 32*32*16*27 + 14*32*32*16*144 + (16*16*32*144 + 13*16*16*32*288)
  // + (8*8*64*288 + 13*8*8*64*576) + 640 = 97174144 (about 97 M).
  EXPECT_EQ(t.macs, 97174144);
}

TEST(Zoo, ResNetDepths) {
  for (int depth : {20, 32, 56}) {
    const Graph g = BuildResNet(depth, 1);
    EXPECT_NO_THROW(g.Validate());
  }
  EXPECT_NEAR(Count(BuildResNet(20, 1)).parameters / 1e6, 0.27, 0.005);
  EXPECT_NEAR(Count(BuildResNet(56, 1)).parameters / 1e6, 0.85, 0.01);
  EXPECT_THROW(BuildResNet(21, 1), Error);
}

TEST(Zoo, AlexNetHas61MillionParameters) {
  // conv 23296 + 307392 + 663936 + 884992 + 590080; fc 37752832 + 16781312 + 4097000.
  const Totals t = Count(BuildAlexNet(1));
  EXPECT_EQ(t.parameters, 61100840);
}

TEST(Zoo, MlpCounts) {
  EXPECT_EQ(Count(BuildMlp(1)).parameters, 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10);
}

TEST(Zoo, DeterministicWeights) {
  EXPECT_EQ(format::SerializeModel(BuildConvNet(7)), format::SerializeModel(BuildConvNet(7)));
  EXPECT_NE(format::SerializeModel(BuildConvNet(7)), format::SerializeModel(BuildConvNet(8)));
}

TEST(Zoo, UnknownNameListsTheKnownOnes) {
  try {
    BuildZooModel("resnet45");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("resnet44"), std::string::npos);
  }
}

TEST(Zoo, JsonSpecBuildsTheNetworkItDescribes) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "trit_spec_test.json").string();
  std::ofstream(path) << R"({"input": [28, 28, 1], "layers": [
      {"conv": 8, "kernel": 3, "padding": "same", "bias": false}, {"batchnorm": true},
      {"relu": true}, {"maxpool": 2}, {"conv": 16, "kernel": 5, "padding": "valid"},
      {"globalavgpool": true}, {"flatten": true}, {"dropout": 0.2}, {"dense": 10}]})";
  const Graph g = BuildFromSpecFile(path);
  // conv 3*3*1*8 + BN 4*8 + conv 5*5*8*16 + 16 + dense 16*10 + 10.
  EXPECT_EQ(Count(g).parameters, 72 + 32 + 3200 + 16 + 170);
  EXPECT_EQ(g.value(g.outputs()[0]).shape, (Shape{1, 10}));
  std::ofstream(path) << R"({"input": [28, 28, 1], "layers": [{"convolution": 8}]})";
  try {
    BuildFromSpecFile(path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("layer 0: unknown layer"), std::string::npos) << e.what();
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace trit::zoo
